/**
 * The issuer's side of the cardholder password (docs/issuer-protocol.md "Card password";
 * ISO8583-CUP.md "Password"). Registered with the sim's handler table like handlers-card-life.ts;
 * everything runs inside the ledger's idempotent (terminal, STAN) transaction, so the wrong-try
 * counter moves once per request and together with the answer recorded for it — a retry of the
 * same request is answered from the record and counts nothing.
 *
 *  - authorize: after the card checks (unknown, lost, frozen, not activated, expired) and before
 *    the balance, as the page orders them. A card with a password needs it on every sale, or on a
 *    sale over its own `required_over_fen`. No block → PASSWORD_REQUIRED (not a try); a wrong or
 *    malformed block → PASSWORD_WRONG, the third in a row → PASSWORD_LOCKED, and locked it stays
 *    (even for the right one) until unlocked at the issuer (`POST /admin/password-unlock/<pan>`).
 *    A right one resets the counter.
 *  - password: set (the card has none: no old block) or change (the old block is checked exactly
 *    like a sale's and counts the same tries). The new block must hold 6 digits. What it replaced
 *    (the prior hash, or none, and the try counter) is recorded under (terminal, STAN).
 *  - reverse of a password STAN (the till lost the answer): the prior password and try counter
 *    are put back, once — only while the hash that STAN set is still the card's (a later change
 *    stands), and never with fewer wrong tries than the card has now (a reversal gives no try back).
 *
 * The password is stored only as a salted scrypt hash; PIN blocks are opened here with the
 * terminal's PIN key (src/shared/pin-key.ts) and never stored or logged.
 */
import { randomBytes } from 'node:crypto';
import { HANDLERS, registerHandler, type HandlerCtx, type MessageHandler } from './handlers';
import type { Decision, IssuerLedger } from './ledger';
import { AuthorizeWithPinRequest, PasswordRequest } from '../shared/issuer-password';
import type { ReverseRequest } from '../shared/issuer-protocol';
import { openSm4PinBlock, PASSWORD_RE } from '../shared/pin-block';
import { derivePinKey, sm4PinKey } from '../shared/pin-key';
import { fromHex, hmacSm3 } from '../shared/crypto';
import { DEMO_CARDS } from './demo-cards';
// The check and the try counter are shared with the ISO 8583 face (./iso8583/decide.ts).
import {
  MAX_WRONG_TRIES,
  checkSalePassword,
  passwordHashOf as hashOf,
  passwordRow as row,
  verifyCardPassword,
  type PasswordRefusal,
  type PasswordRow,
} from './password-check';

export { MAX_WRONG_TRIES };

type Answer = Decision & { extra?: Record<string, unknown> };

/** The master of the per-terminal PIN keys, from the sim's own card secret (one secret to guard). */
export function pinMasterOf(cardKeySecret: Uint8Array): Uint8Array {
  return hmacSm3(cardKeySecret, new TextEncoder().encode('CardTill/issuer/pin-master/v1'));
}

/** Sets a card's password (the till's `password` message, the demo seed, tests). */
export function setCardPassword(
  ledger: IssuerLedger,
  pan: string,
  password: string,
  opts: { requiredOverFen?: number | null; now?: Date } = {},
): void {
  if (!PASSWORD_RE.test(password)) throw new Error('a card password is 6 digits');
  const salt = randomBytes(16);
  ledger.db
    .prepare(
      `INSERT INTO card_passwords (pan, salt, hash, required_over_fen, wrong_tries, locked, updated_at)
       VALUES (@pan, @salt, @hash, @over, 0, 0, @now)
       ON CONFLICT(pan) DO UPDATE SET salt = excluded.salt, hash = excluded.hash, wrong_tries = 0, locked = 0,
         updated_at = excluded.updated_at,
         required_over_fen = CASE WHEN @keep THEN card_passwords.required_over_fen ELSE excluded.required_over_fen END`,
    )
    .run({
      pan,
      salt: salt.toString('hex'),
      hash: hashOf(password, salt).toString('hex'),
      over: opts.requiredOverFen ?? null,
      keep: opts.requiredOverFen === undefined ? 1 : 0,
      now: (opts.now ?? new Date()).toISOString(),
    });
}

/** The issuer's unlock of a locked card (a manager at the issuer; `POST /admin/password-unlock/<pan>`). */
export function unlockCardPassword(ledger: IssuerLedger, pan: string): boolean {
  return (
    ledger.db.prepare('UPDATE card_passwords SET wrong_tries = 0, locked = 0 WHERE pan = ?').run(pan)
      .changes > 0
  );
}

export function passwordState(
  ledger: IssuerLedger,
  pan: string,
): { wrongTries: number; locked: boolean; requiredOverFen: number | null } | undefined {
  const r = row(ledger, pan);
  return r && { wrongTries: r.wrong_tries, locked: r.locked === 1, requiredOverFen: r.required_over_fen };
}

/** The demo cards' passwords (README), set once when the ledger is new. */
export function seedDemoPasswords(ledger: IssuerLedger): void {
  for (const c of DEMO_CARDS)
    if (c.password && !row(ledger, c.pan))
      setCardPassword(ledger, c.pan, c.password.pin, { requiredOverFen: c.password.requiredOverFen ?? null });
}

/** The password inside a wire block from this terminal for this card (null: not a valid block). */
function openBlock(ctx: HandlerCtx, terminalId: string, pan: string, hex: string): string | null {
  const kpin = derivePinKey(pinMasterOf(ctx.cardKeySecret), terminalId);
  const key = sm4PinKey(kpin);
  try {
    return openSm4PinBlock(fromHex(hex), pan, key);
  } finally {
    kpin.fill(0);
    key.fill(0);
  }
}

/** A refusal of the shared check (./password-check.ts) as this face's decline. */
function declineOf(pan: string, refused: PasswordRefusal): Answer {
  return {
    result: 'declined',
    code: refused.code,
    pan,
    ...(refused.code === 'PASSWORD_WRONG' ? { extra: { triesLeft: refused.triesLeft } } : {}),
  };
}

/** The typed password of this face's block (lazily opened: a locked card's is never opened). */
const typedOf = (ctx: HandlerCtx, terminalId: string, pan: string, hex: string | undefined) =>
  hex === undefined ? undefined : () => openBlock(ctx, terminalId, pan, hex);

/**
 * Checks the block against the card's password: undefined when right (counter reset), else the
 * decline — and the try counted, in this request's transaction.
 */
function verify(
  ctx: HandlerCtx,
  m: { terminalId: string },
  r: PasswordRow,
  hex: string | undefined,
): Answer | undefined {
  const refused = verifyCardPassword(ctx.ledger, r, typedOf(ctx, m.terminalId, r.pan, hex), ctx.now());
  return refused && declineOf(r.pan, refused);
}

/** authorize: the password check, between the card checks and the balance (the page's order). */
function withPassword(base: MessageHandler<unknown>): MessageHandler<unknown> {
  return {
    ...base,
    schema: AuthorizeWithPinRequest,
    handle(ctx, msg) {
      const m = msg as AuthorizeWithPinRequest;
      const checked = ctx.ledger.checkCard(m.card.pan);
      if (!('decline' in checked)) {
        const typed = typedOf(ctx, m.terminalId, m.card.pan, m.pinBlock);
        const refused = checkSalePassword(ctx.ledger, m.card.pan, m.amountFen, typed, ctx.now());
        if (refused) return declineOf(m.card.pan, refused);
      }
      return base.handle(ctx, msg);
    },
  };
}

/** password: set (none yet) or change (old checked like a sale's), the new one 6 digits. */
function setPassword(ctx: HandlerCtx, m: PasswordRequest): Answer {
  const checked = ctx.ledger.checkCard(m.card.pan);
  if ('decline' in checked) return { ...checked.decline, pan: m.card.pan };
  const r = row(ctx.ledger, m.card.pan);
  if (r) {
    const refused = verify(ctx, m, r, m.pinBlock);
    if (refused) return refused;
  }
  const next = openBlock(ctx, m.terminalId, m.card.pan, m.newPinBlock);
  if (next === null || !PASSWORD_RE.test(next))
    return { result: 'declined', code: 'PASSWORD_FORMAT', pan: m.card.pan };
  setCardPassword(ctx.ledger, m.card.pan, next, { now: ctx.now() });
  // What this STAN replaced, for its reverse: `r` was read before the old password's check reset
  // the counter, so it is the card as the request found it.
  ctx.ledger.db
    .prepare(
      `INSERT INTO password_ops (terminal_id, stan, pan, prior_salt, prior_hash, prior_wrong_tries, prior_locked, new_hash, created_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    )
    .run(
      m.terminalId,
      m.stan,
      m.card.pan,
      r?.salt ?? null,
      r?.hash ?? null,
      r?.wrong_tries ?? 0,
      r?.locked ?? 0,
      row(ctx.ledger, m.card.pan)!.hash,
      ctx.now().toISOString(),
    );
  return { result: 'approved', pan: m.card.pan };
}

interface PasswordOpRow {
  pan: string;
  prior_salt: string | null;
  prior_hash: string | null;
  prior_wrong_tries: number;
  prior_locked: number;
  new_hash: string;
  reversed: number;
}

/** Puts back what the password STAN replaced (see the header): once, in the reverse's transaction. */
function undoPasswordOp(ctx: HandlerCtx, terminalId: string, stan: number): void {
  const db = ctx.ledger.db;
  const op = db
    .prepare('SELECT * FROM password_ops WHERE terminal_id = ? AND stan = ? AND reversed = 0')
    .get(terminalId, stan) as PasswordOpRow | undefined;
  if (!op) return;
  db.prepare('UPDATE password_ops SET reversed = 1 WHERE terminal_id = ? AND stan = ?').run(terminalId, stan);
  const now = row(ctx.ledger, op.pan);
  if (!now || now.hash !== op.new_hash) return; // changed again since: the later change stands
  if (op.prior_hash === null || op.prior_salt === null) {
    db.prepare('DELETE FROM card_passwords WHERE pan = ?').run(op.pan);
    return;
  }
  const tries = Math.max(op.prior_wrong_tries, now.wrong_tries);
  db.prepare(
    'UPDATE card_passwords SET salt = ?, hash = ?, wrong_tries = ?, locked = ?, updated_at = ? WHERE pan = ?',
  ).run(
    op.prior_salt,
    op.prior_hash,
    tries,
    op.prior_locked === 1 || now.locked === 1 || tries >= MAX_WRONG_TRIES ? 1 : 0,
    ctx.now().toISOString(),
    op.pan,
  );
}

/**
 * Reverse: the base (the money kinds' reverse) answers and marks the original reversed; for an
 * approved password STAN reversed by this message, its password is then put back.
 */
function reversePassword(base: MessageHandler<unknown>): MessageHandler<unknown> {
  return {
    ...base,
    handle(ctx, msg) {
      const m = msg as ReverseRequest;
      const orig = ctx.ledger.request(m.terminalId, m.origStan);
      const live = orig?.type === 'password' && orig.result === 'approved' && !orig.reversed;
      const d = base.handle(ctx, msg);
      if (live && ctx.ledger.request(m.terminalId, m.origStan)?.reversed)
        undoPasswordOp(ctx, m.terminalId, m.origStan);
      return d;
    },
  };
}

if (HANDLERS.authorize) registerHandler('authorize', withPassword(HANDLERS.authorize));
registerHandler('password', {
  schema: PasswordRequest as never,
  idempotent: true,
  handle: setPassword as never,
});
if (HANDLERS.reverse) registerHandler('reverse', reversePassword(HANDLERS.reverse));
