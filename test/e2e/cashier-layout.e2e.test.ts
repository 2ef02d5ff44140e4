/**
 * The cashier's panels at the till's two screen sizes (1024×768, 1366×768) in 简体中文 and English
 * (issue 11 #12): every button of the sign-in, sale, split offer, void/refund, receipt search and
 * manager-PIN screens lies inside the viewport's width, no two buttons overlap, no label is cut
 * (scrollWidth <= clientWidth), the keypad's OK key is on screen without scrolling, and the page
 * never scrolls sideways. Screenshots of each state go to test-results/screenshots/.
 */
import { describe, it, expect, beforeEach, afterEach } from 'vitest';
import type { Page } from 'playwright-core';
import { signIn, keyAmount } from '../helpers/e2e-actions';
import { startE2E, CHROMIUM_PATHS, type E2E } from '../helpers/browser';
import { requireSystem } from '../helpers/require-system';

const haveChromium = requireSystem('Chromium', CHROMIUM_PATHS, 'chromium');
let e: E2E;

interface LayoutProblem {
  kind: string;
  what: string;
}

/**
 * Every visible button (and the main inputs) of the screen checked in the page: inside the
 * viewport's width, not cut, not overlapping another. The demo simulator panel is not the cashier's.
 */
async function layoutProblems(p: Page, okKeyTestId: string): Promise<LayoutProblem[]> {
  return p.evaluate((okKeyTestId) => {
    const out: { kind: string; what: string }[] = [];
    const name = (el: Element) =>
      `${el.getAttribute('data-testid') ?? el.getAttribute('data-key') ?? ''} "${(el.textContent ?? '').trim().slice(0, 30)}"`;
    const vw = document.documentElement.clientWidth;
    if (document.documentElement.scrollWidth > vw)
      out.push({ kind: 'page scrolls sideways', what: `${document.documentElement.scrollWidth} > ${vw}` });
    // With a dialog open only the dialog counts (the backdrop covers the rest on purpose).
    const scope = document.querySelector('[role="dialog"]') ?? document;
    const els = [...scope.querySelectorAll('button, select, input')].filter((el) => {
      const r = el.getBoundingClientRect();
      return r.width > 0 && r.height > 0 && !el.closest('.sim-panel');
    }) as HTMLElement[];
    const boxes = els.map((el) => ({ el, r: el.getBoundingClientRect() }));
    for (const { el, r } of boxes) {
      if (r.left < -0.5 || r.right > vw + 0.5)
        out.push({
          kind: 'outside the viewport',
          what: `${name(el)} ${Math.round(r.left)}..${Math.round(r.right)}`,
        });
      if (el.tagName === 'BUTTON' && el.scrollWidth > el.clientWidth + 1)
        out.push({ kind: 'label cut', what: `${name(el)} ${el.scrollWidth} > ${el.clientWidth}` });
      // Covered by something else at its centre (a panel lying over it, like Cancel under the keypad).
      const hit = document.elementFromPoint(r.left + r.width / 2, r.top + r.height / 2);
      const visibleNow = r.top + r.height / 2 >= 0 && r.top + r.height / 2 <= window.innerHeight;
      if (visibleNow && hit && !el.contains(hit) && !hit.contains(el))
        out.push({ kind: 'covered', what: `${name(el)} by ${hit.tagName}.${hit.className}` });
    }
    for (let i = 0; i < boxes.length; i++)
      for (let j = i + 1; j < boxes.length; j++) {
        const a = boxes[i]!.r;
        const b = boxes[j]!.r;
        const overlap =
          Math.min(a.right, b.right) - Math.max(a.left, b.left) > 1 &&
          Math.min(a.bottom, b.bottom) - Math.max(a.top, b.top) > 1;
        if (overlap && !boxes[i]!.el.contains(boxes[j]!.el) && !boxes[j]!.el.contains(boxes[i]!.el))
          out.push({ kind: 'overlap', what: `${name(boxes[i]!.el)} / ${name(boxes[j]!.el)}` });
      }
    const ok = document.querySelector(`[data-testid="${okKeyTestId}"] [data-key="ok"]`);
    if (ok) {
      const r = ok.getBoundingClientRect();
      if (r.bottom > window.innerHeight)
        out.push({ kind: 'OK key below the fold', what: `${Math.round(r.bottom)}` });
    }
    return out;
  }, okKeyTestId);
}

const SIZES = [
  { width: 1024, height: 768 },
  { width: 1366, height: 768 },
] as const;

describe.runIf(haveChromium)('cashier layout at 1024×768 and 1366×768, 中文 and English (Chromium)', () => {
  beforeEach(async () => {
    e = await startE2E();
  });
  afterEach(async () => {
    await e.close();
  });

  for (const size of SIZES)
    for (const lang of ['zh', 'en'] as const)
      it(`${size.width}×${size.height} ${lang}: no button outside, cut or overlapped on any cashier panel`, async () => {
        const p = e.page;
        await p.setViewportSize(size);
        await p.getByTestId('signin').waitFor();
        if (lang === 'en') {
          await p.getByTestId('lang-toggle').click();
          await expect.poll(() => p.getByTestId('signin').textContent()).toContain('Choose operator');
        }
        const tag = `layout-${size.width}-${lang}`;
        const check = async (state: string, okKey = 'keypad') => {
          await p.evaluate(() => window.scrollTo(0, 0));
          await e.shot(`${tag}-${state}`);
          expect({ state, problems: await layoutProblems(p, okKey) }).toEqual({ state, problems: [] });
        };
        await check('01-sign-in', 'pin-keypad');
        // An open shift, so the cashier's count panel (点钞交班) is there too.
        await e.t.signIn('2001', '8888');
        await e.t.call('shift.open', { openingFloatFen: 50_000 });
        await e.t.call('auth.signOut', {});
        await signIn(p, '1001', '1234', 'cashier');
        await p.getByTestId('count-open').click();
        await p.getByTestId('cashier-count').waitFor();
        await check('01b-count-drawer');

        await keyAmount(p, '1250');
        await p.getByTestId('sim-swipe-active').click();
        await expect.poll(() => p.getByTestId('card-status').textContent()).toContain('0017');
        await p.getByTestId('keypad').locator('[data-key="ok"]').click();
        await expect.poll(() => p.getByTestId('result').getAttribute('data-status')).toBe('approved');
        await check('02-sale-approved');

        await keyAmount(p, '1250');
        await p.getByTestId('sim-tap-low').click();
        await expect.poll(() => p.getByTestId('card-status').textContent()).toContain('0025');
        await p.getByTestId('keypad').locator('[data-key="ok"]').click();
        await p.getByTestId('split-offer').waitFor();
        await check('03-split-offer');

        await p.getByTestId('void-refund-open').click();
        await p.getByTestId('receipt-search-open').click();
        await p.getByTestId('receipt-search-by').selectOption('last4');
        await p.getByTestId('receipt-search-input').fill('0017');
        await p.getByTestId('receipt-search-go').click();
        await p.getByTestId('receipt-search-results').waitFor();
        await expect.poll(() => p.getByTestId('void-target').textContent()).toContain('¥12.50');
        await check('04-void-refund-search');
        await p.getByTestId('void-refund-cancel').click();
        await expect.poll(() => p.getByTestId('void-refund').count()).toBe(0);
        await p.getByTestId('void-refund-open').click();

        await p.getByTestId('void-btn').click();
        await p.getByTestId('override-dialog').waitFor();
        await check('05-manager-pin', 'override-keypad');
        await p.keyboard.press('Escape');
        await expect.poll(() => p.getByTestId('override-dialog').count()).toBe(0);
        await p.getByTestId('void-refund-cancel').click();
        // Selling a card: the panel holds the till's keypad, whose OK (收款并售卡) is on screen.
        await p.getByTestId('card-life-open').click();
        await check('06-card-life', 'card-life-keypad');
      });
});
