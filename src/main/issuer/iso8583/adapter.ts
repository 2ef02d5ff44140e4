/**
 * The `iso8583-cup` adapter of the issuer port (src/main/issuer/port.ts): the UnionPay POS dialect
 * of ISO8583-CUP.md over TCP (tcp-link.ts), built on the shared codec (src/shared/iso8583).
 *
 *  - Sign-on before the first request, after header nibble 3 or `A0`: working keys from field 62
 *    under the TMK, check values verified (a mismatch is a failed sign-on: nothing is sent).
 *  - MAC on every request and answer that lists 64; an answer whose MAC is wrong, whose 11/41 are
 *    not this request's, or that does not parse, is no answer: `unknown` (the runner reverses).
 *  - Retransmission: a 0200 (sale, inquiry, void) is sent once — its lost answer is reversed, never
 *    resent; a 0220 (refund) and the 0400 reversal are sent again with the same STAN, up to
 *    `attempts` times in one exchange (the runner repeats the reversal until it is answered).
 *  - Trace numbers: 11 = the terminal's STAN modulo 1,000,000 (the page's rule; deterministic, so a
 *    command replayed after a restart is the same request), the reversal's 11 the original's.
 *  - What the port does not carry (a reversal's original fields; a void's PAN, 37 and 38) is kept
 *    here, in memory, from the original exchange: see docs/issuer-protocol.md for what is lost on a
 *    restart and what the port would need.
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
  formatField61,
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
import type { ExchangeOutcome, IssuerAnswer, IssuerCommand, IssuerPort, SignOnResult } from '../port';
import type { KeySet } from './keysets';
import { encodeWithMac, frameMac, unwrapWorkingKeys, type WorkingKeys } from './working-keys';
import { Iso8583TcpLink, type TcpEndpoint } from './tcp-link';

const P = CUP_PROFILE;

export interface Iso8583CupOptions {
  endpoint: TcpEndpoint;
  terminalId: string;
  merchantId: string;
  keySet: KeySet;
  /** The terminal master key (sealed at rest by the caller; never logged). */
  tmk: Uint8Array;
  /** Answer timeout per send (the page's default is 30 s). */
  timeoutMs: number;
  /** Field 63 of sign-on and settlement. */
  operator?: string;
  /** TPDU addresses (default destination 0001, source 0000). */
  tpdu?: { destination: number; source: number };
  log?: (line: string) => void;
}

/** Field 39 in the core's words. */
const CODE_OF_RC: Record<string, ErrorCode> = {
  '51': 'INSUFFICIENT_BALANCE',
  '54': 'CARD_EXPIRED',
  '41': 'CARD_LOST',
  '62': 'CARD_FROZEN',
  '78': 'CARD_NOT_ACTIVATED',
  '14': 'CARD_UNKNOWN',
  '55': 'BAD_PIN',
  '75': 'BAD_PIN',
  '61': 'AMOUNT_EXCEEDS_ORIGINAL',
  '12': 'ALREADY_REVERSED',
  '25': 'NOT_FOUND',
  '94': 'DUPLICATE_STAN',
};

/** POS entry mode 22 (first two digits; third `1`: the terminal can take a password). */
function entryMode(mode: string): string {
  const m: Record<string, string> = {
    manual: '01',
    swipe: '02',
    // A keyboard-wedge reader types a track: a magstripe read as far as the host is concerned.
    wedge: '02',
    scan: '03',
    chip: '05',
    contactless: '07',
  };
  return (m[mode] ?? '02') + '1';
}

interface Original {
  /** The 0200 as sent (its reversal repeats its fields). */
  msg: IsoMessage;
  spec: MessageSpec;
  /** 37, 38 and 13 of its approved answer (a void and a refund name them). */
  rrn?: string;
  auth?: string;
  date13?: string;
}

const stan6 = (stan: number) => String(stan % 1_000_000).padStart(6, '0');
const fen12 = (fen: number) => String(fen).padStart(12, '0');

export class Iso8583CupAdapter implements IssuerPort {
  readonly protocol = 'iso8583-cup';
  private readonly link: Iso8583TcpLink;
  private keys: WorkingKeys | undefined;
  private batch = 0;
  private needSignOn = true;
  private signOnStan = 0;
  private readonly originals = new Map<number, Original>();

  constructor(private readonly o: Iso8583CupOptions) {
    this.link = new Iso8583TcpLink(o.endpoint, P);
  }

  /** The batch (60.2) in use, for the terminal's records. */
  get currentBatch(): number {
    return this.batch;
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
    const r = await this.doSignOn();
    if (r !== true) throw new TillError('ISSUER_UNREACHABLE', r);
    return {};
  }

  async exchange(cmd: IssuerCommand, attempts: number): Promise<ExchangeOutcome> {
    if (this.link.isCut()) return { kind: 'not-sent', detail: 'link cut' };
    if (this.needSignOn || !this.keys) {
      const s = await this.doSignOn();
      if (s !== true) return { kind: 'not-sent', detail: `sign-on: ${s}` };
    }
    switch (cmd.kind) {
      case 'echo':
        return this.send(
          this.spec('echo'),
          this.msg('0820', {
            11: stan6(cmd.stan),
            60: formatField60({ typeCode: '00', batch: this.batch, networkCode: '301' }),
          }),
          1,
        );
      case 'authorize':
      case 'inquire': {
        const spec = this.spec(cmd.kind === 'authorize' ? 'purchase' : 'balance');
        const fields: IsoFields = {
          2: cmd.card.pan,
          3: spec.processingCode!,
          ...(cmd.kind === 'authorize' ? { 4: fen12(cmd.amountFen) } : {}),
          11: stan6(cmd.stan),
          ...(cmd.card.expiry && /^\d{4}$/.test(cmd.card.expiry) ? { 14: cmd.card.expiry } : {}),
          22: entryMode(cmd.card.entryMode),
          25: '00',
          49: '156',
          60: formatField60({ typeCode: spec.typeCode!, batch: this.batch }),
        };
        const msg = this.msg('0200', fields);
        if (spec.name === 'purchase') this.originals.set(cmd.stan, { msg, spec });
        return this.send(spec, msg, 1, cmd.stan); // a 0200 is never resent
      }
      case 'void': {
        const orig = this.originals.get(cmd.origStan);
        if (!orig?.rrn || !orig.auth)
          return { kind: 'not-sent', detail: `original ${cmd.origStan} not known to this link` };
        const spec = this.spec('void');
        const o60 = parseField60(String(orig.msg.fields[60]));
        const msg = this.msg('0200', {
          ...pick(orig.msg.fields, [2, 22, 25, 49]),
          3: spec.processingCode!,
          4: fen12(cmd.amountFen),
          11: stan6(cmd.stan),
          37: orig.rrn,
          38: orig.auth,
          60: formatField60({ typeCode: spec.typeCode!, batch: this.batch }),
          61: formatField61({ batch: o60.batch, stan: Number(orig.msg.fields[11]) }),
        });
        this.originals.set(cmd.stan, { msg, spec });
        return this.send(spec, msg, 1, cmd.stan);
      }
      case 'refund': {
        const orig = cmd.origStan !== undefined ? this.originals.get(cmd.origStan) : undefined;
        if (!orig?.rrn || !orig.date13)
          return {
            kind: 'not-sent',
            detail: 'refund: original not known to this link (unlinked refunds are not in this profile)',
          };
        const spec = this.spec('refund');
        const o60 = parseField60(String(orig.msg.fields[60]));
        const msg = this.msg('0220', {
          ...pick(orig.msg.fields, [2, 22, 25, 49]),
          3: spec.processingCode!,
          4: fen12(cmd.amountFen),
          11: stan6(cmd.stan),
          37: orig.rrn,
          60: formatField60({ typeCode: spec.typeCode!, batch: this.batch }),
          61: formatField61({ batch: o60.batch, stan: Number(orig.msg.fields[11]), date: orig.date13 }),
        });
        return this.send(spec, msg, Math.max(1, attempts)); // 0220: resent with the same STAN
      }
      case 'reverse': {
        const orig = this.originals.get(cmd.origStan);
        if (!orig) return { kind: 'not-sent', detail: `original ${cmd.origStan} not known to this link` };
        // The original's fields and STAN (11), no 26/52/53, plus 39 = 98 (no answer).
        const fields: IsoFields = { ...orig.msg.fields, 39: '98' };
        for (const f of [26, 52, 53, 64]) delete fields[f];
        const out = await this.send(this.spec('reversal'), this.msg('0400', fields), Math.max(1, attempts));
        if (out.kind === 'answer') {
          // Any 0410 ends the repeats; 12 / 25 in it are exceptions for the manager (the code says which).
          const rc = out.answer.code;
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
        return out;
      }
      case 'settle': {
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
          60: formatField60({ typeCode: '00', batch: this.batch, networkCode: '201' }),
          63: this.o.operator ?? '001',
        });
        const out = await this.send(this.spec('settlement'), msg, 1);
        // After any 0510 the terminal moves to the next batch (modulo 1,000,000, skipping 0).
        if (out.kind === 'answer') this.batch = (this.batch % 999_999) + 1;
        return out;
      }
      default:
        return { kind: 'not-sent', detail: `${cmd.kind} is not in the iso8583-cup profile of this link` };
    }
  }

  private spec(name: string): MessageSpec {
    return P.messages.find((m) => m.name === name)!;
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

  private async doSignOn(): Promise<true | string> {
    this.signOnStan = (this.signOnStan % 999_999) + 1;
    const ks = this.o.keySet;
    const req = this.msg('0800', {
      11: stan6(this.signOnStan),
      60: formatField60({ typeCode: '00', batch: this.batch, networkCode: ks.networkCode }),
      63: this.o.operator ?? '001',
    });
    const wire = await this.link.exchange(encodeFrame(P, req, { keySet: ks.name }), this.o.timeoutMs);
    if (wire.kind !== 'answer') return wire.detail;
    try {
      const a = decodeFrame(P, wire.frame, { keySet: ks.name });
      checkAnswer(this.spec('sign-on'), a);
      if (a.fields[39] !== '00') return `sign-on declined ${String(a.fields[39])}`;
      this.keys = unwrapWorkingKeys(ks, this.o.tmk, a.fields[62] as Uint8Array);
      this.batch = parseField60(String(a.fields[60])).batch;
      this.needSignOn = false;
      this.o.log?.(`iso8583: signed on, batch ${this.batch}`);
      return true;
    } catch (e) {
      return e instanceof Iso8583Error ? `sign-on answer ${e.code}` : 'sign-on answer unreadable';
    }
  }

  /** Sends up to `sends` times (same bytes, same STAN) until a valid answer; classifies the outcome. */
  private async send(
    spec: MessageSpec,
    msg: IsoMessage,
    sends: number,
    origStan?: number,
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
      last = this.readAnswer(spec, msg, wire.frame, origStan);
      if (last.kind === 'answer') return last;
    }
    return last;
  }

  private readAnswer(
    spec: MessageSpec,
    req: IsoMessage,
    frame: Uint8Array,
    origStan?: number,
  ): ExchangeOutcome {
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
    if (a.mti !== spec.answer.mti || a.fields[11] !== req.fields[11] || a.fields[41] !== req.fields[41])
      return { kind: 'unknown', failure: 'bad-signature', detail: `answer ${a.mti} is not this request's` };
    if (spec.answer.mandatory.includes(64)) {
      try {
        assertMac(frameMac(P, ks, this.keys!.mak, frame), a.fields[64]);
      } catch {
        return { kind: 'unknown', failure: 'bad-signature', detail: 'answer MAC does not match' };
      }
    }
    const rc = String(a.fields[39]);
    const approved = rc === '00';
    const answer: IssuerAnswer = {
      result: approved ? 'approved' : 'declined',
      ...(approved ? {} : { code: CODE_OF_RC[rc] ?? 'ISSUER_ERROR' }),
      ...(typeof a.fields[54] === 'string' ? { balanceFen: parseField54(a.fields[54]) } : {}),
      ...(typeof a.fields[38] === 'string' ? { authCode: a.fields[38].trimEnd() } : {}),
      extra: {
        responseCode: rc,
        ...(typeof a.fields[37] === 'string' ? { rrn: a.fields[37] } : {}),
        ...(typeof a.fields[48] === 'string' ? { settlement: parseField48(a.fields[48]) } : {}),
      },
    };
    if (origStan !== undefined && approved) {
      const o = this.originals.get(origStan);
      if (o) {
        o.rrn = String(a.fields[37]);
        o.auth = typeof a.fields[38] === 'string' ? a.fields[38] : undefined;
        o.date13 = String(a.fields[13]);
      }
    }
    return { kind: 'answer', answer };
  }
}

function pick(fields: IsoFields, nums: number[]): IsoFields {
  const out: IsoFields = {};
  for (const n of nums) if (fields[n] !== undefined) out[n] = fields[n];
  return out;
}
