/**
 * The receipt QR (`CTR1…`): transaction details SM4-encrypted with the store's key plus the
 * terminal's SM2 signature, in a compact binary form written in base32 so the whole code is QR
 * alphanumeric mode (byte layout and keys: docs/security.md "Receipt QR").
 *
 *   text    = "CTR1" ‖ base32(payload)
 *   payload = 0x01 ‖ keyVersion(u8) ‖ tidLen(u8) ‖ tid ‖ stan(u32) ‖ ct ‖ r(32) ‖ s(32)
 *   ct      = SM4-CTR(K_qr, iv, details),  iv = SM3("CTR1/iv|" tid "|" stan "|" keyVersion)[0..16)
 *   details = C7 01 ‖ type(u8: the kind's qrCode, src/shared/txn-kinds.ts) ‖ status(u8) ‖ flags(u8: 1 offline, 2 has balance) ‖ amountFen(u40)
 *             ‖ balanceFen(u40) ‖ unixSeconds(u32) ‖ last4(u16) ‖ midLen(u8) ‖ mid
 *   signature: SM2 (GB/T 32918.2, user id 1234567812345678) over "CTR1" ‖ payload-without-signature,
 *              r ‖ s raw (64 bytes instead of ~71 of DER)
 *   K_qr    = HMAC-SM3(dataKey, "CardTill/receipt-qr/v1")[0..16)
 *
 * Anyone with the terminal's public key can tell genuine from forged; only the store (its data
 * key) can read the details. The terminal id, key version and STAN are in clear: they say which
 * key to use and are printed on the receipt anyway.
 */
import { decodeSignature, encodeSignature } from '../crypto/sm2';
import { bigIntToBytes, bytesToBigInt, concatBytes } from '../crypto/bytes';
import { hmacSm3, sm3, sm4Ctr } from '../crypto';
import { base32Decode, base32Encode } from './base32';
import { TXN_KINDS, type KindTable } from '../../shared/txn-kinds';

export const RECEIPT_QR_PREFIX = 'CTR1';
const FORMAT = 0x01;
const MAGIC = [0xc7, 0x01] as const;
const STATUSES = ['approved', 'declined', 'reversed', 'pending'] as const;
const enc = new TextEncoder();
const dec = new TextDecoder();

export interface ReceiptDetails {
  terminalId: string;
  merchantId: string;
  stan: number;
  type: string;
  status: string;
  offline: boolean;
  amountFen: number;
  balanceFen?: number;
  /** ISO 8601, second precision. */
  time: string;
  last4: string;
}

export function receiptQrKey(dataKey: Uint8Array): Uint8Array {
  return hmacSm3(dataKey, enc.encode('CardTill/receipt-qr/v1')).subarray(0, 16);
}

function iv(tid: string, stan: number, keyVersion: number): Uint8Array {
  return sm3(enc.encode(`CTR1/iv|${tid}|${stan}|${keyVersion}`)).subarray(0, 16);
}

const uint = (n: number, len: number): Uint8Array => bigIntToBytes(BigInt(n), len);

function detailsBytes(d: ReceiptDetails, kinds: KindTable): Uint8Array {
  const type = kinds.has(d.type) ? kinds.get(d.type).qrCode : -1;
  const status = STATUSES.indexOf(d.status as (typeof STATUSES)[number]);
  const mid = enc.encode(d.merchantId);
  if (type < 0 || status < 0 || mid.length > 32 || !/^\d{4}$/.test(d.last4))
    throw new RangeError('receipt details out of range');
  const flags = (d.offline ? 1 : 0) | (d.balanceFen !== undefined ? 2 : 0);
  return concatBytes(
    Uint8Array.of(...MAGIC, type, status, flags),
    uint(d.amountFen, 5),
    uint(d.balanceFen ?? 0, 5),
    uint(Math.floor(Date.parse(d.time) / 1000), 4),
    uint(Number(d.last4), 2),
    Uint8Array.of(mid.length),
    mid,
  );
}

function parseDetails(b: Uint8Array, tid: string, stan: number, kinds: KindTable): ReceiptDetails | null {
  // 0–1 magic · 2 type · 3 status · 4 flags · 5–9 amount · 10–14 balance · 15–18 time · 19–20 last4 · 21 midLen · 22… mid
  if (b.length < 22 || b[0] !== MAGIC[0] || b[1] !== MAGIC[1]) return null;
  const type = kinds.byQrCode(b[2]!)?.type;
  const status = STATUSES[b[3]!];
  const flags = b[4]!;
  const midLen = b[21]!;
  if (!type || !status || flags > 3 || b.length !== 22 + midLen) return null;
  const num = (o: number, len: number) => Number(bytesToBigInt(b.subarray(o, o + len)));
  const last4 = num(19, 2);
  if (last4 > 9999) return null;
  return {
    terminalId: tid,
    merchantId: dec.decode(b.subarray(22)),
    stan,
    type,
    status,
    offline: (flags & 1) === 1,
    amountFen: num(5, 5),
    ...(flags & 2 ? { balanceFen: num(10, 5) } : {}),
    time: new Date(num(15, 4) * 1000).toISOString().replace('.000Z', 'Z'),
    last4: String(last4).padStart(4, '0'),
  };
}

/** Builds the QR text; `sign` is the terminal key's DER signer of that key version. */
export function encodeReceiptQr(
  d: ReceiptDetails,
  keyVersion: number,
  qrKey: Uint8Array,
  sign: (msg: Uint8Array) => Uint8Array,
  kinds: KindTable = TXN_KINDS,
): string {
  const tid = enc.encode(d.terminalId);
  if (tid.length < 1 || tid.length > 16 || keyVersion < 1 || keyVersion > 255)
    throw new RangeError('terminal id or key version out of range');
  const head = concatBytes(Uint8Array.of(FORMAT, keyVersion, tid.length), tid, uint(d.stan, 4));
  const ct = sm4Ctr(qrKey, iv(d.terminalId, d.stan, keyVersion), detailsBytes(d, kinds));
  const body = concatBytes(head, ct);
  const sig = decodeSignature(sign(concatBytes(enc.encode(RECEIPT_QR_PREFIX), body)));
  if (!sig) throw new Error('signer returned a malformed signature');
  return (
    RECEIPT_QR_PREFIX + base32Encode(concatBytes(body, bigIntToBytes(sig.r, 32), bigIntToBytes(sig.s, 32)))
  );
}

export interface ParsedReceiptQr {
  terminalId: string;
  keyVersion: number;
  stan: number;
  /** "CTR1" ‖ payload without signature: the signed bytes. */
  signed: Uint8Array;
  /** DER of the signature (for sm2Verify / OpenSSL). */
  signatureDer: Uint8Array;
  ciphertext: Uint8Array;
}

/** Structure only (no keys): null for anything that is not a well-formed CTR1 code. Never throws. */
export function parseReceiptQr(text: string): ParsedReceiptQr | null {
  if (typeof text !== 'string' || !text.startsWith(RECEIPT_QR_PREFIX) || text.length > 1000) return null;
  const p = base32Decode(text.slice(RECEIPT_QR_PREFIX.length));
  if (!p || p.length < 3 + 1 + 4 + 22 + 64 || p[0] !== FORMAT) return null;
  const keyVersion = p[1]!;
  const n = p[2]!;
  if (keyVersion < 1 || n < 1 || n > 16 || p.length < 3 + n + 4 + 22 + 64) return null;
  const tid = dec.decode(p.subarray(3, 3 + n));
  if (!/^[A-Za-z0-9]{1,16}$/.test(tid)) return null;
  const stan = Number(bytesToBigInt(p.subarray(3 + n, 7 + n)));
  const sigAt = p.length - 64;
  const r = bytesToBigInt(p.subarray(sigAt, sigAt + 32));
  const s = bytesToBigInt(p.subarray(sigAt + 32));
  let signatureDer: Uint8Array;
  try {
    signatureDer = encodeSignature(r, s);
  } catch {
    return null;
  }
  return {
    terminalId: tid,
    keyVersion,
    stan,
    signed: concatBytes(enc.encode(RECEIPT_QR_PREFIX), p.subarray(0, sigAt)),
    signatureDer,
    ciphertext: p.subarray(7 + n, sigAt),
  };
}

/** Decrypts the details with the store's QR key; null when the key is not this store's. */
export function decryptReceiptQr(
  q: ParsedReceiptQr,
  qrKey: Uint8Array,
  kinds: KindTable = TXN_KINDS,
): ReceiptDetails | null {
  return parseDetails(
    sm4Ctr(qrKey, iv(q.terminalId, q.stan, q.keyVersion), q.ciphertext),
    q.terminalId,
    q.stan,
    kinds,
  );
}
