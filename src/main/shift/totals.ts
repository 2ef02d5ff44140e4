/**
 * Shift totals: one grouped query over the shift's STAN range (a primary-key range scan), folded
 * into the figures of the X and Z reports by a pure function that the unit tests drive directly.
 *
 * Counting rules (each one unit-tested in test/unit/shift-totals.test.ts). What a kind means —
 * its bucket, the sign of its card money, its drawer cash — is read from its declaration in
 * src/shared/txn-kinds.ts; these are the rules for today's kinds:
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
 * - Expected drawer cash = opening float + cash of sales − cash of voided sales + cash taken for
 *   cards sold and top-ups − cash paid out for cash-outs (approved only: a declined or reversed
 *   one's cash was handed back): Σ of each approved kind's declared drawer movement.
 * - The named lines are the table's (TOTALS_LINE_DECLS): a kind that names a line is counted in
 *   it — count, amount, and the cash its rows moved — with no code here knowing the line.
 * - A type no kind declares is refused (UNKNOWN_TXN_KIND), never counted as nothing.
 */
import type { Db } from '../store/sqlite';
import { DEFAULT_TIME_ZONE, formatInZone } from '../../shared/local-time';
import {
  TXN_KINDS,
  cardSign,
  drawerSign,
  kindOf,
  type FirstReleaseTotalsBucket,
  type KindTable,
  type TOTALS_LINE_DECLS,
  type TotalsBucket,
  type TotalsLineDecl,
} from '../../shared/txn-kinds';

export interface CountAmount {
  count: number;
  amountFen: number;
}

/** The figures of an X/Z line, by its declared `figures` (src/shared/txn-kinds.ts TOTALS_LINE_DECLS). */
type LineOf<F> = F extends 'count'
  ? { count: number }
  : F extends 'amount'
    ? CountAmount
    : CountAmount & { cashFen: number };
type Lines = typeof TOTALS_LINE_DECLS;
/**
 * The named X/Z lines, one per declared line (sales, voids, refunds, inquiries, reversals, cards
 * sold, top-ups, cash-outs, replacements …). A line added after the first release is present when a
 * kind of the table counts in it (and absent from Z reports frozen before it).
 */
export type TotalsLines = { [B in FirstReleaseTotalsBucket]: LineOf<Lines[B]['figures']> } & {
  [B in Exclude<TotalsBucket, FirstReleaseTotalsBucket>]?: LineOf<Lines[B]['figures']>;
};
/** Any line, as the fold and the report read it whatever the table. */
export interface TotalsLine {
  count: number;
  amountFen?: number;
  cashFen?: number;
}

export type ShiftTotals = TotalsLines & {
  /**
   * Every approved kind by its type (src/shared/txn-kinds.ts), whatever its bucket: count, amount
   * and the cash it moved in the drawer (signed: in +, out −).
   */
  byKind: Record<string, CountAmount & { cashFen: number }>;
  declined: { count: number; byCode: Record<string, number> };
  pending: { count: number };
  online: CountAmount;
  offline: CountAmount;
  /**
   * Net card money: Σ of each kind's amount signed by its card direction (debit +, credit −:
   * sales − voids − refunds − cards sold − top-ups + cash-outs). Net cash: Σ of what each kind
   * moved in the drawer (a sale's cash part in, a void's back out, a card sold's cash in, a
   * cash-out's out).
   */
  netCardFen: number;
  netCashFen: number;
  /**
   * How the customers paid for their goods, net of voids and refunds: the card money of the kinds
   * a card pays a purchase with (sale, void, refund, chip purchase) and the cash beside it (split
   * tender). The money of selling, topping up or cashing out a card is not a purchase — it is in
   * its own X/Z line and in the drawer, never in this mix.
   */
  tender: { cardFen: number; cashFen: number };
  /** Approved sales by the store's local hour "00".."23". */
  byHour: Array<{ hour: string; count: number; amountFen: number }>;
};

/** A line of the table, by name (the table may be a test's, with lines of its own). */
export function lineOf(t: ShiftTotals, bucket: string): TotalsLine | undefined {
  return (t as unknown as Record<string, TotalsLine | undefined>)[bucket];
}

function zeroLine(figures: TotalsLineDecl['figures']): TotalsLine {
  return figures === 'count'
    ? { count: 0 }
    : figures === 'amount'
      ? { count: 0, amountFen: 0 }
      : { count: 0, amountFen: 0, cashFen: 0 };
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

/**
 * Folds grouped rows into the report's totals. Pure. `localHour` maps a UTC hour to local "HH".
 * What each approved row means comes from its kind (src/shared/txn-kinds.ts): the named bucket it
 * is counted in, the sign of its card money in the net, and what it does to the drawer. A type no
 * table declares throws UNKNOWN_TXN_KIND — a row the report cannot place is never a silent zero.
 * `kinds` is the real table except in tests that declare an extra kind.
 */
export function foldTotals(
  groups: readonly TotalsGroup[],
  localHour: (utcHour: string) => string = localHourIn(DEFAULT_TIME_ZONE),
  kinds: KindTable = TXN_KINDS,
): ShiftTotals {
  const t = {
    byKind: {},
    declined: { count: 0, byCode: {} },
    pending: { count: 0 },
    online: zero(),
    offline: zero(),
    netCardFen: 0,
    netCashFen: 0,
    tender: { cardFen: 0, cashFen: 0 },
    byHour: [],
  } as unknown as ShiftTotals;
  // Every first-release line, and every later line a kind of the table counts in, starts at zero.
  const lines = t as unknown as Record<string, TotalsLine>;
  const figuresOf = new Map(kinds.totalsLines.map((l) => [l.bucket, l.figures]));
  for (const l of kinds.totalsLines) if (l.firstRelease || l.used) lines[l.bucket] = zeroLine(l.figures);
  const hours = new Map<string, CountAmount>();
  const tender = { cardFen: 0, cashFen: 0 };
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
    const k = kindOf(g.type, kinds);
    const cash = drawerSign(k.drawer.amount) * g.amount + drawerSign(k.drawer.otherTender) * g.other;
    const mine = (t.byKind[k.type] ??= { ...zero(), cashFen: 0 });
    mine.count += g.n;
    mine.amountFen += g.amount;
    mine.cashFen += cash;
    t.netCardFen += cardSign(k.card) * g.amount;
    t.netCashFen += cash;
    if (paysForGoods(k)) {
      tender.cardFen += cardSign(k.card) * g.amount;
      tender.cashFen += cash;
    }
    const bucket = k.totals;
    if (bucket === null) continue; // counted in byKind and in the net only
    const line = lines[bucket];
    line.count += g.n;
    const figures = figuresOf.get(bucket);
    if (figures !== 'count') line.amountFen = (line.amountFen ?? 0) + g.amount;
    // The cash the line's rows moved, as a magnitude (a void's cash part goes out, a sale's in).
    if (figures === 'cash') line.cashFen = (line.cashFen ?? 0) + Math.abs(cash);
    // The spending line also feeds the online/offline split and the chart by hour.
    if (bucket === 'sales') {
      const side = g.offline ? t.offline : t.online;
      side.count += g.n;
      side.amountFen += g.amount;
      const h = localHour(g.hour);
      const slot = hours.get(h) ?? zero();
      slot.count += g.n;
      slot.amountFen += g.amount;
      hours.set(h, slot);
    }
  }
  t.tender = tender;
  t.byHour = [...hours.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([hour, v]) => ({ hour, ...v }));
  return t;
}

/**
 * A kind by which a card pays for a purchase (or gives it back): its amount is not matched by cash
 * in the drawer (a card sold, topped up or cashed out is paid across the counter) — so its card
 * money and its split cash are the tender mix of goods.
 */
function paysForGoods(k: { paidOnTerminal: boolean; drawer: { amount: string } }): boolean {
  return !k.paidOnTerminal && k.drawer.amount === 'none';
}

/**
 * Maps a UTC hour "YYYY-MM-DDTHH" to the hour "HH" on the store's clock (config `timeZone`), not
 * the machine's: a till whose clock runs in UTC still charts a 10:40 Shanghai sale at 10.
 */
export function localHourIn(timeZone: string): (utcHour: string) => string {
  return (utcHour) => formatInZone(`${utcHour}:00:00.000Z`, timeZone).slice(11, 13) || '??';
}

/** Expected cash in the drawer: the opening float plus the cash the shift took in, net of voids. */
export function expectedCash(openingFloatFen: number, t: Pick<ShiftTotals, 'netCashFen'>): number {
  return openingFloatFen + t.netCashFen;
}

/**
 * A narrower read of a STAN range: `sql` ("AND …" over txns' columns) and its parameters, and the
 * report index (src/main/shift/schema.ts) whose leading columns serve it — txns_report for the
 * whole till, txns_issuer_report (the same with issuer_id in front) for one issuer's rows.
 */
export interface TotalsFilter {
  sql: string;
  params: readonly string[];
  index: 'txns_report' | 'txns_issuer_report';
}

const NO_FILTER: TotalsFilter = { sql: '', params: [], index: 'txns_report' };

/**
 * The report queries, designed for 100,000-transaction shifts (bench/reports.bench.ts). Every
 * figure is an index-only range scan of `txns_report (type, status, offline, stan, amount_fen,
 * other_tender_fen)` over the shift's STAN range: the cost is the shift's own rows, never the
 * table's history, with no table reads and no sort. Declines by code go through `txns_by_status`
 * (only declined rows are read). Sales by hour: hour boundaries are found through `txns_by_created`,
 * then each hour is a STAN sub-range of the same index scan. STANs are taken in time order, so an
 * hour is a contiguous STAN range; a clock set backwards can only move a sale into a neighbouring
 * hour of the chart — the money totals are the sum of all slices, which cover the range exactly.
 * (A single GROUP BY over all five keys did the same in one statement but sorted every row and
 * read the table: ~5× slower at 100,000.)
 * The rows are folded into `TotalsGroup`s so foldTotals stays the one place the rules live.
 *
 * `o.filter` narrows every query to some of the range's rows (one issuer's: issuer-totals.ts), its
 * approved slices scanned on the report index the filter names, so the read stays index-only;
 * `o.byHour: false` reads the sales as one range (no chart by hour).
 */
export function queryTotalsGroups(
  db: Db,
  fromStan: number,
  toStan: number,
  kinds: KindTable = TXN_KINDS,
  o: { filter?: TotalsFilter; byHour?: boolean } = {},
): TotalsGroup[] {
  if (toStan < fromStan) return [];
  assertKnownTypes(db, fromStan, toStan, kinds);
  const f = o.filter ?? NO_FILTER;
  const out: TotalsGroup[] = [];
  const slice = db.prepare(
    `SELECT offline, COUNT(*) AS n, SUM(amount_fen) AS amount, SUM(other_tender_fen) AS other
       FROM txns INDEXED BY ${f.index} WHERE type = ? AND status = ? AND offline IN (0, 1) AND stan BETWEEN ? AND ? ${f.sql} GROUP BY offline`,
  );
  const push = (type: string, status: string, lo: number, hi: number, hour = '') => {
    for (const r of slice.all(type, status, lo, hi, ...f.params) as Array<{
      offline: number;
      n: number;
      amount: number | null;
      other: number | null;
    }>) {
      if (r.n)
        out.push({
          type,
          status,
          offline: r.offline,
          decline_code: null,
          hour,
          n: r.n,
          amount: r.amount ?? 0,
          other: r.other ?? 0,
        });
    }
  };
  const hours = o.byHour === false ? undefined : hourRanges(db, fromStan, toStan);
  for (const k of kinds.list) {
    // Sales-bucket kinds feed the chart by hour: one slice per hour. Every other kind is one range.
    if (k.totals === 'sales' && hours) for (const h of hours) push(k.type, 'approved', h.lo, h.hi, h.hour);
    else push(k.type, 'approved', fromStan, toStan);
  }
  const pending = db
    .prepare(
      `SELECT COUNT(*) AS n FROM txns INDEXED BY txns_by_status WHERE status = 'pending' AND stan BETWEEN ? AND ? ${f.sql}`,
    )
    .get(fromStan, toStan, ...f.params) as { n: number };
  if (pending.n)
    out.push({
      type: 'sale',
      status: 'pending',
      offline: 0,
      decline_code: null,
      hour: '',
      n: pending.n,
      amount: 0,
      other: 0,
    });
  const declined = db
    .prepare(
      `SELECT decline_code, COUNT(*) AS n FROM txns INDEXED BY txns_by_status WHERE status = 'declined' AND stan BETWEEN ? AND ? ${f.sql} GROUP BY decline_code`,
    )
    .all(fromStan, toStan, ...f.params) as Array<{ decline_code: string | null; n: number }>;
  for (const d of declined)
    out.push({
      type: 'sale',
      status: 'declined',
      offline: 0,
      decline_code: d.decline_code,
      hour: '',
      n: d.n,
      amount: 0,
      other: 0,
    });
  return out;
}

/**
 * Refuses (UNKNOWN_TXN_KIND) when the STAN range holds a row whose type no kind declares — written
 * by a newer version or edited on disk. The report and the settlement must not add it up as zero.
 * Cheap: the distinct types of the whole table are read by skipping along txns_report's leading
 * column (one seek per type, not per row); only a type the table does not know is then looked up
 * in the range.
 */
export function assertKnownTypes(
  db: Db,
  fromStan: number,
  toStan: number,
  kinds: KindTable = TXN_KINDS,
): void {
  const types = db
    .prepare(
      `WITH RECURSIVE t(type) AS (
         SELECT MIN(type) FROM txns INDEXED BY txns_report
         UNION ALL
         SELECT (SELECT MIN(type) FROM txns INDEXED BY txns_report WHERE type > t.type) FROM t WHERE t.type IS NOT NULL)
       SELECT type FROM t WHERE type IS NOT NULL`,
    )
    .all() as Array<{ type: string }>;
  const inRange = db.prepare('SELECT 1 FROM txns WHERE type = ? AND stan BETWEEN ? AND ? LIMIT 1');
  for (const { type } of types)
    if (!kinds.has(type) && inRange.get(type, fromStan, toStan)) kindOf(type, kinds);
}

/**
 * The shift's STAN range cut at each UTC hour of created_at: contiguous slices covering
 * [fromStan, toStan] exactly. Undefined when the clock looks wrong (then sales are not split by hour).
 */
function hourRanges(
  db: Db,
  fromStan: number,
  toStan: number,
): Array<{ hour: string; lo: number; hi: number }> | undefined {
  const first = db
    .prepare('SELECT created_at FROM txns WHERE stan BETWEEN ? AND ? ORDER BY stan LIMIT 1')
    .get(fromStan, toStan) as { created_at: string } | undefined;
  const last = db
    .prepare('SELECT created_at FROM txns WHERE stan BETWEEN ? AND ? ORDER BY stan DESC LIMIT 1')
    .get(fromStan, toStan) as { created_at: string } | undefined;
  if (!first || !last) return [];
  const startMs = Date.parse(`${first.created_at.slice(0, 13)}:00:00.000Z`);
  const endMs = Date.parse(last.created_at);
  if (!(endMs >= startMs) || endMs - startMs > 400 * 24 * 3600_000) return undefined;
  const seek = db.prepare(
    'SELECT stan FROM txns INDEXED BY txns_by_created WHERE created_at >= ? AND stan BETWEEN ? AND ? ORDER BY created_at LIMIT 1',
  );
  const out: Array<{ hour: string; lo: number; hi: number }> = [];
  let lo = fromStan;
  for (let h = startMs; lo <= toStan; h += 3600_000) {
    // The last hour needs no seek (and a seek past the range's end could read later shifts' rows).
    const next =
      h + 3600_000 > endMs
        ? undefined
        : (seek.get(new Date(h + 3600_000).toISOString(), lo, toStan) as { stan: number } | undefined);
    const hi = next ? next.stan - 1 : toStan;
    if (hi >= lo) out.push({ hour: new Date(h).toISOString().slice(0, 13), lo, hi });
    lo = hi + 1;
  }
  return out;
}

/** `timeZone`: the store's (config `timeZone`), for the sales by hour. */
export function shiftTotals(
  db: Db,
  fromStan: number,
  toStan: number,
  kinds: KindTable = TXN_KINDS,
  timeZone: string = DEFAULT_TIME_ZONE,
): ShiftTotals {
  return foldTotals(queryTotalsGroups(db, fromStan, toStan, kinds), localHourIn(timeZone), kinds);
}

/** Totals of everything since `sinceIso` (today at a glance): first STAN by time (indexed), then the range. */
export function totalsSince(db: Db, sinceIso: string, timeZone: string = DEFAULT_TIME_ZONE): ShiftTotals {
  const first = (
    db.prepare('SELECT MIN(stan) AS s FROM txns WHERE created_at >= ?').get(sinceIso) as { s: number | null }
  ).s;
  if (first === null) return foldTotals([]);
  const last = (db.prepare('SELECT MAX(stan) AS s FROM txns').get() as { s: number }).s;
  return shiftTotals(db, first, last, TXN_KINDS, timeZone);
}

/**
 * Midnight of `now`'s day on the store's clock (config `timeZone`), as ISO-8601 UTC: "today" is
 * the store's day, whatever zone the machine runs in. The zone's offset is read at the guess and
 * once more at the result, which covers a daylight-saving change that day.
 */
export function localMidnightIso(now: Date, timeZone: string = DEFAULT_TIME_ZONE): string {
  const wall = (ms: number) =>
    Date.parse(`${formatInZone(new Date(ms).toISOString(), timeZone).replace(' ', 'T')}Z`);
  const day = formatInZone(now.toISOString(), timeZone).slice(0, 10);
  const guess = Date.parse(`${day}T00:00:00.000Z`);
  let at = guess - (wall(guess) - guess);
  at = guess - (wall(at) - at);
  return new Date(at).toISOString();
}
