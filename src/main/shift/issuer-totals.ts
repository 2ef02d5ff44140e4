/**
 * One issuer's part of an X/Z: the till's own reader and fold (./totals.ts `queryTotalsGroups`
 * and `foldTotals`, one place for the counting rules) over the rows of that issuer alone, through
 * `issuerFilter`. The approved rows are read by an
 * index-only range scan of `txns_issuer_report (issuer_id, type, status, offline, stan, …)`, the
 * till's report index with the issuer in front (shift/006); declines and pending rows are few and
 * read through `txns_by_status`. Sales by hour are the till's chart only (this part has none).
 */
import type { Db } from '../store/sqlite';
import { TXN_KINDS, type KindTable } from '../../shared/txn-kinds';
import {
  foldTotals,
  queryTotalsGroups,
  type ShiftTotals,
  type TotalsFilter,
  type TotalsGroup,
} from './totals';

/**
 * `issuer_id IN (?, …)` and its parameters, read on txns_issuer_report; rows of every issuer (on
 * txns_report) when `ids` is undefined.
 */
export function issuerFilter(ids: readonly string[] | undefined): TotalsFilter & { params: string[] } {
  if (!ids) return { sql: '', params: [], index: 'txns_report' };
  return {
    sql: `AND issuer_id IN (${ids.map(() => '?').join(', ')})`,
    params: [...ids],
    index: 'txns_issuer_report',
  };
}

export function issuerTotalsGroups(
  db: Db,
  fromStan: number,
  toStan: number,
  ids: readonly string[],
  kinds: KindTable = TXN_KINDS,
): TotalsGroup[] {
  return queryTotalsGroups(db, fromStan, toStan, kinds, { filter: issuerFilter(ids), byHour: false });
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
