/**
 * `cardtill keys tmk --issuer ID` as the technician runs it (bin/cardtill.mjs as a child process):
 * the TMK on standard input, checked against its check value, sealed under the data key in
 * keys/tmk-<ID>.json (never in clear); a typo is refused with a bilingual message, exit 2, nothing
 * written. The sealed key is what the app's iso8583-cup entry opens (loadTmk), and only for that
 * entry and the config's tmkCheck.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { tempDir } from '../helpers/app';
import { loadOrCreateTerminalKeys } from '../../src/main/keys/terminal-keys';
import { KEYSETS } from '../../src/main/issuer/iso8583/keysets';
import { loadTmk, tmkFile } from '../../src/main/issuer/iso8583/tmk';
import { toHex } from '../../src/main/crypto/bytes';
import { openTerminalDb } from '../../src/main/store/terminal-db';

/** The terminal database's audit rows of TMK entries: [action, outcome, operator, detail]. */
function tmkAudit(dataDir: string): string[][] {
  const db = openTerminalDb(dataDir, { readonly: true });
  try {
    return (
      db
        .prepare(
          "SELECT action, outcome, operator_id, detail FROM audit_log WHERE action LIKE 'keys.tmk.%' ORDER BY id",
        )
        .all() as Array<Record<string, string>>
    ).map((r) => [r.action!, r.outcome!, r.operator_id!, r.detail!]);
  } finally {
    db.close();
  }
}

const PASS = 'tmk-cli-passphrase';
// The page's vector: this key's 3DES check value is 08D7B4FB.
const TMK = '0123456789ABCDEFFEDCBA9876543210';
const CHECK = '08D7B4FB';
const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => fs.rmSync(d, { recursive: true, force: true })));

function terminal(): { dataDir: string; config: string; dataKey: Uint8Array } {
  const dataDir = tempDir();
  dirs.push(dataDir);
  const keys = loadOrCreateTerminalKeys(dataDir, { kind: 'passphrase', secret: PASS });
  const config = path.join(dataDir, 'config.json');
  fs.writeFileSync(
    config,
    JSON.stringify({
      issuers: [
        {
          id: 'home',
          name: 'Home issuer',
          url: 'http://127.0.0.1:1',
          publicKey: '04' + 'ab'.repeat(64),
          cardRanges: [''],
        },
        {
          id: 'cup',
          name: 'CUP host',
          protocol: 'iso8583-cup',
          url: 'tcp://127.0.0.1:5000',
          iso8583: { keySet: '3des', tmkCheck: CHECK },
          cardRanges: ['888802'],
        },
      ],
    }),
  );
  return { dataDir, config, dataKey: keys.dataKey };
}

function tmkCli(args: string[], stdin: string): Promise<{ code: number | null; out: string; err: string }> {
  return new Promise((resolve) => {
    const env = { ...process.env, CARDTILL_KEY_PASSPHRASE: PASS };
    const c = spawn(process.execPath, [path.resolve('bin/cardtill.mjs'), 'keys', 'tmk', ...args], { env });
    let out = '';
    let err = '';
    c.stdout.on('data', (d: Buffer) => (out += d.toString()));
    c.stderr.on('data', (d: Buffer) => (err += d.toString()));
    c.once('close', (code) => resolve({ code, out, err }));
    c.stdin.end(stdin);
  });
}

describe('cardtill keys tmk', () => {
  it('seals the key typed on stdin for the entry; the app’s loader opens it, nothing in clear on disk', async () => {
    const t = terminal();
    const r = await tmkCli(['--data-dir', t.dataDir, '--config', t.config, '--issuer', 'cup'], `${TMK}\n`);
    expect(r.code, r.err).toBe(0);
    expect(r.out).toContain('check 08D7B4FB');
    const file = fs.readFileSync(tmkFile(t.dataDir, 'cup'), 'utf8');
    expect(file.toLowerCase()).not.toContain(TMK.toLowerCase());
    expect((fs.statSync(tmkFile(t.dataDir, 'cup')).mode & 0o777).toString(8)).toBe('600');
    const tmk = loadTmk(t.dataDir, t.dataKey, 'cup', KEYSETS['3des'], CHECK);
    expect(toHex(tmk).toUpperCase()).toBe(TMK);
    // Bound to its entry and to the config's check value.
    fs.copyFileSync(tmkFile(t.dataDir, 'cup'), tmkFile(t.dataDir, 'other'));
    expect(() => loadTmk(t.dataDir, t.dataKey, 'other', KEYSETS['3des'])).toThrow();
    expect(() => loadTmk(t.dataDir, t.dataKey, 'cup', KEYSETS['3des'], '00000000')).toThrow(/not the one/);
    expect(() => loadTmk(t.dataDir, t.dataKey, 'cup', KEYSETS.sm4)).toThrow(/entered for 3des/);
    expect((fs.statSync(path.join(t.dataDir, 'terminal.db')).mode & 0o777).toString(8)).toBe('600');
    // Audited as the OS user, with the check value, never the key.
    expect(tmkAudit(t.dataDir)).toEqual([
      ['keys.tmk.enter', 'ok', `cli:${os.userInfo().username}`, 'issuer cup check 08D7B4FB'],
    ]);
  });

  it('a typo (key and check value disagree): exit 2, 简体中文 + English, nothing written', async () => {
    const t = terminal();
    // (Not the last digit: 10 → 11 is only DES's parity bit, which no DES key uses.)
    const typo = '1' + TMK.slice(1);
    const r = await tmkCli(['--data-dir', t.dataDir, '--config', t.config, '--issuer', 'cup'], typo);
    expect(r.code).toBe(2);
    expect(r.err).toContain('与发卡方的校验值不符');
    expect(r.err).toContain('未保存');
    expect(r.err).toContain("does not match the issuer's check value");
    expect(r.err).toContain('nothing was stored');
    expect(fs.existsSync(tmkFile(t.dataDir, 'cup'))).toBe(false);
    expect(tmkAudit(t.dataDir)).toEqual([
      ['keys.tmk.enter', 'failed', `cli:${os.userInfo().username}`, 'TMK_CHECK_MISMATCH'],
    ]);
  });

  it('an entry the config does not have and no --keyset: exit 2', async () => {
    const t = terminal();
    const r = await tmkCli(['--data-dir', t.dataDir, '--issuer', 'nope', '--check', CHECK], TMK);
    expect(r.code).toBe(2);
    expect(r.err).toContain('Unknown issuer nope');
  });
});
