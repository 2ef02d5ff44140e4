/**
 * Who is signed in at this till. One till, one operator at a time; every transport (the Electron
 * window, the kiosk browser, an ECR program holding the token) acts as that operator. Idle for
 * `idleSeconds` → signed out automatically.
 */
import type { Operator } from '../../shared/contract';

export class TillSession {
  private operator: Operator | null = null;
  private lastActivity = 0;
  /** Told of every sign-out, by hand or for idleness (the audit log records both). */
  onSignOut: (op: Operator, reason: 'manual' | 'idle') => void = () => {};
  constructor(
    private readonly now: () => number,
    readonly idleSeconds: number,
    private readonly onChange: () => void,
  ) {}

  current(): Operator | null {
    if (this.operator && this.now() - this.lastActivity > this.idleSeconds * 1000) {
      this.onSignOut(this.operator, 'idle');
      this.operator = null;
      this.onChange();
    }
    return this.operator;
  }

  touch(): void {
    this.lastActivity = this.now();
  }

  signIn(op: Operator): void {
    this.operator = op;
    this.touch();
    this.onChange();
  }

  signOut(reason: 'manual' | 'idle' = 'manual'): void {
    if (this.operator) this.onSignOut(this.operator, reason);
    this.operator = null;
    this.onChange();
  }
}
