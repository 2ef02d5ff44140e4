/**
 * PINs are stored only as scrypt hashes (RFC 7914): "scrypt$N$r$p$salt$hash" in hex. A 4–8 digit
 * PIN has little entropy, so the lockout (./operators.ts) is what really protects it online; the
 * cost here makes an offline guess of every PIN from a stolen file take minutes, not microseconds.
 */
import { scryptSync, randomBytes, timingSafeEqual } from 'node:crypto';

const N = 1 << 14;
const R = 8;
const P = 1;

export function hashPin(pin: string): string {
  const salt = randomBytes(16);
  const hash = scryptSync(pin, salt, 32, { N, r: R, p: P });
  return `scrypt$${N}$${R}$${P}$${salt.toString('hex')}$${hash.toString('hex')}`;
}

export function verifyPin(pin: string, stored: string): boolean {
  const parts = stored.split('$');
  if (parts.length !== 6 || parts[0] !== 'scrypt') return false;
  const [, n, r, p, saltHex, hashHex] = parts;
  const expected = Buffer.from(hashHex, 'hex');
  const got = scryptSync(pin, Buffer.from(saltHex, 'hex'), expected.length, {
    N: Number(n),
    r: Number(r),
    p: Number(p),
  });
  return timingSafeEqual(got, expected);
}
