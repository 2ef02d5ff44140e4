/**
 * Where the secret that unlocks the terminal's key files comes from (README "Security").
 *  - passphrase: CARDTILL_KEY_PASSPHRASE (or the config's keyPassphraseEnv) — an attacker who copies
 *    the data directory cannot use the key without it.
 *  - machine secret (default, unattended start): a random 32-byte file in <data-dir>/keys joined with
 *    /etc/machine-id. It protects against a copied terminal.db alone, NOT against someone holding the
 *    whole data directory of that machine. Electron uses safeStorage instead (src/main/electron).
 */
import fs from 'node:fs';
import path from 'node:path';
import { randomBytes } from 'node:crypto';

export interface KeySecret {
  kind: 'passphrase' | 'machine' | 'safeStorage';
  secret: string;
}

export function resolveKeySecret(
  dataDir: string,
  env: NodeJS.ProcessEnv = process.env,
  envName = 'CARDTILL_KEY_PASSPHRASE',
): KeySecret {
  const pass = env[envName];
  if (pass) return { kind: 'passphrase', secret: pass };
  const dir = path.join(dataDir, 'keys');
  fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
  const file = path.join(dir, 'machine-secret');
  if (!fs.existsSync(file))
    fs.writeFileSync(file, randomBytes(32).toString('hex'), { mode: 0o600, flag: 'wx' });
  let machineId = '';
  try {
    machineId = fs.readFileSync('/etc/machine-id', 'utf8').trim();
  } catch {
    // Not every OS has it (Windows): the random file alone then.
  }
  return { kind: 'machine', secret: `${fs.readFileSync(file, 'utf8').trim()}:${machineId}` };
}
