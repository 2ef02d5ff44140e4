/**
 * Counting the drawer by denomination (点钞). Pure, shared by the core (which checks a count
 * before recording it) and the count form (which shows the running total as it is typed).
 *
 * Values are integer fen constants: a count is an integer, a subtotal is value × count, so no
 * yuan amount ever goes through floating point. Products stay exact: a value is at most MAX_FEN
 * (~1e10) and a count at most 100,000, so value × count < 2^53; sums stop as soon as they pass
 * MAX_FEN, which keeps them exact too.
 */
import { MAX_FEN, formatMoney } from './money';

export interface Denomination {
  valueFen: number;
  count: number;
}

/**
 * The RMB notes and coins a drawer holds (人民币第五套): ¥100, ¥50, ¥20, ¥10, ¥5, ¥1, 5角, 1角.
 * (¥2 notes and 分 coins are out of circulation in tills; a store that takes them can still enter
 * the total.)
 */
export const RMB_DENOMINATIONS_FEN: readonly number[] = [10_000, 5_000, 2_000, 1_000, 500, 100, 50, 10];

/** "¥100", "¥1", "¥0.50": whole yuan without decimals, anything else as money. */
export function denominationLabel(valueFen: number): string {
  return valueFen % 100 === 0 ? `¥${valueFen / 100}` : formatMoney(valueFen);
}

/** Sum of value × count in fen; MAX_FEN + 1 once it passes MAX_FEN (never a rounded float). */
export function sumDenominations(d: ReadonlyArray<Denomination>): number {
  let sum = 0;
  for (const x of d) {
    sum += x.valueFen * x.count;
    if (sum > MAX_FEN) return MAX_FEN + 1;
  }
  return sum;
}

export type DenominationProblem = 'DUPLICATE_DENOMINATION' | 'DENOMINATION_SUM_MISMATCH';

/**
 * Why a count by denomination cannot be recorded, or null. A value listed twice is refused
 * rather than merged: the form sends one row per value, so a repeat means a client that double
 * counted, and adding the rows up would hide exactly the mistake a count is meant to catch.
 */
export function denominationProblem(
  countedFen: number,
  d: ReadonlyArray<Denomination>,
): { code: DenominationProblem; detail: string } | null {
  const seen = new Set<number>();
  for (const x of d) {
    if (seen.has(x.valueFen))
      return { code: 'DUPLICATE_DENOMINATION', detail: `${x.valueFen} fen listed more than once` };
    seen.add(x.valueFen);
  }
  const sum = sumDenominations(d);
  if (sum !== countedFen)
    return {
      code: 'DENOMINATION_SUM_MISMATCH',
      detail: `notes and coins add up to ${sum > MAX_FEN ? `more than ${MAX_FEN}` : sum} fen, total given ${countedFen} fen`,
    };
  return null;
}

/** The breakdown as recorded: largest value first, rows counted zero left out. */
export function normalizeDenominations(d: ReadonlyArray<Denomination>): Denomination[] {
  return d
    .filter((x) => x.count > 0)
    .map((x) => ({ valueFen: x.valueFen, count: x.count }))
    .sort((a, b) => b.valueFen - a.valueFen);
}
