/**
 * The frame codec, driven only by an Iso8583Profile (cup-profile.ts):
 *
 *   len(2, big-endian, bytes that follow) | TPDU(5) | header | MTI(2, BCD) | bitmap(8) | fields…
 *
 * Pure (Uint8Array only) so the terminal and the issuer simulator share it. decodeFrame throws
 * only Iso8583Error, reads every byte at most once (bounded by the 1,024-byte frame limit) and is
 * strict, so encodeFrame(decodeFrame(x)) === x for every frame it accepts.
 */
import { packDigits, unpackDigits } from './bcd';
import { Iso8583Error } from './errors';
import type { FieldSpec, Iso8583Profile, KeySetName } from './profile';

/** n, an, ans and z fields are strings (digits / ASCII as on the wire, pads included); b fields bytes. */
export type FieldValue = string | Uint8Array;
export type IsoFields = Partial<Record<number, FieldValue>>;

export interface IsoMessage {
  /** 5 bytes: id, destination (2), source (2). */
  readonly tpdu: Uint8Array;
  /** The profile's header (CUP: 6 bytes, `60 31 0S 00 00 00`). */
  readonly header: Uint8Array;
  /** 4 digits, e.g. `0200`. */
  readonly mti: string;
  readonly fields: IsoFields;
}

export interface CodecOptions {
  /** Decides field 52's size (8 bytes 3DES, 16 SM4); the profile's default when absent. */
  readonly keySet?: KeySetName;
}

const BITMAP_BYTES = 8;
const MTI_BYTES = 2;

/** The TPDU `60` + destination + source, e.g. tpdu(0x0001, 0x0000) = `60 0001 0000`. */
export function makeTpdu(profile: Iso8583Profile, destination: number, source: number): Uint8Array {
  return Uint8Array.of(profile.tpduId, destination >> 8, destination & 0xff, source >> 8, source & 0xff);
}

/** The answer's TPDU: the request's with its two addresses swapped. */
export function swapTpdu(tpdu: Uint8Array): Uint8Array {
  return Uint8Array.of(tpdu[0]!, tpdu[3]!, tpdu[4]!, tpdu[1]!, tpdu[2]!);
}

/** A header with the processing requirement nibble (0 none, 3 = sign on again). */
export function makeHeader(profile: Iso8583Profile, processingRequirement = 0): Uint8Array {
  const h = new Uint8Array(profile.headerLength);
  h.set(profile.headerPrefix);
  h[profile.headerPrefix.length] = processingRequirement & 0x0f;
  return h;
}

export function processingRequirement(profile: Iso8583Profile, header: Uint8Array): number {
  return header[profile.headerPrefix.length]! & 0x0f;
}

function fieldSize(spec: FieldSpec, opts: CodecOptions, profile: Iso8583Profile): number {
  return spec.lengthByKeySet ? spec.lengthByKeySet[opts.keySet ?? profile.defaultKeySet] : spec.length;
}

/** Bytes a fixed field of `units` takes: digits pack two a byte. */
const byteCount = (spec: FieldSpec, units: number) =>
  spec.format === 'n' || spec.format === 'z' ? Math.ceil(units / 2) : units;

const PRINTABLE = (c: number) => c >= 0x20 && c <= 0x7e;
/** `an` also takes the space, because hosts pad 37/38 with it and 41/42-style padding is common. */
const ALNUM = (c: number) =>
  c === 0x20 || (c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a);

function asciiOf(bytes: Uint8Array, format: 'an' | 'ans', field: number): string {
  const ok = format === 'an' ? ALNUM : PRINTABLE;
  let s = '';
  for (const c of bytes) {
    if (!ok(c)) throw new Iso8583Error('BAD_CHARSET', `byte ${c} in ${format} field`, field);
    s += String.fromCharCode(c);
  }
  return s;
}

function asciiBytesOf(s: string, format: 'an' | 'ans', field: number): Uint8Array {
  const ok = format === 'an' ? ALNUM : PRINTABLE;
  const out = new Uint8Array(s.length);
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (!ok(c)) throw new Iso8583Error('BAD_VALUE', `character ${c} in ${format} field`, field);
    out[i] = c;
  }
  return out;
}

function encodeLength(profile: Iso8583Profile, spec: FieldSpec, value: number): Uint8Array {
  const digits = spec.kind === 'LLVAR' ? 2 : 3;
  const text = String(value).padStart(digits, '0');
  if ((spec.lengthEncoding ?? profile.lengthEncoding) === 'ascii')
    return Uint8Array.from(text, (c) => c.charCodeAt(0));
  return packDigits(text, 'left');
}

function encodeField(profile: Iso8583Profile, f: number, spec: FieldSpec, v: FieldValue, opts: CodecOptions) {
  if (spec.format === 'b') {
    if (!(v instanceof Uint8Array)) throw new Iso8583Error('BAD_VALUE', 'binary field needs bytes', f);
    if (spec.kind === 'fixed') {
      if (v.length !== fieldSize(spec, opts, profile))
        throw new Iso8583Error('BAD_VALUE', `length ${v.length}`, f);
      return [v];
    }
    if (v.length > spec.length) throw new Iso8583Error('BAD_VALUE', `length ${v.length}`, f);
    return [encodeLength(profile, spec, v.length), v];
  }
  if (typeof v !== 'string') throw new Iso8583Error('BAD_VALUE', 'text field needs a string', f);
  if (spec.format === 'n' || spec.format === 'z') {
    const pad = spec.pad ?? 'left';
    if (spec.kind === 'fixed') {
      if (v.length !== spec.length) throw new Iso8583Error('BAD_VALUE', `length ${v.length}`, f);
      return [packDigits(v, pad, f, spec.format === 'z')];
    }
    if (v.length > spec.length) throw new Iso8583Error('BAD_VALUE', `length ${v.length}`, f);
    return [encodeLength(profile, spec, v.length), packDigits(v, pad, f, spec.format === 'z')];
  }
  if (spec.kind === 'fixed') {
    // 41 and 42 are "right-padded with spaces"; an/ans fixed fields all are.
    if (v.length > spec.length) throw new Iso8583Error('BAD_VALUE', `length ${v.length}`, f);
    return [asciiBytesOf(v.padEnd(spec.length, ' '), spec.format, f)];
  }
  if (v.length > spec.length) throw new Iso8583Error('BAD_VALUE', `length ${v.length}`, f);
  return [encodeLength(profile, spec, v.length), asciiBytesOf(v, spec.format, f)];
}

/** Fields sorted, each checked against the table; throws BAD_VALUE / UNKNOWN_FIELD (a caller's bug). */
function fieldNumbers(profile: Iso8583Profile, fields: IsoFields): number[] {
  const nums = Object.keys(fields)
    .map(Number)
    .filter((f) => fields[f] !== undefined)
    .sort((a, b) => a - b);
  for (const f of nums)
    if (!Number.isInteger(f) || f < 2 || f > 64 || !profile.fields[f])
      throw new Iso8583Error('UNKNOWN_FIELD', `field ${f} is not in profile ${profile.name}`, f);
  return nums;
}

/** The whole frame, the 2-byte length first. Throws Iso8583Error on a value the table refuses. */
export function encodeFrame(profile: Iso8583Profile, msg: IsoMessage, opts: CodecOptions = {}): Uint8Array {
  if (msg.tpdu.length !== 5 || msg.tpdu[0] !== profile.tpduId) throw new Iso8583Error('BAD_VALUE', 'TPDU');
  if (msg.header.length !== profile.headerLength) throw new Iso8583Error('BAD_VALUE', 'header');
  if (!/^\d{4}$/.test(msg.mti)) throw new Iso8583Error('BAD_VALUE', 'MTI');
  const nums = fieldNumbers(profile, msg.fields);
  const bitmap = new Uint8Array(BITMAP_BYTES);
  const parts: Uint8Array[] = [msg.tpdu, msg.header, packDigits(msg.mti, 'left'), bitmap];
  for (const f of nums) {
    bitmap[(f - 1) >> 3] |= 0x80 >> ((f - 1) & 7);
    parts.push(...encodeField(profile, f, profile.fields[f]!, msg.fields[f]!, opts));
  }
  const len = parts.reduce((a, p) => a + p.length, 0);
  if (len > profile.maxMessageBytes) throw new Iso8583Error('BAD_VALUE', `message of ${len} bytes`);
  const out = new Uint8Array(2 + len);
  out[0] = len >> 8;
  out[1] = len & 0xff;
  let at = 2;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

/** Where the MAC block (MTI up to, not including, field 64) sits in an encoded frame. */
export function macBlockOf(profile: Iso8583Profile, frame: Uint8Array): Uint8Array {
  const start = 2 + 5 + profile.headerLength;
  return frame.subarray(start, frame.length - 8);
}

class Reader {
  at = 0;
  constructor(
    private readonly b: Uint8Array,
    private readonly end: number,
  ) {}
  take(n: number, field?: number): Uint8Array {
    if (this.at + n > this.end) throw new Iso8583Error('TRUNCATED', `need ${n} bytes at ${this.at}`, field);
    const out = this.b.subarray(this.at, this.at + n);
    this.at += n;
    return out;
  }
  get left(): number {
    return this.end - this.at;
  }
}

function decodeLength(profile: Iso8583Profile, spec: FieldSpec, r: Reader, f: number): number {
  const digits = spec.kind === 'LLVAR' ? 2 : 3;
  let value: number;
  if ((spec.lengthEncoding ?? profile.lengthEncoding) === 'ascii') {
    const s = r.take(digits, f);
    value = 0;
    for (const c of s) {
      if (c < 0x30 || c > 0x39) throw new Iso8583Error('BAD_LENGTH', 'length prefix not digits', f);
      value = value * 10 + (c - 0x30);
    }
  } else {
    // LL = 1 byte (2 digits), LLL = 2 bytes (4 digits, the first must be 0 to stay in 3 digits).
    const bytes = r.take(Math.ceil(digits / 2), f);
    value = Number(unpackDigits(bytes, digits, 'left', f));
  }
  if (value > spec.length) throw new Iso8583Error('BAD_LENGTH', `length ${value} over ${spec.length}`, f);
  return value;
}

function decodeField(profile: Iso8583Profile, f: number, spec: FieldSpec, r: Reader, opts: CodecOptions) {
  const units = spec.kind === 'fixed' ? fieldSize(spec, opts, profile) : decodeLength(profile, spec, r, f);
  const bytes = r.take(byteCount(spec, units), f);
  switch (spec.format) {
    case 'b':
      return bytes.slice();
    case 'n':
    case 'z':
      return unpackDigits(bytes, units, spec.pad ?? 'left', f, spec.format === 'z');
    default:
      return asciiOf(bytes, spec.format, f);
  }
}

/**
 * One whole frame (the 2-byte length first) → the message. Throws Iso8583Error only: TRUNCATED /
 * TRAILING_BYTES when the length prefix and the bytes disagree, BAD_LENGTH outside the profile's
 * bounds, BAD_BITMAP for a secondary bitmap, UNKNOWN_FIELD for a bit the table lacks, etc.
 */
export function decodeFrame(profile: Iso8583Profile, frame: Uint8Array, opts: CodecOptions = {}): IsoMessage {
  if (frame.length < 2) throw new Iso8583Error('TRUNCATED', 'no length prefix');
  const len = (frame[0]! << 8) | frame[1]!;
  if (len < profile.minMessageBytes || len > profile.maxMessageBytes)
    throw new Iso8583Error('BAD_LENGTH', `message of ${len} bytes`);
  if (frame.length < 2 + len) throw new Iso8583Error('TRUNCATED', `${frame.length - 2} of ${len} bytes`);
  if (frame.length > 2 + len)
    throw new Iso8583Error('TRAILING_BYTES', `${frame.length - 2 - len} extra bytes`);
  const r = new Reader(frame, 2 + len);
  r.at = 2;
  const tpdu = r.take(5).slice();
  if (tpdu[0] !== profile.tpduId) throw new Iso8583Error('BAD_TPDU', `TPDU id ${tpdu[0]}`);
  const header = r.take(profile.headerLength).slice();
  profile.headerPrefix.forEach((b, i) => {
    if (header[i] !== b) throw new Iso8583Error('BAD_HEADER', `header byte ${i}`);
  });
  // The byte after the prefix holds the processing requirement in its low nibble; the rest is zero.
  for (let i = profile.headerPrefix.length; i < header.length; i++) {
    const mask = i === profile.headerPrefix.length ? 0xf0 : 0xff;
    if ((header[i]! & mask) !== 0) throw new Iso8583Error('BAD_HEADER', `header byte ${i}`);
  }
  const mti = unpackDigits(r.take(MTI_BYTES), 4, 'left');
  const bitmap = r.take(BITMAP_BYTES);
  if (bitmap[0]! & 0x80) throw new Iso8583Error('BAD_BITMAP', 'bit 1 (secondary bitmap) set');
  const fields: IsoFields = {};
  for (let f = 2; f <= 64; f++) {
    if (!(bitmap[(f - 1) >> 3]! & (0x80 >> ((f - 1) & 7)))) continue;
    const spec = profile.fields[f];
    if (!spec) throw new Iso8583Error('UNKNOWN_FIELD', `field ${f} is not in profile ${profile.name}`, f);
    fields[f] = decodeField(profile, f, spec, r, opts);
  }
  if (r.left > 0) throw new Iso8583Error('TRAILING_BYTES', `${r.left} bytes after the last field`);
  return { tpdu, header, mti, fields };
}
