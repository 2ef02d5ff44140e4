/**
 * What a person does on the till, as the end-to-end tests do it: pick an operator and type the
 * PIN on the on-screen keypad, sign out, type a manager's PIN into the override dialog, key an
 * amount. One place, so a change of the sign-in screen is one change of the tests.
 */
import { expect } from 'vitest';
import type { Page } from 'playwright-core';

/** Signs in on the PIN keypad; waits for `ready` (a test id of the screen expected next) if given. */
export async function signIn(p: Page, id: string, pin: string, ready?: string): Promise<void> {
  await p.getByTestId('signin').waitFor();
  await p.getByTestId(`operator-${id}`).click();
  for (const d of pin) await p.getByTestId('pin-keypad').locator(`[data-key="${d}"]`).click();
  await p.getByTestId('pin-keypad').locator('[data-key="ok"]').click();
  if (ready) await p.getByTestId(ready).waitFor();
}

export async function signOut(p: Page): Promise<void> {
  await p.getByTestId('sign-out').click();
  await p.getByTestId('signin').waitFor();
}

/** A manager's PIN typed into the override dialog on the cashier's screen. */
export async function override(p: Page, pin = '8888'): Promise<void> {
  await p.getByTestId('override-dialog').waitFor();
  await p.getByTestId('override-pin').fill(pin);
  await p.getByTestId('override-keypad').locator('[data-key="ok"]').click();
}

/** Keys an amount on the cashier's keypad, digit by digit. */
export async function keyAmount(p: Page, digits: string): Promise<void> {
  for (const d of digits) await p.getByTestId('keypad').locator(`[data-key="${d}"]`).click();
}

/** The manager signs in and opens a shift with this float (in yuan, as typed). */
export async function openShift(p: Page, floatYuan: string): Promise<void> {
  await signIn(p, '2001', '8888');
  await p.getByTestId('mgr-tab-shift').click();
  await p.getByTestId('open-float').fill(floatYuan);
  await p.getByTestId('shift-open').click();
  await expect.poll(() => p.getByTestId('shift-status').getAttribute('data-open')).toBe('true');
}
