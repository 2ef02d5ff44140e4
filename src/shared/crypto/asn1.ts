/**
 * Minimal strict DER (ITU-T X.690) reader/writer: just what SM2 signatures (SEQUENCE of two
 * INTEGERs), SPKI and PKCS#8/SEC1 keys need. The reader rejects non-minimal lengths,
 * indefinite lengths and trailing bytes by throwing CryptoError('BAD_INPUT').
 */
import { bigIntToBytes, bytesToBigInt, concatBytes } from './bytes';
import { CryptoError } from './errors';

export const TAG = {
  INTEGER: 0x02,
  BIT_STRING: 0x03,
  OCTET_STRING: 0x04,
  OID: 0x06,
  SEQUENCE: 0x30,
} as const;

function encodeLength(len: number): Uint8Array {
  if (len < 0x80) return Uint8Array.of(len);
  const bytes: number[] = [];
  for (let l = len; l > 0; l = Math.floor(l / 256)) bytes.unshift(l & 0xff);
  return Uint8Array.of(0x80 | bytes.length, ...bytes);
}

export function derTlv(tag: number, value: Uint8Array): Uint8Array {
  return concatBytes(Uint8Array.of(tag), encodeLength(value.length), value);
}

export function derSeq(...items: Uint8Array[]): Uint8Array {
  return derTlv(TAG.SEQUENCE, concatBytes(...items));
}

/** Non-negative INTEGER, minimal two's-complement encoding. */
export function derUint(n: bigint): Uint8Array {
  if (n < 0n) throw new CryptoError('BAD_INPUT', 'negative INTEGER');
  let b = n === 0n ? Uint8Array.of(0) : bigIntToBytes(n, Math.ceil(n.toString(16).length / 2));
  if (b[0]! & 0x80) b = concatBytes(Uint8Array.of(0), b);
  return derTlv(TAG.INTEGER, b);
}

/** OID from dotted text, e.g. '1.2.156.10197.1.301'. */
export function derOid(dotted: string): Uint8Array {
  const arcs = dotted.split('.').map((s) => Number(s));
  const out: number[] = [40 * arcs[0]! + arcs[1]!];
  for (const arc of arcs.slice(2)) {
    const chunk: number[] = [arc & 0x7f];
    for (let v = Math.floor(arc / 128); v > 0; v = Math.floor(v / 128)) chunk.unshift(0x80 | (v & 0x7f));
    out.push(...chunk);
  }
  return derTlv(TAG.OID, Uint8Array.from(out));
}

export interface Tlv {
  tag: number;
  value: Uint8Array;
  /** Offset just after this element in the parent buffer. */
  end: number;
}

const bad = (what: string): CryptoError => new CryptoError('BAD_INPUT', `malformed DER: ${what}`);

/** Read one TLV at `off` (single-byte tags only, definite minimal lengths). */
export function readTlv(buf: Uint8Array, off: number): Tlv {
  if (off + 2 > buf.length) throw bad('truncated');
  const tag = buf[off]!;
  if ((tag & 0x1f) === 0x1f) throw bad('multi-byte tag');
  let len = buf[off + 1]!;
  let p = off + 2;
  if (len & 0x80) {
    const n = len & 0x7f;
    if (n === 0 || n > 4) throw bad('unsupported length form');
    if (p + n > buf.length) throw bad('truncated length');
    if (buf[p] === 0) throw bad('non-minimal length');
    len = 0;
    for (let i = 0; i < n; i++) len = len * 256 + buf[p + i]!;
    if (len < 0x80) throw bad('non-minimal length');
    p += n;
  }
  if (p + len > buf.length) throw bad('truncated value');
  return { tag, value: buf.subarray(p, p + len), end: p + len };
}

export function expectTlv(buf: Uint8Array, off: number, tag: number): Tlv {
  const t = readTlv(buf, off);
  if (t.tag !== tag) throw bad(`expected tag 0x${tag.toString(16)}, got 0x${t.tag.toString(16)}`);
  return t;
}

/** Children of a constructed value (the whole value must be consumed). */
export function readChildren(value: Uint8Array): Tlv[] {
  const out: Tlv[] = [];
  for (let off = 0; off < value.length;) {
    const t = readTlv(value, off);
    out.push(t);
    off = t.end;
  }
  return out;
}

/** Parse a non-negative minimal INTEGER value. */
export function parseUint(t: Tlv): bigint {
  if (t.tag !== TAG.INTEGER) throw bad('expected INTEGER');
  const v = t.value;
  if (v.length === 0) throw bad('empty INTEGER');
  if (v[0]! & 0x80) throw bad('negative INTEGER');
  if (v.length > 1 && v[0] === 0 && !(v[1]! & 0x80)) throw bad('non-minimal INTEGER');
  return bytesToBigInt(v);
}

export function oidEquals(t: Tlv, encoded: Uint8Array): boolean {
  const expected = readTlv(encoded, 0);
  if (t.tag !== TAG.OID || t.value.length !== expected.value.length) return false;
  return t.value.every((b, i) => b === expected.value[i]);
}
