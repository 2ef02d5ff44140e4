/**
 * Builds the manager's pieces for src/main/app.ts (kept here so app.ts grows by a few lines):
 * the audit log (fed by every PIN check and every granted override), the shift service with its
 * settler, and void/refund.
 */
import type { Db } from '../store/sqlite';
import type { TerminalConfig } from '../config/config';
import type { TerminalKeys } from '../keys/terminal-keys';
import type { Operators } from '../auth/operators';
import type { OverrideChecker } from '../auth/override';
import type { TxnStore } from '../terminal/txn-store';
import type { Terminal } from '../terminal/terminal';
import type { Operator } from '../../shared/contract';
import { AuditLog } from '../audit/audit-log';
import { ShiftService } from './shift-service';
import { createSettler } from './settlement';
import { offlineQueueFromDb } from './offline-hook';
import { chipClearingItems } from '../terminal/chip-clearing';
import { VoidRefund } from '../terminal/void-refund';
import type { OfflineStore } from '../../offline-queue/store';

export function createAudit(
  db: Db,
  clock: () => Date,
  current: () => Operator | null,
  operators: Operators,
): AuditLog {
  const audit = new AuditLog(db, clock, current);
  operators.onAttempt((a) =>
    audit.record({
      action: a.purpose === 'sign-in' ? 'auth.sign-in' : 'auth.override-pin',
      operatorId: a.operatorId,
      operatorRole: operators.get(a.operatorId)?.role ?? null,
      outcome: a.ok ? 'ok' : 'denied',
      detail: a.code,
    }),
  );
  return audit;
}

export function createShiftPieces(p: {
  db: Db;
  config: TerminalConfig;
  keys: TerminalKeys;
  store: TxnStore;
  terminal: Terminal;
  overrides: OverrideChecker;
  audit: AuditLog;
  clock: () => Date;
  log: (line: string) => void;
  /**
   * Store-and-forward: voids and refunds of offline-approved sales need it. `store` enqueues (an
   * advice carries its issuer id); `forwardNow` pushes every issuer's lane (src/offline-queue/lanes.ts).
   */
  offline?: { store: OfflineStore; forwardNow(): Promise<unknown> };
}): { shifts: ShiftService; voidRefund: VoidRefund } {
  const c = p.config;
  // Settle through the issuer port of the batch's issuer: the router the terminal runs with.
  const settler = createSettler({
    db: p.db,
    router: p.terminal.runner.router,
    clock: p.clock,
    log: p.log,
    // PBOC e-purse: each chip purchase / load goes to clearing with its TAC.
    chipItems: (b, rows) => chipClearingItems(p.store, b, rows),
  });
  const shifts = new ShiftService({
    db: p.db,
    terminalId: c.terminalId,
    merchantId: c.merchantId,
    merchantName: c.merchantName,
    clock: p.clock,
    audit: p.audit,
    journalKeys: p.keys,
    settler,
    offlineQueue: offlineQueueFromDb(p.db),
    log: p.log,
    timeZone: c.timeZone,
  });
  const voidRefund = new VoidRefund({
    store: p.store,
    terminal: p.terminal,
    overrides: p.overrides,
    audit: p.audit,
    terminalId: c.terminalId,
    merchantId: c.merchantId,
    clock: p.clock,
    log: p.log,
    ...(p.offline
      ? {
          offline: {
            store: p.offline.store,
            forwardNow: () => p.offline!.forwardNow(),
            // A void is a rare, deliberate act: probe the link now rather than wait out the backoff.
            kick: () => void p.offline!.forwardNow(),
          },
        }
      : {}),
    batch: () => {
      const s = shifts.current();
      return {
        fromStan: s?.from_stan ?? shifts.unsettledFromStan(),
        shiftOpen: !!s,
        closing: shifts.isClosing(),
      };
    },
  });
  return { shifts, voidRefund };
}
