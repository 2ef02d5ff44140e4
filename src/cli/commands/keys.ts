/**
 * `cardtill keys public [--version N]` — the terminal's SM2 public key as PEM (SPKI,
 * id-ecPublicKey with the SM2 curve OID 1.2.156.10197.1.301), readable by OpenSSL 3. Needs no
 * secret: the key files keep the public key beside the sealed private key.
 * `cardtill keys rotate [--config FILE]` — a new key version, sealed under the same secret as the
 * app's (src/main/keys/secret.ts): the environment variable the config's keyPassphraseEnv names
 * (default CARDTILL_KEY_PASSPHRASE), else the machine secret. The app enrols it with the issuer on
 * its next start. Exit 2, with a message in 简体中文 and English, when that variable is unset for
 * keys sealed with a passphrase, or the secret does not open the current key.
 */
import { currentKeyVersion, publicKeys, rotateTerminalKey } from '../../main/keys/terminal-keys';
import { loadConfig } from '../../main/config/config';
import { KeySecretError, keySecretForExistingKeys } from '../../main/keys/secret';
import { isCryptoError, sm2PublicKeyToPem } from '../../main/crypto';
import { flag, type CliCommand } from '../command';

export const keysPublicCommand: CliCommand = {
  name: 'keys public',
  summary: 'print the terminal public key as PEM (SPKI, SM2 curve); --version N for an older one',
  async run(ctx) {
    const keys = publicKeys(ctx.dataDir);
    const v = flag(ctx.args, 'version');
    const version = v !== undefined ? Number(v) : currentKeyVersion(ctx.dataDir);
    const pub = version !== undefined ? keys.get(version) : undefined;
    if (!pub) {
      process.stderr.write(
        `no terminal key${version !== undefined ? ` version ${version}` : ''} in ${ctx.dataDir}/keys (have: ${[...keys.keys()].join(', ') || 'none'})\n`,
      );
      return 1;
    }
    process.stdout.write(sm2PublicKeyToPem(pub));
    return 0;
  },
};

export const keysRotateCommand: CliCommand = {
  name: 'keys rotate',
  summary: 'create a new terminal key version (enrolled with the issuer at the next start)',
  async run(ctx) {
    const envName = loadConfig(ctx.config).config.keyPassphraseEnv;
    let v: number;
    try {
      const secret = keySecretForExistingKeys(ctx.dataDir, process.env, envName);
      try {
        v = rotateTerminalKey(ctx.dataDir, secret);
      } catch (e) {
        throw isCryptoError(e, 'WRONG_PASSPHRASE') ? KeySecretError.wrongSecret(secret, envName) : e;
      }
    } catch (e) {
      if (!(e instanceof KeySecretError)) throw e;
      process.stderr.write(`cardtill keys rotate:\n${e.message}\n`);
      return 2;
    }
    process.stdout.write(
      `terminal key version ${v} created; it is enrolled with the issuer when the terminal next starts\n`,
    );
    return 0;
  },
};
