/**
 * A virtual PSAM (the terminal's secure access module) as a pure state machine: it holds the
 * issuer's purchase master key (DEMO-ONLY, demo-keys.ts), a terminal number and a transaction
 * counter; MAC1 (80 70) diversifies the card key from the card serial, derives the session key,
 * numbers the transaction and answers `61 08` (T=0 style) or the data at once (`answerAtOnce`, as
 * a T=1 PSAM would); GET RESPONSE fetches it; verify MAC2 (80 72) checks the card's MAC2 under
 * the same session. The counter advances on every MAC1, so gaps are normal.
 */
import { fromHex, toHex } from '../apdu';
import {
  algFromId,
  diversify,
  purchaseMac1,
  purchaseMac2,
  purchaseSessionKey,
  u32,
  type EpAlg,
} from './crypto';
import { EP_SW, PSAM_DF_NAME } from './codec';
import { DEMO_ISSUER_KEYS, type IssuerMasterKeys } from './demo-keys';
import { ok, sw } from './virtual-epurse';

export interface PsamProfile {
  terminalNumber: string;
  terminalSeq?: number;
  keys?: IssuerMasterKeys;
  answerAtOnce?: boolean;
}

export class VirtualPsam {
  terminalSeq: number;
  readonly terminalNumber: Uint8Array;
  private readonly keys: IssuerMasterKeys;
  private selected = false;
  private response: Uint8Array | undefined;
  private session: { alg: EpAlg; ses: Uint8Array; amount: number } | undefined;

  constructor(readonly profile: PsamProfile) {
    this.terminalNumber = fromHex(profile.terminalNumber);
    this.terminalSeq = profile.terminalSeq ?? 1;
    this.keys = profile.keys ?? DEMO_ISSUER_KEYS;
  }

  reset(): void {
    this.selected = false;
    this.response = undefined;
    this.session = undefined;
  }

  respond(apdu: Uint8Array): Uint8Array {
    if (apdu.length < 4) return sw(EP_SW.WRONG_LENGTH);
    const [cla, ins, p1] = [apdu[0]!, apdu[1]!, apdu[2]!];
    const lc = apdu.length > 5 ? apdu[4]! : 0;
    const data = apdu.subarray(5, 5 + lc);
    if (apdu.length > 5 && data.length !== lc) return sw(EP_SW.WRONG_LENGTH);
    const response = this.response;
    this.response = undefined;
    if (cla === 0x00 && ins === 0xa4 && p1 === 0x04) {
      if (toHex(data) !== PSAM_DF_NAME) return sw(EP_SW.FILE_NOT_FOUND);
      this.selected = true;
      return sw(EP_SW.OK);
    }
    if (cla === 0x00 && ins === 0xc0) return response ? ok(response) : sw(EP_SW.CONDITIONS);
    if (!this.selected) return sw(EP_SW.FILE_NOT_FOUND);
    if (cla === 0x00 && ins === 0xb0 && p1 === 0x96) return ok(this.terminalNumber);
    if (cla === 0x80 && ins === 0x70) return this.mac1(data, lc);
    if (cla === 0x80 && ins === 0x72) {
      if (lc !== 4) return sw(EP_SW.WRONG_LENGTH);
      const s = this.session;
      if (!s) return sw(EP_SW.CONDITIONS);
      const want = purchaseMac2(s.alg, s.ses, s.amount);
      if (!want.every((x, i) => x === data[i])) return sw(EP_SW.MAC_INVALID);
      this.session = undefined;
      return sw(EP_SW.OK);
    }
    return sw(EP_SW.INS_NOT_SUPPORTED);
  }

  private mac1(d: Uint8Array, lc: number): Uint8Array {
    if (lc !== 0x1c) return sw(EP_SW.WRONG_LENGTH);
    let alg: EpAlg;
    try {
      alg = algFromId(d[19]!);
    } catch {
      return sw(EP_SW.BAD_DATA);
    }
    const random = d.slice(0, 4);
    const seq = (d[4]! << 8) | d[5]!;
    const amount = ((d[6]! << 24) >>> 0) + (d[7]! << 16) + (d[8]! << 8) + d[9]!;
    if (d[10] !== 0x06) return sw(EP_SW.BAD_DATA);
    const date = d.slice(11, 15);
    const time = d.slice(15, 18);
    const serial8 = d.slice(20, 28);
    const tsn = u32(this.terminalSeq);
    this.terminalSeq = (this.terminalSeq + 1) >>> 0;
    const dpk = diversify(alg, this.keys.purchase, serial8);
    const ses = purchaseSessionKey(alg, dpk, random, seq, tsn);
    const mac1 = purchaseMac1(alg, ses, {
      amountFen: amount,
      terminalNumber: this.terminalNumber,
      terminalSeq: tsn,
      date,
      time,
    });
    this.session = { alg, ses, amount };
    const out = Uint8Array.from([...tsn, ...mac1]);
    if (this.profile.answerAtOnce) return ok(out);
    this.response = out;
    return Uint8Array.of(0x61, 0x08);
  }
}
