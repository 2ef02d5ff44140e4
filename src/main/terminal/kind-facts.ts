/**
 * What the transaction runner reads of each kind (src/shared/txn-kinds.ts, the one table): the
 * issuer command its wire name maps to, whether an unknown outcome is reversed (`reversedBy`),
 * whether a request the issuer cannot have seen may be decided offline (`offline`). A kind the
 * table does not know is UNKNOWN_TXN_KIND; a kind whose wire command the port has no command for
 * is INVALID_STATE — never a silent default.
 */
import { TillError } from '../../shared/errors';
import { TXN_KINDS, reverseOnUnknownOutcome, type TxnType } from '../../shared/txn-kinds';
import type { IssuerCommand } from '../issuer/port';

export interface RunnerKind {
  type: TxnType;
  /** The issuer port command (src/main/issuer/port.ts). */
  command: 'authorize' | 'inquire' | 'void' | 'refund' | 'activate' | 'topup' | 'password';
  /** Moves money at the issuer: an unknown outcome ends declined with a queued Reverse. */
  reversible: boolean;
  /** The issuer unreachable (nothing sent): may be decided by the offline policy. */
  offlineEligible: boolean;
}

/** Wire command of the kinds table → the port command the runner sends. */
const COMMAND_OF_WIRE: Partial<Record<string, RunnerKind['command'] & IssuerCommand['kind']>> = {
  authorize: 'authorize',
  inquiry: 'inquire',
  void: 'void',
  refund: 'refund',
  activate: 'activate',
  topup: 'topup',
  password: 'password',
  // Run on the chip by a local port (chip-purchase.ts), which reads these commands' amounts.
  chip_purchase: 'authorize',
  chip_load: 'topup',
};

export function runnerKind(type: string): RunnerKind {
  const k = TXN_KINDS.get(type);
  const command = COMMAND_OF_WIRE[k.wire];
  if (!command) throw new TillError('INVALID_STATE', `kind ${type} is not run online (wire ${k.wire})`);
  return { type: k.type, command, reversible: k.reversedBy !== null, offlineEligible: k.offline };
}

/** Whether a pending row of this type is reversed when recovered; unknown types are (the safe side). */
export const reversedWhenRecovered = (type: string): boolean => reverseOnUnknownOutcome(type);
