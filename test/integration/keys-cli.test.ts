/**
 * `cardtill keys rotate` as an operator runs it (bin/cardtill.mjs as a child process): the secret
 * comes from the variable the config's keyPassphraseEnv names, as in the app — not from a fixed
 * CARDTILL_KEY_PASSPHRASE — and a missing or wrong one is a bilingual message, exit 2, with
 * nothing written.
 */
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { tempDir } from '../helpers/app';
import { loadOrCreateTerminalKeys } from '../../src/main/keys/terminal-keys';
import { resolveKeySecret } from '../../src/main/keys/secret';

const run = promisify(execFile);
const CLI = path.resolve('bin/cardtill.mjs');
const PASS = 'shop-7-passphrase';
const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) fs.rmSync(d, { recursive: true, force: true });
});

/** The environment without any passphrase variable, plus `vars`. */
function envWith(vars: Record<string, string>): NodeJS.ProcessEnv {
  const env = { ...process.env };
  delete env.CARDTILL_KEY_PASSPHRASE;
  delete env.SHOP7_KEY_PASS;
  return { ...env, ...vars };
}

async function rotate(
  args: string[],
  env: NodeJS.ProcessEnv,
): Promise<{ code: number; out: string; err: string }> {
  try {
    const r = await run(process.execPath, [CLI, 'keys', 'rotate', ...args], { env });
    return { code: 0, out: r.stdout, err: r.stderr };
  } catch (e) {
    const x = e as { code: number; stdout: string; stderr: string };
    return { code: x.code, out: x.stdout, err: x.stderr };
  }
}

/** A data dir with key version 1 sealed under `PASS`, and a config naming SHOP7_KEY_PASS. */
function passphraseTerminal(): { dataDir: string; config: string; keyFiles: () => string[] } {
  const dataDir = tempDir();
  dirs.push(dataDir);
  loadOrCreateTerminalKeys(dataDir, { kind: 'passphrase', secret: PASS });
  const config = path.join(dataDir, 'config.json');
  fs.writeFileSync(config, JSON.stringify({ keyPassphraseEnv: 'SHOP7_KEY_PASS' }));
  return { dataDir, config, keyFiles: () => fs.readdirSync(path.join(dataDir, 'keys')).sort() };
}

describe('cardtill keys rotate: the passphrase variable named by the config', () => {
  it('uses the variable keyPassphraseEnv names; the new version opens with that passphrase', async () => {
    const t = passphraseTerminal();
    const r = await rotate(
      ['--data-dir', t.dataDir, '--config', t.config],
      envWith({ SHOP7_KEY_PASS: PASS }),
    );
    expect(r.code, r.err).toBe(0);
    expect(r.out).toContain('terminal key version 2 created');
    const keys = loadOrCreateTerminalKeys(t.dataDir, { kind: 'passphrase', secret: PASS });
    expect(keys.keyVersion).toBe(2);
    expect(t.keyFiles()).not.toContain('machine-secret');
  });

  it('that variable unset (even with CARDTILL_KEY_PASSPHRASE set): 简体中文 + English error, exit 2, nothing written', async () => {
    const t = passphraseTerminal();
    const before = t.keyFiles();
    const r = await rotate(
      ['--data-dir', t.dataDir, '--config', t.config],
      envWith({ CARDTILL_KEY_PASSPHRASE: PASS }),
    );
    expect(r.code).toBe(2);
    expect(r.err).toContain('未设置密钥口令');
    expect(r.err).toContain('Key passphrase not set');
    expect(r.err).toContain('SHOP7_KEY_PASS');
    expect(r.err).toContain('keyPassphraseEnv');
    expect(r.err).not.toMatch(/\n\s+at /); // a message, not a stack trace
    expect(t.keyFiles()).toEqual(before); // no v2, no machine secret made up
  });

  it('a wrong passphrase in that variable: bilingual error, exit 2, nothing written', async () => {
    const t = passphraseTerminal();
    const before = t.keyFiles();
    const r = await rotate(
      ['--data-dir', t.dataDir, '--config', t.config],
      envWith({ SHOP7_KEY_PASS: 'not-the-passphrase' }),
    );
    expect(r.code).toBe(2);
    expect(r.err).toContain('密钥口令错误');
    expect(r.err).toContain('Wrong key secret: the passphrase in SHOP7_KEY_PASS');
    expect(t.keyFiles()).toEqual(before);
  });

  it('without a config: the documented default CARDTILL_KEY_PASSPHRASE', async () => {
    const t = passphraseTerminal();
    const r = await rotate(['--data-dir', t.dataDir], envWith({ CARDTILL_KEY_PASSPHRASE: PASS }));
    expect(r.code, r.err).toBe(0);
    expect(loadOrCreateTerminalKeys(t.dataDir, { kind: 'passphrase', secret: PASS }).keyVersion).toBe(2);
  });

  it('no variable set and keys under the machine secret: rotates like the app starts (machine secret)', async () => {
    const dataDir = tempDir();
    dirs.push(dataDir);
    loadOrCreateTerminalKeys(dataDir, resolveKeySecret(dataDir, {}));
    const r = await rotate(['--data-dir', dataDir], envWith({}));
    expect(r.code, r.err).toBe(0);
    expect(loadOrCreateTerminalKeys(dataDir, resolveKeySecret(dataDir, {})).keyVersion).toBe(2);
  });
});
