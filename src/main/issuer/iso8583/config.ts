/**
 * The `iso8583` block of an `iso8583-cup` issuer entry (src/main/config/config.ts, README "How to
 * add an ISO 8583 issuer"); its host is the entry's `url`, `tcp://host:port`. The terminal master
 * key is never in the config: the technician enters it once (`cardtill keys tmk --issuer ID`), it
 * is sealed under the data key in keys/tmk-<id>.json (tmk.ts), and `tmkCheck` (the key sheet's
 * check value) is the reference the adapter checks the sealed key against at each sign-on.
 */
import { z } from 'zod';

export const Iso8583EntryOptions = z.object({
  /** 60.3 `004` (3DES, the page's default) or `005` (SM4). */
  keySet: z.enum(['3des', 'sm4']).default('3des'),
  /** The TMK's check value: 8 hex digits, the first 4 bytes of its encryption of a zero block. */
  tmkCheck: z
    .string()
    .regex(/^[0-9a-fA-F]{8}$/)
    .optional(),
  /** Field 63 of sign-on and settlement. */
  operator: z
    .string()
    .regex(/^[ -~]{1,3}$/)
    .default('001'),
  /** TPDU addresses (ISO8583-CUP.md "Frame": default destination 0001, source 0000). */
  tpdu: z
    .object({ destination: z.number().int().min(0).max(0xffff), source: z.number().int().min(0).max(0xffff) })
    .optional(),
});
export type Iso8583EntryOptions = z.infer<typeof Iso8583EntryOptions>;

/** host and port of an entry's `tcp://host:port`; undefined when it is not one. */
export function tcpEndpoint(url: string): { host: string; port: number } | undefined {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    return undefined;
  }
  const port = Number(u.port);
  if (u.protocol !== 'tcp:' || !u.hostname || !Number.isInteger(port) || port < 1 || port > 65_535)
    return undefined;
  return { host: u.hostname.replace(/^\[|\]$/g, ''), port };
}
