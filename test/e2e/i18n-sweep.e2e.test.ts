/**
 * Every screen of every role in 简体中文, after a day's typical activity (an approved sale, a decline,
 * a void, an offline sale, a verified receipt, a read test): no text a person sees may be English
 * only. The page's visible text nodes and the words in attributes a person reads (placeholder,
 * title, aria-label) are checked; a text node fails when it has no CJK character and holds a Latin
 * word outside the allow list (ids, units, brand names, standards: TID/MID, QR, PIN, IC…). Machine
 * text is skipped where the page marks it as such: `.mono` (ids, STANs, masked cards, device
 * specs, a driver's own detail text), `translate="no"` and the technician's raw event log; dotted
 * identifiers (audit action keys) count as ids. Receipt and report previews are the paper as it
 * prints, bilingual by design: there only time formats are checked. Anywhere, dates must not be
 * US-style (M/D/YYYY, AM/PM) nor raw ISO/UTC stamps, and elsewhere no wire code (CARD_LOST) may
 * stand where words belong. Screenshots of every screen go to test-results/.
 */
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import type { Page } from 'playwright-core';
import { signIn, signOut, keyAmount, override } from '../helpers/e2e-actions';
import { startE2E, CHROMIUM_PATHS, type E2E } from '../helpers/browser';
import { requireSystem } from '../helpers/require-system';
import { demoCard } from '../../src/issuer-sim/demo-cards';
import { formatTime } from '../../src/renderer/format';
import { OfflineConfig } from '../../src/offline-queue/config';

const haveChromium = requireSystem('Chromium', CHROMIUM_PATHS, 'chromium');

/**
 * Latin tokens a Chinese screen may show: brand and standard names, units, codes that are the
 * same in every language. Anything else that is Latin-only is a word someone forgot to translate.
 */
const ALLOWED = new Set(
  [
    'CardTill',
    'TID',
    'MID',
    'STAN',
    'QR',
    'PIN',
    'IC',
    'NFC',
    'PC/SC',
    'PCSC',
    'ATR',
    'UID',
    'ESC/POS',
    'USB',
    'TCP',
    'HID',
    'JSON',
    'CSV',
    'PDF',
    'X',
    'Z',
    'ms',
    'KB',
    'MB',
    'ID',
    'POS',
    'CODE', // the receipt's verification-code label (printed bilingual, ISO receipt layout)
    'English', // the language switch names the other language in that language, as is usual
  ].map((w) => w.toLowerCase()),
);

const CJK = /[\u3400-\u9fff\uff00-\uffef\u3000-\u303f]/;
const US_DATE = /\b\d{1,2}\/\d{1,2}\/\d{4}\b|\b(AM|PM)\b/;
const ISO_STAMP = /\d{4}-\d{2}-\d{2}T\d{2}:\d{2}|\bUTC\b|Z\b(?=\s|$)/;

interface Finding {
  screen: string;
  text: string;
  why: string;
  where: string;
}

/** The visible text nodes and person-readable attributes of the page, with a hint of where. */
async function visibleTexts(p: Page): Promise<Array<{ text: string; where: string }>> {
  return p.evaluate(() => {
    const out: Array<{ text: string; where: string }> = [];
    const skip = (el: Element | null): boolean =>
      !!el?.closest('.mono, [translate="no"], [data-testid="tech-log"], script, style');
    const hint = (el: Element): string => {
      const withId = el.closest('[data-testid]');
      return `${el.tagName.toLowerCase()}${withId ? ` in ${withId.getAttribute('data-testid')}` : ''}`;
    };
    const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
    for (let n = walker.nextNode(); n; n = walker.nextNode()) {
      const el = n.parentElement;
      const text = (n.textContent ?? '').trim();
      if (!el || !text || skip(el)) continue;
      const box = el.getBoundingClientRect();
      const style = getComputedStyle(el);
      if (box.width === 0 || box.height === 0 || style.visibility === 'hidden' || style.display === 'none')
        continue;
      out.push({ text, where: hint(el) });
    }
    for (const el of document.body.querySelectorAll('[placeholder], [title], [aria-label]')) {
      if (skip(el)) continue;
      for (const a of ['placeholder', 'title', 'aria-label']) {
        const v = el.getAttribute(a)?.trim();
        if (v) out.push({ text: v, where: `${hint(el)} @${a}` });
      }
    }
    // The chosen option of a <select> is visible text too.
    for (const el of document.body.querySelectorAll('select')) {
      const o = (el as HTMLSelectElement).selectedOptions[0];
      if (o && !skip(el) && !o.classList.contains('mono')) out.push({ text: o.text.trim(), where: hint(el) });
    }
    return out;
  });
}

/** An error or enum code as it travels on the wire (CARD_LOST): never a word for a person. */
const WIRE_CODE = /\b[A-Z][A-Z0-9]*_[A-Z0-9_]+\b/;
/** A dotted identifier (an audit action key such as `auth.sign-in`, shown as a tooltip): an id. */
const DOTTED_ID = /\b[a-z][\w-]*(?:\.[\w-]+)+\b/g;

function judge(screen: string, items: Array<{ text: string; where: string }>): Finding[] {
  const found: Finding[] = [];
  for (const { text, where } of items) {
    if (US_DATE.test(text)) found.push({ screen, text, where, why: 'US date/time format' });
    if (ISO_STAMP.test(text)) found.push({ screen, text, where, why: 'raw ISO/UTC time' });
    // A receipt or report preview shows the paper as it prints: bilingual by design, each label
    // in Chinese and then in English (on its own line in printer columns), a decline's words with
    // its code beside them for the issuer's help desk. There only time formats are checked.
    if (/receipt-preview/.test(where)) continue;
    if (WIRE_CODE.test(text)) found.push({ screen, text, where, why: 'a wire code instead of words' });
    if (CJK.test(text)) continue;
    const words = (text.replace(DOTTED_ID, '').match(/[A-Za-z][A-Za-z/'’-]*[A-Za-z]|[A-Za-z]/g) ?? []).filter(
      (w) => !ALLOWED.has(w.toLowerCase()),
    );
    // Single Latin letters that are not words (a masked "x", a unit "s" after digits) are fine.
    const real = words.filter((w) => w.length > 1);
    if (real.length) found.push({ screen, text, where, why: `Latin-only: ${real.join(' ')}` });
  }
  return found;
}

let e: E2E;
const findings: Finding[] = [];
const visited: string[] = [];

async function sweep(name: string, ready: string): Promise<void> {
  const p = e.page;
  await p.getByTestId(ready).waitFor();
  visited.push(name);
  console.log(`swept ${name}`);
  findings.push(...judge(name, await visibleTexts(p)));
  await e.shot(`i18n-sweep-${name}`);
}

async function sell(digits: string, card: 'active' | 'lost'): Promise<void> {
  const p = e.page;
  await keyAmount(p, digits);
  await p.getByTestId(`sim-swipe-${card}`).click();
  await expect.poll(() => p.getByTestId('card-status').textContent()).toContain(demoCard(card).pan.slice(-4));
  await p.getByTestId('keypad').locator('[data-key="ok"]').click();
  await p.getByTestId('result').waitFor();
}

describe.runIf(haveChromium)('every screen in 简体中文 has no English-only words (Chromium)', () => {
  beforeAll(async () => {
    // A floor limit under the offline sale's ¥5.00, so it needs a manager's PIN (and the queue
    // then names who allowed it).
    e = await startE2E({
      forwardMs: 60_000,
      config: { offline: OfflineConfig.parse({ floorLimitFen: 300 }) } as never,
    });
  });
  afterAll(async () => {
    await e?.close();
  });

  it('walks cashier, manager (every tab), offline queue, dispute desk and technician', async () => {
    const p = e.page;
    await sweep('signin', 'signin');

    // The manager opens the shift, so the shift screens have something to show.
    await signIn(p, '2001', '8888', 'manager');
    await p.getByTestId('mgr-tab-shift').click();
    await p.getByTestId('open-float').fill('500');
    await p.getByTestId('shift-open').click();
    await expect.poll(() => p.getByTestId('shift-status').textContent()).not.toContain('未开班');
    await signOut(p);

    // The cashier: an approved sale, a decline, a void of the sale, then an offline sale.
    await signIn(p, '1001', '1234', 'cashier');
    await sweep('cashier-idle', 'cashier');
    await sell('1250', 'active');
    await expect.poll(() => p.getByTestId('result').getAttribute('data-status')).toBe('approved');
    await sweep('cashier-approved', 'result');
    await p.getByTestId('next-sale').click();
    await sell('300', 'lost');
    await expect.poll(() => p.getByTestId('result').getAttribute('data-status')).toBe('declined');
    await sweep('cashier-declined', 'result');
    await p.keyboard.press('Escape');
    await p.getByTestId('void-refund-open').click();
    await sweep('cashier-void-panel', 'void-refund');
    await p.getByTestId('void-btn').click();
    await override(p);
    await expect.poll(() => p.getByTestId('void-refund-note').textContent()).toMatch(/撤销/);
    await sweep('cashier-voided', 'void-refund');
    await p.getByTestId('void-refund').getByRole('button').last().click();
    await p.getByTestId('sim-link').click();
    await expect.poll(() => p.getByTestId('link-state').textContent()).toContain('已断开');
    await sell('500', 'active');
    await expect.poll(() => p.getByTestId('result').getAttribute('data-code')).toBe('OFFLINE_FLOOR_LIMIT');
    await sweep('cashier-offline-floor-limit', 'result');
    await p.getByTestId('offline-override').click();
    await override(p);
    await expect.poll(() => p.getByTestId('result').getAttribute('data-status')).toBe('approved');
    await sweep('cashier-offline-approved', 'result');
    await p.getByTestId('next-sale').click();
    await signOut(p);

    // The manager: every tab, the cashier screen, devices, dispute desk, offline queue.
    await signIn(p, '2001', '8888', 'manager');
    for (const tab of ['today', 'shift', 'shifts', 'audit', 'operators', 'limits']) {
      await p.getByTestId(`mgr-tab-${tab}`).click();
      await sweep(`manager-${tab}`, 'manager');
    }
    // The X report of the open shift (its decline lines name the decline codes).
    await p.getByTestId('mgr-tab-shift').click();
    await p.getByTestId('x-report').click();
    await p.getByTestId('report-X').waitFor();
    await sweep('manager-x-report', 'report-X');
    await p.getByTestId('screen-checkout').click();
    await sweep('manager-checkout', 'cashier');
    await p.getByTestId('screen-devices').click();
    await sweep('manager-devices', 'devices');
    await p.getByTestId('screen-offline-queue').click();
    await expect.poll(() => p.getByTestId('queue-count').textContent()).toBe('1');
    await sweep('offline-queue', 'offline-queue');
    // Who allowed the over-limit offline sale, by name (the core records the id).
    await expect.poll(() => p.getByTestId('queue-waiting').textContent()).toContain('李店长（2001）');
    await p.getByTestId('screen-dispute').click();
    await sweep('dispute-empty', 'dispute-desk');
    // The receipt of the approved (then voided) sale, checked as a customer's dispute would be.
    const sale = (await e.t.call('txn.recent', { limit: 20 })).find((r) => r.amountFen === 1250)!;
    const doc = (await e.t.call('receipt.get', { stan: sale.stan })).doc;
    const qr = doc.lines.find((l) => l.type === 'qr');
    await p.getByTestId('dispute-input').fill(qr?.type === 'qr' ? qr.data : '');
    await p.getByTestId('dispute-verify').click();
    await p.getByTestId('dispute-result').waitFor();
    await sweep('dispute-genuine', 'dispute-result');
    await signOut(p);

    // The technician: the device table, discovery, every self-test, settings, the log.
    await signIn(p, '3001', '5555', 'tech');
    await p.getByTestId('tech-discover').click();
    await p.getByTestId('tech-discovered').waitFor();
    await p.getByTestId('tech-print-test').click();
    await expect.poll(() => p.getByTestId('tech-print-result').textContent()).not.toBe('测试中…');
    await p.getByTestId('tech-echo').click();
    await expect.poll(() => p.getByTestId('tech-echo-result').textContent()).not.toBe('测试中…');
    await p.getByTestId('tech-read-device').selectOption('sim-ic');
    await p.getByTestId('tech-read-test').click();
    await expect.poll(() => p.getByTestId('tech-read-result').textContent()).not.toBe('');
    await p.getByTestId('sim-tap-active').click();
    await expect.poll(() => p.getByTestId('tech-read-result').textContent()).toContain('0017');
    // The ¥1,000 card's chip purse reads ¥1,000.00 (it read "chip ¥0.00"), and says what it is.
    expect(await p.getByTestId('tech-read-result').textContent()).toContain('芯片内余额 ¥1,000.00');
    // A long result wraps under the controls; the buttons keep a one-line label (the read-test
    // button was squeezed into a vertical column of single characters).
    for (const size of [
      { width: 1024, height: 768 },
      { width: 1366, height: 768 },
    ]) {
      await p.setViewportSize(size);
      const read = (await p.getByTestId('tech-read-test').boundingBox())!;
      const print = (await p.getByTestId('tech-print-test').boundingBox())!;
      expect(read.height, `read-test button at ${size.width}px`).toBeLessThanOrEqual(print.height + 1);
      expect(read.width).toBeGreaterThan(read.height);
      await e.shot(`i18n-sweep-tech-tests-${size.width}`);
    }
    await p.setViewportSize({ width: 1400, height: 900 });
    await p.getByTestId('tech-settings-device').selectOption({ index: 1 });
    await sweep('tech', 'tech');
    await p.getByTestId('screen-devices').click();
    await sweep('tech-devices', 'devices');

    await signOut(p);

    // Five wrong PINs lock the technician: the message gives the time in the store's zone
    // (Asia/Shanghai by default), not the machine's UTC — it was 8 hours off, in English.
    const signinError = p.getByTestId('signin-error');
    const errorText = async () =>
      (await signinError.count()) ? ((await signinError.textContent()) ?? '') : '';
    let before = '';
    for (let i = 0; i < 5; i++) {
      await p.getByTestId('operator-3001').click();
      for (const d of '0000') await p.getByTestId('pin-keypad').locator(`[data-key="${d}"]`).click();
      await p.getByTestId('pin-keypad').locator('[data-key="ok"]').click();
      // Each answer changes the message (attempts left counts down, then the lock-out).
      await expect.poll(errorText).not.toBe(before);
      before = await errorText();
      if (i === 0) await sweep('signin-bad-pin', 'signin-error');
    }
    await expect.poll(() => p.getByTestId('signin-error').textContent()).toContain('锁定');
    const lockedUntil = (
      e.t.app.db.prepare("SELECT locked_until FROM operators WHERE id = '3001'").get() as {
        locked_until: string;
      }
    ).locked_until;
    const shanghai = formatTime(lockedUntil, 'zh', 'Asia/Shanghai', 'time');
    expect(await p.getByTestId('signin-error').textContent()).toContain(shanghai);
    await sweep('signin-locked', 'signin-error');

    expect(visited.length).toBeGreaterThan(15);
    const report = findings.map((f) => `${f.screen}: "${f.text}" (${f.why}; ${f.where})`);
    expect(report, `English left on Chinese screens:\n${report.join('\n')}`).toEqual([]);
  }, 180_000);
});
