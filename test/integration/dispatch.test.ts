/** The core's one entry point: validation, roles, sign-in with lockout, typed errors. */
import { describe, it, expect, beforeEach, afterEach } from 'vitest';
import { startTestApp, type TestApp } from '../helpers/app';

let t: TestApp;
let now = new Date('2026-11-22T10:00:00Z').getTime();
beforeEach(async () => {
  now = new Date('2026-11-22T10:00:00Z').getTime();
  t = await startTestApp({ clock: () => new Date(now) });
});
afterEach(async () => t.close());

describe('dispatcher', () => {
  it('validates every request before acting', async () => {
    await t.signIn();
    expect((await t.callError('sale.authorize', { cardToken: 'x', amountFen: 12.5 } as never)).code).toBe(
      'BAD_REQUEST',
    );
    expect((await t.callError('sale.authorize', null as never)).code).toBe('BAD_REQUEST');
    expect((await t.callError('card.enter', { pan: "1' OR 1=1", entryMode: 'wedge' } as never)).code).toBe(
      'BAD_REQUEST',
    );
    expect((await t.app.dispatch(1, 'toString', {})).ok).toBe(false);
    expect((await t.app.dispatch(1, '__proto__', {})).ok).toBe(false);
  });

  it('checks the caller role', async () => {
    expect((await t.callError('txn.recent', { limit: 5 })).code).toBe('NOT_SIGNED_IN');
    await t.signIn('3001', '5555'); // technician
    expect((await t.callError('sale.authorize', { cardToken: 'x', amountFen: 1 })).code).toBe('FORBIDDEN');
    expect(await t.call('devices.list', {})).toBeInstanceOf(Array);
  });

  it('a card token is single-terminal state: an unknown or stale one is refused', async () => {
    await t.signIn();
    expect((await t.callError('sale.authorize', { cardToken: 'nope', amountFen: 100 })).code).toBe(
      'CARD_EXPIRED_TOKEN',
    );
    const token = await t.card('8888010000000017');
    now += 121_000;
    expect((await t.callError('sale.authorize', { cardToken: token, amountFen: 100 })).code).toBe(
      'CARD_EXPIRED_TOKEN',
    );
  });

  it('five wrong PINs lock the operator for five minutes', async () => {
    for (let i = 0; i < 4; i++)
      expect((await t.callError('auth.signIn', { operatorId: '1001', pin: '0000' })).code).toBe('BAD_PIN');
    expect((await t.callError('auth.signIn', { operatorId: '1001', pin: '0000' })).code).toBe(
      'OPERATOR_LOCKED',
    );
    // Locked: even the right PIN is refused.
    expect((await t.callError('auth.signIn', { operatorId: '1001', pin: '1234' })).code).toBe(
      'OPERATOR_LOCKED',
    );
    now += 301_000;
    await t.signIn('1001', '1234');
    expect((await t.call('session.info', {})).operator?.id).toBe('1001');
  });

  it('signs out automatically after the idle time', async () => {
    await t.signIn();
    now += (t.app.config.auth.idleSignOutSeconds + 1) * 1000;
    expect((await t.call('session.info', {})).operator).toBeNull();
    expect((await t.callError('txn.recent', { limit: 1 })).code).toBe('NOT_SIGNED_IN');
  });

  it("the screens' polled reads do not hold off the idle sign-out; an action does", async () => {
    await t.signIn('2001', '8888');
    const step = 60_000;
    const idleMs = t.app.config.auth.idleSignOutSeconds * 1000;
    // The manager's screen polls all four on timers while nobody touches the till.
    for (let waited = 0; waited <= idleMs; waited += step) {
      now += step;
      if (waited + step > idleMs) break;
      await t.call('shift.current', {});
      await t.call('manager.dashboard', {});
      await t.call('queue.status', {});
      await t.call('queue.items', {});
    }
    now += step;
    expect((await t.call('session.info', {})).operator).toBeNull();
    // A real action does count: sign in, act just before the limit, still signed in after it.
    await t.signIn('2001', '8888');
    now += idleMs - 1000;
    await t.call('txn.recent', { limit: 1 });
    now += 2000;
    expect((await t.call('session.info', {})).operator?.id).toBe('2001');
  });

  it('stores PINs only as scrypt hashes', () => {
    const rows = t.app.db.prepare('SELECT pin_hash FROM operators').all() as Array<{ pin_hash: string }>;
    for (const r of rows) {
      expect(r.pin_hash).toMatch(/^scrypt\$/);
      expect(r.pin_hash).not.toMatch(/\$(1234|8888|5555)$/);
    }
  });
});

describe('manual card entry', () => {
  it('needs a manager override; a wedge read does not', async () => {
    await t.signIn();
    expect((await t.callError('card.enter', { pan: '8888010000000017', entryMode: 'manual' })).code).toBe(
      'OVERRIDE_REQUIRED',
    );
    expect(
      (
        await t.callError('card.enter', {
          pan: '8888010000000017',
          entryMode: 'manual',
          override: { operatorId: '1001', pin: '1234' },
        })
      ).code,
    ).toBe('FORBIDDEN');
    const ok = await t.call('card.enter', {
      pan: '8888010000000017',
      entryMode: 'manual',
      override: { operatorId: '2001', pin: '8888' },
    });
    expect(ok.entryMode).toBe('manual');
    expect((await t.call('card.enter', { pan: '8888010000000017', entryMode: 'wedge' })).entryMode).toBe(
      'wedge',
    );
  });
});

describe('sign-outs', () => {
  it('are audited, by hand and for idleness', async () => {
    await t.signIn();
    await t.call('auth.signOut', {});
    await t.signIn('2001', '8888');
    now += (t.app.config.auth.idleSignOutSeconds + 1) * 1000;
    await t.call('session.info', {});
    // The screen's own idle countdown signs out with the reason (components/IdleWarning.tsx).
    await t.signIn('1001', '1234');
    await t.call('auth.signOut', { reason: 'idle' });
    const rows = t.app.ctx.audit.list({ limit: 50, action: 'auth.signOut' });
    expect(rows.map((r) => [r.operatorId, r.detail])).toEqual([
      ['1001', 'idle'],
      ['2001', 'idle'],
      ['1001', 'manual'],
    ]);
  });
});
