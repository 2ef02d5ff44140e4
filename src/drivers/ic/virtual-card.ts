/**
 * A virtual stored-value card: the card side of the application in stored-value-app.ts, as a pure
 * function from command APDU to response APDU. The simulator runs the real codec against it, and
 * the vpcd test card (test/helpers/vpcd-card.ts) puts it behind pcscd.
 */
import { SW, fromHex, parseTlv, toHex } from './apdu';
import { DEMO_AID, EF15_LENGTH, EF15_SFI, encodeEf15 } from './stored-value-app';

export type VirtualCardFailure =
  /** A card of another kind: our AID is not on it (6A82). */
  | { kind: 'other-aid' }
  /** The card answers `sw` to the given step. */
  | { kind: 'sw'; step: 'select' | 'read' | 'balance'; sw: number }
  /** The card leaves the field right after answering the given step. */
  | { kind: 'remove'; after: 'select' | 'read' };

export interface VirtualCardProfile {
  pan: string;
  /** YYYYMMDD */
  expiryDate: string;
  startDate?: string;
  balanceFen: number;
  aid?: string;
  issuerId?: string;
  uid?: string;
  atr?: string;
  failure?: VirtualCardFailure;
}

/** ATR of an ISO/IEC 14443-4 card as PC/SC readers build it (PC/SC Part 3 §3.1.3.2.3.1), historical bytes "CARDTILL". */
export function contactlessAtr(historical: Uint8Array = new TextEncoder().encode('CARDTILL')): Uint8Array {
  const body = [0x3b, 0x80 | historical.length, 0x80, 0x01, ...historical];
  let tck = 0;
  for (const b of body.slice(1)) tck ^= b; // TCK: XOR of T0..last historical byte (ISO/IEC 7816-3 §8.2.5)
  return Uint8Array.from([...body, tck]);
}

export function expiryDateFromYymm(yymm: string): string {
  const yy = Number(yymm.slice(0, 2));
  const mm = Number(yymm.slice(2, 4));
  const lastDay = new Date(Date.UTC(2000 + yy, mm, 0)).getUTCDate();
  return `20${yymm.slice(0, 2)}${yymm.slice(2, 4)}${String(lastDay).padStart(2, '0')}`;
}

export const REMOVED = 'removed' as const;

export class VirtualStoredValueCard {
  readonly atr: Uint8Array;
  readonly uid: Uint8Array;
  private selected = false;
  private gone = false;

  constructor(readonly profile: VirtualCardProfile) {
    this.atr = profile.atr ? fromHex(profile.atr) : contactlessAtr();
    this.uid = fromHex(profile.uid ?? '04A1B2C3');
  }

  /** Power-on / reset: the selection is lost (ISO/IEC 7816-4 §7.1.1: MF is selected after reset). */
  reset(): void {
    this.selected = false;
  }

  respond(apdu: Uint8Array): Uint8Array | typeof REMOVED {
    if (this.gone) return REMOVED;
    if (apdu.length < 4) return sw(SW.WRONG_LENGTH);
    const [cla, ins, p1, p2] = apdu as unknown as [number, number, number, number];
    const f = this.profile.failure;
    const aid = (this.profile.aid ?? DEMO_AID).toUpperCase();

    if (cla === 0xff && ins === 0xca) return concat(this.uid, sw(SW.OK)); // reader pseudo-APDU GET DATA (UID)
    if (cla === 0x00 && ins === 0xa4 && p1 === 0x04) {
      const lc = apdu[4] ?? 0;
      const name = toHex(apdu.subarray(5, 5 + lc));
      if (f?.kind === 'other-aid' || name !== aid) return sw(SW.FILE_NOT_FOUND);
      if (f?.kind === 'sw' && f.step === 'select') return sw(f.sw);
      this.selected = true;
      if (f?.kind === 'remove' && f.after === 'select') this.gone = true;
      return concat(fci(fromHex(aid)), sw(SW.OK));
    }
    if (!this.selected) return sw(SW.FILE_NOT_FOUND);
    if (cla === 0x00 && ins === 0xb0 && p1 === (0x80 | EF15_SFI)) {
      if (f?.kind === 'sw' && f.step === 'read') return sw(f.sw);
      if (f?.kind === 'remove' && f.after === 'read') this.gone = true;
      const file = encodeEf15({
        issuerId: this.profile.issuerId ?? '4354494C4C000001',
        appType: 0x02,
        appVersion: 0x01,
        pan: this.profile.pan,
        startDate: this.profile.startDate ?? '20240101',
        expiryDate: this.profile.expiryDate,
        issuerData: '0000',
      });
      const le = apdu.length > 4 ? apdu[apdu.length - 1]! || 256 : EF15_LENGTH;
      return concat(file.subarray(p2, p2 + le), sw(SW.OK));
    }
    if (cla === 0x80 && ins === 0x5c && p2 === 0x02) {
      if (f?.kind === 'sw' && f.step === 'balance') return sw(f.sw);
      const v = this.profile.balanceFen >>> 0;
      return Uint8Array.from([v >>> 24, (v >>> 16) & 0xff, (v >>> 8) & 0xff, v & 0xff, 0x90, 0x00]);
    }
    return sw(SW.INS_NOT_SUPPORTED);
  }
}

/** FCI template 6F { 84 DF name, A5 { 88 SFI of the directory EF = 1 } } (ISO/IEC 7816-4 §7.4.1). */
function fci(aid: Uint8Array): Uint8Array {
  const a5 = [0xa5, 0x03, 0x88, 0x01, 0x01];
  const body = [0x84, aid.length, ...aid, ...a5];
  const out = Uint8Array.from([0x6f, body.length, ...body]);
  parseTlv(out); // self-check in development: the template must parse
  return out;
}

function sw(v: number): Uint8Array {
  return Uint8Array.from([v >> 8, v & 0xff]);
}

function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  const out = new Uint8Array(a.length + b.length);
  out.set(a);
  out.set(b, a.length);
  return out;
}
