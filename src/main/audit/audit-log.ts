/**
 * The append-only audit log: every privileged action (void, refund, overrides, shift open/count/
 * close/acknowledge, report reprints and exports, operator changes) and every sign-in attempt —
 * who, when, what, which transaction. Managers view and export it (manager screen, `audit.list`,
 * `audit.export`). Card numbers never reach it: callers pass masks, and detail text is passed
 * through maskCardNumbersInText (spaced and full-width numbers too) as a last guard.
 */
import type { Db } from '../store/sqlite';
import { maskCardNumbersInText } from '../../shared/free-text';

export type AuditOutcome = 'ok' | 'denied' | 'failed';

export interface AuditInput {
  action: string;
  outcome?: AuditOutcome;
  operatorId?: string | null;
  operatorRole?: string | null;
  stan?: number;
  shiftId?: number;
  approvedBy?: string;
  detail?: string;
}

export interface AuditEntry {
  id: number;
  at: string;
  operatorId: string | null;
  operatorRole: string | null;
  action: string;
  outcome: AuditOutcome;
  stan: number | null;
  shiftId: number | null;
  approvedBy: string | null;
  detail: string | null;
}

interface AuditRow {
  id: number;
  at: string;
  operator_id: string | null;
  operator_role: string | null;
  action: string;
  outcome: AuditOutcome;
  stan: number | null;
  shift_id: number | null;
  approved_by: string | null;
  detail: string | null;
}

const toEntry = (r: AuditRow): AuditEntry => ({
  id: r.id,
  at: r.at,
  operatorId: r.operator_id,
  operatorRole: r.operator_role,
  action: r.action,
  outcome: r.outcome,
  stan: r.stan,
  shiftId: r.shift_id,
  approvedBy: r.approved_by,
  detail: r.detail,
});

export class AuditLog {
  constructor(
    private readonly db: Db,
    private readonly now: () => Date,
    /** Who is signed in right now (filled in when the caller does not say). */
    private readonly whoAmI: () => { id: string; role: string } | null = () => null,
  ) {}

  record(e: AuditInput): number {
    const who =
      e.operatorId !== undefined ? { id: e.operatorId, role: e.operatorRole ?? null } : this.whoAmI();
    const r = this.db
      .prepare(
        'INSERT INTO audit_log (at, operator_id, operator_role, action, outcome, stan, shift_id, approved_by, detail) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)',
      )
      .run(
        this.now().toISOString(),
        who?.id ?? null,
        who?.role ?? null,
        e.action,
        e.outcome ?? 'ok',
        e.stan ?? null,
        e.shiftId ?? null,
        e.approvedBy ?? null,
        e.detail ? maskCardNumbersInText(e.detail) : null,
      );
    return Number(r.lastInsertRowid);
  }

  /** Newest first; `beforeId` pages back. */
  list(o: { limit: number; beforeId?: number; action?: string }): AuditEntry[] {
    const rows = this.db
      .prepare(
        `SELECT * FROM audit_log WHERE (? IS NULL OR id < ?) AND (? IS NULL OR action = ?) ORDER BY id DESC LIMIT ?`,
      )
      .all(o.beforeId ?? null, o.beforeId ?? null, o.action ?? null, o.action ?? null, o.limit) as AuditRow[];
    return rows.map(toEntry);
  }

  /** Every entry in [from, to) by time, oldest first (export). */
  range(fromIso?: string, toIso?: string): AuditEntry[] {
    const rows = this.db
      .prepare('SELECT * FROM audit_log WHERE at >= ? AND at < ? ORDER BY id')
      .all(fromIso ?? '0000', toIso ?? '9999') as AuditRow[];
    return rows.map(toEntry);
  }
}
