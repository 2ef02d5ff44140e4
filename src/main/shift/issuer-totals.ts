/**
 * One issuer's part of an X/Z: the same totals fold (./totals.ts `foldTotals`, one place for the
 * counting rules) run over the rows of that issuer alone. The approved rows are read by an
 * index-only range scan of `txns_issuer_report (issuer_id, type, status, offline, stan, …)`, the
 * till's report index with the issuer in front (shift/006); declines and pending rows are few and
 * read through `txns_by_status`. Sales by hour are the till's chart only (this part has none).
 */
import type { Db } from '../store/sqlite';
import { TXN_KINDS, type KindTable } from '../../shared/txn-kinds';
import { assertKnownTypes, foldTotals, type ShiftTotals, type TotalsGroup } from './totals';

/** `issuer_id IN (?, …)` and its parameters; rows of every issuer when `ids` is undefined. */
export function issuerFilter(ids: readonly string[] | undefined): { sql: string; params: string[] } {
  if (!ids) return { sql: '', params: [] };
  return { sql: `AND issuer_id IN (${ids.map(() => '?').join(', ')})`, params: [...ids] };
}

export function issuerTotalsGroups(
  db: Db,
  fromStan: number,
  toStan: number,
  ids: readonly string[],
  kinds: KindTable = TXN_KINDS,
): TotalsGroup[] {
  if (toStan < fromStan) return [];
  assertKnownTypes(db, fromStan, toStan, kinds);
  const f = issuerFilter(ids);
  const out: TotalsGroup[] = [];
  const slice = db.prepare(
    `SELECT offline, COUNT(*) AS n, SUM(amount_fen) AS amount, SUM(other_tender_fen) AS other
       FROM txns INDEXED BY txns_issuer_report
      WHERE issuer_id IN (${ids.map(() => '?').join(', ')}) AND type = ? AND status = 'approved' AND offline IN (0, 1)
        AND stan BETWEEN ? AND ? GROUP BY offline`,
  );
  for (const k of kinds.list)
    for (const r of slice.all(...ids, k.type, fromStan, toStan) as Array<{
      offline: number;
      n: number;
      amount: number | null;
      other: number | null;
    }>)
      if (r.n)
        out.push({
          type: k.type,
          status: 'approved',
          offline: r.offline,
          decline_code: null,
          hour: '',
          n: r.n,
          amount: r.amount ?? 0,
          other: r.other ?? 0,
        });
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

/** The X/Z totals of one issuer's rows in a STAN range (its ids: the home entry's include 'default'). */
export function issuerShiftTotals(
  db: Db,
  fromStan: number,
  toStan: number,
  ids: readonly string[],
  kinds: KindTable = TXN_KINDS,
): ShiftTotals {
  return foldTotals(issuerTotalsGroups(db, fromStan, toStan, ids, kinds), undefined, kinds);
}
