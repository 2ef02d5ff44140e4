/**
 * X and Z report time for shifts of 1,000 / 10,000 / 100,000 transactions, on a real SQLite file
 * (WAL, synchronous=FULL, the app's own migrations). The ratio column is the 1,000-transaction
 * time ÷ this time (so 0.1 means "ten times slower for ten times the rows" — linear growth).
 *
 * What makes it fast: a shift is a STAN range, so its totals are ONE grouped range scan of the
 * txns primary key (src/main/shift/totals.ts) — no shift column, no join, no per-row JavaScript.
 * The last row per size compares the index design with one GROUP BY over the table (same run).
 * The Z report time is the whole close minus the network: blind count, totals, variance, the
 * frozen Z, the batch row and the settlement batch totals; the journal check is timed apart
 * (it is SM2 signature verification, ~O(records)).
 *
 *   npm run bench -- reports        (or: node --import tsx bench/reports.bench.ts)
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { BenchRow } from './run';
import { openTerminalDb } from '../src/main/store/terminal-db';
import { ShiftService } from '../src/main/shift/shift-service';
import { AuditLog } from '../src/main/audit/audit-log';
import { batchTotals, type Settler } from '../src/main/shift/settlement';
import { layoutShiftReport } from '../src/main/shift/report-layout';
import { shiftTotals } from '../src/main/shift/totals';
import type { Db } from '../src/main/store/sqlite';

const SIZES = [1_000, 10_000, 100_000];

/** A realistic mix: 80% sales (1 in 8 split with cash), 4% declined, 5% inquiries, 3% voids, 3% refunds, 5% offline sales. */
function fill(db: Db, n: number, startMs: number): void {
  const ins = db.prepare(
    `INSERT INTO txns (stan, type, status, amount_fen, other_tender_fen, masked, entry_mode, decline_code, offline, orig_stan, created_at, updated_at)
     VALUES (?, ?, ?, ?, ?, '888801******0017', 'swipe', ?, ?, ?, ?, ?)`,
  );
  db.transaction(() => {
    let lastSale = 0;
    for (let i = 1; i <= n; i++) {
      const at = new Date(startMs + i * 600).toISOString(); // 100k rows span ~16 hours
      const r = i % 100;
      const amount = 100 + ((i * 7919) % 50_000);
      if (r < 80) {
        ins.run(i, 'sale', 'approved', amount, i % 8 === 0 ? 500 : 0, null, 0, null, at, at);
        lastSale = i;
      } else if (r < 84) ins.run(i, 'sale', 'declined', amount, 0, 'INSUFFICIENT_BALANCE', 0, null, at, at);
      else if (r < 89) ins.run(i, 'inquiry', 'approved', 0, 0, null, 0, null, at, at);
      else if (r < 92) ins.run(i, 'void', 'approved', amount, 0, null, 0, lastSale, at, at);
      else if (r < 95) ins.run(i, 'refund', 'approved', 100, 0, null, 0, lastSale, at, at);
      else ins.run(i, 'sale', 'approved', amount, 0, null, 1, null, at, at);
    }
    db.prepare("UPDATE meta SET value = ? WHERE key = 'next_stan'").run(String(n + 1));
  })();
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

function time(fn: () => void, runs: number): number {
  fn(); // warm (statement cache, page cache)
  const t: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    fn();
    t.push(performance.now() - t0);
  }
  return median(t);
}

const offlineSettler: Settler = {
  batchIssuers: () => [{ id: 'default', name: 'default', rows: undefined }],
  rowsOf: () => undefined,
  batchInfo: () => null,
  settle: async () => ({
    batchNo: 0,
    status: 'unreachable',
    forced: false,
    carriedIn: [],
    carriedOut: [],
    terminalTotals: {},
    issuerTotals: null,
    discrepancies: [],
    attemptedAt: '',
  }),
  info: () => null,
};

export async function run(): Promise<BenchRow[]> {
  const results: Array<{
    n: number;
    x: number;
    z: number;
    settle: number;
    reprint: number;
    naive: number;
    totals: number;
  }> = [];
  for (const n of SIZES) {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cardtill-bench-reports-'));
    try {
      const db = openTerminalDb(dir);
      const clock = () => new Date();
      fill(db, n, Date.now() - n * 600);
      const svc = new ShiftService({
        db,
        terminalId: 'T0000001',
        merchantId: 'M000000000001',
        merchantName: 'Bench',
        clock,
        audit: new AuditLog(db, clock),
        journalKeys: new Map(),
        settler: offlineSettler,
      });
      db.prepare(
        "INSERT INTO shifts (status, opened_at, opened_by, opening_float_fen, from_stan, open_stan) VALUES ('open', ?, '2001', 20000, 1, 1)",
      ).run(clock().toISOString());
      const x = time(() => layoutShiftReport(svc.xReport(), { width: 32 }), 7);
      // The design this replaced: one GROUP BY over all report keys (reads the table, sorts every row).
      const naiveSql = db.prepare(
        `SELECT type, status, offline, decline_code, substr(created_at, 1, 13) AS hour, COUNT(*) AS n, SUM(amount_fen) AS a, SUM(other_tender_fen) AS o
           FROM txns NOT INDEXED WHERE stan BETWEEN ? AND ? GROUP BY type, status, offline, decline_code, hour`,
      );
      const naive = time(() => naiveSql.all(1, n), 5);
      const totals = time(() => shiftTotals(db, 1, n), 5);
      // Z: one real close per size (a closed shift cannot be closed again), timed without the network.
      const t0 = performance.now();
      const z = await svc.close({ id: '2001', role: 'manager' }, { countedFen: 20_000 });
      layoutShiftReport(z, { width: 32 });
      const zMs = performance.now() - t0;
      const batch = svc.store.batchOf(z.shiftId)!;
      const settle = time(() => batchTotals(db, batch), 5);
      const reprint = time(() => layoutShiftReport(svc.zReport(z.shiftId), { width: 32, copy: true }), 7);
      results.push({ n, x, z: zMs, settle, reprint, naive, totals });
      db.close();
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  }
  const base = results[0];
  const rows: BenchRow[] = [];
  for (const r of results) {
    const k = `${(r.n / 1000).toLocaleString('en')}k`;
    const growth = (a: number, b: number) => `time ×${(a / b).toFixed(1)} for rows ×${r.n / base.n}`;
    rows.push({
      name: `X report, ${k} txns`,
      ours: r.x,
      reference: base.x,
      unit: 'ms',
      ratio: base.x / r.x,
      note: growth(r.x, base.x),
    });
    rows.push({
      name: `Z report (close), ${k} txns`,
      ours: r.z,
      reference: base.z,
      unit: 'ms',
      ratio: base.z / r.z,
      note: `${growth(r.z, base.z)}${r.n === 100_000 ? (r.z < 200 ? ' — under 200 ms' : ' — OVER 200 ms') : ''}`,
    });
    rows.push({
      name: `settlement batch totals, ${k}`,
      ours: r.settle,
      reference: base.settle,
      unit: 'ms',
      ratio: base.settle / r.settle,
      note: growth(r.settle, base.settle),
    });
    rows.push({
      name: `Z reprint (stored), ${k} txns`,
      ours: r.reprint,
      reference: base.reprint,
      unit: 'ms',
      ratio: base.reprint / r.reprint,
    });
    rows.push({
      name: `totals: index scans vs GROUP BY, ${k}`,
      ours: r.totals,
      reference: r.naive,
      unit: 'ms',
      ratio: r.naive / r.totals,
      note: 'reference = one GROUP BY over the table (the design replaced)',
    });
  }
  return rows;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  for (const r of await run())
    console.log(
      `${r.name.padEnd(34)} ${r.ours.toFixed(2).padStart(9)} ms   (1k: ${r.reference.toFixed(2)} ms)  ${r.note ?? ''}`,
    );
}
