/**
 * Shift totals: one grouped query over the shift's STAN range (a primary-key range scan), folded
 * into the figures of the X and Z reports by a pure function that the unit tests drive directly.
 *
 * Counting rules (each one unit-tested in test/unit/shift-totals.test.ts):
 * - A sale counts when approved, in `sales` (gross). Its card part is `amount_fen`, its cash part
 *   (split tender) `other_tender_fen`.
 * - A void is its own approved row (type 'void', orig_stan → the sale). It counts once, in
 *   `voids`; the voided sale stays in gross sales. Net = sales − voids − refunds.
 * - A refund is its own approved row (type 'refund') and counts once, in `refunds` — never by
 *   lowering the original sale as well. Refunds credit the card: no cash leaves the drawer.
 * - A void of a split sale gives the cash part back from the drawer.
 * - Reversals (a sale whose answer was lost, declined at the till and undone at the issuer) move no
 *   money from the shift's point of view: the sale was declined. They are listed as exceptions.
 * - Declined and pending rows are counted as exceptions, never in money totals.
 * - Expected drawer cash = opening float + cash of sales − cash of voided sales.
 */
import type { Db } from '../store/sqlite';

export interface CountAmount {
  count: number;
  amountFen: number;
}

export interface ShiftTotals {
  sales: CountAmount & { cashFen: number };
  voids: CountAmount & { cashFen: number };
  refunds: CountAmount;
  inquiries: { count: number };
  reversals: CountAmount;
  declined: { count: number; byCode: Record<string, number> };
  pending: { count: number };
  online: CountAmount;
  offline: CountAmount;
  /** Net card money (sales − voids − refunds), and the cash part (sales' cash − voided cash). */
  netCardFen: number;
  netCashFen: number;
  /** Tender mix of net takings. */
  tender: { cardFen: number; cashFen: number };
  /** Approved sales by local hour "00".."23". */
  byHour: Array<{ hour: string; count: number; amountFen: number }>;
}

/** One row of the grouped query. `hour` is the UTC hour "YYYY-MM-DDTHH" of created_at. */
export interface TotalsGroup {
  type: string;
  status: string;
  offline: number;
  decline_code: string | null;
  hour: string;
  n: number;
  amount: number;
  other: number;
}

const zero = (): CountAmount => ({ count: 0, amountFen: 0 });

/** Folds grouped rows into the report's totals. Pure. `localHour` maps a UTC hour to local "HH". */
export function foldTotals(
  groups: readonly TotalsGroup[],
  localHour: (utcHour: string) => string = defaultLocalHour,
): ShiftTotals {
  const t: ShiftTotals = {
    sales: { ...zero(), cashFen: 0 },
    voids: { ...zero(), cashFen: 0 },
    refunds: zero(),
    inquiries: { count: 0 },
    reversals: zero(),
    declined: { count: 0, byCode: {} },
    pending: { count: 0 },
    online: zero(),
    offline: zero(),
    netCardFen: 0,
    netCashFen: 0,
    tender: { cardFen: 0, cashFen: 0 },
    byHour: [],
  };
  const hours = new Map<string, CountAmount>();
  for (const g of groups) {
    if (g.status === 'pending') {
      t.pending.count += g.n;
      continue;
    }
    if (g.status === 'declined') {
      t.declined.count += g.n;
      const code = g.decline_code ?? 'UNKNOWN';
      t.declined.byCode[code] = (t.declined.byCode[code] ?? 0) + g.n;
      continue;
    }
    if (g.status !== 'approved') continue;
    switch (g.type) {
      case 'sale': {
        t.sales.count += g.n;
        t.sales.amountFen += g.amount;
        t.sales.cashFen += g.other;
        const side = g.offline ? t.offline : t.online;
        side.count += g.n;
        side.amountFen += g.amount;
        const h = localHour(g.hour);
        const slot = hours.get(h) ?? zero();
        slot.count += g.n;
        slot.amountFen += g.amount;
        hours.set(h, slot);
        break;
      }
      case 'void':
        t.voids.count += g.n;
        t.voids.amountFen += g.amount;
        t.voids.cashFen += g.other;
        break;
      case 'refund':
        t.refunds.count += g.n;
        t.refunds.amountFen += g.amount;
        break;
      case 'inquiry':
        t.inquiries.count += g.n;
        break;
      case 'reversal':
        t.reversals.count += g.n;
        t.reversals.amountFen += g.amount;
        break;
    }
  }
  t.netCardFen = t.sales.amountFen - t.voids.amountFen - t.refunds.amountFen;
  t.netCashFen = t.sales.cashFen - t.voids.cashFen;
  t.tender = { cardFen: t.netCardFen, cashFen: t.netCashFen };
  t.byHour = [...hours.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([hour, v]) => ({ hour, ...v }));
  return t;
}

function defaultLocalHour(utcHour: string): string {
  const d = new Date(`${utcHour}:00:00.000Z`);
  return Number.isNaN(d.getTime()) ? '??' : String(d.getHours()).padStart(2, '0');
}

/** Expected cash in the drawer: the opening float plus the cash the shift took in, net of voids. */
export function expectedCash(openingFloatFen: number, t: Pick<ShiftTotals, 'netCashFen'>): number {
  return openingFloatFen + t.netCashFen;
}

/**
 * The grouped query. `created_at` is ISO-8601 UTC, so its first 13 characters are the UTC hour.
 * The range is the primary key: no index beyond the rowid is needed.
 */
export function queryTotalsGroups(db: Db, fromStan: number, toStan: number): TotalsGroup[] {
  return db
    .prepare(
      `SELECT type, status, offline, decline_code, substr(created_at, 1, 13) AS hour,
              COUNT(*) AS n, SUM(amount_fen) AS amount, SUM(other_tender_fen) AS other
         FROM txns WHERE stan BETWEEN ? AND ?
        GROUP BY type, status, offline, decline_code, hour`,
    )
    .all(fromStan, toStan) as TotalsGroup[];
}

export function shiftTotals(db: Db, fromStan: number, toStan: number): ShiftTotals {
  return foldTotals(queryTotalsGroups(db, fromStan, toStan));
}

/** Totals of everything since `sinceIso` (today at a glance): first STAN by time (indexed), then the range. */
export function totalsSince(db: Db, sinceIso: string): ShiftTotals {
  const first = (
    db.prepare('SELECT MIN(stan) AS s FROM txns WHERE created_at >= ?').get(sinceIso) as { s: number | null }
  ).s;
  if (first === null) return foldTotals([]);
  const last = (db.prepare('SELECT MAX(stan) AS s FROM txns').get() as { s: number }).s;
  return shiftTotals(db, first, last);
}

/** Local midnight of `now`, as ISO-8601 UTC. */
export function localMidnightIso(now: Date): string {
  return new Date(now.getFullYear(), now.getMonth(), now.getDate()).toISOString();
}
