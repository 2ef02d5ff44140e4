/**
 * `cardtill journal export` — the signed journal as JSON lines (src/main/journal/export.ts).
 * `cardtill journal verify` — chain, sequence and every signature; exit 0 when intact, 1 naming
 * the first bad record, 2 when the journal cannot be read.
 */
import { openTerminalDb } from '../../main/store/terminal-db';
import { publicKeys } from '../../main/keys/terminal-keys';
import { exportJournal } from '../../main/journal/export';
import { verifyJournalParallel } from '../../main/journal/verify-parallel';
import { flag, type CliCommand } from '../command';

export const journalExportCommand: CliCommand = {
  name: 'journal export',
  summary: 'print the signed journal as JSON lines (signedBytes, DER signature, chain hash)',
  async run(ctx) {
    const db = openTerminalDb(ctx.dataDir, { readonly: true });
    try {
      for (const line of exportJournal(db)) process.stdout.write(`${JSON.stringify(line)}\n`);
      return 0;
    } finally {
      db.close();
    }
  },
};

export const journalVerifyCommand: CliCommand = {
  name: 'journal verify',
  summary: 'verify the journal chain and every signature (exit 1 naming the first bad record; --workers N)',
  async run(ctx) {
    const keys = publicKeys(ctx.dataDir);
    if (keys.size === 0) {
      process.stderr.write(`no terminal keys in ${ctx.dataDir}/keys\n`);
      return 2;
    }
    const db = openTerminalDb(ctx.dataDir, { readonly: true });
    try {
      const w = flag(ctx.args, 'workers');
      const t0 = performance.now();
      const r = await verifyJournalParallel(db, keys, w !== undefined ? { workers: Number(w) } : {});
      const secs = (performance.now() - t0) / 1000;
      if (r.ok) {
        process.stdout.write(
          `journal intact: ${r.count} records, chain and signatures verified (${secs.toFixed(2)} s)\n`,
        );
        return 0;
      }
      process.stdout.write(
        `journal BROKEN at record ${r.firstBad.seq}: ${r.firstBad.reason} — ${r.firstBad.detail}\n`,
      );
      return 1;
    } finally {
      db.close();
    }
  },
};
