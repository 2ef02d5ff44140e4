/**
 * A virtual PBOC e-purse card: the card side of ../shared/PBOC-EP.md as a pure state machine from
 * command APDU to response APDU. It keeps the balance, the offline (purchase) and online (load)
 * sequences and draws a pseudo-random number per INITIALIZE; it verifies MAC1 (purchase) and the
 * issuer's MAC2 (load) and produces MAC2/TAC. Its keys are diversified from DEMO-ONLY master keys
 * (demo-keys.ts). The tests put it behind pcscd (test/helpers/vpcd-epurse.ts) and the tearing
 * tests drive it directly.
 *
 * Rules it enforces (the ones a terminal must survive): DEBIT/CREDIT without the matching
 * INITIALIZE just before → 6985 (any other command in between cancels the INITIALIZE, as does a
 * reset); wrong MAC → 9302 and nothing consumed; amount above the balance → 9401; only the latest
 * purchase / load can be proven (GET TRANSACTION PROVE with its sequence), else 9406.
 */
import { randomBytes } from 'node:crypto';
import { fromHex, toHex } from '../apdu';
import {
  algId,
  cardSerial8,
  diversify,
  loadMac1,
  loadMac2,
  loadSessionKey,
  loadTac,
  purchaseMac1,
  purchaseMac2,
  purchaseSessionKey,
  purchaseTac,
  TXN_TYPE,
  u16,
  u32,
  type EpAlg,
} from './crypto';
import { EP_SW, EPURSE_AID, encodePublicInfo, encodeTxnRecord, type TxnRecord } from './codec';
import { DEMO_ISSUER_KEYS, type IssuerMasterKeys } from './demo-keys';

export interface EpurseCardProfile {
  /** Card number, up to 20 digits (left-padded with 0s into the 10-byte application serial). */
  cardNumber: string;
  balanceFen: number;
  offlineSeq?: number;
  onlineSeq?: number;
  keys?: IssuerMasterKeys;
  aid?: string;
  issuerId?: string;
  endDate?: string;
  /**
   * Which sequence GET TRANSACTION PROVE expects: the proved transaction's own ('torn', as
   * PBOC-EP.md has it) or the one a fresh INITIALIZE answers ('next', as one public terminal sends it).
   */
  proveWith?: 'torn' | 'next';
  /** An emulator replaying a fixed MAC2 (hex) instead of computing it: the PSAM must catch it. */
  replayMac2?: string;
  /** Injected for deterministic tests; default: crypto random. */
  random?: () => Uint8Array;
}

type Pending =
  | { kind: 'purchase'; amount: number; tn: Uint8Array; random: Uint8Array; seq: number }
  | { kind: 'load'; amount: number; tn: Uint8Array; random: Uint8Array; seq: number; ses: Uint8Array };

interface Proof {
  seq: number;
  mac2: Uint8Array;
  tac: Uint8Array;
}

const MAX_BALANCE = 0x7fffffff;

export class VirtualEpurseCard {
  balanceFen: number;
  offlineSeq: number;
  onlineSeq: number;
  readonly appSerial: string;
  /** Newest first, as READ RECORD of a cyclic file answers them. */
  readonly records: TxnRecord[] = [];
  private readonly alg: EpAlg;
  private readonly dpk: Uint8Array;
  private readonly dlk: Uint8Array;
  private readonly dtk: Uint8Array;
  private readonly keyVersion: number;
  private readonly aid: string;
  private selected = false;
  private pending: Pending | undefined;
  private lastPurchase: Proof | undefined;
  private lastLoad: Proof | undefined;

  constructor(readonly profile: EpurseCardProfile) {
    const keys = profile.keys ?? DEMO_ISSUER_KEYS;
    const s = cardSerial8(profile.cardNumber);
    this.appSerial = profile.cardNumber.padStart(20, '0');
    this.alg = keys.alg;
    this.keyVersion = keys.keyVersion;
    this.dpk = diversify(keys.alg, keys.purchase, s);
    this.dlk = diversify(keys.alg, keys.load, s);
    this.dtk = diversify(keys.alg, keys.tac, s);
    this.balanceFen = profile.balanceFen;
    this.offlineSeq = profile.offlineSeq ?? 0;
    this.onlineSeq = profile.onlineSeq ?? 0;
    this.aid = (profile.aid ?? EPURSE_AID).toUpperCase();
  }

  /** Power-on / reset: selection and any INITIALIZE are gone. */
  reset(): void {
    this.selected = false;
    this.pending = undefined;
  }

  respond(apdu: Uint8Array): Uint8Array {
    if (apdu.length < 4) return sw(EP_SW.WRONG_LENGTH);
    const [cla, ins, p1, p2] = [apdu[0]!, apdu[1]!, apdu[2]!, apdu[3]!];
    const lc = apdu.length > 5 ? apdu[4]! : 0;
    const data = apdu.subarray(5, 5 + lc);
    if (apdu.length > 5 && data.length !== lc) return sw(EP_SW.WRONG_LENGTH);
    const pending = this.pending;
    this.pending = undefined; // every command but the one completing it cancels an INITIALIZE

    if (cla === 0x00 && ins === 0xa4) {
      if (p1 === 0x04 && toHex(data) === this.aid) return this.select();
      if (p1 === 0x00 && toHex(data) === '1001') return this.select();
      return sw(EP_SW.FILE_NOT_FOUND);
    }
    if (!this.selected) return sw(EP_SW.FILE_NOT_FOUND);
    if (cla === 0x00 && ins === 0xb0) {
      if (p1 !== 0x95) return sw(EP_SW.FILE_NOT_FOUND); // no holder file: an anonymous card
      const file = encodePublicInfo({
        issuerId: this.profile.issuerId ?? '4354494C4C000001',
        appType: 0x02,
        appVersion: 0x01,
        appSerial: this.appSerial,
        startDate: '20240101',
        endDate: this.profile.endDate ?? '20301231',
        issuerData: '0000',
      });
      return ok(file.subarray(p2, p2 + (apdu.length > 4 ? apdu[apdu.length - 1]! || 256 : 30)));
    }
    if (cla === 0x00 && ins === 0xb2 && p2 === ((0x18 << 3) | 4)) {
      const r = this.records[p1 - 1];
      return r ? ok(encodeTxnRecord(r)) : sw(EP_SW.RECORD_NOT_FOUND);
    }
    if (cla !== 0x80) return sw(EP_SW.INS_NOT_SUPPORTED);
    switch (ins) {
      case 0x5c:
        if (p1 !== 0x00 || (p2 !== 0x01 && p2 !== 0x02)) return sw(EP_SW.BAD_P1P2);
        return p2 === 0x02 ? ok(u32(this.balanceFen)) : sw(EP_SW.FUNC_NOT_SUPPORTED);
      case 0x50:
        if (lc !== 0x0b) return sw(EP_SW.WRONG_LENGTH);
        if (p1 === 0x01 && p2 === 0x02) return this.initPurchase(data);
        if (p1 === 0x00 && p2 === 0x02) return this.initLoad(data);
        return sw(EP_SW.BAD_P1P2);
      case 0x54:
        if (lc !== 0x0f) return sw(EP_SW.WRONG_LENGTH);
        return pending?.kind === 'purchase' ? this.debit(pending, data) : sw(EP_SW.CONDITIONS);
      case 0x52:
        if (lc !== 0x0b) return sw(EP_SW.WRONG_LENGTH);
        return pending?.kind === 'load' ? this.credit(pending, data) : sw(EP_SW.CONDITIONS);
      case 0x5a: {
        if (lc !== 2) return sw(EP_SW.WRONG_LENGTH);
        const proof =
          p2 === TXN_TYPE.PURCHASE ? this.lastPurchase : p2 === TXN_TYPE.LOAD ? this.lastLoad : undefined;
        const asked = (data[0]! << 8) | data[1]!;
        const seq = this.profile.proveWith === 'next' ? (asked - 1) & 0xffff : asked;
        if (!proof || proof.seq !== seq) return sw(EP_SW.NOT_PROVABLE);
        return ok(Uint8Array.from([...proof.mac2, ...proof.tac]));
      }
      default:
        return sw(EP_SW.INS_NOT_SUPPORTED);
    }
  }

  private select(): Uint8Array {
    this.selected = true;
    const aid = fromHex(this.aid);
    return ok(Uint8Array.from([0x6f, aid.length + 2, 0x84, aid.length, ...aid]));
  }

  private draw(): Uint8Array {
    return (this.profile.random ?? (() => new Uint8Array(randomBytes(4))))().slice(0, 4);
  }

  private initPurchase(d: Uint8Array): Uint8Array {
    const amount = be(d.subarray(1, 5));
    if (amount > this.balanceFen) return sw(EP_SW.INSUFFICIENT);
    const random = this.draw();
    this.pending = { kind: 'purchase', amount, tn: d.slice(5, 11), random, seq: this.offlineSeq };
    return ok(
      Uint8Array.from([
        ...u32(this.balanceFen),
        ...u16(this.offlineSeq),
        0,
        0,
        0,
        this.keyVersion,
        algId(this.alg),
        ...random,
      ]),
    );
  }

  private debit(p: Extract<Pending, { kind: 'purchase' }>, d: Uint8Array): Uint8Array {
    const tsn = d.slice(0, 4);
    const f = {
      amountFen: p.amount,
      terminalNumber: p.tn,
      terminalSeq: tsn,
      date: d.slice(4, 8),
      time: d.slice(8, 11),
    };
    const ses = purchaseSessionKey(this.alg, this.dpk, p.random, p.seq, tsn);
    if (!same(purchaseMac1(this.alg, ses, f), d.subarray(11, 15))) return sw(EP_SW.MAC_INVALID);
    this.balanceFen -= p.amount;
    this.offlineSeq = (this.offlineSeq + 1) & 0xffff;
    const mac2 = this.profile.replayMac2
      ? fromHex(this.profile.replayMac2)
      : purchaseMac2(this.alg, ses, p.amount);
    const tac = purchaseTac(this.alg, this.dtk, f);
    this.lastPurchase = { seq: p.seq, mac2, tac };
    this.log(p.seq, p.amount, TXN_TYPE.PURCHASE, p.tn, f.date, f.time);
    return ok(Uint8Array.from([...tac, ...mac2]));
  }

  private initLoad(d: Uint8Array): Uint8Array {
    const amount = be(d.subarray(1, 5));
    if (this.balanceFen + amount > MAX_BALANCE) return sw(EP_SW.BAD_DATA);
    const random = this.draw();
    const tn = d.slice(5, 11);
    const ses = loadSessionKey(this.alg, this.dlk, random, this.onlineSeq);
    const mac1 = loadMac1(this.alg, ses, this.balanceFen, amount, tn);
    this.pending = { kind: 'load', amount, tn, random, seq: this.onlineSeq, ses };
    return ok(
      Uint8Array.from([
        ...u32(this.balanceFen),
        ...u16(this.onlineSeq),
        this.keyVersion,
        algId(this.alg),
        ...random,
        ...mac1,
      ]),
    );
  }

  private credit(p: Extract<Pending, { kind: 'load' }>, d: Uint8Array): Uint8Array {
    const date = d.slice(0, 4);
    const time = d.slice(4, 7);
    if (!same(loadMac2(this.alg, p.ses, p.amount, p.tn, date, time), d.subarray(7, 11)))
      return sw(EP_SW.MAC_INVALID);
    this.balanceFen += p.amount;
    const tac = loadTac(this.alg, this.dtk, this.balanceFen, p.seq, p.amount, p.tn, date, time);
    this.onlineSeq = (this.onlineSeq + 1) & 0xffff;
    this.lastLoad = { seq: p.seq, mac2: d.slice(7, 11), tac };
    this.log(p.seq, p.amount, TXN_TYPE.LOAD, p.tn, date, time);
    return ok(tac);
  }

  private log(
    seq: number,
    amount: number,
    type: number,
    tn: Uint8Array,
    date: Uint8Array,
    time: Uint8Array,
  ): void {
    this.records.unshift({
      seq,
      overdraftFen: 0,
      amountFen: amount,
      txnType: type,
      terminalNumber: toHex(tn),
      date: toHex(date),
      time: toHex(time),
    });
    if (this.records.length > 10) this.records.pop();
  }
}

function be(b: Uint8Array): number {
  let v = 0;
  for (const x of b) v = v * 256 + x;
  return v;
}

function same(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}

export function sw(v: number): Uint8Array {
  return Uint8Array.of(v >> 8, v & 0xff);
}

export function ok(data: Uint8Array): Uint8Array {
  return Uint8Array.from([...data, 0x90, 0x00]);
}
