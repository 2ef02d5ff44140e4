/**
 * `cardtill verify-receipt [--data-dir D] [--json] <qr-text>` — is this receipt QR genuine (signed
 * by this store's terminal key of the version it names) or forged? With the store's key (the
 * secret as for the app: the variable named by keyPassphraseEnv, or the machine secret) it also shows the
 * decrypted details and the verification code the paper receipt must carry, and the details are
 * checked against the signed journal of that data dir (a receipt of an edited row is FORGED).
 * Exit 0 genuine, 1 forged or unreadable, 2 no keys here.
 */
import fs from 'node:fs';
import path from 'node:path';
import { loadConfig } from '../../main/config/config';
import { resolveKeySecret } from '../../main/keys/secret';
import { openStoreKeys, publicKeys } from '../../main/keys/terminal-keys';
import { checkAgainstJournal, verifyReceiptQr, type ReceiptVerdict } from '../../main/receipt/verify-receipt';
import { openTerminalDb } from '../../main/store/terminal-db';
import { formatMoney } from '../../shared/money';
import type { CliCommand } from '../command';

const REASONS: Record<Exclude<ReceiptVerdict, { genuine: true }>['reason'], string> = {
  malformed: 'not a CardTill receipt code (CTR1…), or damaged',
  'unknown-terminal': 'names another terminal',
  'unknown-key': 'names a key version this terminal never had',
  signature: 'the SM2 signature does not verify',
  'journal-mismatch': 'no signed journal record of that STAN says what it says (made from an edited row)',
  'not-in-journal': 'the signed journal has no such STAN',
};

export const verifyReceiptCommand: CliCommand = {
  name: 'verify-receipt',
  summary: 'check a receipt QR (CTR1…): genuine or forged; with the store key, the decrypted details',
  async run(ctx) {
    const json = ctx.args.includes('--json');
    const text = ctx.args.find((a) => !a.startsWith('--'));
    if (!text) {
      process.stderr.write('usage: cardtill verify-receipt [--data-dir D] [--json] <qr-text>\n');
      return 2;
    }
    const pubs = publicKeys(ctx.dataDir);
    if (pubs.size === 0 || !fs.existsSync(path.join(ctx.dataDir, 'keys', 'data-key.json'))) {
      process.stderr.write(`no terminal keys in ${ctx.dataDir}/keys\n`);
      return 2;
    }
    const { config } = loadConfig(ctx.config);
    let store: { dataKey?: Uint8Array; receiptKey?: Uint8Array } = {};
    let note = '';
    try {
      store = openStoreKeys(ctx.dataDir, resolveKeySecret(ctx.dataDir, process.env, config.keyPassphraseEnv));
    } catch (e) {
      note = `store key not opened (${(e as Error).message}): details not shown`;
    }
    const v0 = verifyReceiptQr(text, { publicKeys: pubs, ...store });
    // Genuine only if the signed journal agrees (a receipt made from an edited row is signed too).
    let v = v0;
    if (v0.genuine && v0.details && fs.existsSync(path.join(ctx.dataDir, 'terminal.db'))) {
      const db = openTerminalDb(ctx.dataDir, { readonly: true });
      try {
        v = checkAgainstJournal(v0, db, { publicKeys: pubs });
      } finally {
        db.close();
      }
    } else if (v0.genuine && !note) note = 'no terminal.db here: not checked against the signed journal';
    if (json) process.stdout.write(`${JSON.stringify(note ? { ...v, note } : v)}\n`);
    else if (v.genuine) {
      const d = v.details;
      const out = [
        `GENUINE 真实 — signed by terminal ${v.terminalId}, key v${v.keyVersion}, STAN ${String(v.stan).padStart(6, '0')}`,
      ];
      if (d) {
        out.push(
          `  merchant ${d.merchantId}  terminal ${d.terminalId}`,
          `  ${d.type} ${d.status}${d.offline ? ' (offline)' : ''}  amount ${formatMoney(d.amountFen)}${d.balanceFen !== undefined ? `  balance ${formatMoney(d.balanceFen)}` : ''}`,
          `  card **** ${d.last4}  time ${d.time}`,
        );
        if (v.code) out.push(`  verification code on the receipt must be ${v.code}`);
      }
      if (note) out.push(`  ${note}`);
      process.stdout.write(`${out.join('\n')}\n`);
    } else {
      process.stdout.write(
        `FORGED 伪造 — ${REASONS[v.reason]}${v.stan !== undefined ? ` (claims terminal ${v.terminalId}, STAN ${v.stan})` : ''}\n`,
      );
    }
    return v.genuine ? 0 : 1;
  },
};
