/**
 * The `cardtill-json` adapter of the issuer port (port.ts): CardTill's own signed JSON over HTTP
 * (docs/issuer-protocol.md), on top of HttpIssuerLink.
 *
 *  - Encoding: a command becomes `{type, terminalId, merchantId, stan, time, nonce, …fields}`;
 *    the nonce is the command's id, so the same command always encodes to the same bytes — a
 *    retry (in this exchange, or after a restart from the sealed command) is the same request and
 *    the issuer's idempotency by (terminalId, stan) holds.
 *  - Retransmission: the same bytes again, up to `attempts` sends (online.ts + state-machine.ts).
 *  - Trace numbers: the terminal's STAN as is (this protocol's `stan` never wraps).
 *  - Key exchange: `enrol` (enrol.ts).
 */
import type { IssuerResponse } from '../../shared/issuer-protocol';
import { SettlementAnswer } from '../../shared/issuer-settlement';
import { AdviceAnswer, HotcardsAnswer } from '../../shared/issuer-protocol-offline';
import { TillError } from '../../shared/errors';
import { sendWithRetries } from '../terminal/online';
import { enrolTerminal } from './enrol';
import type { MessageVerifier } from './envelope';
import type { IssuerLink } from './link';
import type {
  ExchangeOutcome,
  IssuerAnswer,
  IssuerCommand,
  IssuerPort,
  SignOnRequest,
  SignOnResult,
} from './port';

/** The wire `type` of each command kind. */
const WIRE_TYPE: Record<IssuerCommand['kind'], string> = {
  authorize: 'authorize',
  inquire: 'inquiry',
  void: 'void',
  refund: 'refund',
  activate: 'activate',
  topup: 'topup',
  password: 'password',
  chip_load_auth: 'chip-load-auth',
  reverse: 'reverse',
  advice: 'advice',
  hotcards: 'hotcards',
  settle: 'settle',
  echo: 'echo',
};

export type WireMessage = Record<string, unknown> & {
  type: string;
  stan: number;
  nonce: string;
  terminalId: string;
};

export interface CardTillJsonOptions {
  link: IssuerLink;
  terminalId: string;
  merchantId: string;
  /** For sign-on: the issuer's base URL and key (absent: this adapter cannot sign on). */
  url?: string;
  issuerVerifier?: MessageVerifier;
  timeoutMs: number;
  now: () => Date;
}

/** The exact wire message of a command (pure: same command → same message). */
export function encodeCommand(
  cmd: IssuerCommand,
  ids: { terminalId: string; merchantId: string },
): WireMessage {
  const header = {
    type: WIRE_TYPE[cmd.kind],
    terminalId: ids.terminalId,
    merchantId: ids.merchantId,
    stan: cmd.stan,
    time: cmd.time,
    nonce: cmd.id,
  };
  switch (cmd.kind) {
    case 'authorize':
      return {
        ...header,
        card: cmd.card,
        amountFen: cmd.amountFen,
        otherTenderFen: cmd.otherTenderFen,
        ...(cmd.pinBlock !== undefined ? { pinBlock: cmd.pinBlock } : {}),
      };
    case 'password':
      return {
        ...header,
        card: cmd.card,
        ...(cmd.pinBlock !== undefined ? { pinBlock: cmd.pinBlock } : {}),
        ...(cmd.newPinBlock !== undefined ? { newPinBlock: cmd.newPinBlock } : {}),
      };
    case 'inquire':
      return { ...header, card: cmd.card };
    case 'void':
      return { ...header, origStan: cmd.origStan, amountFen: cmd.amountFen };
    case 'refund':
      return {
        ...header,
        amountFen: cmd.amountFen,
        ...(cmd.origStan !== undefined ? { origStan: cmd.origStan } : { card: cmd.card }),
      };
    case 'activate':
    case 'topup':
      return { ...header, card: cmd.card, amountFen: cmd.amountFen, cashFen: cmd.cashFen };
    case 'chip_load_auth':
      return { ...header, ...cmd.load };
    case 'reverse':
      return { ...header, origStan: cmd.origStan };
    case 'advice':
      return { ...header, advices: cmd.advices };
    case 'hotcards':
      return { ...header, sinceVersion: cmd.sinceVersion };
    case 'settle':
      return {
        ...header,
        batchNo: cmd.batchNo,
        fromStan: cmd.fromStan,
        toStan: cmd.toStan,
        carriedStans: cmd.carriedStans,
        excludedStans: cmd.excludedStans,
        totals: cmd.totals,
        ...(cmd.chip && cmd.chip.length > 0 ? { chip: cmd.chip } : {}),
      };
    case 'echo':
      return header;
  }
}

/** The common answer fields in domain terms; the message's own fields stay in `extra`. */
export function decodeAnswer(r: IssuerResponse): IssuerAnswer {
  // The header fields were checked by the link (this request's); they are not the answer's content.
  const extra: Record<string, unknown> = { ...r };
  for (const k of [
    'type',
    'terminalId',
    'stan',
    'nonce',
    'time',
    'result',
    'code',
    'balanceFen',
    'authCode',
    'orig',
  ])
    delete extra[k];
  const { result, code, balanceFen, authCode, orig } = r;
  return {
    result,
    ...(code !== undefined ? { code } : {}),
    ...(balanceFen !== undefined ? { balanceFen } : {}),
    ...(authCode !== undefined ? { authCode } : {}),
    ...(orig
      ? {
          original: {
            found: orig.found,
            applied: orig.found && orig.result === 'approved',
            reversed: orig.reversed === true,
          },
        }
      : {}),
    extra,
  };
}

/**
 * The answer with its message-specific part typed: an approved `settle` answer's `settlement`
 * field (docs/issuer-protocol.md "settle"), an `advice` answer's per-advice results, a `hotcards`
 * answer's list. One that cannot be read says so in `malformed`; a refused settlement carries none.
 */
export function typedAnswer(kind: IssuerCommand['kind'], r: IssuerResponse): IssuerAnswer {
  const a = decodeAnswer(r);
  const bad = (what: string, e: { issues: Array<{ message: string }> }): IssuerAnswer => ({
    ...a,
    malformed: `not ${what} (${e.issues[0]?.message ?? 'invalid'})`,
  });
  if (kind === 'settle' && a.result === 'approved') {
    const p = SettlementAnswer.safeParse(a.extra.settlement);
    return p.success ? { ...a, settlement: p.data } : bad('a settlement', p.error);
  }
  if (kind === 'advice') {
    const p = AdviceAnswer.safeParse(a.extra);
    return p.success ? { ...a, advice: p.data } : bad('an advice answer', p.error);
  }
  if (kind === 'hotcards') {
    const p = HotcardsAnswer.safeParse(a.extra);
    return p.success ? { ...a, hotcards: p.data } : bad('a hot-card list', p.error);
  }
  return a;
}

export class CardTillJsonAdapter implements IssuerPort {
  readonly protocol = 'cardtill-json';
  constructor(private readonly o: CardTillJsonOptions) {}

  async exchange(cmd: IssuerCommand, attempts: number): Promise<ExchangeOutcome> {
    const msg = encodeCommand(cmd, this.o);
    const v = await sendWithRetries(this.o.link, msg, attempts);
    if (v.kind === 'answer') {
      return { kind: 'answer', answer: typedAnswer(cmd.kind, v.response) };
    }
    if (v.kind === 'unreachable') return { kind: 'not-sent', detail: v.lastError };
    return { kind: 'unknown', failure: v.failure, detail: v.lastError };
  }

  signOn(req: SignOnRequest): Promise<SignOnResult> {
    if (!this.o.url || !this.o.issuerVerifier)
      return Promise.reject(new TillError('INVALID_STATE', 'this issuer entry has no enrolment endpoint'));
    return enrolTerminal({
      url: this.o.url,
      terminalId: this.o.terminalId,
      merchantId: this.o.merchantId,
      enrolToken: req.enrolToken,
      keys: req.keys,
      ...(req.enrolledKeyVersion !== undefined ? { enrolledKeyVersion: req.enrolledKeyVersion } : {}),
      timeoutMs: this.o.timeoutMs,
      now: this.o.now,
      issuerVerifier: this.o.issuerVerifier,
    });
  }

  setCut(cut: boolean): void {
    this.o.link.setCut(cut);
  }
  isCut(): boolean {
    return this.o.link.isCut();
  }
}
