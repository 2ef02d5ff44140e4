/**
 * Manager override: a manager's PIN typed on the cashier's screen allows one privileged action
 * (void, refund, manual card entry, offline approval over limit, Z report reprint, forced batch
 * close). Wrong PINs count toward that manager's lockout like any sign-in. Every granted override
 * is reported to `onGranted` (the audit log records it).
 */
import { TillError } from '../../shared/errors';
import type { Operator, Override } from '../../shared/contract';
import type { Operators } from './operators';
import { TXN_KINDS, kindOf, type KindOverrideAction, type KindTable } from '../../shared/txn-kinds';

/** A kind's own override (its `override` in src/shared/txn-kinds.ts), or one of the till's other privileged actions. */
export type OverrideAction =
  | KindOverrideAction
  | 'manual_entry'
  | 'offline_over_limit'
  | 'z_reprint'
  | 'force_close'
  /** close a shift whose journal check failed (src/main/shift/journal-check.ts) */
  | 'journal_ack';

/** The override a transaction kind needs before it runs, or null (src/shared/txn-kinds.ts). */
export function kindOverride(type: string, kinds: KindTable = TXN_KINDS): OverrideAction | null {
  return kindOf(type, kinds).override;
}

export interface OverrideChecker {
  /** Returns the approving manager, or throws OVERRIDE_REQUIRED / FORBIDDEN / BAD_PIN / OPERATOR_LOCKED. */
  check(
    action: OverrideAction,
    override: Override | undefined,
    detail?: { stan?: number; note?: string },
  ): Operator;
}

export function createOverrideChecker(
  operators: Operators,
  onGranted: (e: {
    action: OverrideAction;
    manager: Operator;
    stan?: number;
    note?: string;
  }) => void = () => {},
): OverrideChecker {
  return {
    check(action, override, detail = {}) {
      if (!override) throw new TillError('OVERRIDE_REQUIRED', action);
      const who = operators.authenticate(override.operatorId, override.pin, 'override');
      if (who.role !== 'manager') throw new TillError('FORBIDDEN', `${action} needs a manager's PIN`);
      onGranted({ action, manager: who, ...detail });
      return who;
    },
  };
}
