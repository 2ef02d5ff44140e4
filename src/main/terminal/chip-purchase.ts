/**
 * Paying on the chip (PBOC e-purse, issue 14): a sale whose card carries an e-purse application
 * and whose issuer entry says `epurse` is a `chip_purchase` — run through the one
 * TransactionRunner (same till lock, pending row, finalize, signed journal) with a LOCAL port in
 * place of the issuer: its `exchange` runs INITIALIZE → PSAM MAC1 → grey record → DEBIT → PSAM
 * verifies MAC2 (src/drivers/ic/epurse/flow.ts) and answers like an issuer would.
 *
 * Outcomes of the local port:
 *  - debited, MAC2 verified → approved, the chip balance after, the TAC (journaled with the row);
 *  - the card answered a status word, or left before DEBIT → declined (nothing moved on the card);
 *    insufficient chip balance → INSUFFICIENT_BALANCE with the chip balance: split tender as usual;
 *  - the card left after DEBIT was sent (the grey record is open) → throws CHIP_TORN: the row
 *    stays PENDING (the runner's recovery never declines a chip row) until the same card is
 *    presented again and `resolve` decides it from the card's sequence and balance, with
 *    GET TRANSACTION PROVE for the TAC. Never debited twice (a new purchase on a card with an
 *    open grey record is refused), never lost (the row is approved from the card's own proof).
 *  - an outcome the card cannot prove (sequence jumped, balance disagrees) → declined
 *    CHIP_EXCEPTION and listed for the manager with what to do.
 * After a crash, `recover` settles each pending chip row from its grey record (chip_txns).
 */
import { TillError, type ErrorCode } from '../../shared/errors';
import { formatInZone } from '../../shared/local-time';
import { maskPan } from '../../shared/card';
import type { TxnResult } from '../../shared/contract';
import type { CardPresented } from '../../shared/devices';
import {
  openPsam,
  readEpurse,
  resolveTear,
  runLoad,
  runPurchase,
  type EpTransmit,
  type LoadAuthorizer,
} from '../../drivers/ic/epurse/flow';
import { toHex } from '../../drivers/ic/apdu';
import { checkCap } from '../../shared/card-rules';
import type { CardLifeResult } from '../../shared/contract/card-life';
import { bcdDateTime } from '../../drivers/ic/epurse/crypto';
import { isEpurseError } from '../../drivers/ic/epurse/errors';
import { panFromSerial } from '../../drivers/ic/stored-value-app';
import type { ChipProof, ExchangeOutcome, IssuerAnswer, IssuerCommand } from '../issuer/port';
import type { AuditLog } from '../audit/audit-log';
import type { SqliteGreyStore, ChipTxnRow } from './grey-store';
import type { Terminal } from './terminal';
import type { TxnRow } from './txn-store';

/** One command to one device, one answer (the PC/SC or simulated transport of that device). */
export type Apdu = (apdu: Uint8Array) => Promise<Uint8Array>;

/** Where the chip module finds the card still in a reader's field, and the PSAM. */
export interface ChipDevices {
  /** The channel to the e-purse card in the reader `deviceId` (undefined: no card, not an IC reader). */
  card(deviceId: string | undefined): Apdu | undefined;
  /** The PSAM, or undefined when none is configured or it is not ready. */
  psam(): Apdu | undefined;
}

export interface ChipPaymentsOptions {
  terminal: Terminal;
  grey: SqliteGreyStore;
  devices: ChipDevices;
  /** Whether the issuer entry serving this card says `epurse` (config). */
  epurseIssuer: (pan: string) => boolean;
  timeZone: string;
  /** The PSAM's terminal number (hex, 12 digits), when a PSAM is ready: loads are MACed with it. */
  terminalNumber?: () => string | undefined;
  clock: () => Date;
  log: (line: string) => void;
  audit?: AuditLog;
}

/** What the cashier (and the manager's exceptions list) is told about one unresolved chip transaction. */
export interface ChipException {
  stan: number;
  kind: 'purchase' | 'load';
  state: ChipTxnRow['state'];
  masked: string;
  amountFen: number;
  reason?: string;
  createdAt: string;
}

export class ChipPayments {
  constructor(private readonly o: ChipPaymentsOptions) {}

  /** Whether a sale with this presented card is paid on the chip. */
  paysOnChip(cardToken: string): boolean {
    const held = this.held(cardToken);
    return !!held && held.card.epurse === true && this.o.epurseIssuer(held.card.pan);
  }

  private held(cardToken: string): { card: CardPresented; deviceId?: string } | undefined {
    const t = this.o.terminal;
    const card = t.cards.take(cardToken);
    if (!card) return undefined;
    return { card, deviceId: t.cards.summary()?.deviceId };
  }

  private transmit(deviceId: string | undefined): EpTransmit {
    const card = this.o.devices.card(deviceId);
    const psam = this.o.devices.psam();
    if (!psam) throw new TillError('PSAM_UNAVAILABLE');
    if (!card) throw new TillError('NO_CARD', 'the e-purse card is no longer in the reader');
    return (to, apdu) => (to === 'card' ? card(apdu) : psam(apdu));
  }

  /** The card's date and time (BCD, store-local wall clock): what the card and the PSAM MAC. */
  private now(): { date: Uint8Array; time: Uint8Array } {
    const s = formatInZone(this.o.clock().toISOString(), this.o.timeZone); // YYYY-MM-DD HH:mm:ss
    const n = s.match(/\d+/g)!.map(Number) as [number, number, number, number, number, number];
    return bcdDateTime({ y: n[0], mo: n[1], d: n[2], h: n[3], mi: n[4], s: n[5] });
  }

  /** A sale paid on the chip; `otherTenderFen` is the cash part of a split tender. */
  purchase(
    req: { cardToken: string; amountFen: number; otherTenderFen?: number },
    operatorId?: string,
  ): Promise<TxnResult> {
    const t = this.o.terminal;
    return t.lock.run('sale', async () => {
      const held = this.held(req.cardToken);
      if (!held) throw new TillError('CARD_EXPIRED_TOKEN');
      const transmit = this.transmit(held.deviceId);
      const masked = maskPan(held.card.pan);
      const row = await t.runner.run({
        kind: 'chip_purchase',
        card: held.card,
        amountFen: req.amountFen,
        otherTenderFen: req.otherTenderFen ?? 0,
        operatorId,
        port: { exchange: (cmd) => this.exchangePurchase(cmd, transmit, masked) },
      });
      this.audit(row, operatorId);
      if (row.status === 'approved') t.clearCard();
      return t.publish(row);
    });
  }

  /** The local port's exchange: the chip purchase, answered like an issuer would. */
  private async exchangePurchase(
    cmd: IssuerCommand,
    transmit: EpTransmit,
    masked: string,
  ): Promise<ExchangeOutcome> {
    if (cmd.kind !== 'authorize') throw new TillError('INVALID_STATE', `chip purchase got ${cmd.kind}`);
    const answer = (a: Omit<IssuerAnswer, 'extra'>): ExchangeOutcome => ({
      kind: 'answer',
      answer: { ...a, extra: {} },
    });
    const declined = (code: ErrorCode, balanceFen?: number) =>
      answer({ result: 'declined', code, ...(balanceFen !== undefined ? { balanceFen } : {}) });
    let terminalNumber: Uint8Array;
    try {
      terminalNumber = await openPsam(transmit);
    } catch (e) {
      this.o.log(`chip: PSAM not ready: ${(e as Error).message}`);
      return declined('PSAM_UNAVAILABLE');
    }
    try {
      const r = await runPurchase({
        transmit,
        store: this.o.grey.forStan(cmd.stan, masked),
        terminalNumber,
        amountFen: cmd.amountFen,
        now: this.now(),
      });
      const chip: ChipProof = {
        kind: 'purchase',
        seq: r.offlineSeq,
        balanceAfterFen: r.balanceAfterFen,
        terminalNumber: r.terminalNumber,
        terminalSeq: r.terminalSeq,
        date: r.date,
        time: r.time,
        algId: r.algId,
        tac: r.tac,
        proved: false,
      };
      return answer({ result: 'approved', balanceFen: r.balanceAfterFen, authCode: r.tac, chip });
    } catch (e) {
      // From DEBIT on, the grey record decides: the row stays pending until the card is back.
      if (this.o.grey.get(cmd.stan)?.state === 'grey') {
        this.o.log(`chip: stan ${cmd.stan} torn after DEBIT was sent (${(e as Error).message})`);
        throw new TillError('CHIP_TORN', `stan ${cmd.stan}`, { cause: e });
      }
      if (!isEpurseError(e)) throw e;
      switch (e.code) {
        case 'EP_INSUFFICIENT':
          return declined('INSUFFICIENT_BALANCE', e.chipBalanceFen);
        case 'EP_GREY_PENDING':
          return declined('CHIP_GREY_PENDING');
        case 'EP_MAC2_INVALID':
          this.o.log(`ALERT chip: card MAC2 rejected by the PSAM for stan ${cmd.stan} (${masked})`);
          return declined('CHIP_MAC2_INVALID');
        case 'EP_TORN':
          return declined('CARD_REMOVED');
        default:
          this.o.log(`chip: stan ${cmd.stan} refused: ${e.message}`);
          return declined('CHIP_ERROR');
      }
    }
  }

  /**
   * Load (圈存): the card-life top-up of an e-purse card, paid in cash on the terminal with the
   * same ordering (the cash is the pending row's other tender, counted only when approved) and
   * the same cap (checked here on the chip balance the card reported, and by the issuer). Online
   * only: INITIALIZE FOR LOAD → the issuer checks MAC1 and answers MAC2 → grey record → CREDIT
   * FOR LOAD → TAC. No PSAM: the load key is the issuer's.
   */
  load(
    req: { cardToken: string; valueFen: number; tenderFen?: number },
    operatorId?: string,
  ): Promise<CardLifeResult> {
    const t = this.o.terminal;
    return t.lock.run('topup', async () => {
      const tenderFen = req.tenderFen ?? req.valueFen;
      if (tenderFen < req.valueFen) throw new TillError('TENDER_SHORT', `${tenderFen} < ${req.valueFen}`);
      const held = this.held(req.cardToken);
      if (!held) throw new TillError('CARD_EXPIRED_TOKEN');
      const card = this.o.devices.card(held.deviceId);
      if (!card) throw new TillError('NO_CARD', 'the e-purse card is no longer in the reader');
      const transmit: EpTransmit = (to, apdu) => {
        if (to === 'psam') throw new TillError('INVALID_STATE', 'a load needs no PSAM');
        return card(apdu);
      };
      const issuer = t.runner.router.route(held.card.pan);
      const masked = maskPan(held.card.pan);
      let capRemainingFen: number | undefined;
      const row = await t.runner.run({
        kind: 'chip_load',
        card: held.card,
        amountFen: req.valueFen,
        otherTenderFen: req.valueFen, // the cash paid for the value, counted only when approved
        operatorId,
        eligibility: () =>
          checkCap({ balanceFen: held.card.chipBalanceFen ?? 0, valueFen: req.valueFen, registered: false }),
        port: {
          exchange: async (cmd) => {
            if (cmd.kind !== 'topup' || !issuer)
              throw new TillError('INVALID_STATE', `chip load got ${cmd.kind}`);
            const authorize: LoadAuthorizer = async (a) => {
              const out = await issuer.port.exchange(
                {
                  kind: 'chip_load_auth',
                  stan: cmd.stan,
                  time: cmd.time,
                  id: cmd.id,
                  load: {
                    cardSerial: a.cardSerial,
                    amountFen: a.amountFen,
                    cashFen: cmd.cashFen,
                    balanceBeforeFen: a.balanceBeforeFen,
                    onlineSeq: a.onlineSeq,
                    algId: a.algId,
                    random: toHex(a.random),
                    terminalNumber: toHex(a.terminalNumber),
                    mac1: toHex(a.mac1),
                    cardDate: toHex(a.date),
                    cardTime: toHex(a.time),
                  },
                },
                issuer.attempts,
              );
              if (out.kind !== 'answer') throw new LoadRefused('ISSUER_UNREACHABLE', out.detail);
              const ans = out.answer;
              const cap = ans.extra.capRemainingFen;
              if (typeof cap === 'number') capRemainingFen = cap;
              const mac2 = ans.extra.mac2;
              if (ans.result !== 'approved' || typeof mac2 !== 'string' || !/^[0-9A-Fa-f]{8}$/.test(mac2))
                throw new LoadRefused(ans.code ?? 'ISSUER_ERROR', 'load not authorised');
              return Uint8Array.from(Buffer.from(mac2, 'hex'));
            };
            return this.exchangeLoad(cmd.stan, cmd.amountFen, transmit, masked, authorize);
          },
        },
      });
      const approved = row.status === 'approved';
      this.audit(row, operatorId);
      if (approved) t.clearCard();
      const receipt = t.receipt(row.stan, false, [
        ...(approved
          ? []
          : [{ type: 'text' as const, text: '请将现金退还顾客 Hand the cash back', bold: true }]),
      ]);
      return {
        result: t.publish(row),
        changeFen: approved ? tenderFen - req.valueFen : 0,
        handBackFen: approved ? 0 : tenderFen,
        ...(capRemainingFen !== undefined && approved ? { capRemainingFen } : {}),
        receipt,
      };
    });
  }

  private async exchangeLoad(
    stan: number,
    amountFen: number,
    transmit: EpTransmit,
    masked: string,
    authorize: LoadAuthorizer,
  ): Promise<ExchangeOutcome> {
    const declined = (code: ErrorCode): ExchangeOutcome => ({
      kind: 'answer',
      answer: { result: 'declined', code, extra: {} },
    });
    try {
      const r = await runLoad({
        transmit,
        store: this.o.grey.forStan(stan, masked),
        authorize,
        terminalNumber: this.loadTerminalNumber(),
        amountFen,
        now: this.now(),
      });
      const chip: ChipProof = {
        kind: 'load',
        seq: r.onlineSeq,
        balanceAfterFen: r.balanceAfterFen,
        terminalNumber: r.terminalNumber,
        terminalSeq: '',
        date: r.date,
        time: r.time,
        algId: r.algId,
        tac: r.tac,
        proved: false,
      };
      return {
        kind: 'answer',
        answer: { result: 'approved', balanceFen: r.balanceAfterFen, authCode: r.tac, chip, extra: {} },
      };
    } catch (e) {
      if (this.o.grey.get(stan)?.state === 'grey') {
        this.o.log(`chip: load stan ${stan} torn after CREDIT was sent (${(e as Error).message})`);
        throw new TillError('CHIP_TORN', `stan ${stan}`, { cause: e });
      }
      if (e instanceof LoadRefused) {
        this.o.log(`chip: load stan ${stan} not authorised: ${e.message}`);
        return declined(e.code);
      }
      if (!isEpurseError(e)) throw e;
      if (e.code === 'EP_GREY_PENDING') return declined('CHIP_GREY_PENDING');
      if (e.code === 'EP_TORN') return declined('CARD_REMOVED');
      this.o.log(`chip: load stan ${stan} refused: ${e.message}`);
      return declined('CHIP_ERROR');
    }
  }

  /**
   * The terminal number a load is MACed with: the PSAM's when one is ready (it names this
   * terminal to the issuer), else the configured terminal id's digits — a load needs no PSAM.
   */
  private loadTerminalNumber(): Uint8Array {
    const digits = this.o.terminalNumber?.() ?? '000000000001';
    return Uint8Array.from(Buffer.from(digits, 'hex'));
  }

  /**
   * The card of a torn chip transaction is presented again (`stan`: the one the cashier was told
   * about, when known): decide from the card, prove, finalize. Another card is refused with
   * CHIP_CARD_CHANGED and changes nothing; a card with nothing open is NOT_FOUND.
   */
  resolve(req: { cardToken: string; stan?: number }, operatorId?: string): Promise<TxnResult> {
    const t = this.o.terminal;
    return t.lock.run('sale', async () => {
      const held = this.held(req.cardToken);
      if (!held) throw new TillError('CARD_EXPIRED_TOKEN');
      const card = this.o.devices.card(held.deviceId);
      if (!card) throw new TillError('NO_CARD', 'the e-purse card is no longer in the reader');
      const transmit: EpTransmit = (to, apdu) => {
        if (to === 'psam') throw new TillError('INVALID_STATE', 'no PSAM command while resolving');
        return card(apdu);
      };
      let serial: string;
      try {
        serial = (await readEpurse(transmit)).info.appSerial;
      } catch (e) {
        throw new TillError('CARD_REMOVED', (e as Error).message, { cause: e });
      }
      const open = this.o.grey.openRow(serial);
      if (!open) {
        const wanted = req.stan !== undefined ? this.o.grey.get(req.stan) : undefined;
        if (wanted?.state === 'grey') throw new TillError('CHIP_CARD_CHANGED', `stan ${req.stan}`);
        throw new TillError('NOT_FOUND', 'no unfinished chip transaction on this card');
      }
      if (req.stan !== undefined && open.stan !== req.stan)
        this.o.log(`chip: card presented for stan ${req.stan} has stan ${open.stan} open`);
      let resolution;
      try {
        resolution = await resolveTear(
          transmit,
          this.o.grey.forStan(open.stan, open.masked),
          this.o.grey.openRecord(serial)!,
        );
      } catch (e) {
        if (e instanceof TillError) throw e;
        throw new TillError('CHIP_TORN', `stan ${open.stan}: ${(e as Error).message}`, { cause: e });
      }
      if (resolution.kind === 'other-card') throw new TillError('CHIP_CARD_CHANGED', `stan ${open.stan}`);
      this.o.log(`chip: stan ${open.stan} resolved ${resolution.kind}`);
      const row = this.settle(open.stan);
      this.audit(row, operatorId);
      if (row.status === 'approved') t.clearCard();
      return t.publish(row);
    });
  }

  /**
   * Writes the final row of a chip transaction from its grey record: done → approved with the
   * card's proof; not done / MAC2 rejected → declined; exception → declined CHIP_EXCEPTION (the
   * manager's list). A record still grey leaves the row pending. Idempotent (ALREADY_FINAL).
   */
  private settle(stan: number): TxnRow {
    const store = this.o.terminal.opts.store;
    const g = this.o.grey.get(stan);
    const row = store.get(stan)!;
    if (row.status !== 'pending') return row;
    if (!g) return store.finalize(stan, { status: 'declined', declineCode: 'CHIP_ERROR' });
    switch (g.state) {
      case 'grey':
        return row;
      case 'done': {
        const sign = g.kind === 'purchase' ? -1 : 1;
        const balanceAfterFen = g.balance_before_fen + sign * g.amount_fen;
        const chip: ChipProof = {
          kind: g.kind,
          seq: g.seq,
          balanceAfterFen,
          terminalNumber: g.terminal_number,
          terminalSeq: g.terminal_seq,
          date: g.date,
          time: g.time,
          algId: g.alg_id,
          tac: g.tac ?? '',
          proved: g.proved === 1,
        };
        return store.finalize(stan, {
          status: 'approved',
          balanceFen: balanceAfterFen,
          authCode: g.tac ?? undefined,
          chip,
        });
      }
      case 'not-done':
        return store.finalize(stan, { status: 'declined', declineCode: 'CARD_REMOVED' });
      case 'mac2-invalid':
        return store.finalize(stan, { status: 'declined', declineCode: 'CHIP_MAC2_INVALID' });
      case 'exception':
        return store.finalize(stan, { status: 'declined', declineCode: 'CHIP_EXCEPTION' });
    }
  }

  /**
   * After a restart: every pending chip row is settled from its grey record — no record means
   * DEBIT was never sent (declined); `done` written just before a crash is approved; an open grey
   * record keeps its row pending until the card is presented again. Returns how many were settled.
   */
  recover(): number {
    const store = this.o.terminal.opts.store;
    let n = 0;
    for (const row of store.pending()) {
      if (row.type !== 'chip_purchase' && row.type !== 'chip_load') continue;
      const after = this.settle(row.stan);
      if (after.status !== 'pending') {
        n++;
        this.o.terminal.publish(after);
        this.o.log(`chip: recovered stan ${row.stan} → ${after.status}`);
      }
    }
    return n;
  }

  /**
   * The manager stops waiting for the card of a torn chip transaction (the customer left): its row
   * is declined CHIP_EXCEPTION and stays on the list; whether the card was debited is the
   * issuer's to decide at clearing from the card's next transactions (a gap in its sequence).
   * The shift can close again (a pending row blocks the Z).
   */
  abandon(stan: number, managerId: string): Promise<TxnResult> {
    const t = this.o.terminal;
    return t.lock.run('sale', async () => {
      if (!this.o.grey.abandon(stan, 'card-never-returned'))
        throw new TillError('NOT_FOUND', `stan ${stan} has no open grey record`);
      const row = this.settle(stan);
      this.o.log(`chip: stan ${stan} abandoned by ${managerId}: card never presented again`);
      this.o.audit?.record({
        action: `txn.${row.type}`,
        operatorId: managerId,
        stan,
        outcome: 'failed',
        detail: `grey record abandoned: card never presented again ${row.masked}`,
      });
      return t.publish(row);
    });
  }

  /** The manager's list: grey records waiting for their card, and chip exceptions not acknowledged. */
  exceptions(): ChipException[] {
    return this.o.grey.unresolved().map((r) => ({
      stan: r.stan,
      kind: r.kind,
      state: r.state,
      masked: r.masked,
      amountFen: r.amount_fen,
      ...(r.reason ? { reason: r.reason } : {}),
      createdAt: r.created_at,
    }));
  }

  private audit(row: TxnRow, operatorId?: string): void {
    this.o.audit?.record({
      action: `txn.${row.type}`,
      operatorId,
      stan: row.stan,
      outcome: row.status === 'approved' ? 'ok' : 'failed',
      detail: `${row.type} ${row.amount_fen} fen ${row.masked}${row.decline_code ? ` ${row.decline_code}` : ''}`,
    });
  }
}

/** The issuer did not authorise a load (or could not be asked): nothing was sent to the card. */
class LoadRefused extends Error {
  constructor(
    readonly code: ErrorCode,
    detail: string,
  ) {
    super(`${code}: ${detail}`);
  }
}

/** The card number an e-purse's application serial stands for (the PAN the router and vault use). */
export function panOfSerial(appSerial: string): string | undefined {
  return panFromSerial(appSerial);
}
