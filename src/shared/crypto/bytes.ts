/** Byte helpers shared by the SM2/SM3/SM4 code. No dependencies, safe in Electron main. */
import { CryptoError } from './errors';

const HEX = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'));

export function toHex(b: Uint8Array): string {
  let s = '';
  for (let i = 0; i < b.length; i++) s += HEX[b[i]!];
  return s;
}

function nibble(c: number): number {
  if (c >= 48 && c <= 57) return c - 48; // 0-9
  if (c >= 97 && c <= 102) return c - 87; // a-f
  if (c >= 65 && c <= 70) return c - 55; // A-F
  return -1;
}

/** Strict hex decoder: even length, [0-9a-fA-F] only; throws CryptoError('BAD_INPUT'). */
export function fromHex(h: string): Uint8Array {
  if (typeof h !== 'string' || h.length % 2 !== 0)
    throw new CryptoError('BAD_INPUT', 'hex string must have even length');
  const out = new Uint8Array(h.length / 2);
  for (let i = 0; i < out.length; i++) {
    const hi = nibble(h.charCodeAt(2 * i));
    const lo = nibble(h.charCodeAt(2 * i + 1));
    if (hi < 0 || lo < 0) throw new CryptoError('BAD_INPUT', 'invalid hex character');
    out[i] = (hi << 4) | lo;
  }
  return out;
}

/**
 * Constant-time comparison (time depends only on the lengths). Different lengths return
 * false. Pure JS so it also runs where node:crypto.timingSafeEqual is unavailable.
 */
export function timingSafeEqualBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= a[i]! ^ b[i]!;
  return diff === 0;
}

export function concatBytes(...parts: Uint8Array[]): Uint8Array {
  let len = 0;
  for (const p of parts) len += p.length;
  const out = new Uint8Array(len);
  let off = 0;
  for (const p of parts) {
    out.set(p, off);
    off += p.length;
  }
  return out;
}

export function asciiBytes(s: string): Uint8Array {
  const out = new Uint8Array(s.length);
  for (let i = 0; i < s.length; i++) out[i] = s.charCodeAt(i) & 0xff;
  return out;
}

export function bytesToBigInt(b: Uint8Array): bigint {
  return b.length === 0 ? 0n : BigInt('0x' + toHex(b));
}

export function bigIntToBytes(n: bigint, len: number): Uint8Array {
  const hex = n.toString(16);
  if (hex.length > len * 2) throw new CryptoError('BAD_INPUT', 'integer too large');
  return fromHex(hex.padStart(len * 2, '0'));
}

export function assertBytes(v: unknown, name: string, len?: number): asserts v is Uint8Array {
  if (!(v instanceof Uint8Array)) throw new CryptoError('BAD_INPUT', `${name} must be a Uint8Array`);
  if (len !== undefined && v.length !== len) {
    throw new CryptoError('BAD_INPUT', `${name} must be ${len} bytes, got ${v.length}`);
  }
}

/** Best-effort wipe of secret material held in a buffer we own. */
export function wipe(...bufs: Uint8Array[]): void {
  for (const b of bufs) b.fill(0);
}
