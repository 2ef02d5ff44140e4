/**
 * One till, one transaction: every money operation (sale, inquiry, void, refund, and every kind
 * added later) runs under this one lock, taken synchronously when the call arrives. A second
 * caller while one runs is answered BUSY at once — never queued behind a cashier who may be
 * waiting on the issuer for `attempts × timeoutMs` — as inquiries always were.
 */
import { TillError } from '../../shared/errors';

export class TillLock {
  private holder: string | undefined;

  /** What holds the till now ('sale', 'refund', …), or undefined when it is free. */
  get busyWith(): string | undefined {
    return this.holder;
  }

  /** Runs `fn` holding the till; BUSY when something else holds it. */
  async run<T>(what: string, fn: () => Promise<T> | T): Promise<T> {
    if (this.holder !== undefined) throw new TillError('BUSY', `the till is busy with ${this.holder}`);
    this.holder = what;
    try {
      return await fn();
    } finally {
      this.holder = undefined;
    }
  }
}
