/**
 * The file-batch crash loop's child (fb-crash-loop.test.ts): the real core (core.ts bootCore) with
 * a `file-batch` entry for every card it sells, selling, voiding, retrying over-limit sales with
 * the manager's override, and moving its files through the `filebatch` job — the daily file
 * written now (the manager's "today's file now", so a new sequence number every few seconds),
 * the back office's acknowledgements and lists read — as fast as it can, until the parent kill
 * -9s it. An approval is written to the side file only AFTER the call returned it: what a
 * cashier would have seen. `drain` mode finishes the reversals, writes what is unfiled and exits.
 * Configuration comes as JSON in CRASH_CHILD.
 */
import fs from 'node:fs';
import { bootCore, prepareTill, FAULT_MANAGER, type CoreSpec } from './core';
import { fileBatchAdapters } from '../../src/main/jobs/file-batch-job';

interface ChildSpec extends CoreSpec {
  mode: 'work' | 'drain';
  reportFile: string;
  /** The file-batch issuer's cards (its entry's range). */
  pans: string[];
  /** Amounts are drawn from 1 to this; the entry's floor limit lies below it (overrides). */
  maxAmountFen: number;
  /** Each life's first file write's duration in ms (when it wrote a file), one a line. */
  timingFile: string;
  /** Drain mode: sell a few first (the warm-up life writes the run's first file). */
  sellFirst?: boolean;
  /** Begin the life by writing a file (the parent aims this life's kill at it). */
  filesFirst?: boolean;
  seed: number;
}

const spec = JSON.parse(process.env.CRASH_CHILD ?? '{}') as ChildSpec;
// Small consecutive seeds would start every child with the same first draws: mix them first.
let seed = (Math.imul(spec.seed | 0, 2654435761) ^ 0x9e3779b9) >>> 0 || 1;
const rnd = () => (seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0) / 2 ** 32;
for (let i = 0; i < 8; i++) rnd();

const core = await bootCore({
  ...spec,
  log: process.env.CRASH_DEBUG ? (l) => process.stderr.write(`${l}\n`) : undefined,
});
const [mart] = fileBatchAdapters(core.terminal.runner.router);
if (!mart) throw new Error('no file-batch entry');
// The first life (a drain, never killed) gives the till its operators and opens the shift.
if (spec.mode === 'drain') prepareTill(core);
await core.jobs.idle();
process.stdout.write('ready\n');

const CASHIER = { id: '1001', role: 'cashier' };
const report = (line: Record<string, unknown>) =>
  fs.appendFileSync(spec.reportFile, `${JSON.stringify(line)}\n`);

/**
 * The one way files move: the job, with "write today's file now" (fileBatch.sync's writeNow).
 * Says so on stdout first: the parent may aim its kill at the file moves (random, from there).
 */
let firstMove = true;
const lastSeq = () =>
  (core.db.prepare('SELECT COALESCE(MAX(seq), 0) AS n FROM filebatch_files').get() as { n: number }).n;
async function moveFiles(writeNow: boolean): Promise<void> {
  process.stdout.write('files\n');
  const at = Date.now();
  const before = lastSeq();
  if (writeNow) mart!.requestWrite();
  await core.jobs.run(['filebatch'], true);
  // How long a life's first move that wrote a file takes on this machine now (the one the parent
  // aims at): it spreads its aimed kills over that.
  if (firstMove && lastSeq() > before) fs.appendFileSync(spec.timingFile, `${Date.now() - at}\n`);
  firstMove = false;
}

async function drain(): Promise<void> {
  // The first life sells a little too, so its file is the first of the run (never killed).
  if (spec.sellFirst) for (let i = 0; i < 3; i++) await sell();
  for (let i = 0; i < 20; i++) if ((await core.jobs.drain('reversal')) === 0) break;
  await moveFiles(true);
  await core.close();
  process.stdout.write('drained\n');
}

/** Voids one of the latest approved sales not voided yet; reported once the call said approved. */
async function voidOne(): Promise<void> {
  const row = core.db
    .prepare(
      `SELECT stan FROM txns s WHERE type = 'sale' AND status = 'approved' AND NOT EXISTS
         (SELECT 1 FROM txns v WHERE v.orig_stan = s.stan AND v.type IN ('void','refund') AND v.status IN ('approved','pending'))
       ORDER BY stan DESC LIMIT 1 OFFSET ?`,
    )
    .get(Math.floor(rnd() * 10)) as { stan: number } | undefined;
  if (!row) return;
  const { result: v } = await core.voids.void({ origStan: row.stan, override: FAULT_MANAGER }, CASHIER);
  if (v.status === 'approved')
    report({ stan: v.stan, type: 'void', origStan: row.stan, offline: v.offline, amountFen: v.amountFen });
}

async function sell(): Promise<void> {
  const pan = spec.pans[Math.floor(rnd() * spec.pans.length)]!;
  const amountFen = 1 + Math.floor(rnd() * spec.maxAmountFen);
  const present = () => core.terminal.present({ pan, entryMode: 'swipe', expiry: '3012' }).cardToken;
  let t = await core.terminal.sale({ cardToken: present(), amountFen });
  // Over the entry's per-sale limit: the cashier asks the manager, as the screen offers.
  if (t.status === 'declined' && t.declineCode === 'OFFLINE_FLOOR_LIMIT')
    t = await core.terminal.sale({ cardToken: present(), amountFen, override: FAULT_MANAGER });
  if (process.env.CRASH_DEBUG) process.stderr.write(`${JSON.stringify(t)}\n`);
  if (t.status === 'approved')
    report({ stan: t.stan, type: 'sale', offline: t.offline, amountFen: t.amountFen });
}

async function work(): Promise<void> {
  // A life the parent aims at the file moves sells a little, then writes today's file.
  if (spec.filesFirst) {
    await sell();
    await sell();
    await moveFiles(true);
  }
  for (;;) {
    const r = rnd();
    if (r < 0.1) await moveFiles(true);
    else if (r < 0.14) await moveFiles(false);
    else if (r < 0.15) await core.jobs.drain('reversal');
    else if (r < 0.22) await voidOne();
    else await sell();
  }
}

void (spec.mode === 'drain' ? drain() : work()).catch((e) => {
  process.stderr.write(`child: ${(e as Error).stack}\n`);
  process.exit(3);
});
