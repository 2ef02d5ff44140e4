/**
 * A rolled-back STAN counter in real Chromium: the issuer declines the next sale DUPLICATE_STAN,
 * the till stops selling (TILL_BLOCKED_ROLLBACK), and the technician's screen shows why and lifts
 * the block once a note says what was checked (`journal.acknowledgeBlock`).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startE2E, CHROMIUM_PATHS, type E2E } from '../helpers/browser';
import { signIn } from '../helpers/e2e-actions';
import { requireSystem } from '../helpers/require-system';
import { demoCard } from '../../src/issuer-sim/demo-cards';

const haveChromium = requireSystem('Chromium', CHROMIUM_PATHS, 'chromium');
const ACTIVE = demoCard('active');
let e: E2E;

describe.runIf(haveChromium)('rollback block on the technician screen (Chromium)', () => {
  beforeAll(async () => {
    e = await startE2E();
    await e.t.signIn('2001', '8888');
    const first = await e.t.call('sale.authorize', { cardToken: await e.t.card(ACTIVE.pan), amountFen: 100 });
    expect(first.status).toBe('approved');
    // Someone rolls the database back past that sale: its row gone, the STAN counter rewound.
    e.t.app.db.prepare('DELETE FROM txns WHERE stan = ?').run(first.stan);
    e.t.app.db.prepare("UPDATE meta SET value = ? WHERE key = 'next_stan'").run(String(first.stan));
    const dup = await e.t.call('sale.authorize', { cardToken: await e.t.card(ACTIVE.pan), amountFen: 100 });
    expect(dup.declineCode).toBe('DUPLICATE_STAN');
    expect(
      (await e.t.callError('sale.authorize', { cardToken: await e.t.card(ACTIVE.pan), amountFen: 1 })).code,
    ).toBe('TILL_BLOCKED_ROLLBACK');
    await e.t.call('auth.signOut', {});
  });
  afterAll(async () => {
    await e?.close();
  });

  it('shows the block and its reason; the acknowledgement needs a note and resumes selling', async () => {
    const p = e.page;
    await signIn(p, '3001', '5555', 'tech');
    const panel = p.getByTestId('tech-journal');
    await panel.waitFor();
    expect(await panel.getAttribute('data-blocked')).toBe('yes');
    expect(await p.getByTestId('tech-journal-block').textContent()).toContain('流水号重复');
    await e.shot('journal-block-01-tech');
    expect(await p.getByTestId('tech-journal-ack').isDisabled()).toBe(true);
    await p.getByTestId('tech-journal-note').fill('STAN 计数已核对');
    await p.getByTestId('tech-journal-ack').click();
    await expect.poll(() => panel.getAttribute('data-blocked')).toBe('no');
    await e.shot('journal-block-02-acknowledged');
    await e.t.call('auth.signOut', {});
    await e.t.signIn('2001', '8888');
    expect(
      (await e.t.call('sale.authorize', { cardToken: await e.t.card(ACTIVE.pan), amountFen: 1 })).status,
    ).toBe('approved');
  });
});
