/**
 * The 按类型 BY TYPE lines of an X/Z, from the kinds table's X/Z lines (src/shared/txn-kinds.ts
 * TOTALS_LINE_DECLS): the shift's (report-layout.ts) and each issuer's (issuer-report-layout.ts)
 * print the same lines, so a kind with a line of its own appears in both with no edit here.
 */
import { formatMoney } from '../../shared/money';
import type { KindTable } from '../../shared/txn-kinds';

/** An amount taken off the net (voids, refunds); nothing taken prints as ¥0.00, not "-¥0.00". */
const minus = (fen: number) => (fen === 0 ? formatMoney(0) : `-${formatMoney(fen)}`);

/**
 * `[words ×count, amount]` for every line the totals carry, in declared order: a first-release line
 * always (it is always in the totals), a later one when present — a Z frozen before it has not —
 * and a quiet one (chip purchases) only when something was counted in it.
 */
export function typeLinePairs(totals: object, kinds: KindTable): Array<[string, string]> {
  const lines = totals as Record<string, { count: number; amountFen?: number } | undefined>;
  const out: Array<[string, string]> = [];
  for (const l of kinds.totalsLines) {
    const line = lines[l.bucket];
    if (l.print === 'none' || !line || (l.quietWhenZero && line.count === 0)) continue;
    const amount = line.amountFen ?? 0;
    out.push([
      `${l.zh} ${l.en} ×${line.count}`,
      l.print === 'count' ? '' : l.print === 'minus' ? minus(amount) : formatMoney(amount),
    ]);
  }
  return out;
}
