/**
 * `cardtill keys public [--version N]` — the terminal's SM2 public key as PEM (SPKI,
 * id-ecPublicKey with the SM2 curve OID 1.2.156.10197.1.301), readable by OpenSSL 3. Needs no
 * secret: the key files keep the public key beside the sealed private key.
 * `cardtill keys rotate` — a new key version (secret: CARDTILL_KEY_PASSPHRASE or the machine
 * secret, as the app); the app enrols it with the issuer on its next start.
 */
import { currentKeyVersion, publicKeys, rotateTerminalKey } from '../../main/keys/terminal-keys';
import { resolveKeySecret } from '../../main/keys/secret';
import { sm2PublicKeyToPem } from '../../main/crypto';
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
    const v = rotateTerminalKey(ctx.dataDir, resolveKeySecret(ctx.dataDir));
    process.stdout.write(
      `terminal key version ${v} created; it is enrolled with the issuer when the terminal next starts\n`,
    );
    return 0;
  },
};
