import { describe, it, expect } from 'vitest';
import { startTxn, step, type TxnEvent, type TxnMachine } from '../../src/main/terminal/state-machine';

function run(events: TxnEvent['kind'][], max = 2): TxnMachine {
  let m = startTxn();
  for (const k of events) {
    if (m.next === 'send' && k !== 'send') m = step(m, { kind: 'send' }, max);
    m = step(m, k === 'answer' ? { kind: 'answer', approved: true } : ({ kind: k } as TxnEvent), max);
  }
  return m;
}

describe('online transaction state machine', () => {
  it('an answer is final', () => {
    const m = run(['answer']);
    expect(m.phase).toBe('approved');
    expect(m.reversalNeeded).toBe(false);
    const declined = step(step(startTxn(), { kind: 'send' }, 2), { kind: 'answer', approved: false }, 2);
    expect(declined.phase).toBe('declined');
  });

  it('refused before sending: declined, nothing to reverse', () => {
    const m = run(['not-sent']);
    expect(m.phase).toBe('declined');
    expect(m.reversalNeeded).toBe(false);
    expect(m.next).toBe('done');
  });

  it('no answer: retries the same request, then declines with a reversal', () => {
    const once = run(['no-answer']);
    expect(once.phase).toBe('created');
    expect(once.next).toBe('send');
    const twice = run(['no-answer', 'no-answer']);
    expect(twice.phase).toBe('declined');
    expect(twice.reversalNeeded).toBe(true);
    expect(twice.attempts).toBe(2);
  });

  it('no answer, then refused: still reversed (the first copy may be at the issuer)', () => {
    const m = run(['no-answer', 'not-sent']);
    expect(m.phase).toBe('declined');
    expect(m.reversalNeeded).toBe(true);
  });

  it('no answer, then the retry is answered: final, no reversal', () => {
    const m = run(['no-answer', 'answer']);
    expect(m.phase).toBe('approved');
    expect(m.reversalNeeded).toBe(false);
  });

  it('a forged answer is treated as no answer', () => {
    const m = run(['bad-answer', 'bad-answer']);
    expect(m.phase).toBe('declined');
    expect(m.reversalNeeded).toBe(true);
  });

  it('never ends in a non-final phase after max attempts, whatever happens', () => {
    const kinds: TxnEvent['kind'][] = ['not-sent', 'no-answer', 'bad-answer'];
    for (const a of kinds)
      for (const b of kinds)
        for (const c of kinds) {
          const m = run([a, b, c], 3);
          expect(['approved', 'declined']).toContain(m.phase);
          expect(m.attempts).toBeLessThanOrEqual(3);
        }
  });

  it('final states absorb further events', () => {
    const m = run(['answer']);
    expect(step(m, { kind: 'no-answer' }, 2)).toBe(m);
  });
});
