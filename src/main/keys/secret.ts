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
  /**
   * Tests only: the scrypt cost of files sealed under this secret (each file records its own cost,
   * so they open the same way). resolveKeySecret never sets it: a terminal always seals at
   * SCRYPT_DEFAULTS (src/main/crypto/keystore.ts).
   */
  sealCost?: { N: number };
}

/** The default of the config's `keyPassphraseEnv` (src/main/config/config.ts). */
export const DEFAULT_PASSPHRASE_ENV = 'CARDTILL_KEY_PASSPHRASE';

/**
 * The secret for the key files cannot be had. Messages are 简体中文 then English: the CLI prints
 * them to the person at the terminal as they are.
 *  - PASSPHRASE_UNSET: the variable named by keyPassphraseEnv is empty, and the keys were not sealed
 *    with a machine secret (there is none in <data-dir>/keys): a passphrase (or Electron's
 *    safeStorage) sealed them, and the CLI can only be given a passphrase.
 *  - WRONG_SECRET: the secret found does not open the existing key files.
 */
export class KeySecretError extends Error {
  constructor(
    readonly code: 'PASSPHRASE_UNSET' | 'WRONG_SECRET',
    readonly envName: string,
    message: string,
  ) {
    super(message);
    this.name = 'KeySecretError';
  }

  static passphraseUnset(envName: string): KeySecretError {
    return new KeySecretError(
      'PASSPHRASE_UNSET',
      envName,
      `未设置密钥口令：配置项 keyPassphraseEnv 指定的环境变量 ${envName} 为空，而本终端的密钥文件不是用本机密钥加密的。请设置 ${envName} 后重试。\n` +
        `Key passphrase not set: the environment variable ${envName} (named by keyPassphraseEnv in the config) is empty, and this terminal's key files are not sealed with a machine secret. Set ${envName} and try again.`,
    );
  }

  static wrongSecret(secret: KeySecret, envName: string): KeySecretError {
    const [zh, en] =
      secret.kind === 'passphrase'
        ? [`环境变量 ${envName} 中的口令`, `the passphrase in ${envName}`]
        : ['本机密钥', "this machine's secret"];
    const hint =
      secret.kind === 'passphrase'
        ? ['', '']
        : [
            `若密钥文件是用口令加密的，请设置 ${envName}。`,
            ` If the key files were sealed with a passphrase, set ${envName}.`,
          ];
    return new KeySecretError(
      'WRONG_SECRET',
      envName,
      `密钥口令错误：${zh}打不开现有的密钥文件，未做任何更改。${hint[0]}\n` +
        `Wrong key secret: ${en} does not open the existing key files; nothing was changed.${hint[1]}`,
    );
  }
}

export function resolveKeySecret(
  dataDir: string,
  env: NodeJS.ProcessEnv = process.env,
  envName = DEFAULT_PASSPHRASE_ENV,
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

/**
 * The secret for a data directory whose keys already exist (CLI commands): resolved as the app
 * resolves it — the variable named by the config's keyPassphraseEnv, else the machine secret — but
 * a machine secret is never made up for keys sealed without one: that is PASSPHRASE_UNSET.
 */
export function keySecretForExistingKeys(
  dataDir: string,
  env: NodeJS.ProcessEnv = process.env,
  envName = DEFAULT_PASSPHRASE_ENV,
): KeySecret {
  if (env[envName]) return resolveKeySecret(dataDir, env, envName);
  const dir = path.join(dataDir, 'keys');
  const keysExist = fs.existsSync(path.join(dir, 'current'));
  if (keysExist && !fs.existsSync(path.join(dir, 'machine-secret')))
    throw KeySecretError.passphraseUnset(envName);
  return resolveKeySecret(dataDir, env, envName);
}
