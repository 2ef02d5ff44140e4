/**
 * What the transaction runner needs to know of each kind it runs: the issuer command it sends,
 * whether an unknown outcome is reversed, whether a request the issuer cannot have seen may be
 * decided offline. Read from one place, so a kind the runner does not know is a typed refusal
 * (INVALID_STATE), never a silent default.
 */
import { TillError } from '../../shared/errors';
import type { TxnType } from '../../shared/contract';

export interface RunnerKind {
  /** The issuer port command (src/main/issuer/port.ts). */
  command: 'authorize' | 'inquire' | 'void' | 'refund';
  /** Moves money at the issuer: an unknown outcome ends declined with a queued Reverse. */
  reversible: boolean;
  /** The issuer unreachable (nothing sent): may be decided by the offline policy. */
  offlineEligible: boolean;
}

export const RUNNER_KINDS = {
  sale: { command: 'authorize', reversible: true, offlineEligible: true },
  inquiry: { command: 'inquire', reversible: false, offlineEligible: false },
  void: { command: 'void', reversible: true, offlineEligible: false },
  refund: { command: 'refund', reversible: true, offlineEligible: false },
} as const satisfies Record<string, RunnerKind>;

export type RunnerKindName = keyof typeof RUNNER_KINDS;

export function runnerKind(type: TxnType | string): RunnerKind {
  const k = (RUNNER_KINDS as Record<string, RunnerKind>)[type];
  if (!k) throw new TillError('INVALID_STATE', `no runner facts for kind ${type}`);
  return k;
}
