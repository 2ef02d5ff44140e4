/**
 * The balance caps of China's prepaid-card rules (商务部《单用途商业预付卡管理办法》): a registered
 * card (记名) holds at most ¥5,000.00, an anonymous one (不记名) at most ¥1,000.00. An activation or
 * top-up that would pass the cap is refused — by the till before it asks (src/main/terminal/
 * card-life.ts) and by the issuer, which knows each card's flag (src/issuer-sim/handlers-card-life.ts).
 * Pure: shared by the core, the issuer simulator and the renderer.
 */
import { TillError } from './errors';

export const REGISTERED_CAP_FEN = 500_000;
export const ANONYMOUS_CAP_FEN = 100_000;

/** The cap of a card; when the till does not know the flag, the larger one (the issuer checks the rest). */
export function capOf(registered: boolean | undefined): number {
  return registered === false ? ANONYMOUS_CAP_FEN : REGISTERED_CAP_FEN;
}

/** What may still be loaded on a card holding `balanceFen`. Never negative. */
export function capRemaining(balanceFen: number, registered: boolean | undefined): number {
  return Math.max(0, capOf(registered) - balanceFen);
}

/** Throws CARD_CAP_EXCEEDED when loading `valueFen` onto `balanceFen` passes the card's cap. */
export function checkCap(p: { balanceFen: number; valueFen: number; registered: boolean | undefined }): void {
  const cap = capOf(p.registered);
  if (p.balanceFen + p.valueFen > cap)
    throw new TillError('CARD_CAP_EXCEEDED', `balance ${p.balanceFen} + ${p.valueFen} > cap ${cap}`);
}

/** Whether loading would pass the cap (the issuer's decline, no throw). */
export function passesCap(balanceFen: number, valueFen: number, registered: boolean): boolean {
  return balanceFen + valueFen > capOf(registered);
}
