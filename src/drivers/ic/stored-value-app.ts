/**
 * The stored-value application on our cards, in the style of the PBOC electronic deposit /
 * electronic purse (ED/EP) application of JR/T 0025 (China Financial IC Card Specifications,
 * part "electronic deposit/purse application") — the read-only part a cashier terminal needs:
 *
 *   1. SELECT the application by AID             00 A4 04 00 08 <AID> 00
 *   2. READ BINARY the public basic information   00 B0 95 00 1E   (SFI 0x15, 30 bytes)
 *   3. GET BALANCE of the electronic purse        80 5C 00 02 04   (P2=02 EP, 01 would be ED)
 *
 * EF 0x15 "public application basic data" layout (30 bytes, our issuer's profile of JR/T 0025):
 *   off len  field
 *    0   8   issuer identifier (binary, shown as hex)
 *    8   1   application type
 *    9   1   application version
 *   10  10   application serial number = card number, BCD, 20 digits: our 16-digit card numbers
 *            right-aligned and left-padded with 0 ("0000" + 16 digits)
 *   20   4   application start date, BCD YYYYMMDD
 *   24   4   application expiry date, BCD YYYYMMDD
 *   28   2   issuer discretionary data
 *
 * GET BALANCE answers 4 bytes, big-endian unsigned, in fen (分).
 */
import {
  GET_UID,
  SW,
  findTlv,
  fromHex,
  getResponse,
  parseResponse,
  parseTlv,
  readBinarySfi,
  selectByAid,
  swHex,
  toHex,
  encodeApdu,
} from './apdu';
import { IcError } from './errors';

/** The demo issuer's AID: RID A000000333 (the PBOC RID) + PIX 435401 ("CT" + app 01). Configurable. */
export const DEMO_AID = 'A000000333435401';

export const EF15_SFI = 0x15;
export const EF15_LENGTH = 0x1e;

/** GET BALANCE: CLA 80 (proprietary), INS 5C, P1 00, P2 02 = electronic purse, Le 04 (JR/T 0025). */
export const GET_BALANCE_EP = encodeApdu({ cla: 0x80, ins: 0x5c, p1: 0x00, p2: 0x02, le: 4 });

export interface Ef15 {
  issuerId: string; // hex
  appType: number;
  appVersion: number;
  pan: string;
  startDate: string; // YYYYMMDD
  expiryDate: string; // YYYYMMDD
  issuerData: string; // hex
}

export interface StoredValueCardRead {
  ef15: Ef15;
  pan: string;
  /** YYMM, as on track 2. */
  expiry: string;
  balanceFen: number;
  uid?: string;
  fciDfName?: string;
}

/** Sends one raw command APDU and resolves with the raw response (data ‖ SW1 SW2). */
export type Transmit = (apdu: Uint8Array) => Promise<Uint8Array>;

/** Decodes n BCD bytes into 2n digits; a nibble above 9 is not BCD. */
export function bcdToDigits(b: Uint8Array): string | undefined {
  let s = '';
  for (const x of b) {
    const hi = x >> 4;
    const lo = x & 0x0f;
    if (hi > 9 || lo > 9) return undefined;
    s += String(hi) + String(lo);
  }
  return s;
}

export function digitsToBcd(digits: string): Uint8Array {
  if (!/^(\d\d)*$/.test(digits)) throw new RangeError('BCD needs an even number of digits');
  const out = new Uint8Array(digits.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = (Number(digits[2 * i]) << 4) | Number(digits[2 * i + 1]);
  return out;
}

function validDate(d: string): boolean {
  const m = Number(d.slice(4, 6));
  const day = Number(d.slice(6, 8));
  return m >= 1 && m <= 12 && day >= 1 && day <= 31;
}

/**
 * Card number from the 20-digit serial: leading zeros are padding. The stripped number is kept at
 * 16 digits minimum (our numbers are 16; IINs never start with 0 — ISO/IEC 7812-1 MII 0 is not
 * used for issuer cards), and must be 12–19 digits like any card number.
 */
export function panFromSerial(digits20: string): string | undefined {
  let pan = digits20.replace(/^0+/, '');
  if (pan.length < 16) pan = pan.padStart(16, '0');
  return /^\d{12,19}$/.test(pan) ? pan : undefined;
}

export function serialFromPan(pan: string): string {
  if (!/^\d{12,20}$/.test(pan)) throw new RangeError('card number must be 12..20 digits');
  return pan.padStart(20, '0');
}

/** Parses EF 0x15; throws IcError('CARD_ERROR') for a short file or bad BCD. */
export function parseEf15(b: Uint8Array): Ef15 {
  if (b.length < EF15_LENGTH)
    throw new IcError('CARD_ERROR', `EF15 is ${b.length} bytes, expected ${EF15_LENGTH}`);
  const serial = bcdToDigits(b.subarray(10, 20));
  const start = bcdToDigits(b.subarray(20, 24));
  const expiry = bcdToDigits(b.subarray(24, 28));
  const pan = serial && panFromSerial(serial);
  if (!pan) throw new IcError('CARD_ERROR', 'EF15 card number is not a BCD card number');
  if (!start || !validDate(start) || !expiry || !validDate(expiry))
    throw new IcError('CARD_ERROR', 'EF15 dates are not BCD YYYYMMDD');
  return {
    issuerId: toHex(b.subarray(0, 8)),
    appType: b[8]!,
    appVersion: b[9]!,
    pan,
    startDate: start,
    expiryDate: expiry,
    issuerData: toHex(b.subarray(28, 30)),
  };
}

export function encodeEf15(f: Ef15): Uint8Array {
  const out = new Uint8Array(EF15_LENGTH);
  out.set(fromHex(f.issuerId.padStart(16, '0')).subarray(0, 8), 0);
  out[8] = f.appType;
  out[9] = f.appVersion;
  out.set(digitsToBcd(serialFromPan(f.pan)), 10);
  out.set(digitsToBcd(f.startDate), 20);
  out.set(digitsToBcd(f.expiryDate), 24);
  out.set(fromHex(f.issuerData.padStart(4, '0')).subarray(0, 2), 28);
  return out;
}

export function parseBalance(b: Uint8Array): number {
  if (b.length !== 4) throw new IcError('CARD_ERROR', `balance is ${b.length} bytes, expected 4`);
  return ((b[0]! << 24) >>> 0) + (b[1]! << 16) + (b[2]! << 8) + b[3]!;
}

/** YYYYMMDD → YYMM. */
export function expiryYymm(date: string): string {
  return date.slice(2, 6);
}

/**
 * One command with the T=0 transport fix-ups of ISO/IEC 7816-3 §10.3.5 / 7816-4 §5.6: SW 61xx is
 * followed by GET RESPONSE, 6Cxx by the same command with Le = xx. Returns data on 9000.
 */
export async function exchange(transmit: Transmit, apdu: Uint8Array, step: string): Promise<Uint8Array> {
  let cmd: Uint8Array = apdu;
  let data: Uint8Array = new Uint8Array(0);
  for (let round = 0; round < 8; round++) {
    const raw = await transmit(cmd);
    const r = parseResponse(raw);
    if (!r) throw new IcError('CARD_REMOVED', `${step}: no status word in response (${raw.length} bytes)`);
    const sw1 = r.sw >> 8;
    if (sw1 === 0x61) {
      data = concat(data, r.data);
      cmd = getResponse(r.sw & 0xff);
      continue;
    }
    if (sw1 === 0x6c) {
      cmd = Uint8Array.from([...apdu.subarray(0, apdu.length - 1), r.sw & 0xff]);
      continue;
    }
    if (r.sw === SW.OK) return concat(data, r.data);
    if (r.sw === SW.FILE_NOT_FOUND)
      throw new IcError('CARD_UNSUPPORTED', `${step}: SW ${swHex(r.sw)} file or application not found`, {
        sw: r.sw,
      });
    throw new IcError('CARD_ERROR', `${step}: SW ${swHex(r.sw)}`, { sw: r.sw });
  }
  throw new IcError('CARD_ERROR', `${step}: too many 61xx/6Cxx rounds`);
}

function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  if (a.length === 0) return b;
  const out = new Uint8Array(a.length + b.length);
  out.set(a);
  out.set(b, a.length);
  return out;
}

/** The reader's UID (contactless only); undefined when the reader does not answer GET DATA. */
export async function readUid(transmit: Transmit): Promise<string | undefined> {
  const r = parseResponse(await transmit(GET_UID));
  return r && r.sw === SW.OK && r.data.length > 0 ? toHex(r.data) : undefined;
}

/**
 * SELECT → READ BINARY EF15 → GET BALANCE. Errors are IcError: CARD_UNSUPPORTED when the
 * application is absent (6A82, or 6A81/6D00/6E00 to SELECT), CARD_ERROR for any other SW or
 * malformed data; transport failures are the caller's to classify.
 */
export async function readStoredValueCard(
  transmit: Transmit,
  aidHex: string = DEMO_AID,
): Promise<StoredValueCardRead> {
  const aid = fromHex(aidHex);
  let fci: Uint8Array;
  try {
    fci = await exchange(transmit, selectByAid(aid), 'SELECT');
  } catch (e) {
    // A card without our application: "not found", or a card that knows no SELECT by name at all.
    if (
      e instanceof IcError &&
      e.sw !== undefined &&
      [SW.FUNC_NOT_SUPPORTED, SW.INS_NOT_SUPPORTED, SW.CLA_NOT_SUPPORTED].includes(e.sw as 0x6a81)
    )
      throw new IcError('CARD_UNSUPPORTED', `SELECT: SW ${swHex(e.sw)} — not a stored-value card`, {
        sw: e.sw,
      });
    throw e;
  }
  let fciDfName: string | undefined;
  try {
    const df = findTlv(parseTlv(fci), 0x84);
    fciDfName = df ? toHex(df.value) : undefined;
  } catch {
    fciDfName = undefined; // an FCI we cannot parse is not fatal: 9000 said the app is selected
  }
  if (
    fciDfName !== undefined &&
    fciDfName !== aidHex.toUpperCase() &&
    !fciDfName.startsWith(aidHex.toUpperCase())
  )
    throw new IcError('CARD_UNSUPPORTED', `SELECT answered DF name ${fciDfName}, not ${aidHex}`);
  const ef15 = parseEf15(
    await exchange(transmit, readBinarySfi(EF15_SFI, 0, EF15_LENGTH), 'READ BINARY EF15'),
  );
  const balanceFen = parseBalance(await exchange(transmit, GET_BALANCE_EP, 'GET BALANCE'));
  const out: StoredValueCardRead = { ef15, pan: ef15.pan, expiry: expiryYymm(ef15.expiryDate), balanceFen };
  if (fciDfName !== undefined) out.fciDfName = fciDfName;
  return out;
}
