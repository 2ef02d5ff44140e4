/**
 * Operators and PIN sign-in with lockout: `maxAttempts` wrong PINs lock that operator for
 * `lockSeconds` (defaults 5 and 300, configurable).
 *
 * An id nobody has (or a disabled operator) is throttled exactly like a real one — same answers,
 * same attempts-left count, same lockout, one scrypt each — so neither the answers nor their cost
 * tell which ids exist; its count lives in memory (bounded), not in the operators table. Checks of
 * one id run one after another, so a burst of parallel guesses cannot slip past the lockout, and
 * sign-in hashes off the event loop (./pin-hash.ts).
 */
import type { Db } from '../store/sqlite';
import { TillError } from '../../shared/errors';
import type { Operator, Role } from '../../shared/contract';
import type { OperatorDetail } from '../../shared/contract/manager';
import { maskCardNumbersInText } from '../../shared/free-text';
import { decoyHash, hashPin, verifyPin, verifyPinAsync } from './pin-hash';

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

/** Ids without an operator whose failures are remembered (oldest forgotten first). */
const MAX_UNKNOWN_TRACKED = 5000;

/** Who a PIN check is about: a real, enabled operator, or an id treated as nobody's. */
type Target = { kind: 'operator'; row: OperatorRow } | { kind: 'nobody' };

export class Operators {
  private readonly attemptListeners = new Set<(a: AuthAttempt) => void>();
  /** Failures and lockouts of ids without an (enabled) operator. */
  private readonly nobody = new Map<string, { failed: number; lockedUntil?: string }>();
  /** The tail of the PIN checks queued per id (checks of one id never overlap). */
  private readonly queues = new Map<string, Promise<unknown>>();
  constructor(
    private readonly db: Db,
    private readonly policy: LockoutPolicy,
    private readonly now: () => Date,
  ) {}

  add(op: { id: string; name: string; role: Role; pin: string }): void {
    this.db
      .prepare('INSERT INTO operators (id, name, role, pin_hash, created_at) VALUES (?, ?, ?, ?, ?)')
      .run(op.id, maskCardNumbersInText(op.name), op.role, hashPin(op.pin), this.now().toISOString());
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
    ).map((o) => ({ ...o, name: maskCardNumbersInText(o.name) })); // rows from before masking, too
  }

  get(id: string): Operator | undefined {
    const r = this.row(id);
    return r ? { id: r.id, name: maskCardNumbersInText(r.name), role: r.role } : undefined;
  }

  private row(id: string): OperatorRow | undefined {
    return this.db.prepare('SELECT * FROM operators WHERE id = ?').get(id) as OperatorRow | undefined;
  }

  onAttempt(listener: (a: AuthAttempt) => void): () => void {
    this.attemptListeners.add(listener);
    return () => this.attemptListeners.delete(listener);
  }

  /**
   * Checks a PIN on the calling thread (manager overrides, inside a signed-in request), counting
   * failures and locking. Throws BAD_PIN or OPERATOR_LOCKED.
   */
  authenticate(id: string, pin: string, purpose: AuthAttempt['purpose'] = 'sign-in'): Operator {
    return this.reported(id, purpose, () => {
      const target = this.gate(id);
      return this.settle(id, target, verifyPin(pin, this.hashOf(target)));
    });
  }

  /** authenticate() with the hash off the event loop, and queued behind other checks of this id. */
  authenticateAsync(id: string, pin: string, purpose: AuthAttempt['purpose'] = 'sign-in'): Promise<Operator> {
    const run = async () => {
      let target: Target;
      try {
        target = this.gate(id);
      } catch (e) {
        return this.reported(id, purpose, () => {
          throw e;
        });
      }
      const ok = await verifyPinAsync(pin, this.hashOf(target));
      return this.reported(id, purpose, () => this.settle(id, target, ok));
    };
    const p = (this.queues.get(id) ?? Promise.resolve()).then(run, run);
    const tail = p.catch(() => {});
    this.queues.set(id, tail);
    void tail.then(() => {
      if (this.queues.get(id) === tail) this.queues.delete(id);
    });
    return p;
  }

  private reported(id: string, purpose: AuthAttempt['purpose'], fn: () => Operator): Operator {
    try {
      const op = fn();
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
    const name = maskCardNumbersInText(r.name);
    return { id: r.id, name, role: r.role, disabled: r.disabled === 1, lockedUntil: locked };
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

  /** Who the check is about; throws OPERATOR_LOCKED (same words for real and unknown ids). */
  private gate(id: string): Target {
    const r = this.row(id);
    const now = this.now();
    if (!r || r.disabled) {
      const n = this.nobody.get(id);
      if (n?.lockedUntil && new Date(n.lockedUntil) > now)
        throw new TillError('OPERATOR_LOCKED', `until ${n.lockedUntil}`);
      return { kind: 'nobody' };
    }
    if (r.locked_until && new Date(r.locked_until) > now)
      throw new TillError('OPERATOR_LOCKED', `until ${r.locked_until}`);
    return { kind: 'operator', row: r };
  }

  private hashOf(target: Target): string {
    return target.kind === 'operator' ? target.row.pin_hash : decoyHash();
  }

  /** Counts the outcome of one check: the operator, or BAD_PIN (attempts left) / OPERATOR_LOCKED. */
  private settle(id: string, target: Target, pinOk: boolean): Operator {
    if (pinOk && target.kind === 'operator') {
      this.db.prepare('UPDATE operators SET failed_attempts = 0, locked_until = NULL WHERE id = ?').run(id);
      const { row } = target;
      return { id: row.id, name: maskCardNumbersInText(row.name), role: row.role };
    }
    // Re-read: another check of this id (an override on the sync path) may have counted meanwhile.
    const failed =
      (target.kind === 'operator' ? (this.row(id)?.failed_attempts ?? 0) : this.nobodyFailed(id)) + 1;
    if (failed >= this.policy.maxAttempts) {
      const until = new Date(this.now().getTime() + this.policy.lockSeconds * 1000).toISOString();
      if (target.kind === 'operator')
        this.db
          .prepare('UPDATE operators SET failed_attempts = 0, locked_until = ? WHERE id = ?')
          .run(until, id);
      else this.remember(id, { failed: 0, lockedUntil: until });
      throw new TillError('OPERATOR_LOCKED', `until ${until}`);
    }
    if (target.kind === 'operator')
      this.db.prepare('UPDATE operators SET failed_attempts = ? WHERE id = ?').run(failed, id);
    else this.remember(id, { failed });
    throw new TillError('BAD_PIN', `${this.policy.maxAttempts - failed} attempts left`);
  }

  private nobodyFailed(id: string): number {
    const n = this.nobody.get(id);
    // A lockout that ran out starts the count afresh, as for a real operator.
    return n && !n.lockedUntil ? n.failed : 0;
  }

  private remember(id: string, v: { failed: number; lockedUntil?: string }): void {
    this.nobody.delete(id); // re-insert: the Map's order is then oldest-touched first
    this.nobody.set(id, v);
    if (this.nobody.size > MAX_UNKNOWN_TRACKED) this.nobody.delete(this.nobody.keys().next().value!);
  }
}
