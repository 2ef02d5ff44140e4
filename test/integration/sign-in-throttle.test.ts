/**
 * Sign-in under attack (src/main/auth/operators.ts, pin-hash.ts) on the real app: an id nobody has
 * is throttled exactly like a real operator (same answers, same lockout, so the answers do not tell
 * which ids exist), and a burst of wrong sign-ins does not freeze the till — their PIN hashes run
 * off the event loop, so a cheap call made after the burst is answered before the burst is done.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../helpers/app';

let t: TestApp;
let nextId = 1_000_000;

beforeAll(async () => {
  t = await startTestApp();
});
afterAll(async () => {
  await t.close();
});

async function answers(operatorId: string, n: number): Promise<string[]> {
  const out: string[] = [];
  for (let i = 0; i < n; i++) {
    const r = await t.app.dispatch(nextId++, 'auth.signIn', { operatorId, pin: '0000' });
    if (r.ok) throw new Error('signed in with a wrong PIN');
    out.push(`${r.error.code} ${(r.error.detail ?? '').replace(/until \S+/, 'until <time>')}`);
  }
  return out;
}

describe('sign-in throttling', () => {
  it('an unknown operator id gets the same answers as a real one, and is locked at the same attempt', async () => {
    const real = await answers('1001', 6);
    const nobody = await answers('9999', 6);
    expect(real).toEqual([
      'BAD_PIN 4 attempts left',
      'BAD_PIN 3 attempts left',
      'BAD_PIN 2 attempts left',
      'BAD_PIN 1 attempts left',
      'OPERATOR_LOCKED until <time>',
      'OPERATOR_LOCKED until <time>',
    ]);
    expect(nobody).toEqual(real);
    // A disabled operator is nobody too.
    await t.signIn('2001', '8888');
    await t.call('operators.setDisabled', { id: '3001', disabled: true });
    expect(await answers('3001', 6)).toEqual(real);
  });

  it('200 parallel wrong sign-ins: throttled per id, and a cheap call made after them is answered before the last of them', async () => {
    const order: string[] = [];
    const codes: Record<string, number> = {};
    // Twenty guesses at each of ten ids nobody has, all at once: five full PIN hashes per id, then
    // the lockout (parallel guesses queue per id, so none slips past it).
    const burst = Array.from({ length: 200 }, (_, i) =>
      t.app
        .dispatch(nextId++, 'auth.signIn', { operatorId: String(500_000 + (i % 10)), pin: '0000' })
        .then((r) => {
          if (r.ok) throw new Error('signed in with a wrong PIN');
          codes[r.error.code] = (codes[r.error.code] ?? 0) + 1;
          order.push('signIn');
        }),
    );
    const cheap = t.app.dispatch(nextId++, 'session.info', {}).then((r) => {
      expect(r.ok).toBe(true);
      order.push('session.info');
    });
    // An event-loop turn must also come round while the burst runs.
    const tick = new Promise<void>((resolve) => setImmediate(() => (order.push('tick'), resolve())));
    await Promise.all([...burst, cheap, tick]);
    expect(order).toHaveLength(202);
    expect(codes).toEqual({ BAD_PIN: 40, OPERATOR_LOCKED: 160 });
    expect(order.indexOf('session.info')).toBeLessThan(order.lastIndexOf('signIn'));
    expect(order.indexOf('tick')).toBeLessThan(order.lastIndexOf('signIn'));
    // Not merely before the last one: before most of the burst.
    expect(order.indexOf('session.info')).toBeLessThan(100);
  });
});
