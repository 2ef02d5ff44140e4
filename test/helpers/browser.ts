/**
 * Playwright (playwright-core) on Debian's Chromium, driving the app through the web host.
 * Screenshots go to test-results/screenshots/ so a person can look at them.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterAll } from 'vitest';
import { chromium, type Browser, type Page } from 'playwright-core';
import { startTestApp, type TestApp } from './app';
import { startWebHost, type WebHost } from '../../src/main/hosts/web-host';
import type { AppOptions } from '../../src/main/app';

export const CHROMIUM_PATHS = ['/usr/bin/chromium', '/usr/bin/chromium-browser'];
export const SHOTS = path.resolve('test-results/screenshots');

export interface E2E {
  t: TestApp;
  host: WebHost;
  browser: Browser;
  page: Page;
  shot(name: string): Promise<void>;
  close(): Promise<void>;
}

/**
 * One Chromium per test file (vitest runs each file in its own process; the hook below closes it
 * when the file ends): each test gets a fresh browser context — its own storage, cookies and
 * page — which is what isolation needs, without paying a Chromium start (~1–2 s) per test.
 */
let browserOnce: Promise<Browser> | undefined;
function sharedBrowser(): Promise<Browser> {
  browserOnce ??= chromium.launch({
    executablePath: CHROMIUM_PATHS.find((p) => fs.existsSync(p)),
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
      '--disable-quic',
    ],
  });
  return browserOnce;
}
afterAll(async () => {
  const b = browserOnce;
  browserOnce = undefined;
  if (b) await (await b).close();
});

export async function startE2E(o: Partial<AppOptions> = {}): Promise<E2E> {
  const t = await startTestApp(o);
  const host = await startWebHost(t.app, { port: 0, staticDir: path.resolve('dist/renderer') });
  const browser = await sharedBrowser();
  const context = await browser.newContext({ viewport: { width: 1400, height: 900 }, locale: 'zh-CN' });
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(m.text());
  });
  await page.goto(host.appUrl);
  fs.mkdirSync(SHOTS, { recursive: true });
  return {
    t,
    host,
    browser,
    page,
    async shot(name) {
      await page.screenshot({ path: path.join(SHOTS, `${name}.png`), fullPage: true });
    },
    async close() {
      await context.close();
      await host.close();
      await t.close();
      // CSP violations and React errors show up here: a page that logged errors fails the test.
      const real = errors.filter((e) => !/favicon/.test(e));
      if (real.length) throw new Error(`browser errors:\n${real.join('\n')}`);
    },
  };
}
