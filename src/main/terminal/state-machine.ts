/**
 * The life of one online transaction, as a pure function so every path is unit-tested.
 * DESIGN.md promise 2: nothing stays "processing" — every path out of `sent` ends final within
 * (retries + 1) × timeout, and an unknown outcome ends `declined` with a durable reversal queued.
 *
 *   created ──send──▶ sent ──answer──────────────▶ approved | declined
 *                       │ no-answer (may have arrived)
 *                       ├──retry (same bytes, same STAN)──▶ sent
 *                       └──retries exhausted──▶ declined + reversal queued
 *   created ──not-sent (refused, cut)──▶ declined (nothing can be at the issuer)
 */
export type TxnPhase = 'created' | 'sent' | 'approved' | 'declined';

export type TxnEvent =
  | { kind: 'send' }
  | { kind: 'answer'; approved: boolean }
  | { kind: 'not-sent' }
  | { kind: 'no-answer' }
  | { kind: 'bad-answer' };

export interface TxnMachine {
  phase: TxnPhase;
  attempts: number;
  /** True once a request may have reached the issuer: any non-approved end then needs a reversal. */
  mayBeAtIssuer: boolean;
  reversalNeeded: boolean;
  /** What the machine wants done next. */
  next: 'send' | 'done';
}

export function startTxn(): TxnMachine {
  return { phase: 'created', attempts: 0, mayBeAtIssuer: false, reversalNeeded: false, next: 'send' };
}

export function step(m: TxnMachine, e: TxnEvent, maxAttempts: number): TxnMachine {
  if (m.phase === 'approved' || m.phase === 'declined') return m; // final states absorb
  switch (e.kind) {
    case 'send':
      return { ...m, phase: 'sent', attempts: m.attempts + 1, next: 'done' };
    case 'answer':
      return { ...m, phase: e.approved ? 'approved' : 'declined', next: 'done', reversalNeeded: false };
    case 'not-sent':
      // This attempt never left; an earlier one may have.
      if (m.mayBeAtIssuer && m.attempts < maxAttempts) return { ...m, phase: 'created', next: 'send' };
      return { ...m, phase: 'declined', next: 'done', reversalNeeded: m.mayBeAtIssuer };
    case 'no-answer':
    case 'bad-answer': {
      // A forged or replayed answer is no answer at all: the real one may still say approved.
      const may = { ...m, mayBeAtIssuer: true };
      if (m.attempts < maxAttempts) return { ...may, phase: 'created', next: 'send' };
      return { ...may, phase: 'declined', next: 'done', reversalNeeded: true };
    }
  }
}
