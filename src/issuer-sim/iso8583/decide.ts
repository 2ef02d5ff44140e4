/**
 * The money decisions of the ISO 8583 face, one function per message, each run inside the shared
 * IssuerLedger's idempotent transaction for (terminal, STAN), so what it decides is recorded with
 * its answer (a repeated 0200 is answered again, never applied twice). Card checks are the
 * ledger's (checkCard: 14 → 41 → 62 → 78 → 54), then the password, then the balance.
 *
 * The password is the JSON face's: the same `card_passwords` store, rule and try counter
 * (../password-check.ts); only the block differs — field 52 under the PIK this host gave the
 * terminal at sign-on (ISO8583-CUP.md "Password (PIN) block").
 */
import type { IssuerLedger } from '../ledger';
import {
  CUP_PROFILE,
  formatField54,
  parseField61,
  pinFromFormat0,
  type IsoFields,
  type IsoMessage,
} from '../../shared/iso8583';
import type { KeySet } from '../../shared/iso8583/keysets';
import { RC, RC_OF_LEDGER, type ResponseCode } from './codes';
import { loadDecline } from '../../shared/card-rules';
import type { IsoTxnRow, IsoTxnStore } from './store';
import {
  checkSalePassword,
  passwordRow,
  verifyCardPassword,
  type PasswordRefusal,
  type TypedPassword,
} from '../password-check';

const CARD_OPERATIONS = ['activation', 'top-up', 'cash-out'];

export interface DecideCtx {
  ledger: IssuerLedger;
  store: IsoTxnStore;
  keySet: KeySet;
  /** The terminal's PIK from its sign-on (PIN blocks). */
  pik: Uint8Array;
  /** Terminal id (41 without its pad), batch (60.2) and STAN (11) of the request. */
  tid: string;
  batch: number;
  stan: number;
  /** The ledger's names for this request: (terminal, STAN) of the idempotency record and entries. */
  ledgerTid: string;
  ledgerStan: number;
  req: IsoMessage;
  now: Date;
}

/** What a decision answers: the host's own fields (39 always). */
export type HostFields = IsoFields & { 39: ResponseCode };

/** 12 13 15 (Beijing time) and a fresh 37: every answer that lists them gets them, declines included. */
export function hostTimeFields(now: Date, rrn: string): IsoFields {
  const bj = new Date(now.getTime() + 8 * 3600_000);
  const p = (n: number) => String(n).padStart(2, '0');
  const mmdd = p(bj.getUTCMonth() + 1) + p(bj.getUTCDate());
  return {
    12: p(bj.getUTCHours()) + p(bj.getUTCMinutes()) + p(bj.getUTCSeconds()),
    13: mmdd,
    15: mmdd,
    37: rrn,
  };
}

const str = (m: IsoMessage, f: number) => (typeof m.fields[f] === 'string' ? (m.fields[f] as string) : '');

function record(
  c: DecideCtx,
  name: string,
  out: HostFields,
  amountFen: number,
  orig?: { batch: number; stan: number },
) {
  c.store.insert({
    terminal_id: c.tid,
    batch: c.batch,
    stan: c.stan,
    name,
    pan: str(c.req, 2) || null,
    amount_fen: amountFen,
    rc: out[39],
    rrn: String(out[37] ?? ''),
    auth: typeof out[38] === 'string' ? out[38] : null,
    date13: String(out[13] ?? ''),
    orig_batch: orig?.batch ?? null,
    orig_stan: orig?.stan ?? null,
  });
  return out;
}

function balanceField(c: DecideCtx, pan: string): IsoFields {
  const card = c.ledger.card(pan);
  return card ? { 54: formatField54(card.balance_fen) } : {};
}

/**
 * The password in field 52 for `pan`, or null when the block is not a valid one (a wrong try):
 * decrypted under the terminal's PIK; the SM4 set's block is the 8-byte format-0 block then 8 FF.
 */
function openField52(c: DecideCtx, block: Uint8Array, pan: string): string | null {
  let clear: Uint8Array | undefined;
  try {
    clear = c.keySet.decrypt(c.pik, block);
    if (clear.length === 16 && !clear.subarray(8).every((b) => b === 0xff)) return null;
    return pinFromFormat0(clear.subarray(0, 8), pan);
  } catch {
    return null; // not a format 0 block for this card (or not whole cipher blocks)
  } finally {
    clear?.fill(0);
  }
}

/**
 * The shared check's refusal in this dialect's words: wrong → 55, tries exceeded (and locked) →
 * 75, and password required (a card that needs one, no 52) → 55, as the page allows ("a host may
 * answer 55 to a request without 52"; the terminal, which knows it sent none, reads it as
 * "password required" — docs/issuer-protocol.md, ISO ambiguity 26).
 */
const RC_OF_REFUSAL: Record<PasswordRefusal['code'], ResponseCode> = {
  PASSWORD_REQUIRED: RC.wrongPassword,
  PASSWORD_WRONG: RC.wrongPassword,
  PASSWORD_LOCKED: RC.passwordTriesExceeded,
};

/**
 * `sale` (purchase): the JSON face's sale rule — needed on every sale or over the card's
 * `required_over_fen`, checked whenever 52 came. `if-typed` (balance, activation, top-up,
 * cash-out): checked and counted only when 52 came, as the JSON face checks a password on its
 * authorize only (the till never types one for the others).
 */
function passwordCode(c: DecideCtx, pan: string, rule: 'sale' | 'if-typed'): ResponseCode | undefined {
  const block = c.req.fields[52];
  const typed: TypedPassword = block instanceof Uint8Array ? () => openField52(c, block, pan) : undefined;
  let refused: PasswordRefusal | undefined;
  if (rule === 'sale') refused = checkSalePassword(c.ledger, pan, Number(str(c.req, 4)), typed, c.now);
  else if (typed !== undefined) {
    const r = passwordRow(c.ledger, pan);
    refused = r && verifyCardPassword(c.ledger, r, typed, c.now);
  }
  return refused && RC_OF_REFUSAL[refused.code];
}

/** Purchase and cash-out (a debit), top-up (a credit): ISO8583-CUP.md "Messages". */
export function decideDebitOrCredit(
  c: DecideCtx,
  name: string,
  base: IsoFields,
  direction: 'debit' | 'credit',
) {
  const pan = str(c.req, 2);
  const amount = Number(str(c.req, 4));
  const checked = c.ledger.checkCard(pan);
  if ('decline' in checked)
    return record(
      c,
      name,
      { ...base, 39: RC_OF_LEDGER[checked.decline.code!] ?? RC.hostMalfunction, ...balanceField(c, pan) },
      amount,
    );
  const pw = passwordCode(c, pan, name === 'purchase' ? 'sale' : 'if-typed');
  if (pw) return record(c, name, { ...base, 39: pw, ...balanceField(c, pan) }, amount);
  if (direction === 'debit' && checked.card.balance_fen < amount)
    return record(c, name, { ...base, 39: RC.insufficientBalance, ...balanceField(c, pan) }, amount);
  // A top-up within the card's cap: the one rule of both faces (src/shared/card-rules.ts loadDecline).
  const over = direction === 'credit' ? loadDecline(checked.card, amount) : undefined;
  if (over) return record(c, name, { ...base, 39: RC_OF_LEDGER[over]!, ...balanceField(c, pan) }, amount);
  const after =
    direction === 'debit'
      ? c.ledger.debit(pan, c.ledgerTid, c.ledgerStan, amount, name === 'purchase' ? 'sale' : name)
      : c.ledger.credit(pan, c.ledgerTid, c.ledgerStan, amount, name);
  return record(
    c,
    name,
    { ...base, 38: String(base[37]).slice(-6), 39: RC.approved, 54: formatField54(after) },
    amount,
  );
}

export function decideBalance(c: DecideCtx, base: IsoFields) {
  const pan = str(c.req, 2);
  const checked = c.ledger.checkCard(pan);
  const code =
    'decline' in checked
      ? (RC_OF_LEDGER[checked.decline.code!] ?? RC.hostMalfunction)
      : (passwordCode(c, pan, 'if-typed') ?? RC.approved);
  return record(c, 'balance', { ...base, 39: code, ...balanceField(c, pan) }, 0);
}

/** Activation: a `not activated` card becomes active with 4 as its opening balance. */
export function decideActivation(c: DecideCtx, base: IsoFields) {
  const pan = str(c.req, 2);
  const amount = Number(str(c.req, 4));
  const card = c.ledger.card(pan);
  const code: ResponseCode | undefined = !card
    ? RC.unknownCard
    : card.status === 'lost'
      ? RC.lost
      : card.status === 'frozen'
        ? RC.frozen
        : card.status !== 'not_activated'
          ? RC.invalid
          : passwordCode(c, pan, 'if-typed');
  if (code) return record(c, 'activation', { ...base, 39: code, ...balanceField(c, pan) }, amount);
  // The opening value within the card's cap: the same rule as the JSON face's activate.
  const over = loadDecline(card!, amount);
  if (over)
    return record(c, 'activation', { ...base, 39: RC_OF_LEDGER[over]!, ...balanceField(c, pan) }, amount);
  c.ledger.upsertCard({ pan, status: 'active', balanceFen: card!.balance_fen, expiry: card!.expiry });
  const after = c.ledger.credit(pan, c.ledgerTid, c.ledgerStan, amount, 'activation');
  return record(
    c,
    'activation',
    { ...base, 38: String(base[37]).slice(-6), 39: RC.approved, 54: formatField54(after) },
    amount,
  );
}

/** Void: names its original by 61 (batch, STAN), 37 and 38; full amount; current batch only. */
export function decideVoid(c: DecideCtx, base: IsoFields) {
  const pan = str(c.req, 2);
  const amount = Number(str(c.req, 4));
  const ref = parseField61(str(c.req, 61));
  const orig = c.store.get(c.tid, ref.batch, ref.stan);
  const at = { batch: ref.batch, stan: ref.stan };
  // Activation, top-up and cash-out are not voided or refunded over this dialect.
  if (orig && CARD_OPERATIONS.includes(orig.name))
    return record(c, 'void', { ...base, 39: RC.invalid, ...balanceField(c, pan) }, amount, at);
  if (
    !orig ||
    orig.name !== 'purchase' ||
    orig.rc !== RC.approved ||
    orig.pan !== pan ||
    orig.rrn !== str(c.req, 37) ||
    orig.auth !== str(c.req, 38)
  )
    return record(c, 'void', { ...base, 39: RC.originalNotFound, ...balanceField(c, pan) }, amount, at);
  if (orig.state !== 'ok' || orig.refunded_fen > 0 || ref.batch !== c.batch || amount !== orig.amount_fen)
    return record(c, 'void', { ...base, 39: RC.invalid, ...balanceField(c, pan) }, amount, at);
  const after = c.ledger.credit(pan, c.ledgerTid, c.ledgerStan, amount, 'void');
  c.store.setState(c.tid, ref.batch, ref.stan, 'voided');
  return record(
    c,
    'void',
    { ...base, 38: String(base[37]).slice(-6), 39: RC.approved, 54: formatField54(after) },
    amount,
    at,
  );
}

/** Refund: names its original by 61 (batch, STAN, the original answer's 13) and 37; total up to the original. */
export function decideRefund(c: DecideCtx, base: IsoFields) {
  const pan = str(c.req, 2);
  const amount = Number(str(c.req, 4));
  const ref = parseField61(str(c.req, 61));
  const orig = c.store.get(c.tid, ref.batch, ref.stan);
  const at = { batch: ref.batch, stan: ref.stan };
  if (orig && CARD_OPERATIONS.includes(orig.name))
    return record(c, 'refund', { ...base, 39: RC.invalid, ...balanceField(c, pan) }, amount, at);
  if (
    !orig ||
    !['purchase', 'advice'].includes(orig.name) ||
    orig.rc !== RC.approved ||
    orig.pan !== pan ||
    orig.rrn !== str(c.req, 37) ||
    orig.date13 !== ref.date
  )
    return record(c, 'refund', { ...base, 39: RC.originalNotFound, ...balanceField(c, pan) }, amount, at);
  if (orig.state !== 'ok')
    return record(c, 'refund', { ...base, 39: RC.invalid, ...balanceField(c, pan) }, amount, at);
  if (orig.refunded_fen + amount > orig.amount_fen)
    return record(c, 'refund', { ...base, 39: RC.overLimit, ...balanceField(c, pan) }, amount, at);
  const after = c.ledger.credit(pan, c.ledgerTid, c.ledgerStan, amount, 'refund');
  c.store.addRefunded(c.tid, ref.batch, ref.stan, amount);
  return record(
    c,
    'refund',
    { ...base, 38: String(base[37]).slice(-6), 39: RC.approved, 54: formatField54(after) },
    amount,
    at,
  );
}

/** Offline advice: the sale already happened at the till; declined only by card state or balance. No 38, no 54. */
export function decideAdvice(c: DecideCtx, base: IsoFields) {
  const pan = str(c.req, 2);
  const amount = Number(str(c.req, 4));
  const checked = c.ledger.checkCard(pan);
  if ('decline' in checked)
    return record(
      c,
      'advice',
      { ...base, 39: RC_OF_LEDGER[checked.decline.code!] ?? RC.hostMalfunction },
      amount,
    );
  if (checked.card.balance_fen < amount)
    return record(c, 'advice', { ...base, 39: RC.insufficientBalance }, amount);
  c.ledger.debit(pan, c.ledgerTid, c.ledgerStan, amount, 'advice');
  return record(c, 'advice', { ...base, 39: RC.approved }, amount);
}

/** The name of the 0200 a reversal's 3 and 60.1 point at (only 0200s are reversed in this dialect). */
export function reversedName(proc: string, typeCode: string): string | undefined {
  return CUP_PROFILE.messages.find(
    (m) => m.mti === '0200' && m.processingCode === proc && m.typeCode === typeCode,
  )?.name;
}

/**
 * Reversal 0400 of the original under the same (terminal, batch, STAN). Unknown: `00` and a
 * tombstone (a late original is then `12`); declined original: `00`, nothing undone; 2, 3, 4 or
 * 60.1 differ from the original: `25`.
 */
export function decideReversal(c: DecideCtx, origName: string | undefined): HostFields {
  const prior = c.ledger.request(c.ledgerTid, c.ledgerStan);
  if (!prior) {
    c.ledger.tombstone(c.ledgerTid, c.ledgerStan);
    return { 39: RC.approved };
  }
  if (prior.type === 'tombstone') return { 39: RC.approved };
  const orig = c.store.get(c.tid, c.batch, c.stan);
  if (!orig || !reversalMatches(c, orig, origName)) return { 39: RC.originalNotFound };
  if (prior.reversed) return { 39: RC.approved };
  if (
    orig.rc === RC.approved &&
    undoTakes(orig.name, orig.amount_fen) > c.ledger.card(orig.pan!)!.balance_fen
  )
    // A credit (top-up, activation, a void's refund) already spent: it cannot be taken back. The
    // 0410 ends the terminal's repeats; the code makes it an exception the manager sees.
    return { 39: RC.insufficientBalance };
  if (orig.rc === RC.approved) undo(c, orig);
  c.ledger.markReversed(c.ledgerTid, c.ledgerStan);
  c.store.setState(c.tid, c.batch, c.stan, 'reversed');
  return { 39: RC.approved };
}

/** Whether a 0400's 2, 3 / 60.1 (as the original's name) and 4 are the original's. */
export function reversalMatches(
  c: Pick<DecideCtx, 'req'>,
  orig: IsoTxnRow,
  origName: string | undefined,
): boolean {
  return orig.name === origName && orig.pan === str(c.req, 2) && orig.amount_fen === Number(str(c.req, 4));
}

/** What undoing an original takes back from the card (0 for a debit, which is given back). */
function undoTakes(name: string, amount: number): number {
  return ['top-up', 'activation', 'void'].includes(name) ? amount : 0;
}

function undo(c: DecideCtx, orig: IsoTxnRow): void {
  const pan = orig.pan!;
  const amount = orig.amount_fen;
  const kind = 'reversal';
  switch (orig.name) {
    case 'purchase':
    case 'cash-out':
      // A voided purchase had its money returned by the void already.
      if (orig.state !== 'voided') c.ledger.credit(pan, c.ledgerTid, c.ledgerStan, amount, kind);
      return;
    case 'top-up':
      c.ledger.debit(pan, c.ledgerTid, c.ledgerStan, amount, kind);
      return;
    case 'activation': {
      c.ledger.debit(pan, c.ledgerTid, c.ledgerStan, amount, kind);
      const card = c.ledger.card(pan)!;
      c.ledger.upsertCard({
        pan,
        status: 'not_activated',
        balanceFen: card.balance_fen,
        expiry: card.expiry,
      });
      return;
    }
    case 'void':
      // The void's original is a sale again.
      c.ledger.debit(pan, c.ledgerTid, c.ledgerStan, amount, kind);
      c.store.setState(c.tid, orig.orig_batch!, orig.orig_stan!, 'ok');
      return;
    default:
      return; // balance inquiry: nothing moved
  }
}
