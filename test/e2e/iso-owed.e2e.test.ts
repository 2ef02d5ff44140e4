/**
 * What an ISO 8583 host still owes, on the manager's screens in real Chromium (demo mode's ISO face
 * over loopback TCP): a refund the host refused after its lost answer is a 退货 exception with the
 * host's reason on the queue screen; a close whose 0400 the host never answers is not settled, and
 * the Z's batch of that issuer says why and lists the unanswered sale.
 */
import { describe, it, expect, beforeEach, afterEach } from 'vitest';
import { signIn } from '../helpers/e2e-actions';
import { startE2E, CHROMIUM_PATHS, type E2E } from '../helpers/browser';
import { requireSystem } from '../helpers/require-system';
import { demoCard } from '../../src/issuer-sim/demo-cards';
import { DEMO_ISO_ISSUER_ID } from '../../src/main/demo-iso-issuer';

const haveChromium = requireSystem('Chromium', CHROMIUM_PATHS, 'chromium');
const ISO_CARD = demoCard('iso-active').pan;
const MGR = { operatorId: '2001', pin: '8888' };
let e: E2E;

describe.runIf(haveChromium)('an ISO host that owes answers, on the manager’s screens (Chromium)', () => {
  beforeEach(async () => {
    e = await startE2E({
      demoIsoIssuer: true,
      forwardMs: 3_600_000,
      config: { issuer: { enrolToken: 'demo-enrol-token', timeoutMs: 3000, attempts: 2 } } as never,
    });
    await e.t.app.jobs.idle();
  });
  afterEach(async () => {
    await e.close();
  });

  it('a refund refused after its lost answer is a 退货 exception; an unanswered 0400 keeps the batch open, listed', async () => {
    const { t } = e;
    const host = t.app.isoSim!.host;
    await t.signIn('2001', '8888');
    await t.call('shift.open', { openingFloatFen: 0 });
    await t.signIn();
    const sale = await t.call('sale.authorize', { cardToken: await t.card(ISO_CARD), amountFen: 3000 });
    // The host holds that sale as refunded already (a difference the till cannot know), and both
    // sends of the refund lose their answers: approved at the till, refused when resent.
    t.app
      .issuerSim!.ledger.db.prepare('UPDATE iso8583_txns SET refunded_fen = amount_fen WHERE stan = ?')
      .run(sale.stan % 1_000_000);
    host.dropAnswers(2);
    const refund = await t.call('txn.refund', { origStan: sale.stan, amountFen: 1000, override: MGR });
    expect(refund.result.status).toBe('approved');
    await t.call('balance.inquiry', { cardToken: await t.card(ISO_CARD) }); // the resend: 61

    // A sale whose answer is lost, its reversal left to the close (no job sends it), and the
    // host never answers the 0400s there.
    t.app.jobs.stop();
    host.dropAnswers(1);
    const lost = await t.call('sale.authorize', { cardToken: await t.card(ISO_CARD), amountFen: 4200 });
    expect(lost.status).toBe('declined');
    host.dropAnswers(2);
    await t.signIn('2001', '8888');
    const z = (await t.call('shift.close', { countedFen: 0 })).report;
    await t.call('auth.signOut', {});

    const p = e.page;
    await signIn(p, '2001', '8888', 'manager');
    await p.getByTestId('mgr-tab-shifts').click();
    await p.getByTestId(`shift-view-${z.shiftId}`).click();
    const batch = p.getByTestId(`settlement-${DEMO_ISO_ISSUER_ID}`);
    await batch.waitFor();
    expect(await batch.getAttribute('data-status')).toBe('unreachable');
    expect(await batch.getByTestId('settlement-issuer-code').textContent()).toContain('发卡方尚未应答');
    const row = batch.getByTestId('discrepancies').locator('[data-kind="unanswered_at_issuer"]');
    expect(await row.textContent()).toContain(String(lost.stan).padStart(6, '0'));
    expect(await row.textContent()).toContain('发卡方未应答');
    expect(await row.textContent()).toContain('¥42.00');
    await e.shot('iso-owed-01-z-unanswered');

    await p.getByTestId('screen-offline-queue').click();
    const ex = p.getByTestId(`exception-${refund.result.stan}`);
    await ex.waitFor();
    expect(await ex.textContent()).toContain('退货');
    expect(await ex.textContent()).toContain('退款金额超过原交易可退金额');
    await e.shot('iso-owed-02-refund-exception');
  });
});
