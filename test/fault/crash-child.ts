/**
 * The crash loop's child: a terminal doing online and offline sales, voids of both, card sales
 * (售卡, alone and in small batches) and top-ups (充值) paid in cash, and forwarding, as fast as it
 * can, until the parent kill -9s it. An approval is written to the side file only AFTER the call
 * returned it — what a cashier would have seen. `drain` mode finishes everything and exits.
 * Configuration comes as JSON in CRASH_CHILD.
 */
import fs from 'node:fs';
import { bootCore, prepareTill, FAULT_MANAGER, type CoreSpec } from './core';
import { CardLife } from '../../src/main/terminal/card-life';
import { CardBatch } from '../../src/main/terminal/card-batch';
import { DEFAULT_CARD_RULES } from '../../src/shared/card-rules';

interface ChildSpec extends CoreSpec {
  mode: 'work' | 'drain';
  reportFile: string;
  pans: string[];
  /** Cards on the shelf (not_activated at first): sold by activation, then topped up. None: no card life. */
  shelf?: string[];
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
// The first life (a drain, never killed) gives the till its operators and opens the shift.
if (spec.mode === 'drain') prepareTill(core);
// Ready once the start's own background work is done (the reversals the last life left, the
// link probe): a kill "after ready" then lands in the workload; the early kills (from spawn)
// land in the start and its jobs.
await core.jobs.idle();
await core.forwarder.idle();
process.stdout.write('ready\n');

async function drain(): Promise<void> {
  core.link.setCut(false);
  for (let i = 0; i < 50; i++) {
    const left = await core.jobs.drain('reversal');
    await core.forwarder.forwardNow();
    if (left === 0 && core.offline.openCount() === 0) break;
  }
  await core.close();
  process.stdout.write('drained\n');
}

/**
 * Voids one of the latest approved sales not voided or refunded yet: online when the sale is at
 * the issuer, queued behind its advice when it is still in the offline queue. Reported only after
 * the call returned "approved", like a sale.
 */
async function voidOne(stan?: number): Promise<void> {
  const row =
    stan !== undefined
      ? { stan }
      : (core.db
          .prepare(
            `SELECT stan FROM txns s WHERE type = 'sale' AND status = 'approved' AND NOT EXISTS
         (SELECT 1 FROM txns v WHERE v.orig_stan = s.stan AND v.type IN ('void','refund') AND v.status IN ('approved','pending'))
       ORDER BY stan DESC LIMIT 1 OFFSET ?`,
          )
          .get(Math.floor(rnd() * 10)) as { stan: number } | undefined);
  if (!row) return;
  const { result: v } = await core.voids.void(
    { origStan: row.stan, override: FAULT_MANAGER },
    { id: '1001', role: 'cashier' },
  );
  if (process.env.CRASH_DEBUG) process.stderr.write(`${JSON.stringify(v)}\n`);
  if (v.status === 'approved')
    fs.appendFileSync(
      spec.reportFile,
      `${JSON.stringify({ stan: v.stan, type: 'void', origStan: row.stan, offline: v.offline, amountFen: v.amountFen })}\n`,
    );
}

const life = new CardLife({ terminal: core.terminal, rules: DEFAULT_CARD_RULES });
const batch = new CardBatch({ terminal: core.terminal });
const CASHIER = { id: '1001', role: 'cashier' };
const report = (line: Record<string, unknown>) =>
  fs.appendFileSync(spec.reportFile, `${JSON.stringify(line)}\n`);
const shelf = spec.shelf ?? [];
const shelfCard = () => shelf[Math.floor(rnd() * shelf.length)];
/**
 * A shelf card this till has sold (its journaled activation names its last four digits, unique on
 * the shelf), so top-ups mostly find an active card; a random shelf card when none is sold yet.
 */
function soldShelfCard(): string {
  const sold = core.db
    .prepare(
      "SELECT masked FROM txns WHERE type = 'activate' AND status = 'approved' ORDER BY stan DESC LIMIT 20",
    )
    .all() as Array<{ masked: string }>;
  const pick = sold[Math.floor(rnd() * sold.length)];
  return (pick && shelf.find((p) => p.slice(-4) === pick.masked.slice(-4))) ?? shelfCard();
}

/**
 * Sells (activates) or tops up a shelf card for cash. A card already sold declines activation
 * (CARD_ALREADY_ACTIVE) and one not sold yet declines a top-up (CARD_NOT_ACTIVATED): both are
 * part of the workload; top-ups go mostly to cards sold earlier. Reported only when the call
 * answered approved.
 */
async function load(kind: 'activate' | 'topup'): Promise<void> {
  const valueFen = 100 + Math.floor(rnd() * 5000);
  const pan = kind === 'topup' && rnd() < 0.9 ? soldShelfCard() : shelfCard();
  const token = core.terminal.present({ pan, entryMode: 'swipe', expiry: '3012' }).cardToken;
  const { result: r } = await life[kind]({ cardToken: token, valueFen }, CASHIER);
  if (process.env.CRASH_DEBUG) process.stderr.write(`${JSON.stringify(r)}\n`);
  if (r.status !== 'approved') return;
  report({
    stan: r.stan,
    type: kind,
    offline: false,
    amountFen: r.amountFen,
    otherTenderFen: r.otherTenderFen,
  });
  // Most cards sold are topped up at once, as a customer adding value to a new card would.
  if (kind === 'activate' && rnd() < 0.8) await topupNow(pan);
}

async function topupNow(pan: string): Promise<void> {
  const token = core.terminal.present({ pan, entryMode: 'swipe', expiry: '3012' }).cardToken;
  const { result: r } = await life.topup(
    { cardToken: token, valueFen: 100 + Math.floor(rnd() * 5000) },
    CASHIER,
  );
  if (process.env.CRASH_DEBUG) process.stderr.write(`${JSON.stringify(r)}\n`);
  if (r.status === 'approved')
    report({
      stan: r.stan,
      type: 'topup',
      offline: false,
      amountFen: r.amountFen,
      otherTenderFen: r.otherTenderFen,
    });
}

/** Two or three shelf cards sold in one batch: each approved card reported as its own activation. */
async function sellBatch(): Promise<void> {
  const cards = [...new Set(Array.from({ length: 2 + Math.floor(rnd() * 2) }, shelfCard))];
  const valueFen = 100 + Math.floor(rnd() * 2000);
  const out = await batch.activate({ cards, valueFen }, CASHIER);
  for (const i of out.items)
    if (i.status === 'approved')
      report({
        stan: i.stan,
        type: 'activate',
        offline: false,
        amountFen: valueFen,
        otherTenderFen: valueFen,
      });
}

async function work(): Promise<void> {
  // About a third of the lives start with the link down (offline approvals), the rest online;
  // either may flip during the life.
  core.link.setCut(rnd() < 0.35);
  for (let n = 0; ; n++) {
    const r = rnd();
    if (r < 0.03) core.link.setCut(!core.link.isCut());
    else if (r < 0.16) void core.forwarder.forwardNow();
    else if (r < 0.2) await core.jobs.drain('reversal');
    else if (r < 0.24) await voidOne();
    // Card life: a small share, so the sales, voids and offline approvals keep their density.
    // Only with a shelf (the ISO crash loop, iso-crash-loop.test.ts, gives none: its reconcile
    // covers sales, voids and reversals).
    else if (r < 0.28 && shelf.length > 0) {
      if (r < 0.27) await load('activate');
      else if (r < 0.275) await load('topup');
      else await sellBatch();
    } else {
      const pan = spec.pans[Math.floor(rnd() * spec.pans.length)];
      const amountFen = 1 + Math.floor(rnd() * 5000);
      const token = core.terminal.present({ pan, entryMode: 'swipe', expiry: '3012' }).cardToken;
      const t =
        r < 0.29
          ? await core.terminal.inquiry({ cardToken: token })
          : await core.terminal.sale({ cardToken: token, amountFen });
      if (process.env.CRASH_DEBUG) process.stderr.write(`${JSON.stringify(t)}\n`);
      if (t.type === 'sale' && t.status === 'approved') {
        fs.appendFileSync(
          spec.reportFile,
          `${JSON.stringify({ stan: t.stan, type: 'sale', offline: t.offline, amountFen: t.amountFen })}\n`,
        );
        // Now and then the customer changes their mind at once: an offline sale voided while its
        // advice is still queued (the void is queued behind it), whatever else shares the workload.
        if (t.offline && rnd() < 0.08) await voidOne(t.stan);
      }
    }
  }
}

void (spec.mode === 'drain' ? drain() : work()).catch((e) => {
  process.stderr.write(`child: ${(e as Error).stack}\n`);
  process.exit(3);
});
