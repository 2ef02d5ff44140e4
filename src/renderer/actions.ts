/**
 * What the screens do, as named actions over the bridge and the store. Components call these;
 * keyboard bindings (./keys.ts) call the same ones, so a key and a button can never differ.
 */
import { getBridge, BridgeError } from './bridge';
import { useTill, initialCashier, type CashierSlice } from './store';
import { keypadAppend, keypadBackspace } from '../shared/money';
import type { ApiErrorShape } from '../shared/errors';
import type { MethodName, Req, Res, Override } from '../shared/contract';

const get = () => useTill.getState();

/** When the core last heard from this screen (every signed-in call resets its idle sign-out). */
let lastCallAt = Date.now();
export const lastCoreCall = (): number => lastCallAt;

export async function call<M extends MethodName>(method: M, params: Req<M>): Promise<Res<M>> {
  lastCallAt = Date.now();
  return getBridge().call(method, params);
}

/** Tells the core the operator is still here (any signed-in call does; this one changes nothing). */
export async function keepSession(): Promise<void> {
  try {
    await call('card.current', {});
  } catch {
    // signed out meanwhile: the sign-in screen follows
  }
}

/** Idle sign-out from the screen's own countdown: the card and the sale go with the operator. */
export async function idleSignOut(): Promise<void> {
  try {
    await signOut('idle'); // the core clears the card with the sign-out
  } catch {
    // already signed out by the core's own idle check: clear the screen all the same
    get().setCashier({ ...initialCashier });
    await refreshSession().catch(() => {});
  }
}

function asApiError(e: unknown): ApiErrorShape {
  return e instanceof BridgeError
    ? e.error
    : { code: 'INTERNAL', message: String((e as Error)?.message ?? e) };
}

export async function refreshSession(): Promise<void> {
  get().setSession({ info: await call('session.info', {}) });
}

export async function signIn(operatorId: string, pin: string): Promise<ApiErrorShape | null> {
  try {
    await call('auth.signIn', { operatorId, pin });
    await refreshSession();
    await loadDevices();
    return null;
  } catch (e) {
    return asApiError(e);
  }
}

export async function signOut(reason: 'manual' | 'idle' = 'manual'): Promise<void> {
  await call('auth.signOut', reason === 'idle' ? { reason } : {});
  get().setCashier({ ...initialCashier });
  await refreshSession();
}

export function keypad(key: string): void {
  const c = get().cashier;
  if (c.busy) return;
  // A result on screen is final: the first key is the next customer's, never appended to the
  // amount just charged (issue 11 #1: "5" after ¥12.50 made ¥125.05). An approved sale starts
  // over as 下一笔 does; after a decline the card stays presented for the corrected amount.
  if (c.result) {
    if (c.result.status === 'approved') nextSale();
    else get().setCashier({ result: null, error: null, receipt: null, cashDueFen: 0, printNote: null });
    get().setCashier({ amountFen: 0 });
  }
  if (key === 'back') get().setCashier({ amountFen: keypadBackspace(get().cashier.amountFen) });
  else if (key === 'clear') get().setCashier({ amountFen: 0 });
  else get().setCashier({ amountFen: keypadAppend(get().cashier.amountFen, key) });
}

export function setMode(mode: 'sale' | 'inquiry'): void {
  get().setCashier({ mode, result: null, error: null });
}

export function clearAll(): void {
  if (get().cashier.busy) return;
  void call('card.clear', {}).catch(() => {});
  get().setCashier({ ...initialCashier, recent: get().cashier.recent });
}

/**
 * A card number the core should hold for the next transaction. Returns the typed error (also put
 * on screen), so the caller can ask for a manager's PIN on OVERRIDE_REQUIRED (manual entry).
 */
export async function enterCard(
  pan: string,
  entryMode: 'wedge' | 'manual',
  override?: Override,
): Promise<ApiErrorShape | null> {
  try {
    const card = await call('card.enter', { pan, entryMode, ...(override ? { override } : {}) });
    get().setCashier({ card, error: null });
    return null;
  } catch (e) {
    const error = asApiError(e);
    get().setCashier({ error });
    return error;
  }
}

async function loadReceipt(stan: number): Promise<void> {
  try {
    get().setCashier({ receipt: await call('receipt.get', { stan }) });
  } catch {
    // The result stands without a preview.
  }
}

/** Charges the keyed amount (sale) or asks the balance (inquiry) with the card presented. */
/** `override`: a manager's PIN allowing an offline sale over the offline limits. */
/**
 * `password`: the card password the cardholder typed on the PIN pad after PASSWORD_REQUIRED /
 * PASSWORD_WRONG — passed straight into the call and kept nowhere (not in the store).
 */
export async function submit(
  split?: { cardFen: number; otherFen: number },
  override?: Override,
  password?: string,
): Promise<void> {
  const c = get().cashier;
  if (c.busy) return;
  if (!c.card) {
    get().setCashier({ error: { code: 'NO_CARD', message: 'no card' } });
    return;
  }
  if (c.mode === 'sale' && c.amountFen <= 0) return;
  get().setCashier({
    busy: true,
    error: null,
    result: null,
    receipt: null,
    printNote: null,
    blockedUntil: null,
  });
  try {
    const result =
      c.mode === 'inquiry'
        ? await call('balance.inquiry', { cardToken: c.card.cardToken })
        : await call('sale.authorize', {
            cardToken: c.card.cardToken,
            ...(split
              ? { amountFen: split.cardFen, otherTenderFen: split.otherFen }
              : { amountFen: c.amountFen }),
            ...(override ? { override } : {}),
            ...(password !== undefined ? { password } : {}),
          });
    get().setCashier({
      result,
      busy: false,
      cashDueFen: result.status === 'approved' ? result.otherTenderFen : 0,
    });
    if (result.status === 'approved') get().setCashier({ card: null });
    if (result.declineCode === 'OFFLINE_VELOCITY') void loadBlock(c.card.cardToken);
    await loadReceipt(result.stan);
    void loadRecent();
  } catch (e) {
    const error = asApiError(e);
    // Paid on the chip and the card left after DEBIT: the same card must come back (chip.resolve).
    const torn = error.code === 'CHIP_TORN' ? /stan (\d+)/.exec(error.detail ?? '') : null;
    get().setCashier({ busy: false, error, ...(torn ? { chipTorn: { stan: Number(torn[1]) } } : {}) });
  }
}

/**
 * A card presented while a chip purchase is torn: the core reads it, decides from its sequence
 * and balance whether the debit happened (GET TRANSACTION PROVE) and answers the final row.
 * Another card (CHIP_CARD_CHANGED) leaves the prompt up.
 */
export async function resolveTornChip(card: { cardToken: string }): Promise<void> {
  const torn = get().cashier.chipTorn;
  if (!torn || get().cashier.busy) return;
  get().setCashier({ busy: true, error: null });
  try {
    const result = await call('chip.resolve', { cardToken: card.cardToken, stan: torn.stan });
    get().setCashier({
      result,
      busy: false,
      chipTorn: null,
      cashDueFen: result.status === 'approved' ? result.otherTenderFen : 0,
    });
    if (result.status === 'approved') get().setCashier({ card: null });
    await loadReceipt(result.stan);
    void loadRecent();
  } catch (e) {
    const error = asApiError(e);
    get().setCashier({ busy: false, error, ...(error.code === 'NOT_FOUND' ? { chipTorn: null } : {}) });
  }
}

/**
 * The split-tender offer after "insufficient balance" with some balance left on the card still
 * presented: the card pays what it holds, the rest is cash. Null when there is none to make.
 */
export function splitOffer(
  c: Pick<CashierSlice, 'result' | 'card' | 'amountFen'>,
): { cardFen: number; otherFen: number } | null {
  const { result, card, amountFen } = c;
  if (!result || result.status === 'approved' || !card) return null;
  if (result.declineCode !== 'INSUFFICIENT_BALANCE' || !result.balanceFen) return null;
  const otherFen = amountFen - result.balanceFen;
  return otherFen > 0 ? { cardFen: result.balanceFen, otherFen } : null;
}

export async function acceptSplit(): Promise<void> {
  const split = splitOffer(get().cashier);
  if (split) await submit(split);
}

export async function printReceipt(): Promise<void> {
  const r = get().cashier.result;
  if (!r) return;
  try {
    const out = await call('receipt.print', { stan: r.stan });
    get().setCashier({ printNote: out.printed ? 'printed' : (out.reason ?? 'held') });
  } catch (e) {
    get().setCashier({ printNote: asApiError(e).code });
  }
}

/** How long the velocity decline lasts, so the cashier can tell the customer (issue 11 #15). */
async function loadBlock(cardToken: string): Promise<void> {
  try {
    get().setCashier({ blockedUntil: (await call('card.offlineBlock', { cardToken })).blockedUntil });
  } catch {
    // The decline stands without the time.
  }
}

/** Receipts of the shift found by STAN, card last 4 or time (components/ReceiptSearch.tsx). */
export async function searchReceipts(q: Omit<Req<'txn.search'>, 'limit'>): Promise<Res<'txn.search'>> {
  return call('txn.search', { ...q, limit: 50 });
}

/** Reprints one receipt as a copy (重印 COPY) and says which one and what the printer did. */
export async function reprintReceipt(stan: number): Promise<void> {
  let note: string;
  try {
    const out = await call('receipt.print', { stan, copy: true });
    note = out.printed ? 'printed' : (out.reason ?? 'held');
  } catch (e) {
    note = asApiError(e).code;
  }
  get().setCashier({ reprint: { stan, note } });
}

/** Shows one receipt of the shift in the preview (the search panel's "view"). */
export async function showReceipt(stan: number): Promise<void> {
  await loadReceipt(stan);
}

export function nextSale(): void {
  get().setCashier({ ...initialCashier, recent: get().cashier.recent });
}

export async function loadRecent(): Promise<void> {
  try {
    get().setCashier({ recent: await call('txn.recent', { limit: 10 }) });
  } catch {
    // not signed in any more
  }
}

export async function loadDevices(): Promise<void> {
  try {
    get().setDevices({ list: await call('devices.list', {}) });
  } catch {
    // not signed in
  }
}

export async function simulate(deviceId: string, input: Req<'devices.simulate'>['input']): Promise<void> {
  await call('devices.simulate', { deviceId, input });
}

export async function setLinkCut(cut: boolean): Promise<void> {
  await call('link.set', { cut });
  await refreshSession();
}

export function toggleLang(): void {
  const lang = get().ui.lang === 'zh' ? 'en' : 'zh';
  try {
    localStorage.setItem('cardtill.lang', lang);
  } catch {
    // private mode: the choice lasts this session only
  }
  document.documentElement.lang = lang === 'zh' ? 'zh-CN' : 'en';
  get().setUi({ lang });
}
