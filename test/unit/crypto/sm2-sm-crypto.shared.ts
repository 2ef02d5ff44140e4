/** Shared setup for the two sm-crypto interop files (split so vitest runs them on both cores). */
import { randomBytes } from 'node:crypto';

// 100 rounds in CI; SM2_INTEROP_COUNT=1000 (or more) by hand.
export const INTEROP_COUNT = Number(process.env.SM2_INTEROP_COUNT ?? 100);

/** Random messages of 0..256 bytes; a few fixed edge cases first. */
export function randomMessages(n: number): Uint8Array[] {
  const out: Uint8Array[] = [new Uint8Array(0), new Uint8Array(1), new Uint8Array(64).fill(0xff)];
  while (out.length < n) out.push(new Uint8Array(randomBytes(Math.floor(Math.random() * 257))));
  return out;
}
