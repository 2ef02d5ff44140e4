/**
 * `cardtill journal export` — the signed journal as JSON lines (src/main/journal/export.ts).
 * `cardtill journal verify [--head]` — chain, sequence and every signature, then every `txns` row
 * against its journal record (src/main/journal/row-record.ts); with `--head`, the journal against
 * the head kept outside the database and the last head the issuer acknowledged
 * (src/main/journal/head-check.ts: truncated tail, rewound checkpoint, older database). Exit 0
 * when intact, 1 naming the first bad record / row / head finding, 2 when it cannot be read.
 */
import { openTerminalDb } from '../../main/store/terminal-db';
import { publicKeys } from '../../main/keys/terminal-keys';
import { exportJournal } from '../../main/journal/export';
import { verifyJournalParallel } from '../../main/journal/verify-parallel';
import { firstRowDifference, describeDifference } from '../../main/journal/row-record';
import { checkHead } from '../../main/journal/head-check';
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
  summary:
    'verify the journal chain, every signature and every txns row against its record (exit 1 naming the first bad one; --head: against the head file and the issuer’s ack; --workers N)',
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
      if (!r.ok) {
        process.stdout.write(
          `journal BROKEN at record ${r.firstBad.seq}: ${r.firstBad.reason} — ${r.firstBad.detail}\n`,
        );
        return 1;
      }
      const diff = firstRowDifference(db);
      if (diff) {
        process.stdout.write(
          `journal intact (${r.count} records), but txns row STAN ${String(diff.stan).padStart(6, '0')} is BROKEN: ${describeDifference(diff)}\n`,
        );
        return 1;
      }
      if (ctx.args.includes('--head')) {
        const h = checkHead(db, ctx.dataDir);
        for (const n of h.notes) process.stdout.write(`note: ${n}\n`);
        if (!h.ok) {
          for (const f of h.findings) process.stdout.write(`journal head BROKEN: ${f.what} — ${f.detail}\n`);
          return 1;
        }
        process.stdout.write(
          `journal head ok: record ${h.db.seq} ${h.db.hash.slice(0, 16)}… matches the head file${h.file?.issuerAck ? ` (issuer acknowledged record ${h.file.issuerAck.seq})` : ''}\n`,
        );
      }
      const secs = (performance.now() - t0) / 1000;
      process.stdout.write(
        `journal intact: ${r.count} records, chain, signatures and every txns row verified (${secs.toFixed(2)} s)\n`,
      );
      return 0;
    } finally {
      db.close();
    }
  },
};
