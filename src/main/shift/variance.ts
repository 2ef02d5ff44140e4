/**
 * Drawer variance rules (pure; test/unit/shift-variance.test.ts).
 *
 * variance = counted − expected. 0 → balanced; > 0 → over; < 0 → short.
 * Any non-zero variance must be acknowledged by a manager before the next shift can open.
 * A variance larger than `noteAboveFen` (default ¥50.00) also needs a written note with the
 * acknowledgement. The cashier who counts never sees the expected figure (blind count): the
 * count call answers only "recorded".
 */
export type VarianceStatus = 'balanced' | 'over' | 'short';

export interface VariancePolicy {
  /** |variance| above this needs a note when acknowledged. */
  noteAboveFen: number;
}

export const DEFAULT_VARIANCE_POLICY: VariancePolicy = { noteAboveFen: 5000 };

export interface Variance {
  expectedFen: number;
  countedFen: number;
  varianceFen: number;
  status: VarianceStatus;
  needsAck: boolean;
  needsNote: boolean;
}

export function assessVariance(
  expectedFen: number,
  countedFen: number,
  policy: VariancePolicy = DEFAULT_VARIANCE_POLICY,
): Variance {
  const varianceFen = countedFen - expectedFen;
  const status: VarianceStatus = varianceFen === 0 ? 'balanced' : varianceFen > 0 ? 'over' : 'short';
  return {
    expectedFen,
    countedFen,
    varianceFen,
    status,
    needsAck: varianceFen !== 0,
    needsNote: Math.abs(varianceFen) > policy.noteAboveFen,
  };
}

/** Checks an acknowledgement against the rules; returns the reason it is refused, or null. */
export function ackProblem(
  v: Pick<Variance, 'needsAck' | 'needsNote'>,
  note: string | undefined,
): string | null {
  if (!v.needsAck) return null;
  if (v.needsNote && !(note && note.trim().length >= 3)) return 'a variance this large needs a note';
  return null;
}

/** Sum of counted denominations and the checks of a count by denomination: src/shared/denominations.ts. */
export { sumDenominations, denominationProblem } from '../../shared/denominations';
