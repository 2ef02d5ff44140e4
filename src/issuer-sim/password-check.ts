/**
 * The issuer's one check of a cardholder password, shared by both faces of the simulator: the JSON
 * face (./handlers-password.ts, blocks under the terminal's enrolment PIN key) and the ISO 8583
 * face (./iso8583/decide.ts, field 52 under the PIK of the terminal's sign-on). Each face opens
 * its own block; what the password is, the wrong-try counter and the lock are this one store
 * (`card_passwords`, ./schema-password.ts), so a card locked over one face is locked over the
 * other, and a right password over either resets the same counter (ISO8583-CUP.md "Password":
 * wrong, wrong, wrong → 55, 55, 75, then locked even for the right one).
 *
 * Runs inside the caller's idempotent ledger transaction: the counter moves with the recorded answer.
 */
import { scryptSync, timingSafeEqual } from 'node:crypto';
import type { IssuerLedger } from './ledger';

/** Wrong tries in a row that lock the card (ISO8583-CUP.md: 55, 55, 75). */
export const MAX_WRONG_TRIES = 3;

export interface PasswordRow {
  pan: string;
  salt: string;
  hash: string;
  required_over_fen: number | null;
  wrong_tries: number;
  locked: number;
}

/** Why a password check refused; undefined from checkCardPassword means "right" (or not needed). */
export type PasswordRefusal =
  { code: 'PASSWORD_REQUIRED' | 'PASSWORD_LOCKED' } | { code: 'PASSWORD_WRONG'; triesLeft: number };

/**
 * What the cardholder typed, as the face opened it: `undefined` — no block came; a function —
 * opens the block when the check needs it: the password, or null when the block is not a valid
 * one for this card under this face's key ("a malformed block is a wrong try").
 */
export type TypedPassword = (() => string | null) | undefined;

// scrypt at N=2^14: a stolen ledger does not give the passwords away for free (a 6-digit space
// still falls to a search — the try counter is what protects the card, as at every issuer).
export const passwordHashOf = (password: string, salt: Buffer): Buffer =>
  scryptSync(password, salt, 32, { N: 1 << 14, r: 8, p: 1 });

export function passwordRow(ledger: IssuerLedger, pan: string): PasswordRow | undefined {
  return ledger.db.prepare('SELECT * FROM card_passwords WHERE pan = ?').get(pan) as PasswordRow | undefined;
}

/**
 * Checks what was typed against the card's password row: undefined when right (the counter
 * reset), else the refusal — a wrong try counted, the third in a row locking the card. A locked
 * card is refused before its block is opened; no block is PASSWORD_REQUIRED and not a try.
 */
export function verifyCardPassword(
  ledger: IssuerLedger,
  r: PasswordRow,
  typed: TypedPassword,
  now: Date,
): PasswordRefusal | undefined {
  if (r.locked) return { code: 'PASSWORD_LOCKED' };
  if (typed === undefined) return { code: 'PASSWORD_REQUIRED' };
  const pin = typed();
  const right =
    pin !== null &&
    timingSafeEqual(passwordHashOf(pin, Buffer.from(r.salt, 'hex')), Buffer.from(r.hash, 'hex'));
  const at = now.toISOString();
  if (right) {
    ledger.db
      .prepare('UPDATE card_passwords SET wrong_tries = 0, updated_at = ? WHERE pan = ?')
      .run(at, r.pan);
    return undefined;
  }
  const tries = r.wrong_tries + 1;
  const locked = tries >= MAX_WRONG_TRIES;
  ledger.db
    .prepare('UPDATE card_passwords SET wrong_tries = ?, locked = ?, updated_at = ? WHERE pan = ?')
    .run(tries, locked ? 1 : 0, at, r.pan);
  return locked
    ? { code: 'PASSWORD_LOCKED' }
    : { code: 'PASSWORD_WRONG', triesLeft: MAX_WRONG_TRIES - tries };
}

/**
 * The password rule of a debit (a sale) on `pan`, the one both faces apply after the card checks
 * and before the balance: a card with a password needs it on every sale, or only on a sale over
 * its `required_over_fen`; a password typed when not needed is still checked (and counted). A card
 * with no password row passes whatever was typed.
 */
export function checkSalePassword(
  ledger: IssuerLedger,
  pan: string,
  amountFen: number,
  typed: TypedPassword,
  now: Date,
): PasswordRefusal | undefined {
  const r = passwordRow(ledger, pan);
  if (!r) return undefined;
  const needed = r.required_over_fen === null || amountFen > r.required_over_fen;
  if (!needed && typed === undefined) return undefined;
  return verifyCardPassword(ledger, r, typed, now);
}
