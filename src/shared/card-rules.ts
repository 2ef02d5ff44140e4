/**
 * The rules of China's prepaid-card regulations the till and the issuer enforce (商务部
 * 《单用途商业预付卡管理办法》, PBOC《支付机构预付卡业务管理办法》), one pure function each, shared by
 * the core (src/main/terminal/card-life.ts), both faces of the issuer simulator (the JSON handlers
 * in src/issuer-sim/handlers-card-life.ts and the ISO 8583 decide.ts) and the renderer (which shows
 * them to the manager). Each refusal is a TillError with its own code (src/shared/errors.ts).
 *
 *  - Balance caps: a registered card (记名) holds at most ¥5,000.00, an anonymous one (不记名)
 *    ¥1,000.00; an activation or top-up that would pass the cap is refused.
 *  - Buyer's ID (实名登记): buying a registered card, topping one up, or buying ¥10,000.00 or more
 *    of anonymous cards at once needs the buyer's name and ID number.
 *  - Non-cash (非现金): a purchase of ¥5,000.00 or more by an organisation, or ¥50,000.00 or more
 *    by a person, cannot be paid in cash — a bank transfer, its reference recorded.
 *  - Tender: a stored-value card can never pay for another stored-value card.
 *  - Cash-out (退卡): registered cards, or anonymous ones holding at most a small balance.
 *
 * The amounts are configurable (`TerminalConfig.cardRules`, CardRulesConfig below; the legal
 * figures are the defaults) and shown to the manager (`card.rules`).
 */
import { z } from 'zod';
import { TillError } from './errors';
import { MAX_FEN } from './money';

export const REGISTERED_CAP_FEN = 500_000;
export const ANONYMOUS_CAP_FEN = 100_000;

const fen = z.number().int().min(0).max(MAX_FEN);

/** The till's configurable figures (TerminalConfig.cardRules); defaults are the regulations'. */
export const CardRulesConfig = z
  .object({
    registeredCapFen: fen.default(REGISTERED_CAP_FEN),
    anonymousCapFen: fen.default(ANONYMOUS_CAP_FEN),
    /** Buying this much or more of anonymous cards at once needs the buyer's ID. */
    anonymousIdFromFen: fen.default(1_000_000),
    /** An organisation buying this much or more cannot pay cash. */
    organisationNoCashFromFen: fen.default(500_000),
    /** A person buying this much or more cannot pay cash. */
    personNoCashFromFen: fen.default(5_000_000),
    /** An anonymous card is cashed out only when it holds at most this (registered cards always). */
    anonymousCashoutMaxFen: fen.default(10_000),
  })
  .strict();
export type CardRulesConfig = z.infer<typeof CardRulesConfig>;
export const DEFAULT_CARD_RULES: CardRulesConfig = CardRulesConfig.parse({});

/** The cap of a card; when the till does not know the flag, the larger one (the issuer checks the rest). */
export function capOf(registered: boolean | undefined, rules: CardRulesConfig = DEFAULT_CARD_RULES): number {
  return registered === false ? rules.anonymousCapFen : rules.registeredCapFen;
}

/** What may still be loaded on a card holding `balanceFen`. Never negative. */
export function capRemaining(
  balanceFen: number,
  registered: boolean | undefined,
  rules: CardRulesConfig = DEFAULT_CARD_RULES,
): number {
  return Math.max(0, capOf(registered, rules) - balanceFen);
}

/** Throws CARD_CAP_EXCEEDED when loading `valueFen` onto `balanceFen` passes the card's cap. */
export function checkCap(p: {
  balanceFen: number;
  valueFen: number;
  registered: boolean | undefined;
  rules?: CardRulesConfig;
}): void {
  const cap = capOf(p.registered, p.rules);
  if (p.balanceFen + p.valueFen > cap)
    throw new TillError('CARD_CAP_EXCEEDED', `balance ${p.balanceFen} + ${p.valueFen} > cap ${cap}`);
}

/** Whether loading would pass the cap (the issuer's decline, no throw). */
export function passesCap(balanceFen: number, valueFen: number, registered: boolean): boolean {
  return balanceFen + valueFen > capOf(registered);
}

/**
 * THE issuer's decision on loading value onto a card (activation or top-up), for both faces of
 * the simulator (JSON handlers-card-life.ts, ISO 8583 decide.ts): the cap on the card's own flag.
 * Undefined when it may be loaded.
 */
export function loadDecline(card: { balance_fen: number; registered: number }, valueFen: number) {
  return passesCap(card.balance_fen, valueFen, card.registered === 1)
    ? ('CARD_CAP_EXCEEDED' as const)
    : undefined;
}

/** Who buys: a person (个人) or an organisation (单位). */
export type BuyerKind = 'person' | 'organisation';
/** How the customer pays for value loaded on a card. Never a stored-value card. */
export type CardPayment = 'cash' | 'bank_transfer';

/**
 * Whether the buyer's ID is needed. `registered` is the card's flag when known: an anonymous
 * card the till knows nothing about is judged on the amount alone — the issuer, which knows the
 * flag, refuses a registered card loaded without an ID (BUYER_ID_REQUIRED) all the same.
 */
export function needsBuyerId(
  p: { kind: 'activate' | 'topup'; registered: boolean | undefined; purchaseFen: number },
  rules: CardRulesConfig = DEFAULT_CARD_RULES,
): boolean {
  if (p.registered === true) return true;
  return p.kind === 'activate' && p.purchaseFen >= rules.anonymousIdFromFen;
}

/** Throws BUYER_ID_REQUIRED when the ID is needed and not given. */
export function checkBuyerId(
  p: { kind: 'activate' | 'topup'; registered: boolean | undefined; purchaseFen: number; hasId: boolean },
  rules: CardRulesConfig = DEFAULT_CARD_RULES,
): void {
  if (!p.hasId && needsBuyerId(p, rules))
    throw new TillError('BUYER_ID_REQUIRED', `${p.kind} ${p.purchaseFen} fen`);
}

/** Whether this purchase may be paid in cash. */
export function cashAllowed(
  p: { buyer: BuyerKind; purchaseFen: number },
  rules: CardRulesConfig = DEFAULT_CARD_RULES,
): boolean {
  const from = p.buyer === 'organisation' ? rules.organisationNoCashFromFen : rules.personNoCashFromFen;
  return p.purchaseFen < from;
}

/**
 * The payment rule: never a stored-value card (CARD_TENDER_NOT_ALLOWED); cash only under the
 * non-cash thresholds (CASH_NOT_ALLOWED); a bank transfer needs its reference (TRANSFER_REF_REQUIRED).
 */
export function checkPayment(
  p: { tender: string; buyer: BuyerKind; purchaseFen: number; transferRef?: string },
  rules: CardRulesConfig = DEFAULT_CARD_RULES,
): CardPayment {
  if (p.tender !== 'cash' && p.tender !== 'bank_transfer')
    throw new TillError('CARD_TENDER_NOT_ALLOWED', p.tender.slice(0, 20));
  if (p.tender === 'cash' && !cashAllowed(p, rules))
    throw new TillError('CASH_NOT_ALLOWED', `${p.buyer} ${p.purchaseFen} fen`);
  if (p.tender === 'bank_transfer' && !p.transferRef?.trim()) throw new TillError('TRANSFER_REF_REQUIRED');
  return p.tender;
}

/** Cash-out: a registered card always; an anonymous one only up to the small balance. */
export function checkCashout(
  p: { registered: boolean; balanceFen: number },
  rules: CardRulesConfig = DEFAULT_CARD_RULES,
): void {
  if (p.balanceFen <= 0) throw new TillError('CARD_EMPTY');
  if (!p.registered && p.balanceFen > rules.anonymousCashoutMaxFen)
    throw new TillError('CASHOUT_NOT_ALLOWED', `anonymous ${p.balanceFen} > ${rules.anonymousCashoutMaxFen}`);
}

/**
 * Replace (换卡): only a registered card — its holder is known — and not onto itself. The flag is
 * the issuer's (the old card may be lost, so the till cannot ask it first): undefined is not judged
 * here, and the issuer refuses an anonymous card with the same code.
 */
export function checkReplace(p: { registered?: boolean; oldPan: string; newPan: string }): void {
  if (p.registered === false) throw new TillError('REPLACE_NOT_ALLOWED', 'anonymous card');
  if (p.oldPan === p.newPan) throw new TillError('REPLACE_NOT_ALLOWED', 'same card');
}
