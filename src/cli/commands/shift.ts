/**
 * `cardtill shift report` — the X report of the open shift (or the Z report of a closed one) from
 * the data directory, read-only: as printed text, CSV, JSON or a PDF file.
 * `cardtill archive` — a consistent copy of the terminal database (SQLite online backup) for the
 * five-year retention archive (README "Retention and archiving").
 */
import fs from 'node:fs';
import { issuerEntries, loadConfig } from '../../main/config/config';
import { openTerminalDb } from '../../main/store/terminal-db';
import { ShiftService } from '../../main/shift/shift-service';
import { createSettler } from '../../main/shift/settlement';
import { offlineQueueFromDb } from '../../main/shift/offline-hook';
import { AuditLog } from '../../main/audit/audit-log';
import { layoutShiftReport, docToText } from '../../main/shift/report-layout';
import { reportCsv, reportPdf } from '../../main/shift/export';
import { noIssuerRouter } from '../../main/issuer/no-issuer';
import { openDatabase } from '../../main/store/sqlite';
import { flag, type CliCommand } from '../command';

export const shiftReportCommand: CliCommand = {
  name: 'shift report',
  summary: 'X report of the open shift, or --z ID / --last-z (--csv, --json, --pdf FILE), read-only',
  async run(ctx) {
    const { config } = loadConfig(ctx.config);
    const db = openTerminalDb(ctx.dataDir, { readonly: true });
    try {
      const clock = () => new Date();
      // The configured issuers (ids and names): a multi-issuer Z reads each batch as the app does.
      const router = noIssuerRouter(issuerEntries(config, { url: '', publicKey: '' }));
      const settler = createSettler({ db, router, clock });
      const shifts = new ShiftService({
        db,
        terminalId: config.terminalId,
        merchantId: config.merchantId,
        merchantName: config.merchantName,
        clock,
        audit: new AuditLog(db, clock),
        journalKeys: new Map(),
        settler,
        offlineQueue: offlineQueueFromDb(db),
      });
      const zArg = flag(ctx.args, 'z');
      const zId = zArg
        ? Number(zArg)
        : ctx.args.includes('--last-z')
          ? shifts.store.lastClosed()?.id
          : undefined;
      if (ctx.args.includes('--last-z') && !zId) {
        process.stderr.write('no closed shift yet\n');
        return 1;
      }
      const report = zId ? shifts.zReport(zId) : shifts.xReport();
      const doc = layoutShiftReport(report, {
        width: 48,
        copy: zId ? shifts.store.zPrints(zId) > 0 : false,
        ack: zId ? (shifts.store.ack(zId) ?? null) : null,
        timeZone: config.timeZone,
      });
      const pdf = flag(ctx.args, 'pdf');
      if (pdf)
        fs.writeFileSync(
          pdf,
          await reportPdf(`CardTill ${report.kind} ${report.terminalId} #${report.shiftId}`, doc),
        );
      else if (ctx.args.includes('--csv')) process.stdout.write(reportCsv(report, config.timeZone));
      else if (ctx.args.includes('--json')) process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
      else process.stdout.write(`${docToText(doc).join('\n')}\n`);
      return 0;
    } finally {
      db.close();
    }
  },
};

export const archiveCommand: CliCommand = {
  name: 'archive',
  summary:
    'copy the terminal database (journal, audit log, shifts, batches) to --out FILE for the 5-year archive',
  async run(ctx) {
    const out = flag(ctx.args, 'out');
    if (!out) {
      process.stderr.write('archive needs --out FILE\n');
      return 2;
    }
    if (fs.existsSync(out)) {
      process.stderr.write(`${out} exists: an archive is never overwritten\n`);
      return 2;
    }
    const db = openTerminalDb(ctx.dataDir, { readonly: true });
    try {
      await db.backup(out);
    } finally {
      db.close();
    }
    const copy = openDatabase(out, [], { readonly: true });
    try {
      const n = (t: string) => (copy.prepare(`SELECT COUNT(*) AS n FROM ${t}`).get() as { n: number }).n;
      const first = (copy.prepare('SELECT MIN(created_at) AS t FROM journal').get() as { t: string | null })
        .t;
      process.stdout.write(
        `${out}: journal ${n('journal')} records (since ${first ?? '-'}), audit ${n('audit_log')}, shifts ${n('shifts')}, batches ${n('batches')}, settlements ${n('settlements')}\n`,
      );
    } finally {
      copy.close();
    }
    return 0;
  },
};
