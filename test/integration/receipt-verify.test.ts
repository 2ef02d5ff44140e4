/**
 * Signed, encrypted receipts on real parts (terminal + issuer-sim over HTTP + SQLite + the real
 * CLI): the verification code the issuer recomputes, the CTR1 QR that fits a 58 mm receipt,
 * `cardtill verify-receipt` genuine with the store's details, and one changed character anywhere
 * in the QR → forged.
 */
import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import QRCode from 'qrcode';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../helpers/app';
import { demoCard } from '../../src/issuer-sim/demo-cards';
import { verifyReceiptQr } from '../../src/main/receipt/verify-receipt';
import { parseReceiptQr } from '../../src/main/receipt/qr';
import { base32Decode, base32Encode } from '../../src/main/receipt/base32';
import type { ReceiptDoc } from '../../src/shared/receipt-doc';

const run = promisify(execFile);
const CLI = path.resolve('bin/cardtill.mjs');
const ACTIVE = demoCard('active');

let t: TestApp;
let doc: ReceiptDoc;
let qr: string;
let code: string;
let stan: number;
let balance: number;

async function cli(args: string[]): Promise<{ code: number; out: string }> {
  try {
    const r = await run(process.execPath, [CLI, ...args], {
      env: { ...process.env, CARDTILL_KEY_PASSPHRASE: 'test-passphrase' },
    });
    return { code: 0, out: r.stdout };
  } catch (e) {
    const err = e as { code: number; stdout: string; stderr: string };
    return { code: err.code, out: `${err.stdout}${err.stderr}` };
  }
}

const storeKeys = () => ({
  terminalId: t.app.config.terminalId,
  publicKeys: t.app.keys.publicKeys,
  verifierFor: t.app.keys.verifierFor,
  dataKey: t.app.keys.dataKey,
  receiptKey: t.app.keys.receiptKey,
});

beforeAll(async () => {
  t = await startTestApp();
  await t.signIn();
  const r = await t.call('sale.authorize', { cardToken: await t.card(ACTIVE.pan), amountFen: 1250 });
  expect(r.status).toBe('approved');
  stan = r.stan;
  balance = r.balanceFen!;
  doc = (await t.call('receipt.get', { stan })).doc;
  const q = doc.lines.find((l) => l.type === 'qr');
  const c = doc.lines.find((l) => l.type === 'pair' && l.left.includes('CODE'));
  qr = q && q.type === 'qr' ? q.data : '';
  code = c && c.type === 'pair' ? c.right : '';
});
afterAll(async () => {
  await t.close();
});

describe('signed, encrypted receipts', () => {
  it('the receipt carries an 8-digit code and a CTR1 QR that prints on 58 mm (≤ version 10 at level M)', () => {
    expect(code).toMatch(/^\d{4} \d{4}$/);
    expect(qr).toMatch(/^CTR1[A-Z2-7]+$/);
    const sym = QRCode.create(qr, { errorCorrectionLevel: 'M' });
    console.log(`receipt QR: ${qr.length} characters, version ${sym.version}-M, ${sym.modules.size} modules`);
    expect(sym.version).toBeLessThanOrEqual(10);
    const q = doc.lines.find((l) => l.type === 'qr')!;
    const dots = (sym.modules.size + 8) * (q.type === 'qr' ? (q.size ?? 6) : 6);
    expect(dots).toBeLessThanOrEqual(384); // 58 mm printers: 384 dots a line
    // The scanner codec passes it through as a receipt scan.
    expect(qr.startsWith('CTR1')).toBe(true);
  });

  it('is genuine with the store keys; details decrypt; the code matches the printed one; a reprint has the same details', async () => {
    const v = verifyReceiptQr(qr, storeKeys());
    expect(v).toMatchObject({
      genuine: true,
      terminalId: t.app.config.terminalId,
      keyVersion: 1,
      stan,
      code,
    });
    expect(v.genuine && v.details).toMatchObject({
      merchantId: t.app.config.merchantId,
      stan,
      type: 'sale',
      status: 'approved',
      amountFen: 1250,
      balanceFen: balance,
      last4: '0017',
      offline: false,
    });
    // A reprint carries the same details and code; only the (randomized) SM2 signature differs.
    const copy = (await t.call('receipt.get', { stan })).doc.lines.find((l) => l.type === 'qr');
    const again = verifyReceiptQr(copy && copy.type === 'qr' ? copy.data : '', storeKeys());
    expect(again).toMatchObject({ genuine: true, code });
    expect(again.genuine && again.details).toEqual(v.genuine && v.details);
    // Without the data key: still genuine, details hidden. Another terminal id: not ours.
    expect(verifyReceiptQr(qr, { publicKeys: t.app.keys.publicKeys })).toEqual({
      genuine: true,
      terminalId: t.app.config.terminalId,
      keyVersion: 1,
      stan,
    });
    expect(verifyReceiptQr(qr, { ...storeKeys(), terminalId: 'T0000999' })).toMatchObject({
      genuine: false,
      reason: 'unknown-terminal',
    });
  });

  it('the issuer recomputes the verification code from the transaction (and rejects a changed amount or code)', async () => {
    const v = verifyReceiptQr(qr, storeKeys());
    if (!v.genuine || !v.details) throw new Error('not genuine');
    const d = v.details;
    const check = async (over: Record<string, unknown>) => {
      const res = await fetch(`${t.app.issuerSim!.url}/admin/receipt-check`, {
        method: 'POST',
        body: JSON.stringify({
          terminalId: d.terminalId,
          stan: d.stan,
          type: d.type,
          status: d.status,
          amountFen: d.amountFen,
          balanceFen: d.balanceFen,
          time: d.time,
          code,
          ...over,
        }),
      });
      return ((await res.json()) as { valid: boolean }).valid;
    };
    expect(await check({})).toBe(true);
    expect(await check({ amountFen: 12500 })).toBe(false);
    expect(await check({ code: code.replace(/\d$/, (x) => String((Number(x) + 1) % 10)) })).toBe(false);
  });

  it('one changed character at ANY position → forged', () => {
    const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
    const keys = storeKeys();
    for (let i = 0; i < qr.length; i++) {
      const c = qr[i]!;
      const other = i < 4 ? (c === 'X' ? 'Y' : 'X') : alphabet[(alphabet.indexOf(c) + 1 + (i % 31)) % 32]!;
      const forged = qr.slice(0, i) + other + qr.slice(i + 1);
      expect(verifyReceiptQr(forged, keys).genuine, `position ${i}: ${c}→${other}`).toBe(false);
    }
    // Also lower case, a dropped and an added character.
    expect(verifyReceiptQr(qr.toLowerCase(), keys).genuine).toBe(false);
    expect(verifyReceiptQr(qr.slice(0, -1), keys).genuine).toBe(false);
    expect(verifyReceiptQr(`${qr}A`, keys).genuine).toBe(false);
  });

  it('a re-signed QR with changed details but someone else’s key is forged; garbage never throws', () => {
    const q = parseReceiptQr(qr)!;
    expect(q).toBeTruthy();
    const raw = base32Decode(qr.slice(4))!;
    raw[raw.length - 70] ^= 0x40; // inside the ciphertext
    expect(verifyReceiptQr(`CTR1${base32Encode(raw)}`, storeKeys())).toMatchObject({
      genuine: false,
      reason: 'signature',
    });
    for (const junk of ['', 'CTR1', 'CTR1AAAA', 'CT1:123', 'CTR1' + 'A'.repeat(900), '\u0000CTR1']) {
      expect(verifyReceiptQr(junk, storeKeys()).genuine).toBe(false);
    }
  });

  it('cardtill verify-receipt: genuine with the decrypted details (exit 0), one character changed → FORGED (exit 1)', async () => {
    const ok = await cli(['verify-receipt', '--data-dir', t.dataDir, qr]);
    expect(ok.code).toBe(0);
    expect(ok.out).toContain('GENUINE');
    expect(ok.out).toContain('¥12.50');
    expect(ok.out).toContain('**** 0017');
    expect(ok.out).toContain(code);
    const i = Math.floor(qr.length / 2);
    const bad = await cli([
      'verify-receipt',
      '--data-dir',
      t.dataDir,
      qr.slice(0, i) + (qr[i] === 'A' ? 'B' : 'A') + qr.slice(i + 1),
    ]);
    expect(bad.code).toBe(1);
    expect(bad.out).toContain('FORGED');
    const json = await cli(['verify-receipt', '--json', '--data-dir', t.dataDir, qr]);
    expect(JSON.parse(json.out)).toMatchObject({ genuine: true, stan, details: { amountFen: 1250 } });
  });
});
