/**
 * The cardholder password at the till (issue 12, 密码支付; docs/issuer-protocol.md "Card password").
 *
 * The clear password reaches the core in one request (`sale.authorize {password}` or
 * `card.setPassword`) and exists here only while its PIN block is built: ANSI X9.8 format 0 bound
 * to the card number, SM4-encrypted under the PIN key K_pin from enrolment (src/shared/pin-block.ts,
 * src/shared/pin-key.ts). The blocks ride to the issuer on the runner's `pinBlocks`, which are
 * attached to the command at send only — the row, the sealed command, the journal, the log and the
 * answers never hold a password or a block (test/integration/password-secrecy.test.ts). A card of an
 * iso8583-cup issuer is the one exception to "the core builds the block": that port makes field 52
 * under the PIK of its own sign-on, so the clear password rides in memory to it (salePassword).
 *
 * Set/change runs through the one TransactionRunner as the kind `password` (src/shared/txn-kinds.ts):
 * its own STAN, idempotent at the issuer by (terminal, STAN), journaled and signed like an inquiry.
 * The old password is checked at the issuer exactly like a sale's and counts the same wrong tries.
 *
 * A lost answer (or a crash while pending) leaves the card's password in doubt, so it goes the
 * way of every other kind: declined, with a queued Reverse that names only the STAN (the sealed
 * command has no blocks); the issuer puts the previous password and try counter back itself. The
 * cashier is told the change did not take and the old password still holds. A new change of the
 * same card waits for that reversal: it is sent first, and while it cannot be the change is
 * refused CARD_REVERSAL_PENDING — otherwise the new change could reach the issuer before the
 * reversal, be checked against the password the lost change set, and count a wrong try.
 */
import { TillError } from '../../shared/errors';
import { PASSWORD_RE, sm4PinBlock } from '../../shared/pin-block';
import { toHex } from '../../shared/crypto';
import type { TxnResult } from '../../shared/contract';
import type { AuditLog } from '../audit/audit-log';
import type { PinBlockHex } from '../issuer/port';
import type { Terminal } from './terminal';
import type { PinBlocks } from './runner';

/** The PIN block of one typed password for this card (uppercase hex, the wire's form). */
export function pinBlockOf(pan: string, password: string, pinKey: Uint8Array | undefined): PinBlockHex {
  if (!PASSWORD_RE.test(password)) throw new TillError('PASSWORD_FORMAT');
  if (!pinKey) throw new TillError('PIN_KEY_MISSING');
  const block = sm4PinBlock(password, pan, pinKey);
  const hex = toHex(block).toUpperCase();
  block.fill(0);
  return hex;
}

/**
 * Protocols whose port makes the PIN block itself under a key of its own session, so the core
 * hands it the clear password for the one send (AuthorizeCommand.password): iso8583-cup builds
 * field 52 under the PIK of its sign-on (ISO8583-CUP.md "Password (PIN) block"), a key the
 * enrolment PIN key has nothing to do with.
 */
const OWN_BLOCK_PROTOCOLS: ReadonlySet<string> = new Set(['iso8583-cup']);

/** The protocol of the issuer entry that takes this card (undefined: none does). */
const routedProtocol = (terminal: Terminal, pan: string): string | undefined =>
  terminal.runner.router.route(pan)?.port.protocol;

/**
 * What a sale carries for the password the cardholder typed: its SM4 block under the enrolment
 * PIN key (cardtill-json), or — for an issuer whose port blocks it itself — the clear password,
 * kept in memory on the runner's request and attached at send only (runner.ts withPinBlocks).
 */
export function salePassword(terminal: Terminal, pan: string, password: string): PinBlocks {
  if (!PASSWORD_RE.test(password)) throw new TillError('PASSWORD_FORMAT');
  if (OWN_BLOCK_PROTOCOLS.has(routedProtocol(terminal, pan) ?? '')) return { password };
  return { pinBlock: pinBlockOf(pan, password, pinKeyFor(terminal, pan)) };
}

/**
 * The PIN key for a card: the one the home issuer delivered at enrolment. Another issuer entry
 * has given this till none (its enrolment answer's PIN key is not kept), so a password for a card
 * it serves is refused PIN_KEY_MISSING instead of sending it a block it cannot open. A card no
 * entry takes is declined by the runner without sending anything.
 */
export function pinKeyFor(terminal: Terminal, pan: string): Uint8Array | undefined {
  const router = terminal.runner.router;
  const entry = router.route(pan);
  if (entry && entry !== router.home)
    throw new TillError('PIN_KEY_MISSING', `issuer ${entry.id} has given this till no PIN key`);
  return terminal.opts.pinKey?.();
}

export interface SetPasswordRequest {
  cardToken: string;
  /** Absent: the card has no password yet. */
  oldPassword?: string;
  newPassword: string;
  /** The new one typed a second time. */
  confirmPassword: string;
}

/**
 * Whether the reversal of an earlier password change of this card still waits to be sent (not a
 * dead letter: a reversal the issuer refused is the manager's to take up, the card is not held).
 */
export function passwordReversalWaiting(terminal: Terminal, pan: string): boolean {
  const store = terminal.opts.store;
  const rows = store.db
    .prepare(
      `SELECT t.pan_enc AS pan_enc FROM reversals r JOIN txns t ON t.stan = r.orig_stan
        WHERE r.sent_at IS NULL AND t.type = 'password' AND t.pan_enc IS NOT NULL
          AND NOT EXISTS (SELECT 1 FROM jobs j WHERE j.kind = 'reversal' AND j.ref = CAST(r.stan AS TEXT) AND j.state = 'dead')`,
    )
    .all() as Array<{ pan_enc: Buffer }>;
  // Card numbers are sealed with a random IV: the few waiting are opened and compared.
  return rows.some((r) => store.openPan(r.pan_enc) === pan);
}

export class CardPasswords {
  constructor(
    private readonly o: {
      terminal: Terminal;
      audit?: AuditLog;
      /** Sends the queued reversals now (the job queue's reversal run); absent: only checked. */
      sendReversals?: () => Promise<void>;
    },
  ) {}

  /** Set or change the presented card's password (old + new twice). Online only. */
  setPassword(req: SetPasswordRequest, operator?: { id: string; role: string }): Promise<TxnResult> {
    const { terminal } = this.o;
    return terminal.lock.run('password', async () => {
      const card = terminal.cards.take(req.cardToken);
      if (!card) throw new TillError('CARD_EXPIRED_TOKEN');
      // Refused before anything is written or sent: the two new entries must agree.
      if (!PASSWORD_RE.test(req.newPassword)) throw new TillError('PASSWORD_FORMAT');
      if (req.newPassword !== req.confirmPassword) throw new TillError('PASSWORD_MISMATCH');
      // ISO8583-CUP.md has no message that sets or changes a password: refused, nothing sent.
      if (routedProtocol(terminal, card.pan) === 'iso8583-cup')
        throw new TillError('PASSWORD_CHANGE_AT_ISSUER');
      if (passwordReversalWaiting(terminal, card.pan)) {
        await this.o.sendReversals?.();
        if (passwordReversalWaiting(terminal, card.pan)) throw new TillError('CARD_REVERSAL_PENDING');
      }
      const pinKey = pinKeyFor(terminal, card.pan);
      const changing = req.oldPassword !== undefined;
      const pinBlocks = {
        newPinBlock: pinBlockOf(card.pan, req.newPassword, pinKey),
        ...(req.oldPassword !== undefined ? { pinBlock: pinBlockOf(card.pan, req.oldPassword, pinKey) } : {}),
      };
      // The clear passwords go no further than their blocks (the request object lives on while
      // the issuer is asked).
      const r = req as Partial<SetPasswordRequest>;
      delete r.oldPassword;
      delete r.newPassword;
      delete r.confirmPassword;
      const row = await terminal.runner.run({
        kind: 'password',
        card,
        amountFen: 0,
        otherTenderFen: 0,
        operatorId: operator?.id,
        pinBlocks,
      });
      const approved = row.status === 'approved';
      this.o.audit?.record({
        action: 'txn.password',
        operatorId: operator?.id,
        operatorRole: operator?.role,
        stan: row.stan,
        outcome: approved ? 'ok' : 'failed',
        detail: `card password ${changing ? 'changed' : 'set'} ${row.masked}${row.decline_code ? ` ${row.decline_code}` : ''}`,
      });
      return terminal.publish(row);
    });
  }
}
