/**
 * ISO/IEC 7816-4 command and response APDUs — pure builders and parsers, no I/O.
 *
 * Command APDU (ISO/IEC 7816-4:2020 §5.1): CLA INS P1 P2 [Lc data] [Le], short form only
 * (Lc ≤ 255, Le 1..256 with 00 meaning 256). Response APDU (§5.1.3 / §5.6): data ‖ SW1 SW2.
 * Status words used here (§5.6, table 6): 9000 normal, 61xx more data (GET RESPONSE), 6Cxx wrong
 * Le (re-issue with Le = xx), 6A82 file or application not found, 6A81 function not supported,
 * 6D00 instruction not supported, 6E00 class not supported.
 */

export interface CommandApdu {
  cla: number;
  ins: number;
  p1: number;
  p2: number;
  data?: Uint8Array;
  /** Expected response length 1..256 (256 is encoded 00). Absent = no Le. */
  le?: number;
}

export interface ResponseApdu {
  data: Uint8Array;
  sw: number;
}

export const SW = {
  OK: 0x9000,
  FILE_NOT_FOUND: 0x6a82, // also "application not found" after SELECT by DF name
  FUNC_NOT_SUPPORTED: 0x6a81,
  INS_NOT_SUPPORTED: 0x6d00,
  CLA_NOT_SUPPORTED: 0x6e00,
  SECURITY_NOT_SATISFIED: 0x6982,
  WRONG_LENGTH: 0x6700,
} as const;

function byte(n: number, what: string): number {
  if (!Number.isInteger(n) || n < 0 || n > 0xff) throw new RangeError(`${what} must be a byte, got ${n}`);
  return n;
}

/** Serialises a short command APDU (cases 1–4 of ISO/IEC 7816-3 §12.1.3). */
export function encodeApdu(c: CommandApdu): Uint8Array {
  const out = [byte(c.cla, 'CLA'), byte(c.ins, 'INS'), byte(c.p1, 'P1'), byte(c.p2, 'P2')];
  if (c.data && c.data.length > 0) {
    if (c.data.length > 255) throw new RangeError('short APDU data is at most 255 bytes');
    out.push(c.data.length, ...c.data);
  }
  if (c.le !== undefined) {
    if (!Number.isInteger(c.le) || c.le < 1 || c.le > 256)
      throw new RangeError(`Le must be 1..256, got ${c.le}`);
    out.push(c.le === 256 ? 0 : c.le);
  }
  return Uint8Array.from(out);
}

/** Splits a response APDU; fewer than 2 bytes is not a response (the card is gone or broken). */
export function parseResponse(r: Uint8Array): ResponseApdu | undefined {
  if (r.length < 2) return undefined;
  return { data: r.slice(0, r.length - 2), sw: (r[r.length - 2]! << 8) | r[r.length - 1]! };
}

export function swHex(sw: number): string {
  return sw.toString(16).toUpperCase().padStart(4, '0');
}

export function toHex(b: Uint8Array): string {
  return Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString('hex').toUpperCase();
}

export function fromHex(h: string): Uint8Array {
  const clean = h.replace(/\s+/g, '');
  if (!/^([0-9a-fA-F]{2})*$/.test(clean)) throw new RangeError(`not a hex string: ${h}`);
  return Uint8Array.from(Buffer.from(clean, 'hex'));
}

/** SELECT by DF name (AID): 00 A4 04 00 Lc AID 00 (ISO/IEC 7816-4 §11.2.2, P1=04, P2=00 first occurrence, return FCI). */
export function selectByAid(aid: Uint8Array): Uint8Array {
  if (aid.length < 5 || aid.length > 16) throw new RangeError('an AID is 5..16 bytes (ISO/IEC 7816-5)');
  return encodeApdu({ cla: 0x00, ins: 0xa4, p1: 0x04, p2: 0x00, data: aid, le: 256 });
}

/**
 * READ BINARY with a short EF identifier: 00 B0 (80|SFI) offset Le (ISO/IEC 7816-4 §11.3.3:
 * when b8 of P1 is 1, b5–b1 of P1 are the SFI and P2 is the offset).
 */
export function readBinarySfi(sfi: number, offset: number, le: number): Uint8Array {
  if (!Number.isInteger(sfi) || sfi < 1 || sfi > 30) throw new RangeError('SFI must be 1..30');
  return encodeApdu({ cla: 0x00, ins: 0xb0, p1: 0x80 | sfi, p2: byte(offset, 'offset'), le });
}

/** GET RESPONSE: 00 C0 00 00 Le — fetches data announced by SW 61xx (ISO/IEC 7816-4 §11.7.1). */
export function getResponse(le: number): Uint8Array {
  return encodeApdu({ cla: 0x00, ins: 0xc0, p1: 0, p2: 0, le: le === 0 ? 256 : le });
}

/**
 * PC/SC pseudo-APDU GET DATA (UID): FF CA 00 00 00 (PC/SC Part 3 v2.02 §3.2.2.1.3). Answered by a
 * contactless reader itself, not the card; contact readers answer 6A81/6D00 or nothing useful.
 */
export const GET_UID = Uint8Array.from([0xff, 0xca, 0x00, 0x00, 0x00]);

/** A minimal BER-TLV reader (ISO/IEC 7816-4 §6.3 / ISO/IEC 8825-1) for FCI templates. */
export interface Tlv {
  tag: number;
  value: Uint8Array;
  children?: Tlv[];
}

export function parseTlv(b: Uint8Array): Tlv[] {
  const out: Tlv[] = [];
  let i = 0;
  while (i < b.length) {
    if (b[i] === 0x00 || b[i] === 0xff) {
      i++; // padding between objects (ISO/IEC 7816-4 §6.3)
      continue;
    }
    const first = b[i++]!;
    let tag = first;
    if ((first & 0x1f) === 0x1f) {
      let more = true;
      let guard = 0;
      while (more) {
        if (i >= b.length || ++guard > 3) throw new RangeError('truncated TLV tag');
        const t = b[i++]!;
        tag = (tag << 8) | t;
        more = (t & 0x80) !== 0;
      }
    }
    if (i >= b.length) throw new RangeError('truncated TLV length');
    let len = b[i++]!;
    if (len & 0x80) {
      const n = len & 0x7f;
      if (n === 0 || n > 3 || i + n > b.length) throw new RangeError('bad TLV length');
      len = 0;
      for (let k = 0; k < n; k++) len = (len << 8) | b[i++]!;
    }
    if (i + len > b.length) throw new RangeError('TLV value overruns its parent');
    const value = b.slice(i, i + len);
    i += len;
    const constructed = ((tag >> (8 * (tagBytes(tag) - 1))) & 0x20) !== 0;
    out.push(constructed ? { tag, value, children: parseTlv(value) } : { tag, value });
  }
  return out;
}

function tagBytes(tag: number): number {
  return tag > 0xffff ? 3 : tag > 0xff ? 2 : 1;
}

export function findTlv(list: Tlv[], tag: number): Tlv | undefined {
  for (const t of list) {
    if (t.tag === tag) return t;
    const inner = t.children && findTlv(t.children, tag);
    if (inner) return inner;
  }
  return undefined;
}
