/**
 * Terminal keys on real parts: rotation (the new version is enrolled with the issuer-sim over
 * HTTP on the next start, sales go on, old journal records and receipts still verify, the receipt
 * code key survives), and a key file opened with the wrong passphrase → a typed error, never a
 * half-working terminal.
 */
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { startTestApp, tempDir } from '../helpers/app';
import { demoCard } from '../../src/issuer-sim/demo-cards';
import { CryptoError, sm2PublicKeyFromPem, toHex } from '../../src/main/crypto';
import {
  loadOrCreateTerminalKeys,
  openStoreKeys,
  rotateTerminalKey,
} from '../../src/main/keys/terminal-keys';
import { verifyJournal } from '../../src/main/journal/verify';
import { verifyReceiptQr } from '../../src/main/receipt/verify-receipt';
import type { TestApp } from '../helpers/app';

const run = promisify(execFile);
const CLI = path.resolve('bin/cardtill.mjs');
const SECRET = { kind: 'passphrase' as const, secret: 'test-passphrase' };
const WRONG = { kind: 'passphrase' as const, secret: 'not-the-passphrase' };
const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) fs.rmSync(d, { recursive: true, force: true });
});

async function saleQr(t: TestApp, amountFen: number): Promise<{ stan: number; qr: string; code: string }> {
  const r = await t.call('sale.authorize', { cardToken: await t.card(demoCard('active').pan), amountFen });
  expect(r.status).toBe('approved');
  const doc = (await t.call('receipt.get', { stan: r.stan })).doc;
  const q = doc.lines.find((l) => l.type === 'qr');
  const c = doc.lines.find((l) => l.type === 'pair' && l.left.includes('CODE'));
  return { stan: r.stan, qr: q?.type === 'qr' ? q.data : '', code: c?.type === 'pair' ? c.right : '' };
}

async function cli(args: string[], pass = 'test-passphrase'): Promise<{ code: number; out: string }> {
  try {
    const r = await run(process.execPath, [CLI, ...args], {
      env: { ...process.env, CARDTILL_KEY_PASSPHRASE: pass },
    });
    return { code: 0, out: r.stdout };
  } catch (e) {
    const err = e as { code: number; stdout: string; stderr: string };
    return { code: err.code, out: `${err.stdout}${err.stderr}` };
  }
}

describe('terminal key rotation', () => {
  it('enrols the new version with the issuer; old records and receipts still verify', async () => {
    const dataDir = tempDir();
    dirs.push(dataDir);
    const t1 = await startTestApp({ dataDir });
    await t1.signIn();
    const tid = t1.app.config.terminalId;
    const v1Pub = toHex(t1.app.keys.publicKey);
    expect(t1.app.issuerSim!.ledger.terminalKey(tid, 1)).toBe(v1Pub);
    const old = await saleQr(t1, 500);
    await t1.app.close();

    // Rotate as an operator would: the CLI, with the terminal's passphrase.
    const rot = await cli(['keys', 'rotate', '--data-dir', dataDir]);
    expect(rot.code, rot.out).toBe(0);
    expect(rot.out).toContain('version 2');

    const t2 = await startTestApp({ dataDir });
    try {
      await t2.signIn();
      expect(t2.app.keys.keyVersion).toBe(2);
      const v2Pub = toHex(t2.app.keys.publicKey);
      expect(v2Pub).not.toBe(v1Pub);
      // Enrolled: the issuer has both versions and accepts requests signed by v2.
      expect(t2.app.issuerSim!.ledger.terminalKey(tid, 2)).toBe(v2Pub);
      expect(t2.app.issuerSim!.ledger.terminalKey(tid, 1)).toBe(v1Pub);
      expect(
        (
          t2.app.db.prepare("SELECT value FROM meta WHERE key = 'enrolled_key_version'").get() as {
            value: string;
          }
        ).value,
      ).toBe('2');
      const fresh = await saleQr(t2, 700);

      // The journal holds both versions and verifies end to end.
      const versions = (
        t2.app.db.prepare('SELECT DISTINCT key_version AS v FROM journal ORDER BY v').all() as Array<{
          v: number;
        }>
      ).map((r) => r.v);
      expect(versions).toEqual([1, 2]);
      expect(verifyJournal(t2.app.db, t2.app.keys)).toMatchObject({ ok: true });

      // Receipts: the old one (v1) and the new one (v2) are genuine; the code key did not change.
      const keys = {
        terminalId: tid,
        publicKeys: t2.app.keys.publicKeys,
        dataKey: t2.app.keys.dataKey,
        receiptKey: t2.app.keys.receiptKey,
      };
      expect(verifyReceiptQr(old.qr, keys)).toMatchObject({
        genuine: true,
        keyVersion: 1,
        stan: old.stan,
        code: old.code,
      });
      expect(verifyReceiptQr(fresh.qr, keys)).toMatchObject({
        genuine: true,
        keyVersion: 2,
        stan: fresh.stan,
        code: fresh.code,
      });

      // PEMs: current = v2, --version 1 = the old key.
      const cur = await cli(['keys', 'public', '--data-dir', dataDir]);
      const v1 = await cli(['keys', 'public', '--version', '1', '--data-dir', dataDir]);
      expect(toHex(sm2PublicKeyFromPem(cur.out))).toBe(v2Pub);
      expect(toHex(sm2PublicKeyFromPem(v1.out))).toBe(v1Pub);
      expect((await cli(['keys', 'public', '--version', '7', '--data-dir', dataDir])).code).toBe(1);
    } finally {
      await t2.app.close();
    }
  });
});

describe('key file without the right passphrase', () => {
  it('is a typed WRONG_PASSPHRASE error everywhere, and nothing is overwritten', async () => {
    const dataDir = tempDir();
    dirs.push(dataDir);
    const keys = loadOrCreateTerminalKeys(dataDir, SECRET);
    const before = fs.readFileSync(path.join(dataDir, 'keys', 'terminal-key-v1.json'), 'utf8');
    const wrong = (f: () => unknown) => {
      try {
        f();
      } catch (e) {
        return e instanceof CryptoError ? e.code : `not a CryptoError: ${String(e)}`;
      }
      return 'no error';
    };
    expect(wrong(() => loadOrCreateTerminalKeys(dataDir, WRONG))).toBe('WRONG_PASSPHRASE');
    expect(wrong(() => openStoreKeys(dataDir, WRONG))).toBe('WRONG_PASSPHRASE');
    expect(wrong(() => rotateTerminalKey(dataDir, WRONG))).toBe('WRONG_PASSPHRASE');
    expect(fs.readFileSync(path.join(dataDir, 'keys', 'terminal-key-v1.json'), 'utf8')).toBe(before);
    expect(fs.existsSync(path.join(dataDir, 'keys', 'terminal-key-v2.json'))).toBe(false);
    // The app refuses to start rather than run with a key it cannot open.
    await expect(startTestApp({ dataDir, keySecret: WRONG })).rejects.toMatchObject({
      code: 'WRONG_PASSPHRASE',
    });
    // The right one still opens the same key.
    expect(toHex(loadOrCreateTerminalKeys(dataDir, SECRET).publicKey)).toBe(keys.publicKeyHex);
  });
});
