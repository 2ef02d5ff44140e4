/**
 * PINs are stored only as scrypt hashes (RFC 7914): "scrypt$N$r$p$salt$hash" in hex. A 4–8 digit
 * PIN has little entropy, so the lockout (./operators.ts) is what really protects it online; the
 * cost here makes an offline guess of every PIN from a stolen file take minutes, not microseconds.
 *
 * One hash costs tens of milliseconds of CPU: sign-in checks use the async form, which runs on
 * libuv's thread pool, so a burst of wrong sign-ins cannot freeze the till's event loop (200 of
 * them once froze it for 25 s).
 */
import { scrypt, scryptSync, randomBytes, timingSafeEqual, type ScryptOptions } from 'node:crypto';

const DEFAULT_N = 1 << 14;
const R = 8;
const P = 1;
let N = DEFAULT_N;

/**
 * Tests only (test/helpers/app.ts): PIN hashes made after this call in this process use scrypt
 * N = `n`. Every test starts a terminal that seeds three demo operators and signs in, and the
 * real cost is tens of milliseconds each; each stored hash records its own N, so checks are the
 * same code. Nothing in src/ calls it.
 */
export function setPinHashCostForTests(n: number): void {
  if (!Number.isInteger(n) || n < 2 || (n & (n - 1)) !== 0)
    throw new Error('scrypt N must be a power of two');
  N = n;
  decoy = undefined;
}

export function hashPin(pin: string): string {
  const salt = randomBytes(16);
  const hash = scryptSync(pin, salt, 32, { N, r: R, p: P });
  return `scrypt$${N}$${R}$${P}$${salt.toString('hex')}$${hash.toString('hex')}`;
}

interface Parsed {
  salt: Buffer;
  expected: Buffer;
  options: ScryptOptions;
}

function parse(stored: string): Parsed | undefined {
  const parts = stored.split('$');
  if (parts.length !== 6 || parts[0] !== 'scrypt') return undefined;
  const [, n, r, p, saltHex, hashHex] = parts;
  return {
    salt: Buffer.from(saltHex, 'hex'),
    expected: Buffer.from(hashHex, 'hex'),
    options: { N: Number(n), r: Number(r), p: Number(p), maxmem: 64 * 1024 * 1024 },
  };
}

export function verifyPin(pin: string, stored: string): boolean {
  const h = parse(stored);
  if (!h) return false;
  return timingSafeEqual(scryptSync(pin, h.salt, h.expected.length, h.options), h.expected);
}

/** verifyPin off the event loop (libuv thread pool). */
export function verifyPinAsync(pin: string, stored: string): Promise<boolean> {
  const h = parse(stored);
  if (!h) return Promise.resolve(false);
  return new Promise((resolve, reject) =>
    scrypt(pin, h.salt, h.expected.length, h.options, (err, got) =>
      err ? reject(err) : resolve(timingSafeEqual(got, h.expected)),
    ),
  );
}

let decoy: string | undefined;
/** A hash of nobody's PIN, made once: an unknown id costs one scrypt, exactly like a known one. */
export function decoyHash(): string {
  return (decoy ??= hashPin(randomBytes(8).toString('hex')));
}
