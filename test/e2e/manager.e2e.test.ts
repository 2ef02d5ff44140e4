/**
 * The store manager's day in real Chromium through the web host: the manager (2001) opens a shift,
 * the cashier (1001) sells and voids with the manager's PIN typed on the cashier's screen, the
 * manager closes with a blind count ¥1.00 short, sees and acknowledges the variance, and reprints
 * the Z report as a copy (override). And a cashier locked out after 5 wrong PINs.
 */
import { describe, it, expect, beforeEach, afterEach } from 'vitest';
import { signIn, signOut, override } from '../helpers/e2e-actions';
import { startE2E, CHROMIUM_PATHS, type E2E } from '../helpers/browser';
import { requireSystem } from '../helpers/require-system';
import { demoCard } from '../../src/issuer-sim/demo-cards';
import { formatInZone } from '../../src/shared/local-time';

const haveChromium = requireSystem('Chromium', CHROMIUM_PATHS, 'chromium');
let e: E2E;

describe.runIf(haveChromium)('manager end to end (Chromium)', () => {
  beforeEach(async () => {
    e = await startE2E();
  });
  afterEach(async () => {
    await e.close();
  });

  it('opens a shift, cashier sells and voids with an override, blind count ¥1.00 short, acknowledged, Z reprinted as a copy', async () => {
    const p = e.page;
    const active = demoCard('active');

    // Manager opens the shift with a ¥100.00 float.
    await signIn(p, '2001', '8888');
    await p.getByTestId('manager').waitFor();
    await p.getByTestId('mgr-tab-shift').click();
    await p.getByTestId('open-float').fill('100.00');
    await p.getByTestId('shift-open').click();
    await expect.poll(() => p.getByTestId('shift-status').getAttribute('data-open')).toBe('true');
    // The status says what the drawer starts from.
    expect(await p.getByTestId('shift-status').textContent()).toContain('备用金 ¥100.00');
    await e.shot('m01-shift-open');
    await signOut(p);

    // Cashier sells ¥12.50 and a ¥30.00 split (¥20.00 card + ¥10.00 cash), then voids the first sale.
    await signIn(p, '1001', '1234');
    await p.getByTestId('cashier').waitFor();
    for (const d of '1250') await p.getByTestId('keypad').locator(`[data-key="${d}"]`).click();
    await p.getByTestId('sim-swipe-active').click();
    await expect.poll(() => p.getByTestId('card-status').textContent()).toContain('0017');
    await p.getByTestId('keypad').locator('[data-key="ok"]').click();
    await expect.poll(() => p.getByTestId('result').getAttribute('data-status')).toBe('approved');
    const firstStan = (await e.t.app.ctx.terminal.recent(1))[0].stan;
    await e.t.call('sale.authorize', {
      cardToken: await e.t.card(active.pan),
      amountFen: 2000,
      otherTenderFen: 1000,
    });

    await p.getByTestId('void-refund-open').click();
    await p.getByTestId('void-stan').fill(String(firstStan));
    await p.getByTestId('void-btn').click();
    // A wrong PIN first: refused in plain words, the dialog stays.
    await override(p, '0000');
    await expect.poll(() => p.getByTestId('override-error').textContent()).toContain('密码错误');
    await override(p, '8888');
    await expect.poll(() => p.getByTestId('void-refund-note').textContent()).toContain('撤销成功');
    expect(await p.getByTestId('receipt-preview').textContent()).toContain('撤销 VOID');
    await e.shot('m02-void-with-override');
    expect(e.t.issuerBalance(active.pan)).toBe(active.balanceFen - 2000);

    // Blind count: the cashier's screen and the count answer never show the expected figure.
    const cur = await e.t.call('shift.current', {});
    expect(cur).toMatchObject({ varianceFen: null, netCardFen: null });
    await signOut(p);

    // Manager closes with a blind count of ¥109.00 by note and coin (1×¥100 + 1×¥5 + 4×¥1):
    // expected ¥110.00 (float + ¥10.00 cash) → ¥1.00 short. No cashier count was recorded.
    await signIn(p, '2001', '8888');
    await p.getByTestId('mgr-tab-shift').click();
    await p.getByTestId('close-start').click();
    await p.getByTestId('count-drawer').waitFor();
    expect(await p.getByTestId('recorded-count').count()).toBe(0);
    await p.getByTestId('count-plus-10000').click();
    await p.getByTestId('count-plus-500').click();
    await p.getByTestId('count-input-100').fill('4');
    await expect.poll(() => p.getByTestId('count-total').textContent()).toBe('¥109.00');
    expect(await p.getByTestId('blind-count').textContent()).not.toContain('110.00');
    await e.shot('m03-blind-count');
    await p.getByTestId('count-submit').click();
    const variance = p.getByTestId('variance-card');
    await variance.waitFor();
    expect(await variance.getAttribute('data-status')).toBe('short');
    expect(await p.getByTestId('variance-amount').textContent()).toContain('-¥1.00');
    expect(await variance.textContent()).toContain('¥110.00');
    expect(await p.getByTestId('count-breakdown').textContent()).toContain('¥100 × 1 = ¥100.00');
    expect(await p.getByTestId('settlement').getAttribute('data-status')).toBe('settled');
    expect(await p.getByTestId('journal-check').textContent()).toContain('日志校验通过');
    const z = await p.getByTestId('z-result').getByTestId('receipt-preview').textContent();
    expect(z).toContain('Z 结班报表');
    expect(z).toContain('短款 SHORT');
    expect(z).toContain('¥1 ×4');
    // Sales by hour on the store's clock (config timeZone, Asia/Shanghai), not the machine's.
    const firstAt = (
      e.t.app.db.prepare('SELECT created_at FROM txns WHERE stan = ?').get(firstStan) as {
        created_at: string;
      }
    ).created_at;
    expect(z).toContain(`${formatInZone(firstAt, 'Asia/Shanghai').slice(11, 13)}:00 ×`);
    await e.shot('m04-variance');
    await p.getByTestId('ack-btn').click();
    await p.getByTestId('acked').waitFor();

    // First print is the original; the reprint asks for a manager's PIN and comes out as a copy.
    await p.getByTestId('report-print').click();
    await expect.poll(() => p.getByTestId('report-note').textContent()).toContain('已打印');
    await expect.poll(() => p.getByTestId('report-print').textContent()).toContain('副本');
    await p.getByTestId('report-print').click();
    await override(p, '8888');
    await expect.poll(() => p.getByTestId('report-note').textContent()).toContain('副本');
    await expect
      .poll(() => p.getByTestId('z-result').getByTestId('receipt-preview').textContent())
      .toContain('** 副本 COPY **');
    expect(e.t.app.db.prepare('SELECT copy, approved_by FROM z_prints ORDER BY id').all()).toEqual([
      { copy: 0, approved_by: null },
      { copy: 1, approved_by: '2001' },
    ]);
    await e.shot('m05-z-copy');

    // Today's charts and the audit log.
    await p.getByTestId('mgr-tab-today').click();
    await p.getByTestId('chart-by-hour').locator('canvas').waitFor();
    await p.getByTestId('chart-tender').locator('canvas').waitFor();
    expect(await p.getByTestId('today-total').textContent()).toContain('¥30.00'); // ¥20.00 card + ¥10.00 cash
    expect(await p.getByTestId('today-net-card').textContent()).toContain('¥20.00');
    await e.shot('m06-today');
    await p.getByTestId('mgr-tab-audit').click();
    await p.getByTestId('mgr-audit').locator('tr[data-action="txn.void"]').first().waitFor();
    for (const a of ['shift.open', 'shift.close', 'shift.acknowledge', 'report.z.reprint', 'auth.sign-in']) {
      expect(await p.getByTestId('mgr-audit').locator(`tr[data-action="${a}"]`).count()).toBeGreaterThan(0);
    }
    await e.shot('m07-audit');
    await p.getByTestId('mgr-tab-shifts').click();
    await p.getByTestId('shift-row-1').waitFor();
    expect(await p.getByTestId('shift-row-1').textContent()).toContain('-¥1.00');
  });

  it('a cashier is locked out after 5 wrong PINs, even the right PIN then fails, and the manager sees it', async () => {
    const p = e.page;
    // Each wrong PIN is waited for until the core has refused it (its audit row), not just until an
    // error is on screen — the previous attempt's error is still there while the next one runs.
    const refused = () =>
      e.t.app.ctx.audit
        .list({ limit: 50 })
        .filter((a) => a.action === 'auth.sign-in' && a.outcome === 'denied').length;
    for (let i = 0; i < 5; i++) {
      await p.getByTestId('pin-input').waitFor();
      await signIn(p, '1001', '9999');
      await expect.poll(refused).toBe(i + 1);
    }
    await expect.poll(() => p.getByTestId('signin-error').textContent()).toContain('锁定');
    await signIn(p, '1001', '1234');
    await expect.poll(() => p.getByTestId('signin-error').textContent()).toContain('锁定');
    await e.shot('m08-locked-out');
    await signIn(p, '2001', '8888');
    await p.getByTestId('mgr-tab-operators').click();
    await expect.poll(() => p.getByTestId('op-row-1001').textContent()).toContain('锁定至');
    await p.getByTestId('mgr-tab-audit').click();
    await p.getByTestId('mgr-audit').locator('tr[data-action="auth.sign-in"]').first().waitFor();
    expect(
      await p.getByTestId('mgr-audit').locator('tr.audit-denied[data-action="auth.sign-in"]').count(),
    ).toBe(6);
    // The manager resets the PIN, which lifts the lockout.
    await p.getByTestId('mgr-tab-operators').click();
    await p.getByTestId('op-pin-1001').fill('4321');
    await p.getByTestId('op-reset-1001').click();
    await expect.poll(() => p.getByTestId('op-row-1001').textContent()).not.toContain('锁定至');
    await signOut(p);
    await signIn(p, '1001', '4321');
    await p.getByTestId('cashier').waitFor();
  });
});
