/**
 * The ISO 8583 face of the issuer simulator, one frame in → one answer out (or "close the
 * connection"), on the same IssuerLedger as the JSON face. ISO8583-CUP.md is the contract:
 *
 *  - a frame that cannot be parsed closes the connection; a parseable but wrong request is `30`;
 *  - every request that lists 64 has its MAC checked under the terminal's MAK (`A0` when wrong or
 *    when the terminal never signed on: not recorded), every answer that lists 64 is MAC'd;
 *  - idempotency is the ledger's (terminal, STAN) record, with the terminal named
 *    `iso8583:<41>` (`iso8583-rev:` for reversals, `iso8583-set:` for settlement: the key's MTI
 *    class) and the STAN `60.2 × 1,000,000 + 11`, so batches and faces never collide;
 *  - header nibble 3 on every answer to a terminal while the host wants it to sign on again.
 */
import { createHash, randomBytes } from 'node:crypto';
import type { IssuerLedger } from '../ledger';
import {
  CUP_PROFILE,
  Iso8583Error,
  assertMac,
  checkFields,
  decodeFrame,
  encodeFrame,
  formatField48,
  formatField60,
  identifyRequest,
  makeHeader,
  parseField48,
  parseField60,
  parseField61,
  swapTpdu,
  type IsoFields,
  type IsoMessage,
  type MessageSpec,
} from '../../shared/iso8583';
import type { KeySet } from '../../shared/iso8583/keysets';
import { encodeWithMac, frameMac, wrapWorkingKeys } from '../../shared/iso8583/working-keys';
import { RC, RC_OF_LEDGER, type ResponseCode } from './codes';
import { IsoTxnStore } from './store';
import {
  decideActivation,
  decideAdvice,
  decideBalance,
  decideDebitOrCredit,
  decideRefund,
  decideReversal,
  decideVoid,
  hostTimeFields,
  reversedName,
  reversalMatches,
  type DecideCtx,
  type HostFields,
} from './decide';

const P = CUP_PROFILE;
/** Answers echo these as received (ISO8583-CUP.md "Answers"). */
const ECHOED = [2, 3, 4, 11, 25, 41, 42, 49, 60];

export interface IsoHostOptions {
  ledger: IssuerLedger;
  keySet: KeySet;
  /** The terminal master key every terminal of this host shares with it (`--tmk HEX`). */
  tmk: Uint8Array;
  now?: () => Date;
  log?: (line: string) => void;
}

interface Session {
  pik: Uint8Array;
  mak: Uint8Array;
  batch: number;
}

export class IsoHost {
  private readonly sessions = new Map<string, Session>();
  private readonly wantSignOn = new Set<string>();
  private readonly store: IsoTxnStore;
  private readonly now: () => Date;

  constructor(private readonly opts: IsoHostOptions) {
    this.store = new IsoTxnStore(opts.ledger.db);
    this.now = opts.now ?? (() => new Date());
  }

  private badMacAnswers = 0;
  private droppedAnswers = 0;

  /** Test switch: the next `n` requests are decided but their answers are lost (the connection closes). */
  dropAnswers(n: number): void {
    this.droppedAnswers = n;
  }

  /** Test switch: the next `n` MAC'd answers carry a wrong MAC (the terminal must treat them as no answer). */
  corruptAnswerMacs(n: number): void {
    this.badMacAnswers = n;
  }

  /** Test switch: every signed-on terminal is asked (header nibble 3) to sign on again. */
  requireSignOn(): void {
    for (const tid of this.sessions.keys()) this.wantSignOn.add(tid);
  }

  /** Test hook: the PIK of a terminal's current session (tests look for its PIN blocks on disk). */
  sessionPik(terminalId: string): Uint8Array | undefined {
    return this.sessions.get(terminalId)?.pik;
  }

  /** The host's field-48 totals (tests compare them with the terminal's). */
  totals(terminalId: string, batch: number) {
    return this.store.totals(terminalId, batch);
  }

  /** One request frame → its answer frame, or null: close the connection (an unparseable frame). */
  handle(frame: Uint8Array): Uint8Array | null {
    let req: IsoMessage;
    try {
      req = decodeFrame(P, frame, { keySet: this.opts.keySet.name });
    } catch (e) {
      if (e instanceof Iso8583Error) {
        this.opts.log?.(`iso8583: closing on ${e.code}`);
        return null;
      }
      throw e;
    }
    const tid = typeof req.fields[41] === 'string' ? req.fields[41].trimEnd() : '';
    let spec: MessageSpec;
    try {
      spec = identifyRequest(P, req);
    } catch {
      return this.formatErrorAnswer(req, tid);
    }
    const session = this.sessions.get(tid);
    if (spec.request.mandatory.includes(64)) {
      // Checked before anything else: a request the MAC does not cover is not looked at, and not recorded.
      if (!session) return this.answer(req, spec, tid, { 39: RC.macError }, true);
      try {
        assertMac(frameMac(P, this.opts.keySet, session.mak, frame), req.fields[64]);
      } catch {
        return this.answer(req, spec, tid, { 39: RC.macError });
      }
    }
    const bad = this.formatProblem(req, spec);
    if (bad) {
      this.opts.log?.(`iso8583: format error ${bad}`);
      return this.answer(req, spec, tid, { 39: RC.formatError, ...this.fresh() });
    }
    try {
      const answer = this.dispatch(req, spec, tid, session);
      if (this.droppedAnswers > 0) {
        this.droppedAnswers--;
        return null;
      }
      return answer;
    } catch (e) {
      this.opts.log?.(`iso8583: host malfunction ${(e as Error).message}`);
      return this.answer(req, spec, tid, { 39: RC.hostMalfunction, ...this.fresh() });
    }
  }

  /** ISO8583-CUP.md: missing field, wrong 60.1, 49 ≠ 156, 26/52/53 not together, amount 0 → `30`. */
  private formatProblem(req: IsoMessage, spec: MessageSpec): string | undefined {
    try {
      checkFields(req, spec.request);
      parseField60(String(req.fields[60]));
      if (req.fields[61] !== undefined) {
        const ref = parseField61(String(req.fields[61]));
        if (spec.name === 'refund' && ref.date === undefined) return '61 of a refund without its date';
        if (spec.name === 'void' && ref.date !== undefined) return '61 of a void with a date';
      }
    } catch (e) {
      return e instanceof Iso8583Error ? e.code : 'bad request';
    }
    if (req.fields[49] !== undefined && req.fields[49] !== '156') return 'currency';
    const pinParts = [26, 52, 53].filter((f) => req.fields[f] !== undefined).length;
    if (pinParts !== 0 && pinParts !== 3) return '26/52/53 not together';
    if (req.fields[26] !== undefined && req.fields[26] !== '06') return '26';
    if (req.fields[53] !== undefined && req.fields[53] !== this.opts.keySet.securityControl) return '53';
    if (req.fields[4] !== undefined && Number(req.fields[4]) === 0) return 'amount 0';
    return undefined;
  }

  private fresh(): IsoFields {
    const now = this.now();
    return hostTimeFields(now, this.store.nextRrn(now));
  }

  private dispatch(
    req: IsoMessage,
    spec: MessageSpec,
    tid: string,
    session: Session | undefined,
  ): Uint8Array {
    switch (spec.name) {
      case 'sign-on':
        return this.signOn(req, spec, tid);
      case 'echo':
        return this.answer(req, spec, tid, { 39: RC.approved, ...this.fresh() });
      case 'settlement':
        return this.settle(req, spec, tid);
      case 'reversal':
        return this.financial(req, spec, tid, session!, 'rev');
      default:
        return this.financial(req, spec, tid, session!, 'orig');
    }
  }

  private signOn(req: IsoMessage, spec: MessageSpec, tid: string): Uint8Array {
    const info = parseField60(String(req.fields[60]));
    const ks = this.opts.keySet;
    if (info.networkCode !== ks.networkCode)
      return this.answer(req, spec, tid, { 39: RC.formatError, ...this.fresh() });
    // The terminal sends its current batch (0 if none); the host answers the batch to use.
    const batch = info.batch === 0 ? 1 : info.batch;
    const keys = { pik: new Uint8Array(randomBytes(16)), mak: new Uint8Array(randomBytes(16)) };
    this.sessions.set(tid, { ...keys, batch });
    this.wantSignOn.delete(tid);
    return this.answer(req, spec, tid, {
      ...this.fresh(),
      39: RC.approved,
      60: formatField60({ typeCode: '00', batch, networkCode: ks.networkCode }),
      62: wrapWorkingKeys(ks, this.opts.tmk, keys),
    });
  }

  private settle(req: IsoMessage, spec: MessageSpec, tid: string): Uint8Array {
    const batch = parseField60(String(req.fields[60])).batch;
    const stan = Number(req.fields[11]);
    const { response } = this.opts.ledger.idempotent(
      {
        terminalId: `iso8583-set:${tid}`,
        stan: batch * 1e6 + stan,
        type: 'settle',
        requestHash: repeatHash(req),
      },
      () => ({ result: 'approved' }),
      (d) => {
        if (d.code) return JSON.stringify(this.codeOnly(d.code));
        const host = this.store.totals(tid, batch);
        let result: 1 | 2 | 3;
        try {
          const t = parseField48(String(req.fields[48]));
          const same =
            t.saleCount === host.saleCount % 1000 &&
            t.saleFen === host.saleFen &&
            t.creditCount === host.creditCount % 1000 &&
            t.creditFen === host.creditFen;
          result = same ? 1 : 2;
        } catch {
          result = 3; // the request's 48 is not 31 digits
        }
        return JSON.stringify({ ...this.fresh(), 39: RC.approved, 48: formatField48({ ...host, result }) });
      },
    );
    return this.answer(req, spec, tid, JSON.parse(response) as HostFields);
  }

  private codeOnly(code: string): HostFields {
    return {
      ...this.fresh(),
      39: (RC_OF_LEDGER as Record<string, ResponseCode>)[code] ?? RC.hostMalfunction,
    };
  }

  private financial(
    req: IsoMessage,
    spec: MessageSpec,
    tid: string,
    session: Session,
    cls: 'orig' | 'rev',
  ): Uint8Array {
    const info = parseField60(String(req.fields[60]));
    const stan = Number(req.fields[11]);
    const ledgerTid = `iso8583:${tid}`;
    const ledgerStan = info.batch * 1e6 + stan;
    const ctx: DecideCtx = {
      ledger: this.opts.ledger,
      store: this.store,
      keySet: this.opts.keySet,
      pik: session.pik,
      tid,
      batch: info.batch,
      stan,
      ledgerTid,
      ledgerStan,
      req,
      now: this.now(),
    };
    if (cls === 'orig') {
      // The original sent again after its reversal is `12` (the ledger's stored answer is not replayed).
      const prior = this.opts.ledger.request(ledgerTid, ledgerStan);
      if (prior?.reversed && prior.type !== 'tombstone')
        return this.answer(req, spec, tid, this.codeOnly('ALREADY_REVERSED'));
    }
    if (cls === 'rev') {
      // A 0400 that does not match its original (`25`) is not recorded under the key: the right
      // reversal, when it comes, must still be applied (else the card would stay debited).
      const prior = this.opts.ledger.request(ledgerTid, ledgerStan);
      const orig = this.store.get(tid, info.batch, stan);
      const name = reversedName(String(req.fields[3]), info.typeCode);
      if (prior && prior.type !== 'tombstone' && (!orig || !reversalMatches(ctx, orig, name)))
        return this.answer(req, spec, tid, { 39: RC.originalNotFound });
    }
    let decided: HostFields | undefined;
    const { response } = this.opts.ledger.idempotent(
      {
        terminalId: cls === 'rev' ? `iso8583-rev:${tid}` : ledgerTid,
        stan: ledgerStan,
        type: cls === 'rev' ? 'reverse' : LEDGER_TYPE[spec.name]!,
        requestHash: repeatHash(req),
      },
      () => {
        decided = this.decide(ctx, spec, req);
        return {
          result: decided[39] === RC.approved ? 'approved' : 'declined',
          amountFen: Number(req.fields[4] ?? 0),
          pan: String(req.fields[2]),
        };
      },
      (d) => JSON.stringify(d.code ? this.codeOnly(d.code) : decided),
    );
    return this.answer(req, spec, tid, JSON.parse(response) as HostFields);
  }

  private decide(ctx: DecideCtx, spec: MessageSpec, req: IsoMessage): HostFields {
    const base = this.fresh();
    switch (spec.name) {
      case 'purchase':
      case 'cash-out':
        return decideDebitOrCredit(ctx, spec.name, base, 'debit');
      case 'top-up':
        return decideDebitOrCredit(ctx, spec.name, base, 'credit');
      case 'activation':
        return decideActivation(ctx, base);
      case 'balance':
        return decideBalance(ctx, base);
      case 'void':
        return decideVoid(ctx, base);
      case 'refund':
        return decideRefund(ctx, base);
      case 'advice':
        return decideAdvice(ctx, base);
      case 'reversal': {
        const typeCode = parseField60(String(req.fields[60])).typeCode;
        return decideReversal(ctx, reversedName(String(req.fields[3]), typeCode));
      }
      default:
        return { ...base, 39: RC.formatError };
    }
  }

  /** The answer to `req`: echoed fields, the host's, only those the answer lists; MAC'd when it lists 64. */
  private answer(
    req: IsoMessage,
    spec: MessageSpec,
    tid: string,
    host: IsoFields,
    signOnNow = false,
  ): Uint8Array {
    const allowed = new Set([...spec.answer.mandatory, ...spec.answer.optional]);
    const fields: IsoFields = {};
    for (const f of ECHOED) if (allowed.has(f) && req.fields[f] !== undefined) fields[f] = req.fields[f];
    for (const [k, v] of Object.entries(host))
      if (allowed.has(Number(k)) && v !== undefined) fields[Number(k)] = v;
    const nibble = signOnNow || this.wantSignOn.has(tid) ? 3 : 0;
    const msg: IsoMessage = {
      tpdu: swapTpdu(req.tpdu),
      header: makeHeader(P, nibble),
      mti: spec.answer.mti,
      fields,
    };
    const session = this.sessions.get(tid);
    if (!allowed.has(64)) return encodeFrame(P, msg, { keySet: this.opts.keySet.name });
    // No MAK yet (never signed on): the answer cannot be MAC'd; its nibble 3 tells the terminal why.
    if (!session) return encodeFrame(P, { ...msg, fields: { ...fields, 64: new Uint8Array(8) } });
    const out = encodeWithMac(P, this.opts.keySet, session.mak, msg);
    if (this.badMacAnswers > 0) {
      this.badMacAnswers--;
      out[out.length - 1] ^= 0x01;
    }
    return out;
  }

  /** A parseable message of no known type: `30` under the answer MTI (request + 10), if it has one. */
  private formatErrorAnswer(req: IsoMessage, tid: string): Uint8Array | null {
    const mti = String(Number(req.mti) + 10).padStart(4, '0');
    const spec = P.messages.find((m) => m.answer.mti === mti && m.mti === req.mti);
    if (!spec) return null;
    return this.answer(req, spec, tid, { 39: RC.formatError, ...this.fresh() });
  }
}

/** The ledger's type for each original: the kinds table's wire names, so a tombstone refuses a late one. */
const LEDGER_TYPE: Record<string, string> = {
  purchase: 'authorize',
  'cash-out': 'authorize',
  'top-up': 'authorize',
  activation: 'authorize',
  advice: 'advice',
  balance: 'inquiry',
  void: 'void',
  refund: 'refund',
};

/** A repeat is the same MTI, 2, 3, 4, 49, 60 and 61 (ISO8583-CUP.md "Idempotency"); anything else is `94`. */
function repeatHash(req: IsoMessage): string {
  const parts = [req.mti, ...[2, 3, 4, 49, 60, 61].map((f) => String(req.fields[f] ?? ''))];
  return createHash('sha256').update(JSON.stringify(parts)).digest('hex');
}
