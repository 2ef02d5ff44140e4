/**
 * The web host's per-launch token, compared in constant time over BYTES. Node hands header values
 * over as latin1 strings (one char per byte), so a 48-char header of 0xE9 is 48 chars but 96 UTF-8
 * bytes: comparing string lengths and then timingSafeEqual on the UTF-8 buffers threw a RangeError
 * inside the listener and ended the app. Here the header's own bytes are compared, and any length
 * mismatch is simply "not the token".
 */
import { timingSafeEqual } from 'node:crypto';

export function tokenChecker(token: string): (candidate: string | undefined) => boolean {
  const expected = Buffer.from(token, 'latin1');
  return (candidate) => {
    if (typeof candidate !== 'string' || !candidate) return false;
    const got = Buffer.from(candidate, 'latin1');
    return got.length === expected.length && timingSafeEqual(got, expected);
  };
}

/** The token of `Authorization: Bearer <token>`, or undefined. */
export function bearerToken(header: string | undefined): string | undefined {
  return /^Bearer (\S+)$/.exec(header ?? '')?.[1];
}

/** The token of the WebSocket subprotocol `token.<token>` (Sec-WebSocket-Protocol), or undefined. */
export function wsToken(header: string | string[] | undefined): string | undefined {
  const all = Array.isArray(header) ? header.join(',') : (header ?? '');
  return all
    .split(',')
    .map((s) => s.trim())
    .find((p) => p.startsWith('token.'))
    ?.slice(6);
}
