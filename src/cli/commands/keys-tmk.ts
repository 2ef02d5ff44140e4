/**
 * `cardtill keys tmk --issuer ID [--check HEX] [--keyset 3des|sm4] [--config FILE]` — the
 * technician enters an ISO 8583 issuer's terminal master key once. The key is read from standard
 * input (32 hex digits; never an argument, so it stays out of the shell history and `ps`), checked
 * against its check value (the key sheet's; `--check`, else the entry's `tmkCheck`), sealed under
 * the terminal's data key and written to keys/tmk-<ID>.json (src/main/issuer/iso8583/tmk.ts).
 * The app uses it from its next sign-on with that issuer. The check-seal-store is enterTmk
 * (src/main/issuer/iso8583/enter-tmk.ts), shared with the technician's screen (`tech.enterTmk`). Exit 2 with a message in 简体中文 and
 * English on a wrong check value, an unknown entry or a missing secret; nothing is written then.
 */
import { loadConfig } from '../../main/config/config';
import { KeySecretError, keySecretForExistingKeys } from '../../main/keys/secret';
import { openStoreKeys } from '../../main/keys/terminal-keys';
import { isCryptoError } from '../../main/crypto';
import os from 'node:os';
import { enterTmk } from '../../main/issuer/iso8583/enter-tmk';
import { openTerminalDb } from '../../main/store/terminal-db';
import { prepareDataDir } from '../../main/data-dir';
import { AuditLog } from '../../main/audit/audit-log';
import { ERROR_WORDS, TillError } from '../../shared/errors';
import { flag, type CliCommand } from '../command';

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const c of process.stdin) chunks.push(c as Buffer);
  return Buffer.concat(chunks).toString('utf8').trim();
}

function fail(zh: string, en: string): number {
  process.stderr.write(`cardtill keys tmk: ${zh}\n${en}\n`);
  return 2;
}

export const keysTmkCommand: CliCommand = {
  name: 'keys tmk',
  summary: 'seal an ISO 8583 issuer’s terminal master key (hex on stdin): --issuer ID [--check HEX]',
  async run(ctx) {
    const issuerId = flag(ctx.args, 'issuer');
    if (!issuerId) return fail('缺少 --issuer。', '--issuer ID is required.');
    const config = loadConfig(ctx.config).config;
    const entry = config.issuers?.find((e) => e.id === issuerId);
    if (entry && entry.protocol !== 'iso8583-cup')
      return fail(
        `发卡方 ${issuerId} 不是 ISO 8583 发卡方。`,
        `Issuer ${issuerId} is not an iso8583-cup entry.`,
      );
    const keySetName = flag(ctx.args, 'keyset');
    if (!entry && !keySetName)
      return fail(
        `未知发卡方 ${issuerId}：请用 --config 指定配置，或给出 --keyset 3des|sm4。`,
        `Unknown issuer ${issuerId}: give --config with its entry, or --keyset 3des|sm4.`,
      );
    const check = flag(ctx.args, 'check');
    let dataKey: Uint8Array;
    try {
      const secret = keySecretForExistingKeys(ctx.dataDir, process.env, config.keyPassphraseEnv);
      try {
        dataKey = openStoreKeys(ctx.dataDir, secret).dataKey;
      } catch (e) {
        throw isCryptoError(e, 'WRONG_PASSPHRASE')
          ? KeySecretError.wrongSecret(secret, config.keyPassphraseEnv)
          : e;
      }
    } catch (e) {
      if (!(e instanceof KeySecretError)) throw e;
      process.stderr.write(`cardtill keys tmk:\n${e.message}\n`);
      return 2;
    }
    const tmkHex = await readStdin();
    // The audit log in the terminal database, beside a running app's (SQLite WAL): the OS user
    // is who entered it. Its files private (0600) as the app keeps them, if this run made them.
    const modes = prepareDataDir(ctx.dataDir);
    const db = openTerminalDb(ctx.dataDir);
    modes.seal(() => {});
    const user = `cli:${os.userInfo().username}`;
    const audit = new AuditLog(
      db,
      () => new Date(),
      () => ({ id: user, role: 'technician' }),
    );
    try {
      // The same path as the technician's screen (tech.enterTmk): check, seal, store.
      const r = enterTmk({
        dataDir: ctx.dataDir,
        dataKey,
        issuerId,
        entry,
        tmkHex,
        ...(keySetName ? { keySetName } : {}),
        ...(check ? { check } : {}),
        audit,
      });
      process.stdout.write(
        `终端主密钥已加密保存 / terminal master key sealed${r.replaced ? ' (replaced)' : ''}: issuer ${issuerId}, ${r.keySet}, check ${r.check}\n`,
      );
      return 0;
    } catch (e) {
      if (!(e instanceof TillError)) throw e;
      if (e.code === 'TMK_CHECK_REQUIRED')
        return fail(
          '需要密钥校验值（--check，8 位十六进制），未保存。',
          'The key check value is required (--check, 8 hex digits); nothing written.',
        );
      return fail(
        `${ERROR_WORDS[e.code].zh}${e.detail ? `（${e.detail}）` : ''}`,
        `${ERROR_WORDS[e.code].en}${e.detail ? ` (${e.detail})` : ''}`,
      );
    } finally {
      db.close();
    }
  },
};
