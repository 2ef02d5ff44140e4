/**
 * PBOC e-purse keys and cryptograms (JR/T 0025 part 2 as collected in ../shared/PBOC-EP.md):
 * card-key diversification, purchase/load session keys, MAC1, MAC2 and TAC. Pure functions.
 *
 * 3DES (algorithm id 00) through node:crypto's `des-ede3-ecb` (OpenSSL's default provider; plain
 * `des-ecb` needs the legacy provider, so single DES is run as EDE with K1=K2=K3, which is the same
 * permutation). SM4 (algorithm id 04) through the project's pure SM4 (src/main/crypto/sm4.ts).
 */
import { createCipheriv } from 'node:crypto';
import { sm4EncryptBlock } from '../../../main/crypto/sm4';
import { EpurseError } from './errors';

export type EpAlg = '3des' | 'sm4';

/** The transaction types that enter the cryptograms (and GET TRANSACTION PROVE's P2). */
export const TXN_TYPE = { LOAD: 0x02, PURCHASE: 0x06 } as const;

/** Algorithm id from INITIALIZE's answer → the cipher. */
export function algFromId(id: number): EpAlg {
  if (id === 0x00) return '3des';
  if (id === 0x04) return 'sm4';
  throw new EpurseError('EP_ALG_UNSUPPORTED', `0x${id.toString(16).padStart(2, '0')}`);
}

export function algId(alg: EpAlg): number {
  return alg === 'sm4' ? 0x04 : 0x00;
}

function blockSize(alg: EpAlg): number {
  return alg === 'sm4' ? 16 : 8;
}

/**
 * One block under `key`: 3DES with a 16-byte key is 2-key EDE (K1 K2 K1); an 8-byte key is single
 * DES (session keys, the TAC key). SM4 takes a 16-byte key and block.
 */
export function encryptBlock(alg: EpAlg, key: Uint8Array, block: Uint8Array): Uint8Array {
  if (block.length !== blockSize(alg)) throw new EpurseError('EP_BAD_INPUT', `block of ${block.length}`);
  if (alg === 'sm4') {
    if (key.length !== 16) throw new EpurseError('EP_BAD_INPUT', 'an SM4 key is 16 bytes');
    return sm4EncryptBlock(key, block);
  }
  let k: Buffer;
  if (key.length === 16) k = Buffer.concat([key, key.subarray(0, 8)]);
  else if (key.length === 8) k = Buffer.concat([key, key, key]);
  else throw new EpurseError('EP_BAD_INPUT', 'a DES key is 8 or 16 bytes');
  const c = createCipheriv('des-ede3-ecb', k, null);
  c.setAutoPadding(false);
  return new Uint8Array(c.update(block));
}

function not(b: Uint8Array): Uint8Array {
  return b.map((x) => x ^ 0xff);
}

function xor(a: Uint8Array, b: Uint8Array): Uint8Array {
  return a.map((x, i) => x ^ b[i]!);
}

export function concatBytes(...parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let i = 0;
  for (const p of parts) {
    out.set(p, i);
    i += p.length;
  }
  return out;
}

/** ISO/IEC 9797-1 padding method 2: `80` then `00`s to a whole block, always added. */
function pad80(data: Uint8Array, bs: number): Uint8Array {
  const n = Math.ceil((data.length + 1) / bs) * bs;
  const out = new Uint8Array(n);
  out.set(data);
  out[data.length] = 0x80;
  return out;
}

/**
 * Card key from the issuer's master key and the card serial S (rightmost 8 bytes of the
 * application serial): 3DES → E(MK,S) ‖ E(MK,¬S); SM4 → E(MK, S ‖ ¬S).
 */
export function diversify(alg: EpAlg, masterKey: Uint8Array, serial8: Uint8Array): Uint8Array {
  if (serial8.length !== 8) throw new EpurseError('EP_BAD_INPUT', 'the card serial S is 8 bytes');
  if (masterKey.length !== 16) throw new EpurseError('EP_BAD_INPUT', 'a master key is 16 bytes');
  if (alg === 'sm4') return encryptBlock(alg, masterKey, concatBytes(serial8, not(serial8)));
  return concatBytes(encryptBlock(alg, masterKey, serial8), encryptBlock(alg, masterKey, not(serial8)));
}

/** Session key: E(card key, 8-byte input); SM4 pads the input with `80 00…` to 16 (an assumption). */
function sessionKey(alg: EpAlg, cardKey: Uint8Array, input8: Uint8Array): Uint8Array {
  return encryptBlock(alg, cardKey, alg === 'sm4' ? pad80(input8, 16) : input8);
}

/** SESPK = E(DPK, pseudo-random 4 ‖ offline sequence 2 ‖ rightmost 2 bytes of the terminal sequence). */
export function purchaseSessionKey(
  alg: EpAlg,
  dpk: Uint8Array,
  random4: Uint8Array,
  offlineSeq: number,
  terminalSeq4: Uint8Array,
): Uint8Array {
  if (random4.length !== 4 || terminalSeq4.length !== 4) throw new EpurseError('EP_BAD_INPUT', 'random/tsn');
  return sessionKey(alg, dpk, concatBytes(random4, u16(offlineSeq), terminalSeq4.subarray(2, 4)));
}

/** SESLK = E(DLK, pseudo-random 4 ‖ online sequence 2 ‖ 80 00). */
export function loadSessionKey(
  alg: EpAlg,
  dlk: Uint8Array,
  random4: Uint8Array,
  onlineSeq: number,
): Uint8Array {
  if (random4.length !== 4) throw new EpurseError('EP_BAD_INPUT', 'random');
  return sessionKey(alg, dlk, concatBytes(random4, u16(onlineSeq), Uint8Array.of(0x80, 0x00)));
}

/**
 * The e-purse MAC: CBC-MAC with a zero IV, every block under the one key (single DES for 3DES
 * cards — no final triple step — or SM4), `80` padding always added, leftmost 4 bytes.
 */
export function epMac(alg: EpAlg, key: Uint8Array, data: Uint8Array): Uint8Array {
  const bs = blockSize(alg);
  const p = pad80(data, bs);
  let v: Uint8Array = new Uint8Array(bs);
  for (let i = 0; i < p.length; i += bs) v = encryptBlock(alg, key, xor(v, p.subarray(i, i + bs)));
  return v.slice(0, 4);
}

/** TAC key: DTK left XOR right (8 bytes, single DES) for 3DES; the 16-byte DTK itself for SM4. */
export function tacKey(alg: EpAlg, dtk: Uint8Array): Uint8Array {
  if (dtk.length !== 16) throw new EpurseError('EP_BAD_INPUT', 'DTK is 16 bytes');
  return alg === 'sm4' ? dtk : xor(dtk.subarray(0, 8), dtk.subarray(8, 16));
}

export function u16(n: number): Uint8Array {
  if (!Number.isInteger(n) || n < 0 || n > 0xffff) throw new EpurseError('EP_BAD_INPUT', `sequence ${n}`);
  return Uint8Array.of(n >>> 8, n & 0xff);
}

export function u32(n: number): Uint8Array {
  if (!Number.isInteger(n) || n < 0 || n > 0xffffffff) throw new EpurseError('EP_BAD_INPUT', `amount ${n}`);
  return Uint8Array.of(n >>> 24, (n >>> 16) & 0xff, (n >>> 8) & 0xff, n & 0xff);
}

/** What the purchase cryptograms are computed over (amount in fen). */
export interface PurchaseFields {
  amountFen: number;
  /** 6 bytes, the PSAM's terminal number. */
  terminalNumber: Uint8Array;
  /** 4 bytes, from the PSAM's MAC1 answer. */
  terminalSeq: Uint8Array;
  /** 4 bytes BCD YYYYMMDD, 3 bytes BCD hhmmss. */
  date: Uint8Array;
  time: Uint8Array;
}

/** MAC1 (PSAM → card) over amount ‖ type 06 ‖ terminal number ‖ date ‖ time. */
export function purchaseMac1(alg: EpAlg, sespk: Uint8Array, f: PurchaseFields): Uint8Array {
  return epMac(
    alg,
    sespk,
    concatBytes(u32(f.amountFen), Uint8Array.of(TXN_TYPE.PURCHASE), f.terminalNumber, f.date, f.time),
  );
}

/** MAC2 (card → PSAM) over amount. */
export function purchaseMac2(alg: EpAlg, sespk: Uint8Array, amountFen: number): Uint8Array {
  return epMac(alg, sespk, u32(amountFen));
}

/** Purchase TAC over amount ‖ type 06 ‖ terminal number ‖ terminal sequence ‖ date ‖ time. */
export function purchaseTac(alg: EpAlg, dtk: Uint8Array, f: PurchaseFields): Uint8Array {
  return epMac(
    alg,
    tacKey(alg, dtk),
    concatBytes(
      u32(f.amountFen),
      Uint8Array.of(TXN_TYPE.PURCHASE),
      f.terminalNumber,
      f.terminalSeq,
      f.date,
      f.time,
    ),
  );
}

/** Load MAC1 (card → issuer) over old balance ‖ amount ‖ type 02 ‖ terminal number. */
export function loadMac1(
  alg: EpAlg,
  seslk: Uint8Array,
  balanceBefore: number,
  amountFen: number,
  terminalNumber: Uint8Array,
): Uint8Array {
  return epMac(
    alg,
    seslk,
    concatBytes(u32(balanceBefore), u32(amountFen), Uint8Array.of(TXN_TYPE.LOAD), terminalNumber),
  );
}

/** Load MAC2 (issuer → card) over amount ‖ type 02 ‖ terminal number ‖ date ‖ time. */
export function loadMac2(
  alg: EpAlg,
  seslk: Uint8Array,
  amountFen: number,
  terminalNumber: Uint8Array,
  date: Uint8Array,
  time: Uint8Array,
): Uint8Array {
  return epMac(
    alg,
    seslk,
    concatBytes(u32(amountFen), Uint8Array.of(TXN_TYPE.LOAD), terminalNumber, date, time),
  );
}

/** Load TAC over new balance ‖ online sequence (before the increment) ‖ amount ‖ 02 ‖ terminal ‖ date ‖ time. */
export function loadTac(
  alg: EpAlg,
  dtk: Uint8Array,
  balanceAfter: number,
  onlineSeq: number,
  amountFen: number,
  terminalNumber: Uint8Array,
  date: Uint8Array,
  time: Uint8Array,
): Uint8Array {
  return epMac(
    alg,
    tacKey(alg, dtk),
    concatBytes(
      u32(balanceAfter),
      u16(onlineSeq),
      u32(amountFen),
      Uint8Array.of(TXN_TYPE.LOAD),
      terminalNumber,
      date,
      time,
    ),
  );
}

/** The card serial S: the application serial (20 BCD digits, a shorter number left-padded with 0s), rightmost 8 bytes. */
export function cardSerial8(cardNumber: string): Uint8Array {
  if (!/^\d{1,20}$/.test(cardNumber)) throw new EpurseError('EP_BAD_INPUT', 'card number: 1..20 digits');
  return Uint8Array.from(Buffer.from(cardNumber.padStart(20, '0'), 'hex')).slice(2);
}

/** BCD date/time of a JS Date in the terminal's local wall clock, given as fields to stay pure. */
export function bcdDateTime(d: { y: number; mo: number; d: number; h: number; mi: number; s: number }): {
  date: Uint8Array;
  time: Uint8Array;
} {
  const two = (n: number) => String(n).padStart(2, '0');
  const hex = `${String(d.y).padStart(4, '0')}${two(d.mo)}${two(d.d)}${two(d.h)}${two(d.mi)}${two(d.s)}`;
  if (!/^\d{14}$/.test(hex)) throw new EpurseError('EP_BAD_INPUT', 'date/time');
  const b = Uint8Array.from(Buffer.from(hex, 'hex'));
  return { date: b.slice(0, 4), time: b.slice(4, 7) };
}
