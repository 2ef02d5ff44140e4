/**
 * The `iso8583-cup` adapter of the issuer port (src/main/issuer/port.ts): the UnionPay POS dialect
 * of ISO8583-CUP.md over TCP (tcp-link.ts), built on the shared codec (src/shared/iso8583).
 *
 *  - Sign-on before the first request, after header nibble 3 or `A0`: working keys from field 62
 *    under the TMK, check values verified (a mismatch is a failed sign-on: nothing is sent).
 *  - MAC on every request and answer that lists 64; an answer whose MAC is wrong, whose 11/41 are
 *    not this request's, or that does not parse, is no answer: `unknown` (the runner reverses).
 *  - Retransmission: a 0200 (sale, inquiry, void, activation, top-up) is sent once — its lost
 *    answer is reversed, never resent; a 0220 (refund, offline advice) and the 0400 reversal are
 *    sent again with the same STAN and fields, up to `attempts` times in one exchange (the job
 *    queue repeats the reversal until it is answered).
 *  - Trace numbers: 11 = the terminal's STAN modulo 1,000,000 (the page's rule; deterministic, so a
 *    command replayed after a restart is the same request), the reversal's 11 the original's.
 *  - What a 0400, a void, a refund or a resent 0220 repeat of an earlier request — and the batch
 *    (60.2) — is kept in the adapter's own table (store.ts), written before the request is sent,
 *    so nothing is lost on a restart.
 *  - The cardholder password: the command's clear password (AuthorizeCommand.password, in memory
 *    for this send) becomes 26 / 52 / 53 under the PIK of this adapter's sign-on (pin-field.ts),
 *    on the wire only. 55 without 52 is PASSWORD_REQUIRED, 55 with it PASSWORD_WRONG, 75
 *    PASSWORD_LOCKED: the cashier's PIN pad works as for a cardtill-json card.
 *  - Commands the dialect has no message for (hot-card list, unlinked refund, a void advice) are
 *    answered `declined ISSUER_UNSUPPORTED` without sending anything: typed, never `not-sent`
 *    (which would say the link is down); a password set/change is `PASSWORD_CHANGE_AT_ISSUER`.
 *  - What the host still owes (store.ts `awaiting`): a 0200 without its answer owes a 0410, a
 *    0220 without its answer a 0230. A refund (退货, a 0220: never reversed in this dialect) whose
 *    answer is lost is final at the till as approved and resent, same STAN and fields, before
 *    each later request on the same host until answered — the host answers a repeat with its
 *    first answer, so it is applied once; a refusal then is an exception for the manager
 *    (docs/issuer-protocol.md, ambiguity 30). A 0500 goes only once nothing is owed: the adapter
 *    first sends what it owes (0400s, then 0220s), and declines the settlement
 *    SETTLE_PENDING_AT_ISSUER, listing what is still unanswered, when the host does not answer.
 */
import {
  CUP_PROFILE,
  Iso8583Error,
  assertMac,
  checkAnswer,
  decodeFrame,
  encodeFrame,
  formatField48,
  formatField60,
  makeHeader,
  makeTpdu,
  parseField48,
  parseField54,
  parseField60,
  processingRequirement,
  type IsoFields,
  type IsoMessage,
  type MessageSpec,
} from '../../../shared/iso8583';
import { TillError, type ErrorCode } from '../../../shared/errors';
import type { AdviceResult } from '../../../shared/issuer-protocol-offline';
import { totalsOf, type BatchTotals } from '../../../shared/issuer-settlement';
import type {
  AdviceCommand,
  ExchangeOutcome,
  IssuerAnswer,
  IssuerCommand,
  IssuerPort,
  SettleCommand,
  SignOnResult,
} from '../port';
import type { KeySet } from './keysets';
import { encodeWithMac, frameMac, unwrapWorkingKeys, type WorkingKeys } from './working-keys';
import { Iso8583TcpLink, type TcpEndpoint } from './tcp-link';
import { MemoryIso8583Store, type AwaitingRequest, type Iso8583LinkStore, type SentRequest } from './store';
import { buildAdvice, buildOriginal, buildReversal, isOriginalKind, specNamed, stan6 } from './requests';
import { passwordFields } from './pin-field';

const P = CUP_PROFILE;

export interface Iso8583CupOptions {
  endpoint: TcpEndpoint;
  terminalId: string;
  merchantId: string;
  keySet: KeySet;
  /**
   * The terminal master key (sealed at rest, tmk.ts; never logged), or how to open it at each
   * sign-on — so a TMK the technician enters while the app runs is used from the next sign-on,
   * and a missing one leaves every request `not-sent` with the reason instead of stopping the app.
   */
  tmk: Uint8Array | (() => Uint8Array);
  /** Answer timeout per send (the page's default is 30 s). */
  timeoutMs: number;
  /** The batch and what was sent (store.ts); in memory when absent (the adapter's own tests). */
  store?: Iso8583LinkStore;
  /** Field 63 of sign-on and settlement. */
  operator?: string;
  /** TPDU addresses (default destination 0001, source 0000). */
  tpdu?: { destination: number; source: number };
  log?: (line: string) => void;
  now?: () => Date;
  /**
   * false: an 0820 echo (it carries no MAC) goes without signing on first. For `cardtill issuers`
   * beside a running terminal: a sign-on from it would replace the working keys the host holds
   * for this terminal id, and the running terminal's next request would be answered A0.
   */
  signOnBeforeEcho?: boolean;
}

/** Field 39 in the core's words. */
const CODE_OF_RC: Record<string, ErrorCode> = {
  '51': 'INSUFFICIENT_BALANCE',
  '54': 'CARD_EXPIRED',
  '41': 'CARD_LOST',
  '62': 'CARD_FROZEN',
  '78': 'CARD_NOT_ACTIVATED',
  '14': 'CARD_UNKNOWN',
  // 55 is PASSWORD_REQUIRED when the request had no 52 (codeOf): the page lets a host answer 55 then.
  '55': 'PASSWORD_WRONG',
  '75': 'PASSWORD_LOCKED',
  '61': 'AMOUNT_EXCEEDS_ORIGINAL',
  '12': 'ALREADY_REVERSED',
  '25': 'NOT_FOUND',
  '94': 'DUPLICATE_STAN',
};

/** 39 codes that are the host's trouble, not its decision (ISO8583-CUP.md "Response codes"). */
const HOST_NOT_DECIDING = ['96', '91'];

/** Field 39 of an answer to `req` in the core's words. */
function codeOf(rc: string, req: IsoMessage): ErrorCode {
  // "A host may answer 55 to a request without 52" (ISO8583-CUP.md "Password"): the card needs
  // its password and none was typed — the cashier's PIN pad opens, as for a cardtill-json card.
  if (rc === '55' && req.fields[52] === undefined) return 'PASSWORD_REQUIRED';
  return CODE_OF_RC[rc] ?? 'ISSUER_ERROR';
}

/** "At least once a day" (ISO8583-CUP.md "Keys, MAC and password"). */
const SIGN_ON_MAX_AGE_MS = 24 * 3600_000;

const unsupported = (what: string, code: ErrorCode = 'ISSUER_UNSUPPORTED'): ExchangeOutcome => ({
  kind: 'answer',
  answer: { result: 'declined', code, malformed: what, extra: {} },
});

export class Iso8583CupAdapter implements IssuerPort {
  readonly protocol = 'iso8583-cup';
  private readonly link: Iso8583TcpLink;
  private readonly store: Iso8583LinkStore;
  private keys: WorkingKeys | undefined;
  private needSignOn = true;
  private signOnStan = 0;
  private lastSignOnAt: string | undefined;
  private chain: Promise<unknown> = Promise.resolve();
  /** This adapter's host (host:port): what it owes is asked again of this host only. */
  private readonly where: string;

  constructor(private readonly o: Iso8583CupOptions) {
    this.link = new Iso8583TcpLink(o.endpoint, P);
    this.store = o.store ?? new MemoryIso8583Store();
    this.where = `${o.endpoint.host}:${o.endpoint.port}`;
  }

  /** The batch (60.2) in use, for the terminal's records. */
  get currentBatch(): number {
    return this.store.batch();
  }
  /** When this adapter last signed on (ISO 8601), for the technician. */
  get signedOnAt(): string | undefined {
    return this.lastSignOnAt;
  }

  /** The failover wrapper: this host takes requests again; sign on before the next (its keys may be gone). */
  renewSession(): void {
    this.needSignOn = true;
  }

  setCut(cut: boolean): void {
    this.link.setCut(cut);
  }
  isCut(): boolean {
    return this.link.isCut();
  }
  close(): void {
    this.link.close();
  }

  /** Sign-on is the adapter's own business (on demand); the port's enrolment request is not used by this dialect. */
  async signOn(): Promise<SignOnResult> {
    const run = this.chain.then(() => this.doSignOn());
    this.chain = run.catch(() => undefined);
    const r = await run;
    if (r !== true) throw new TillError('ISSUER_UNREACHABLE', r);
    return {};
  }

  /**
   * One exchange at a time, sign-on included ("a terminal never pipelines"): two callers (the
   * runner's sale and the forwarder's probe) must not both sign on, or the first one's request
   * goes under keys the second sign-on replaced (the host answers A0: a needless reversal).
   */
  exchange(cmd: IssuerCommand, attempts: number): Promise<ExchangeOutcome> {
    const run = this.chain.then(() => this.exchangeNow(cmd, attempts));
    this.chain = run.catch(() => undefined);
    return run;
  }

  private async exchangeNow(cmd: IssuerCommand, attempts: number): Promise<ExchangeOutcome> {
    if (this.link.isCut()) return { kind: 'not-sent', detail: 'link cut' };
    // Nothing to send for these: no sign-on needed to say so. The forwarder's periodic hot-card
    // refresh is still a turn to resend refunds the host has not answered.
    if (cmd.kind === 'hotcards') {
      await this.resendAwaitedRefunds();
      return unsupported('the iso8583-cup profile has no hot-card list');
    }
    if (cmd.kind === 'refund' && cmd.origStan === undefined)
      return unsupported('an unlinked refund is not in the iso8583-cup profile');
    // The page has no message that sets or changes a password: the issuer does it itself.
    if (cmd.kind === 'password')
      return unsupported('iso8583-cup has no password set/change message', 'PASSWORD_CHANGE_AT_ISSUER');
    // A block under the cardtill-json PIN key cannot be opened by this host (52 must be under the
    // PIK of this adapter's sign-on, made here from `password`): refused, never sent without it.
    if ('pinBlock' in cmd && cmd.pinBlock)
      return unsupported('a PIN block under another key: iso8583-cup makes field 52 under its own PIK');
    // `cardtill issuers` beside a running terminal (signOnBeforeEcho false): its 0820 needs no
    // keys, and that process neither signs on (it would take the terminal's keys at the host) nor
    // resends what the terminal owes (the terminal's own business).
    const keyless = cmd.kind === 'echo' && this.o.signOnBeforeEcho === false;
    if (!keyless) {
      const s = await this.signedOn();
      if (s !== true) return { kind: 'not-sent', detail: `sign-on: ${s}` };
      // "Then pending advices, then new requests": a refund the host still owes an answer goes
      // first (the settlement drains everything owed itself, reversals included).
      if (cmd.kind !== 'settle') {
        await this.resendAwaitedRefunds();
        // An A0 to that resend asked for a sign-on: this request (and its 52) goes under the new keys.
        const again = await this.signedOn();
        if (again !== true) return { kind: 'not-sent', detail: `sign-on: ${again}` };
      }
    }
    const batch = this.store.batch();
    switch (cmd.kind) {
      case 'echo':
        return this.send(
          specNamed('echo'),
          this.msg('0820', {
            11: stan6(cmd.stan),
            60: formatField60({ typeCode: '00', batch, networkCode: '301' }),
          }),
          1,
        );
      case 'reverse':
        return this.reverse(cmd.origStan, attempts);
      case 'settle':
        return this.settle(cmd, batch, attempts);
      case 'advice':
        return this.advices(cmd, batch, attempts);
      default: {
        if (!isOriginalKind(cmd.kind)) return unsupported(`${cmd.kind} is not in the iso8583-cup profile`);
        // 26 / 52 / 53 are added to what goes on the wire, never to what is recorded: the clear
        // password lives only in this command, for this one send. A request rebuilt from the table
        // after a restart has no password and is never given a made-up block: a 0200 whose answer
        // was lost is reversed, and the 0400 carries "the original's fields … no 52/53"
        // (ISO8583-CUP.md "Messages", reversal) — it needs nothing the table lacks; a 0200 sent
        // again as recorded is a repeat at the host ("52 … may differ") or, unseen, a 55 there
        // (password required), never a wrong try. Made before anything is recorded, so a block
        // that cannot be made (a card number the format-0 block cannot take) leaves nothing behind.
        let password: IsoFields = {};
        if (cmd.kind === 'authorize' && cmd.password !== undefined) {
          try {
            password = passwordFields(this.o.keySet, this.keys!.pik, cmd.password, cmd.card.pan);
          } catch (e) {
            if (!(e instanceof Iso8583Error)) throw e;
            return unsupported(`no PIN block for this card: ${e.code}`);
          }
        }
        // A command this link already sent (a 0220 resent after a restart) goes again as it went.
        let sent = this.store.sent(cmd.stan);
        if (!sent) {
          const built = buildOriginal(cmd as Parameters<typeof buildOriginal>[0], batch, (s) =>
            this.store.sent(s),
          );
          if (!built.ok) return unsupported(built.detail);
          sent = built.sent;
          // Written before the first byte goes: a 0400 after a restart is rebuilt from it. A
          // balance inquiry is never reversed, resent or named by another: nothing to keep (one
          // commit less). A 0200 owes its 0410 from here until its answer: a crash mid-exchange
          // leaves it owed, so a settlement still reverses it first (a 0220 is marked owed only
          // once its exchange ends unanswered: a refund a crash left pending is the runner's).
          if (sent.name !== 'balance')
            this.store.recordSent(
              cmd.stan,
              sent,
              false,
              sent.mti === '0200' ? { what: 'reversal', on: this.where } : undefined,
            );
        }
        const spec = specNamed(sent.name);
        const kept = sent.name !== 'balance';
        // A 0200 is sent once (a lost answer is reversed); a 0220 is resent with the same STAN.
        const out = await this.send(
          spec,
          // (The backup of a FailoverPort finds the primary's record and makes 52 under its own PIK.)
          this.msg(sent.mti, { ...sent.fields, ...(spec.request.optional.includes(52) ? password : {}) }),
          spec.mti === '0220' ? Math.max(1, attempts) : 1,
          kept ? cmd.stan : undefined,
        );
        return kept ? this.afterOriginal(cmd.stan, sent, out) : out;
      }
    }
  }

  /** The page: sign on at start, when the host asks, and at least once a day. */
  private async signedOn(): Promise<true | string> {
    const stale =
      this.lastSignOnAt !== undefined &&
      (this.o.now?.() ?? new Date()).getTime() - Date.parse(this.lastSignOnAt) > SIGN_ON_MAX_AGE_MS;
    if (this.needSignOn || !this.keys || stale) return this.doSignOn();
    return true;
  }

  /**
   * An original's exchange without an answer leaves the host owing one (a 0410 for a 0200, a
   * 0230 for a 0220). A refund's lost answer is not an unknown outcome for the till: 退货 is a
   * 0220, resent until answered and never reversed, and the host answers a repeat with its first
   * answer — so the refund is final here as approved (the till checked the original, its amount
   * and what was refunded before, which is all the host checks) and resent until the host
   * answers (resendAwaitedRefunds). Declining it instead would leave a refund the host applies on
   * the next repeat recorded as declined at the till.
   */
  private afterOriginal(
    stan: number,
    sent: Pick<SentRequest, 'name' | 'mti'>,
    out: ExchangeOutcome,
  ): ExchangeOutcome {
    // Nothing reached the host: it owes nothing (an answer cleared the mark with its record).
    if (out.kind === 'not-sent' && sent.mti === '0200') this.store.clearAwaiting(stan);
    if (out.kind !== 'unknown') return out;
    this.store.markAwaiting(stan, sent.mti === '0220' ? 'answer' : 'reversal', this.where);
    if (sent.name !== 'refund') return out;
    this.o.log?.(
      `iso8583: refund stan ${stan}: answer lost (${out.detail}); approved, resent with the same STAN until the host answers`,
    );
    return {
      kind: 'answer',
      answer: { result: 'approved', awaitingHost: true, extra: { awaitingHost: true } },
    };
  }

  /**
   * Sends again what the host owes an answer for, on this host, in STAN order (0400s of 0200s
   * without their answer, 0220s resent): until the first that goes unanswered. `only` narrows it.
   * Returns everything still owed afterwards, on any host of this entry.
   */
  private async drainAwaiting(
    attempts: number,
    only?: (r: AwaitingRequest) => boolean,
  ): Promise<AwaitingRequest[]> {
    const owed = this.store.awaiting().filter((r) => r.on === this.where && (!only || only(r)));
    // The page's order: pending reversals, then pending advices.
    const ordered = [
      ...owed.filter((r) => r.what === 'reversal'),
      ...owed.filter((r) => r.what === 'answer'),
    ];
    for (const r of ordered) {
      const out =
        r.what === 'reversal' ? await this.reverse(r.stan, attempts) : await this.resendAwaited(r, attempts);
      if (out.kind !== 'answer') break; // the host is not answering: the rest wait with it
    }
    return this.store.awaiting();
  }

  /** Refunds the host owes an answer for, once each, before the next request (not when none). */
  private async resendAwaitedRefunds(): Promise<void> {
    if (!this.store.awaiting().some((r) => r.name === 'refund' && r.on === this.where)) return;
    if ((await this.signedOn()) !== true) return;
    await this.drainAwaiting(1, (r) => r.name === 'refund');
  }

  /** A 0220 sent again as it went; a refund's late answer is the refund's outcome at the host. */
  private async resendAwaited(r: AwaitingRequest, attempts: number): Promise<ExchangeOutcome> {
    const sent = this.store.sent(r.stan);
    if (!sent) {
      this.store.clearAwaiting(r.stan);
      return { kind: 'not-sent', detail: `stan ${r.stan}: nothing recorded` };
    }
    const out = await this.send(
      specNamed(sent.name),
      this.msg(sent.mti, sent.fields),
      Math.max(1, attempts),
      r.stan,
    );
    if (out.kind !== 'answer' || sent.name !== 'refund') return out;
    // "Host malfunction" / "issuer unavailable" say nothing of the refund: still owed.
    const rc = String(out.answer.extra.responseCode ?? '');
    if (HOST_NOT_DECIDING.includes(rc)) {
      this.store.markAwaiting(r.stan, 'answer', this.where);
      return { kind: 'unknown', failure: 'no-answer', detail: `refund stan ${r.stan}: host answered ${rc}` };
    }
    if (out.answer.result === 'approved')
      this.o.log?.(`iso8583: refund stan ${r.stan}: the host answered it (approved), applied once`);
    else {
      const code = out.answer.code ?? 'ISSUER_ERROR';
      this.o.log?.(
        `ALERT iso8583: refund stan ${r.stan}: the host refused it (${code}) after the till approved it; the card was not credited — an exception for the manager`,
      );
      this.store.refusedAfterApproval(r.stan, code);
    }
    return out;
  }

  /** 0400 of a recorded original, repeated within `attempts`; any 0410 ends the repeats. */
  private async reverse(origStan: number, attempts: number): Promise<ExchangeOutcome> {
    const orig = this.store.sent(origStan);
    if (!orig) {
      // Recorded before the first byte of every request: no row, nothing ever went to the host.
      this.o.log?.(`iso8583: reversal of stan ${origStan}: never sent over this link, nothing to reverse`);
      return {
        kind: 'answer',
        answer: {
          result: 'approved',
          original: { found: false, applied: false, reversed: false },
          extra: {},
        },
      };
    }
    if (orig.mti === '0220') return this.reverseAdviceLike(origStan, orig, attempts);
    const out = await this.send(
      specNamed('reversal'),
      this.msg('0400', buildReversal(orig)),
      Math.max(1, attempts),
    );
    if (out.kind !== 'answer') return out;
    // Any 0410 ends the repeats; 12 / 25 in it are exceptions for the manager (the code says which).
    // The 0410 says nothing of the original: `applied` is false (docs/issuer-protocol.md, ambiguity 12).
    const rc = out.answer.code;
    this.store.clearAwaiting(origStan);
    return {
      kind: 'answer',
      answer: {
        result: 'approved',
        ...(rc ? { code: rc } : {}),
        original: { found: rc !== 'NOT_FOUND', applied: false, reversed: true },
        extra: out.answer.extra,
      },
    };
  }

  /**
   * "0220s are resent with the same STAN until answered", never reversed (only 0200s have a
   * 0400): the refund is sent again; declined by the host, nothing moved and the reversal is done;
   * approved, the credit stands at the host while the terminal's row says declined — refused for
   * the manager (a dead letter with the code), never silently "reversed".
   */
  private async reverseAdviceLike(
    stan: number,
    orig: SentRequest,
    attempts: number,
  ): Promise<ExchangeOutcome> {
    const spec = specNamed(orig.name);
    const out = await this.send(spec, this.msg(orig.mti, orig.fields), Math.max(1, attempts), stan);
    if (out.kind !== 'answer') return out;
    if (out.answer.result === 'approved')
      return {
        kind: 'answer',
        answer: {
          result: 'declined',
          code: 'ISSUER_UNSUPPORTED',
          malformed: `the ${orig.name} was applied by the host; a 0220 has no reversal in this profile`,
          extra: out.answer.extra,
        },
      };
    return {
      kind: 'answer',
      answer: { result: 'approved', original: { found: true, applied: false, reversed: false }, extra: {} },
    };
  }

  /**
   * 0500 with the terminal's totals; the answer's 48 (host's totals, result digit) as a typed
   * settlement. "Settlement only when no reversal or advice is pending": what this host is owed
   * goes first; anything still unanswered (here, or on the entry's other host) and the 0500 is
   * not sent — declined SETTLE_PENDING_AT_ISSUER with the list, so the batch stays open for a
   * retry and the host's totals are never compared while it may still move them.
   */
  private async settle(cmd: SettleCommand, batch: number, attempts: number): Promise<ExchangeOutcome> {
    const left = await this.drainAwaiting(attempts);
    if (left.length > 0) {
      const list = left.map(
        (r) => `${r.name} stan ${r.stan} (${r.what === 'reversal' ? '0410' : '0230'} owed)`,
      );
      this.o.log?.(
        `iso8583: settlement of batch ${batch} not sent: the host has not answered ${list.join(', ')}`,
      );
      return {
        kind: 'answer',
        answer: {
          result: 'declined',
          code: 'SETTLE_PENDING_AT_ISSUER',
          unanswered: left.map((r) => ({ stan: r.stan, owed: r.what })),
          malformed: `unanswered: ${list.join(', ')}`,
          extra: {},
        },
      };
    }
    const t = cmd.totals;
    const msg = this.msg('0500', {
      11: stan6(cmd.stan),
      48: formatField48({
        saleCount: t.saleCount - t.voidCount,
        saleFen: t.saleFen - t.voidFen,
        creditCount: t.refundCount,
        creditFen: t.refundFen,
        result: 0,
      }),
      49: '156',
      60: formatField60({ typeCode: '00', batch, networkCode: '201' }),
      63: this.o.operator ?? '001',
    });
    const out = await this.send(specNamed('settlement'), msg, 1);
    if (out.kind !== 'answer') return out;
    // After any 0510 the terminal moves to the next batch (modulo 1,000,000, skipping 0).
    this.store.setBatch((batch % 999_999) + 1);
    const a = out.answer;
    if (a.result !== 'approved') return out;
    const host = a.extra.hostTotals as ReturnType<typeof parseField48> | undefined;
    if (!host || host.result === 3 || host.result === 0)
      return {
        kind: 'answer',
        answer: {
          ...a,
          malformed: host ? `field 48 result digit ${host.result}` : 'no field 48 in the 0510',
        },
      };
    // Balanced: the host agreed to the terminal's totals as sent. Not balanced: the host's own four
    // totals (the dialect has no void or card-life buckets and no per-transaction list).
    const totals: BatchTotals =
      host.result === 1
        ? t
        : {
            // Every bucket at 0 (the card-life ones included), then the host's own figures.
            ...totalsOf([]),
            saleCount: host.saleCount,
            saleFen: host.saleFen,
            refundCount: host.creditCount,
            refundFen: host.creditFen,
          };
    return {
      kind: 'answer',
      answer: { ...a, settlement: { batchNo: cmd.batchNo, matched: host.result === 1, totals } },
    };
  }

  /**
   * An advice batch as one 0220 per sale advice, in order, each resent with its own STAN until
   * answered. A void advice has no message in this dialect (a void needs the 37 / 38 of an online
   * answer): refused ISSUER_UNSUPPORTED, so the manager sees it as an exception. A batch that
   * breaks off returns the results it has; the rest stay queued.
   */
  private async advices(cmd: AdviceCommand, batch: number, attempts: number): Promise<ExchangeOutcome> {
    const results: AdviceResult[] = [];
    for (const a of cmd.advices) {
      if (a.kind === 'void') {
        results.push({ stan: a.stan, result: 'declined', code: 'ISSUER_UNSUPPORTED' });
        continue;
      }
      let sent = this.store.sent(a.stan);
      if (sent?.name !== 'advice') {
        // First time — or the online 0200 of this STAN never left (not-sent, then approved offline).
        const replace = sent !== undefined;
        sent = buildAdvice(a, batch);
        this.store.recordSent(a.stan, sent, replace);
      }
      const out = await this.send(
        specNamed('advice'),
        this.msg(sent.mti, sent.fields),
        Math.max(1, attempts),
        a.stan,
      );
      // Sent and unanswered: the host owes its 0230 (drained before a settlement).
      if (out.kind === 'unknown') this.store.markAwaiting(a.stan, 'answer', this.where);
      if (out.kind !== 'answer') {
        if (results.length === 0) return out;
        break;
      }
      const ans = out.answer;
      results.push({ stan: a.stan, result: ans.result, ...(ans.code ? { code: ans.code } : {}) });
    }
    return { kind: 'answer', answer: { result: 'approved', advice: { results }, extra: {} } };
  }

  private msg(mti: string, fields: IsoFields): IsoMessage {
    const t = this.o.tpdu ?? { destination: 1, source: 0 };
    return {
      tpdu: makeTpdu(P, t.destination, t.source),
      header: makeHeader(P),
      mti,
      fields: { ...fields, 41: this.o.terminalId, 42: this.o.merchantId },
    };
  }

  private tmk(): Uint8Array {
    return typeof this.o.tmk === 'function' ? this.o.tmk() : this.o.tmk;
  }

  private async doSignOn(): Promise<true | string> {
    try {
      this.tmk();
    } catch (e) {
      this.o.log?.(`ALERT iso8583: ${(e as Error).message}`);
      return (e as Error).message;
    }
    this.signOnStan = (this.signOnStan % 999_999) + 1;
    const ks = this.o.keySet;
    // The terminal sends its current batch (0 if none); the host answers the batch to use.
    const req = this.msg('0800', {
      11: stan6(this.signOnStan),
      60: formatField60({ typeCode: '00', batch: this.store.batch(), networkCode: ks.networkCode }),
      63: this.o.operator ?? '001',
    });
    const wire = await this.link.exchange(encodeFrame(P, req, { keySet: ks.name }), this.o.timeoutMs);
    if (wire.kind !== 'answer') return wire.detail;
    try {
      const a = decodeFrame(P, wire.frame, { keySet: ks.name });
      checkAnswer(specNamed('sign-on'), a);
      if (a.fields[39] !== '00') return `sign-on declined ${String(a.fields[39])}`;
      this.keys = unwrapWorkingKeys(ks, this.tmk(), a.fields[62] as Uint8Array);
      const batch = parseField60(String(a.fields[60])).batch;
      this.lastSignOnAt = (this.o.now?.() ?? new Date()).toISOString();
      this.store.setBatch(batch, this.lastSignOnAt);
      this.needSignOn = false;
      this.o.log?.(`iso8583: signed on, batch ${batch}`);
      return true;
    } catch (e) {
      return e instanceof Iso8583Error ? `sign-on answer ${e.code}` : 'sign-on answer unreadable';
    }
  }

  /** Sends up to `sends` times (same fields, same STAN) until a valid answer; classifies the outcome. */
  private async send(
    spec: MessageSpec,
    msg: IsoMessage,
    sends: number,
    stan?: number,
  ): Promise<ExchangeOutcome> {
    const ks = this.o.keySet;
    const macd = spec.request.mandatory.includes(64);
    const encode = () =>
      macd ? encodeWithMac(P, ks, this.keys!.mak, msg) : encodeFrame(P, msg, { keySet: ks.name });
    let frame = encode();
    let last: ExchangeOutcome = { kind: 'not-sent', detail: 'not sent' };
    for (let i = 0; i < sends; i++) {
      // A repeat (0220, 0400) after the host asked for a sign-on goes under the new MAK.
      if (i > 0 && this.needSignOn && (await this.doSignOn()) === true) frame = encode();
      const wire = await this.link.exchange(frame, this.o.timeoutMs);
      if (wire.kind === 'not-sent') {
        // Nothing reached the host this time; an earlier send of the same request may have.
        if (last.kind === 'unknown') continue;
        last = { kind: 'not-sent', detail: wire.detail };
        continue;
      }
      if (wire.kind === 'unknown') {
        last = { kind: 'unknown', failure: 'no-answer', detail: wire.detail };
        continue;
      }
      last = this.readAnswer(spec, msg, wire.frame, stan);
      if (last.kind === 'answer') return last;
    }
    return last;
  }

  private readAnswer(spec: MessageSpec, req: IsoMessage, frame: Uint8Array, stan?: number): ExchangeOutcome {
    const ks = this.o.keySet;
    let a: IsoMessage;
    try {
      a = decodeFrame(P, frame, { keySet: ks.name });
    } catch (e) {
      return {
        kind: 'unknown',
        failure: 'no-answer',
        detail: `answer unparseable: ${(e as Iso8583Error).code}`,
      };
    }
    // The host asks for a sign-on: do it before the next request, whatever this answer says.
    if (processingRequirement(P, a.header) === 3 || a.fields[39] === 'A0') this.needSignOn = true;
    if (a.fields[39] === 'A0')
      return {
        kind: 'unknown',
        failure: 'bad-signature',
        detail: 'host answered A0 (MAC error); signing on again',
      };
    // 41 is ans8, space-padded on the wire: a terminal id shorter than 8 comes back padded.
    const tid = (f: IsoMessage) => (typeof f.fields[41] === 'string' ? f.fields[41].trimEnd() : undefined);
    if (a.mti !== spec.answer.mti || a.fields[11] !== req.fields[11] || tid(a) !== tid(req))
      return { kind: 'unknown', failure: 'bad-signature', detail: `answer ${a.mti} is not this request's` };
    if (spec.answer.mandatory.includes(64)) {
      try {
        assertMac(frameMac(P, ks, this.keys!.mak, frame), a.fields[64]);
      } catch {
        this.o.log?.(
          `ALERT iso8583: answer ${a.mti} to stan ${String(req.fields[11])} has a wrong MAC: no answer`,
        );
        return { kind: 'unknown', failure: 'bad-signature', detail: 'answer MAC does not match' };
      }
    }
    const rc = String(a.fields[39]);
    const approved = rc === '00';
    let hostTotals: ReturnType<typeof parseField48> | undefined;
    let balanceFen: number | undefined;
    try {
      if (typeof a.fields[48] === 'string') hostTotals = parseField48(a.fields[48]);
      if (typeof a.fields[54] === 'string') balanceFen = parseField54(a.fields[54]);
    } catch (e) {
      return {
        kind: 'unknown',
        failure: 'no-answer',
        detail: `answer field unreadable: ${(e as Iso8583Error).code}`,
      };
    }
    const answer: IssuerAnswer = {
      result: approved ? 'approved' : 'declined',
      ...(approved ? {} : { code: codeOf(rc, req) }),
      ...(balanceFen !== undefined ? { balanceFen } : {}),
      ...(typeof a.fields[38] === 'string' ? { authCode: a.fields[38].trimEnd() } : {}),
      extra: {
        responseCode: rc,
        ...(typeof a.fields[37] === 'string' ? { rrn: a.fields[37] } : {}),
        ...(hostTotals ? { hostTotals } : {}),
      },
    };
    if (stan !== undefined)
      this.store.recordAnswer(stan, {
        rc,
        ...(approved && typeof a.fields[37] === 'string' ? { rrn: a.fields[37] } : {}),
        ...(approved && typeof a.fields[38] === 'string' ? { auth: a.fields[38] } : {}),
        // 13 of the answer (refunds name it); an advice's 0230 has none: the terminal's Beijing date.
        ...(approved && typeof a.fields[13] === 'string'
          ? { date13: a.fields[13] }
          : approved && typeof req.fields[13] === 'string'
            ? { date13: req.fields[13] }
            : {}),
      });
    return { kind: 'answer', answer };
  }
}
