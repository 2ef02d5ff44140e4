/**
 * The manager's screens as a new manager finds them (issue 11, items 16–20 and 25), in real
 * Chromium through the web host: one definition per sales figure; yuan and words in the limits
 * and the audit log; one truth per shift (an acknowledged Z never offers 确认差异 again, the note
 * error goes once a note is typed); a close that is confirmed; a forced close that says why; an
 * empty float refused in words; operators edited safely; the no-shift banner on the cashier's
 * screen; charts that fill their box at 1024 and 1366; a report preview in printer columns.
 */
import { describe, it, expect, beforeEach, afterEach } from 'vitest';
import type { Page } from 'playwright-core';
import { signIn, signOut, override } from '../helpers/e2e-actions';
import { startE2E, CHROMIUM_PATHS, type E2E } from '../helpers/browser';
import { requireSystem } from '../helpers/require-system';
import { demoCard } from '../../src/issuer-sim/demo-cards';

const haveChromium = requireSystem('Chromium', CHROMIUM_PATHS, 'chromium');
let e: E2E;

/** A chart's canvas, its box, and the page width (CSS px): the canvas fills the box, the box fits the page. */
async function fill(
  p: Page,
  id: string,
): Promise<{ box: number; canvas: number; right: number; page: number }> {
  return p.getByTestId(id).evaluate((el) => ({
    box: Math.round(el.getBoundingClientRect().width),
    canvas: Math.round(el.querySelector('canvas')!.getBoundingClientRect().width),
    right: Math.round(el.getBoundingClientRect().right),
    page: document.documentElement.clientWidth,
  }));
}

/** Right edges (px) of the preview's lines that end in an amount: in columns they all line up. */
async function amountRightEdges(p: Page, scope: string): Promise<number[]> {
  return p
    .getByTestId(scope)
    .getByTestId('receipt-preview')
    .evaluate((paper) =>
      [...paper.querySelectorAll('.r-line')]
        .filter((l) => /¥[\d,]+\.\d\d$/.test(l.textContent ?? ''))
        .map((l) => {
          const r = document.createRange();
          r.selectNodeContents(l);
          return Math.round(r.getBoundingClientRect().right * 10) / 10;
        }),
    );
}

describe.runIf(haveChromium)('manager screens, issue 11 (Chromium)', () => {
  beforeEach(async () => {
    e = await startE2E({
      forwardMs: 3_600_000,
      config: { issuer: { enrolToken: 'demo-enrol-token', timeoutMs: 1500, attempts: 2 } } as never,
    });
  });
  afterEach(async () => {
    await e.close();
  });

  it('no-shift banner, float in words, one sales definition, limits and audit in yuan, confirmed close, acknowledged once, charts and preview aligned', async () => {
    const p = e.page;
    const active = demoCard('active');

    // 20. With no shift open the cashier is warned (selling is not blocked: docs/manager.md).
    await signIn(p, '1001', '1234', 'cashier');
    await p.getByTestId('no-shift-banner').waitFor();
    expect(await p.getByTestId('no-shift-banner').textContent()).toContain('开班前交易');
    await e.shot('mf01-no-shift-banner');
    await signOut(p);

    // 19. 开班 with an empty float says so, and opens nothing.
    await signIn(p, '2001', '8888', 'manager');
    await p.getByTestId('mgr-tab-shift').click();
    await p.getByTestId('shift-open').click();
    await expect.poll(() => p.getByTestId('shift-error').textContent()).toContain('请输入备用金');
    expect(await p.getByTestId('shift-status').getAttribute('data-open')).toBe('false');
    await p.getByTestId('open-float').fill('100.00');
    await p.getByTestId('shift-open').click();
    await expect.poll(() => p.getByTestId('shift-status').getAttribute('data-open')).toBe('true');
    await signOut(p);

    // The cashier: no banner now; ¥12.50 on the card and a ¥30.00 split (¥20.00 card + ¥10.00 cash),
    // then a blind count of ¥40.00 (expected ¥110.00: ¥70.00 short, a note is needed).
    await signIn(p, '1001', '1234', 'cashier');
    await expect.poll(() => p.getByTestId('no-shift-banner').count()).toBe(0);
    const card = await e.t.card(active.pan);
    await e.t.call('sale.authorize', { cardToken: card, amountFen: 1250 });
    await e.t.call('sale.authorize', {
      cardToken: await e.t.card(active.pan),
      amountFen: 2000,
      otherTenderFen: 1000,
    });
    await e.t.call('shift.count', { countedFen: 4000 });
    await signOut(p);

    // 16. Two figures, two labels, one definition each.
    await signIn(p, '2001', '8888', 'manager');
    await p.getByTestId('mgr-tab-today').click();
    await expect.poll(() => p.getByTestId('today-net-card').textContent()).toBe('¥32.50');
    expect(await p.getByTestId('today-total').textContent()).toBe('¥42.50');
    expect(await p.getByTestId('mgr-today').textContent()).not.toContain('净销售额');
    // 25. The tender mix says its parts in words at any width; both charts fill their box after resizes.
    expect(await p.getByTestId('tender-card').textContent()).toContain('储值卡 ¥32.50');
    expect(await p.getByTestId('tender-cash').textContent()).toContain('现金 ¥10.00');
    for (const width of [1366, 1024, 1366]) {
      await p.setViewportSize({ width, height: 768 });
      for (const id of ['chart-by-hour', 'chart-tender']) {
        await expect
          .poll(async () => {
            const f = await fill(p, id);
            return f.box > 100 && Math.abs(f.box - f.canvas) <= 1 && f.right <= f.page;
          })
          .toBe(true);
      }
      expect(await p.getByTestId('tender-legend').isVisible()).toBe(true);
      await e.shot(`mf02-today-${width}`);
    }

    // 17. Limits in words and yuan, no raw keys.
    await p.getByTestId('mgr-tab-limits').click();
    await expect.poll(() => p.getByTestId('limit-floor').textContent()).toBe('¥500.00');
    const limits = (await p.getByTestId('mgr-limits').textContent()) ?? '';
    expect(limits).toContain('单笔上限');
    expect(limits).not.toMatch(/floorLimitFen|Fen\b|50000/);
    // The card rules in force are shown to the manager too (issue 12), in yuan.
    await expect.poll(() => p.getByTestId('rule-registered-cap').textContent()).toBe('¥5,000.00');
    expect(await p.getByTestId('mgr-card-rules').textContent()).toContain('¥10,000.00 起');
    await e.shot('mf03-limits');

    // 19. Using the cashier's count asks first; the shift stays open until confirmed.
    await p.getByTestId('mgr-tab-shift').click();
    await p.getByTestId('close-start').click();
    await p.getByTestId('recorded-count').waitFor();
    await p.getByTestId('use-recorded-count').click();
    await p.getByTestId('confirm-close').waitFor();
    expect(await p.getByTestId('confirm-close').textContent()).toContain('¥40.00');
    expect(await p.getByTestId('shift-status').getAttribute('data-open')).toBe('true');
    expect((await e.t.call('shift.current', {}))?.status).toBe('open');
    await e.shot('mf04-confirm-close');
    await p.getByTestId('confirm-close-yes').click();
    await p.getByTestId('variance-card').waitFor();
    expect(await p.getByTestId('variance-amount').textContent()).toContain('-¥70.00');

    // 25. The Z preview lines up in columns with Chinese labels: every amount ends at the same edge.
    const edges = await amountRightEdges(p, 'z-result');
    expect(edges.length).toBeGreaterThan(10);
    expect(Math.max(...edges) - Math.min(...edges)).toBeLessThan(1);
    expect(await p.getByTestId('z-result').getByTestId('receipt-preview').textContent()).toContain(
      '卡净额 NET CARD',
    );

    // 18. The note error goes once a note is typed; after acknowledging, the button never returns.
    await p.getByTestId('ack-btn').click();
    await expect.poll(() => p.getByTestId('ack-error').textContent()).toContain('说明');
    await p.getByTestId('ack-note').fill('找零多给');
    await expect.poll(() => p.getByTestId('ack-error').count()).toBe(0);
    await p.getByTestId('ack-btn').click();
    await p.getByTestId('acked').waitFor();
    await p.getByTestId('mgr-tab-shifts').click();
    await p.getByTestId('shift-row-1').waitFor();
    // 16. The shift list uses the same label for the same figure.
    expect(await p.getByTestId('mgr-shifts').locator('th').allTextContents()).toContain('卡净额');
    expect(await p.getByTestId('shift-row-1').textContent()).toContain('¥32.50');
    await p.getByTestId('shift-view-1').click();
    await p.getByTestId('z-view').getByTestId('acked').waitFor();
    expect(await p.getByTestId('z-view').getByTestId('acked').textContent()).toContain('2001');
    expect(await p.getByTestId('z-view').getByTestId('ack-btn').count()).toBe(0);
    await e.shot('mf05-acked-once');

    // 17. The audit log in words and yuan: no fen, no action keys.
    await p.getByTestId('mgr-tab-audit').click();
    const open = p.getByTestId('mgr-audit').locator('tr[data-action="shift.open"]').first();
    await open.waitFor();
    expect(await open.textContent()).toContain('开班');
    expect(await open.textContent()).toContain('备用金 ¥100.00');
    const audit = (await p.getByTestId('mgr-audit').locator('tbody').textContent()) ?? '';
    expect(audit).not.toMatch(/\bfen\b|float \d|variance -?\d|shift\.open|shift\.close|auth\.sign-in/);
    expect(audit).toContain('差异 -¥70.00');
    // Who did it, by name with the id beside it.
    expect(await open.textContent()).toContain('李店长（2001）');
    await e.shot('mf06-audit-words');

    // The same in English, at 1024.
    await p.getByTestId('lang-toggle').click();
    await p.setViewportSize({ width: 1024, height: 768 });
    await expect.poll(() => open.textContent()).toContain('Float ¥100.00');
    expect(await open.textContent()).toContain('Shift opened');
    await e.shot('mf06-audit-words-en-1024');
    await p.getByTestId('mgr-tab-today').click();
    await expect.poll(() => p.getByTestId('mgr-today').textContent()).toContain('Net card sales');
    expect(await p.getByTestId('mgr-today').textContent()).toContain('Total incl. cash');
    expect(await p.getByTestId('tender-card').textContent()).toContain('Card ¥32.50');
    await e.shot('mf02-today-en-1024');
    await p.getByTestId('lang-toggle').click();
  }, 90_000); // a long walk through six tabs on 2 shared cores: a budget, not a timing assertion

  it('operators edited safely, "forward now" with the link cut says so, a forced close says why and settles again to one truth', async () => {
    const p = e.page;
    const active = demoCard('active');
    await e.t.signIn('2001', '8888');
    await e.t.call('shift.open', { openingFloatFen: 10_000 });
    await e.t.signIn();
    await e.t.call('sale.authorize', { cardToken: await e.t.card(active.pan), amountFen: 100 });
    e.t.app.ctx.offline.forwarder.stop(); // the advice stays in the queue
    e.t.app.link.setCut(true);
    const off = await e.t.call('sale.authorize', { cardToken: await e.t.card(active.pan), amountFen: 1250 });
    expect(off).toMatchObject({ status: 'approved', offline: true });
    await e.t.call('shift.count', { countedFen: 10_000 });
    await e.t.call('auth.signOut', {}); // the till has one session: the browser is back at sign-in

    await signIn(p, '2001', '8888', 'manager');
    // 19. A refused add keeps the form and says what is wrong in words (no regex).
    await p.getByTestId('mgr-tab-operators').click();
    await p.getByTestId('op-new-id').fill('12');
    await p.getByTestId('op-new-name').fill('新收银员');
    await p.getByTestId('op-new-pin').fill('5678');
    await p.getByTestId('op-add').click();
    await expect.poll(() => p.getByTestId('op-note').textContent()).toBe('工号须为 3–8 位数字');
    expect(await p.getByTestId('op-new-name').inputValue()).toBe('新收银员');
    await p.getByTestId('op-new-id').fill('1001');
    await p.getByTestId('op-add').click();
    await expect.poll(() => p.getByTestId('op-note').textContent()).toBe('工号 1001 已存在');
    expect(await p.getByTestId('op-new-id').inputValue()).toBe('1001');
    expect(await p.getByTestId('op-new-name').inputValue()).toBe('新收银员');
    expect(await p.getByTestId('op-note').textContent()).not.toMatch(/\^|\\d|regex|exists/);
    // Not offered on yourself; disabling someone else asks first.
    await p.getByTestId('op-row-2001').waitFor();
    expect(await p.getByTestId('op-toggle-2001').count()).toBe(0);
    await p.getByTestId('op-toggle-1001').click();
    await p.getByTestId('op-confirm-1001').waitFor();
    expect(e.t.app.ctx.operators.listAll().find((o) => o.id === '1001')!.disabled).toBe(false);
    await e.shot('mf07-confirm-disable');
    await p.getByTestId('op-confirm-yes-1001').click();
    await expect.poll(() => p.getByTestId('op-row-1001').textContent()).toContain('已停用');

    // 19. "Forward now" with the link cut says it, in words.
    await p.getByTestId('screen-offline-queue').click();
    await p.getByTestId('queue-forward').click();
    await expect.poll(() => p.getByTestId('queue-error').textContent()).toContain('发卡方连接已断开');
    await e.shot('mf08-forward-link-cut');

    // 19. The force-close dialog says why (one unsent offline sale) and what happens to it.
    await p.getByTestId('screen-manager').click();
    await p.getByTestId('mgr-tab-shift').click();
    await p.getByTestId('close-start').click();
    await p.getByTestId('use-recorded-count').click();
    await p.getByTestId('confirm-close-yes').click();
    await p.getByTestId('override-dialog').waitFor();
    const why = (await p.getByTestId('force-why').textContent()) ?? '';
    expect(why).toContain('还有 1 笔离线交易未上送');
    expect(why).toContain('下一批次');
    await e.shot('mf09-force-close-why');
    await override(p, '8888');
    await p.getByTestId('variance-card').waitFor();
    await expect
      .poll(() => p.getByTestId('carried-out').textContent())
      .toContain(`${String(off.stan).padStart(6, '0')} (仍在离线队列)`);
    expect(await p.getByTestId('settlement').getAttribute('data-status')).toBe('unreachable');

    // 18. Link back, queue forwarded, 重新对账 from the shift list: settled, and nothing still says
    // "in the offline queue" — not the table, not the carried-out line, not the list's status.
    e.t.app.link.setCut(false);
    const f = e.t.app.ctx.offline.forwarder as unknown as {
      stopped: boolean;
      forwardNow(): Promise<unknown>;
    };
    f.stopped = false;
    await f.forwardNow();
    // The job queue settles the batch again by itself once the link is back (src/main/jobs); run
    // that job now rather than racing it with the manager's 重新对账 button.
    await e.t.app.jobs.drain('settlement');
    await p.getByTestId('mgr-tab-shifts').click();
    await p.getByTestId('shift-view-1').click();
    await expect.poll(() => p.getByTestId('shift-row-1').textContent()).toContain('已平账');
    const z = p.getByTestId('z-view');
    await expect.poll(() => z.getByTestId('settlement').getAttribute('data-status')).toBe('settled');
    expect(await z.getByTestId('discrepancies').count()).toBe(0);
    expect(await z.getByTestId('carried-out').textContent()).toContain('已上送发卡方');
    expect(await z.textContent()).not.toContain('仍在离线队列');
    expect(await z.getByTestId('settle-retry').count()).toBe(0);
    await e.shot('mf10-resettled-one-truth');
  }, 60_000);
});
