/**
 * Operators and PIN sign-in with lockout: `maxAttempts` wrong PINs lock that operator for
 * `lockSeconds` (defaults 5 and 300, configurable).
 */
import type { Db } from '../store/sqlite';
import { TillError } from '../../shared/errors';
import type { Operator, Role } from '../../shared/contract';
import type { OperatorDetail } from '../../shared/contract/manager';
import { hashPin, verifyPin } from './pin-hash';

interface OperatorRow {
  id: string;
  name: string;
  role: Role;
  pin_hash: string;
  disabled: number;
  failed_attempts: number;
  locked_until: string | null;
}

export interface LockoutPolicy {
  maxAttempts: number;
  lockSeconds: number;
}

/** Demo operators (README "Demo mode"). */
export const DEMO_OPERATORS: ReadonlyArray<{ id: string; name: string; role: Role; pin: string }> = [
  { id: '1001', name: '王芳', role: 'cashier', pin: '1234' },
  { id: '2001', name: '李店长', role: 'manager', pin: '8888' },
  { id: '3001', name: '张工', role: 'technician', pin: '5555' },
];

/** Every PIN check, good or bad, for the audit log (src/main/audit). */
export type AuthAttempt = {
  operatorId: string;
  ok: boolean;
  code?: 'BAD_PIN' | 'OPERATOR_LOCKED';
  purpose: 'sign-in' | 'override';
};

export class Operators {
  private readonly attemptListeners = new Set<(a: AuthAttempt) => void>();
  constructor(
    private readonly db: Db,
    private readonly policy: LockoutPolicy,
    private readonly now: () => Date,
  ) {}

  add(op: { id: string; name: string; role: Role; pin: string }): void {
    this.db
      .prepare('INSERT INTO operators (id, name, role, pin_hash, created_at) VALUES (?, ?, ?, ?, ?)')
      .run(op.id, op.name, op.role, hashPin(op.pin), this.now().toISOString());
  }

  seedIfEmpty(ops: ReadonlyArray<{ id: string; name: string; role: Role; pin: string }>): void {
    const n = (this.db.prepare('SELECT COUNT(*) AS n FROM operators').get() as { n: number }).n;
    if (n === 0) for (const op of ops) this.add(op);
  }

  list(): Operator[] {
    return (
      this.db
        .prepare('SELECT id, name, role FROM operators WHERE disabled = 0 ORDER BY id')
        .all() as Operator[]
    ).map((o) => ({ ...o }));
  }

  get(id: string): Operator | undefined {
    const r = this.row(id);
    return r ? { id: r.id, name: r.name, role: r.role } : undefined;
  }

  private row(id: string): OperatorRow | undefined {
    return this.db.prepare('SELECT * FROM operators WHERE id = ?').get(id) as OperatorRow | undefined;
  }

  onAttempt(listener: (a: AuthAttempt) => void): () => void {
    this.attemptListeners.add(listener);
    return () => this.attemptListeners.delete(listener);
  }

  /** Checks a PIN, counting failures and locking. Throws BAD_PIN or OPERATOR_LOCKED. */
  authenticate(id: string, pin: string, purpose: AuthAttempt['purpose'] = 'sign-in'): Operator {
    try {
      const op = this.check(id, pin);
      for (const l of this.attemptListeners) l({ operatorId: id, ok: true, purpose });
      return op;
    } catch (e) {
      const code = (e as TillError).code === 'OPERATOR_LOCKED' ? 'OPERATOR_LOCKED' : 'BAD_PIN';
      for (const l of this.attemptListeners) l({ operatorId: id, ok: false, code, purpose });
      throw e;
    }
  }

  // ── management (manager screen) ─────────────────────────────────────────────────────────────

  detail(id: string): OperatorDetail | undefined {
    const r = this.row(id);
    if (!r) return undefined;
    const locked = r.locked_until && new Date(r.locked_until) > this.now() ? r.locked_until : null;
    return { id: r.id, name: r.name, role: r.role, disabled: r.disabled === 1, lockedUntil: locked };
  }

  listAll(): OperatorDetail[] {
    return (this.db.prepare('SELECT id FROM operators ORDER BY id').all() as Array<{ id: string }>).map((r) =>
      this.detail(r.id)!,
    );
  }

  /** Adds an operator; the PIN is stored only as its scrypt hash. */
  create(op: { id: string; name: string; role: Role; pin: string }): OperatorDetail {
    if (this.row(op.id)) throw new TillError('INVALID_STATE', `operator ${op.id} exists`);
    this.add(op);
    return this.detail(op.id)!;
  }

  /** Disabled operators cannot sign in or approve overrides; they stay on record (audit). */
  setDisabled(id: string, disabled: boolean): OperatorDetail {
    if (!this.row(id)) throw new TillError('NOT_FOUND', `operator ${id}`);
    this.db.prepare('UPDATE operators SET disabled = ? WHERE id = ?').run(disabled ? 1 : 0, id);
    return this.detail(id)!;
  }

  /** New PIN; also clears a lockout. */
  resetPin(id: string, pin: string): OperatorDetail {
    if (!this.row(id)) throw new TillError('NOT_FOUND', `operator ${id}`);
    this.db
      .prepare('UPDATE operators SET pin_hash = ?, failed_attempts = 0, locked_until = NULL WHERE id = ?')
      .run(hashPin(pin), id);
    return this.detail(id)!;
  }

  /** Active managers left if `id` were disabled (never lock the store out of its own manager screen). */
  activeManagersExcept(id: string): number {
    return (
      this.db
        .prepare("SELECT COUNT(*) AS n FROM operators WHERE role = 'manager' AND disabled = 0 AND id != ?")
        .get(id) as { n: number }
    ).n;
  }

  private check(id: string, pin: string): Operator {
    const r = this.row(id);
    if (!r || r.disabled) {
      // Same answer and cost as a wrong PIN: no way to probe which operator ids exist.
      verifyPin(pin, hashPin('0000'));
      throw new TillError('BAD_PIN');
    }
    const now = this.now();
    if (r.locked_until && new Date(r.locked_until) > now)
      throw new TillError('OPERATOR_LOCKED', `until ${r.locked_until}`);
    if (!verifyPin(pin, r.pin_hash)) {
      const failed = r.failed_attempts + 1;
      if (failed >= this.policy.maxAttempts) {
        const until = new Date(now.getTime() + this.policy.lockSeconds * 1000).toISOString();
        this.db
          .prepare('UPDATE operators SET failed_attempts = 0, locked_until = ? WHERE id = ?')
          .run(until, id);
        throw new TillError('OPERATOR_LOCKED', `until ${until}`);
      }
      this.db.prepare('UPDATE operators SET failed_attempts = ? WHERE id = ?').run(failed, id);
      throw new TillError('BAD_PIN', `${this.policy.maxAttempts - failed} attempts left`);
    }
    this.db.prepare('UPDATE operators SET failed_attempts = 0, locked_until = NULL WHERE id = ?').run(id);
    return { id: r.id, name: r.name, role: r.role };
  }
}
