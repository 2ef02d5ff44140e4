/**
 * Command builders and answer parsers for the e-purse card and the PSAM (../shared/PBOC-EP.md).
 * Builders return the command APDU bytes; parsers take the whole response APDU (data ‖ SW1 SW2)
 * and return typed fields, or throw an EpurseError: EP_BAD_ANSWER for a wrong length, a status
 * word mapped to its own code (9401, 9302, 6985, 9406), EP_STATUS with `sw` for any other.
 */
import { encodeApdu, fromHex, getResponse, selectByAid, swHex, toHex } from '../apdu';
import { u16, u32 } from './crypto';
import { EpurseError, type EpurseErrorCode } from './errors';

export const EP_SW = {
  OK: 0x9000,
  INSUFFICIENT: 0x9401,
  MAC_INVALID: 0x9302,
  CONDITIONS: 0x6985,
  NOT_PROVABLE: 0x9406,
  WRONG_LENGTH: 0x6700,
  BAD_P1P2: 0x6a86,
  BAD_DATA: 0x6a80,
  FUNC_NOT_SUPPORTED: 0x6a81,
  FILE_NOT_FOUND: 0x6a82,
  RECORD_NOT_FOUND: 0x6a83,
  INS_NOT_SUPPORTED: 0x6d00,
} as const;

/** The transit (建设部/住建部) PSAM's DF name, "建设部" in GBK. */
export const PSAM_DF_NAME = 'BDA8C9E8B2BF';
/** The e-purse application's AID as transit terminals select it (seen in public terminal code). */
export const EPURSE_AID = 'A00000000386980701';

const SW_CODE: Record<number, EpurseErrorCode> = {
  [EP_SW.INSUFFICIENT]: 'EP_INSUFFICIENT',
  [EP_SW.MAC_INVALID]: 'EP_MAC_INVALID',
  [EP_SW.CONDITIONS]: 'EP_CONDITIONS',
  [EP_SW.NOT_PROVABLE]: 'EP_NOT_PROVABLE',
};

/** Splits an answer, checks 9000 and the data length; any other status is a typed error. */
export function expectData(resp: Uint8Array, length: number | 'any', what: string): Uint8Array {
  if (resp.length < 2) throw new EpurseError('EP_BAD_ANSWER', `${what}: ${resp.length} bytes`);
  const sw = (resp[resp.length - 2]! << 8) | resp[resp.length - 1]!;
  if (sw !== EP_SW.OK) throw new EpurseError(SW_CODE[sw] ?? 'EP_STATUS', `${what}: SW ${swHex(sw)}`, { sw });
  const data = resp.slice(0, resp.length - 2);
  if (length !== 'any' && data.length !== length)
    throw new EpurseError('EP_BAD_ANSWER', `${what}: ${data.length} data bytes, expected ${length}`, { sw });
  return data;
}

function fixed(b: Uint8Array, n: number, what: string): Uint8Array {
  if (b.length !== n) throw new EpurseError('EP_BAD_INPUT', `${what} must be ${n} bytes`);
  return b;
}

function be(b: Uint8Array): number {
  let v = 0;
  for (const x of b) v = v * 256 + x;
  return v;
}

function bcd(b: Uint8Array, what: string): string {
  const h = toHex(b);
  if (!/^\d*$/.test(h)) throw new EpurseError('EP_BAD_ANSWER', `${what} is not BCD: ${h}`);
  return h;
}

function keyIndex(k: number): number {
  if (!Number.isInteger(k) || k < 0 || k > 0xff) throw new EpurseError('EP_BAD_INPUT', 'key index');
  return k;
}

// ---- card ----

export const selectEpurse = (aid: string = EPURSE_AID): Uint8Array => selectByAid(fromHex(aid));
/** SELECT by file id (`00 A4 00 00 02 1001` selects the e-purse DF on transit cards). */
export const selectFileId = (fid: number): Uint8Array =>
  encodeApdu({ cla: 0x00, ins: 0xa4, p1: 0x00, p2: 0x00, data: u16(fid) });

export const readPublicInfo = (): Uint8Array => fromHex('00B095001E');
export const readHolderInfo = (le = 0x37): Uint8Array =>
  encodeApdu({ cla: 0x00, ins: 0xb0, p1: 0x96, p2: 0x00, le });

export interface PublicInfo {
  issuerId: string;
  appType: number;
  appVersion: number;
  /** 20 BCD digits. */
  appSerial: string;
  /** Rightmost 8 bytes: the diversification input and the PSAM's MAC1 input. */
  serial8: Uint8Array;
  startDate: string;
  endDate: string;
  issuerData: string;
}

export function parsePublicInfo(resp: Uint8Array): PublicInfo {
  const d = expectData(resp, 30, 'public info (SFI 0x15)');
  return {
    issuerId: toHex(d.subarray(0, 8)),
    appType: d[8]!,
    appVersion: d[9]!,
    appSerial: bcd(d.subarray(10, 20), 'application serial'),
    serial8: d.slice(12, 20),
    startDate: bcd(d.subarray(20, 24), 'start date'),
    endDate: bcd(d.subarray(24, 28), 'end date'),
    issuerData: toHex(d.subarray(28, 30)),
  };
}

export function encodePublicInfo(p: Omit<PublicInfo, 'serial8'>): Uint8Array {
  const out = fromHex(
    p.issuerId + hex2(p.appType) + hex2(p.appVersion) + p.appSerial + p.startDate + p.endDate + p.issuerData,
  );
  if (out.length !== 30) throw new EpurseError('EP_BAD_INPUT', 'public info is 30 bytes');
  return out;
}

function hex2(n: number): string {
  return n.toString(16).padStart(2, '0');
}

export const getBalance = (): Uint8Array => fromHex('805C000204');
export function parseBalance(resp: Uint8Array): number {
  return be(expectData(resp, 4, 'GET BALANCE'));
}

export function initializeForPurchase(
  keyIdx: number,
  amountFen: number,
  terminalNumber: Uint8Array,
): Uint8Array {
  const data = Uint8Array.from([
    keyIndex(keyIdx),
    ...u32(amountFen),
    ...fixed(terminalNumber, 6, 'terminal number'),
  ]);
  return encodeApdu({ cla: 0x80, ins: 0x50, p1: 0x01, p2: 0x02, data, le: 0x0f });
}

export interface InitPurchaseAnswer {
  balanceFen: number;
  offlineSeq: number;
  overdraftFen: number;
  keyVersion: number;
  algId: number;
  random: Uint8Array;
}

export function parseInitPurchase(resp: Uint8Array): InitPurchaseAnswer {
  const d = expectData(resp, 15, 'INITIALIZE FOR PURCHASE');
  return {
    balanceFen: be(d.subarray(0, 4)),
    offlineSeq: be(d.subarray(4, 6)),
    overdraftFen: be(d.subarray(6, 9)),
    keyVersion: d[9]!,
    algId: d[10]!,
    random: d.slice(11, 15),
  };
}

export function debitForPurchase(
  terminalSeq: Uint8Array,
  date: Uint8Array,
  time: Uint8Array,
  mac1: Uint8Array,
): Uint8Array {
  const data = Uint8Array.from([
    ...fixed(terminalSeq, 4, 'terminal sequence'),
    ...fixed(date, 4, 'date'),
    ...fixed(time, 3, 'time'),
    ...fixed(mac1, 4, 'MAC1'),
  ]);
  return encodeApdu({ cla: 0x80, ins: 0x54, p1: 0x01, p2: 0x00, data, le: 0x08 });
}

/** DEBIT answers TAC ‖ MAC2. */
export function parseDebit(resp: Uint8Array): { tac: Uint8Array; mac2: Uint8Array } {
  const d = expectData(resp, 8, 'DEBIT FOR PURCHASE');
  return { tac: d.slice(0, 4), mac2: d.slice(4, 8) };
}

/** GET TRANSACTION PROVE: P2 = transaction type (06 purchase, 02 load), data = that transaction's sequence. */
export function getTransactionProve(txnType: number, seq: number): Uint8Array {
  return encodeApdu({ cla: 0x80, ins: 0x5a, p1: 0x00, p2: keyIndex(txnType), data: u16(seq), le: 0x08 });
}

/** …and answers MAC2 ‖ TAC (the other order than DEBIT's). */
export function parseProve(resp: Uint8Array): { mac2: Uint8Array; tac: Uint8Array } {
  const d = expectData(resp, 8, 'GET TRANSACTION PROVE');
  return { mac2: d.slice(0, 4), tac: d.slice(4, 8) };
}

export function initializeForLoad(keyIdx: number, amountFen: number, terminalNumber: Uint8Array): Uint8Array {
  const data = Uint8Array.from([
    keyIndex(keyIdx),
    ...u32(amountFen),
    ...fixed(terminalNumber, 6, 'terminal number'),
  ]);
  return encodeApdu({ cla: 0x80, ins: 0x50, p1: 0x00, p2: 0x02, data, le: 0x10 });
}

export interface InitLoadAnswer {
  balanceFen: number;
  onlineSeq: number;
  keyVersion: number;
  algId: number;
  random: Uint8Array;
  mac1: Uint8Array;
}

export function parseInitLoad(resp: Uint8Array): InitLoadAnswer {
  const d = expectData(resp, 16, 'INITIALIZE FOR LOAD');
  return {
    balanceFen: be(d.subarray(0, 4)),
    onlineSeq: be(d.subarray(4, 6)),
    keyVersion: d[6]!,
    algId: d[7]!,
    random: d.slice(8, 12),
    mac1: d.slice(12, 16),
  };
}

export function creditForLoad(date: Uint8Array, time: Uint8Array, mac2: Uint8Array): Uint8Array {
  const data = Uint8Array.from([
    ...fixed(date, 4, 'date'),
    ...fixed(time, 3, 'time'),
    ...fixed(mac2, 4, 'MAC2'),
  ]);
  return encodeApdu({ cla: 0x80, ins: 0x52, p1: 0x00, p2: 0x00, data, le: 0x04 });
}

export function parseCredit(resp: Uint8Array): { tac: Uint8Array } {
  return { tac: expectData(resp, 4, 'CREDIT FOR LOAD') };
}

/** READ RECORD n of the cyclic transaction file (SFI 0x18): P2 = SFI<<3 | 4. */
export function readTxnRecord(n: number): Uint8Array {
  if (!Number.isInteger(n) || n < 1 || n > 0xfe) throw new EpurseError('EP_BAD_INPUT', 'record number');
  return encodeApdu({ cla: 0x00, ins: 0xb2, p1: n, p2: (0x18 << 3) | 4, le: 0x17 });
}

export interface TxnRecord {
  seq: number;
  overdraftFen: number;
  amountFen: number;
  txnType: number;
  terminalNumber: string;
  date: string;
  time: string;
}

/** A record: sequence 2 ‖ overdraft 3 ‖ amount 4 ‖ type 1 ‖ terminal number 6 ‖ date 4 ‖ time 3 (23 bytes). */
export function parseTxnRecord(resp: Uint8Array): TxnRecord {
  const d = expectData(resp, 23, 'READ RECORD (SFI 0x18)');
  return {
    seq: be(d.subarray(0, 2)),
    overdraftFen: be(d.subarray(2, 5)),
    amountFen: be(d.subarray(5, 9)),
    txnType: d[9]!,
    terminalNumber: toHex(d.subarray(10, 16)),
    date: bcd(d.subarray(16, 20), 'record date'),
    time: bcd(d.subarray(20, 23), 'record time'),
  };
}

export function encodeTxnRecord(r: TxnRecord): Uint8Array {
  return fromHex(
    toHex(u16(r.seq)) +
      toHex(u32(r.overdraftFen)).slice(2) +
      toHex(u32(r.amountFen)) +
      hex2(r.txnType) +
      r.terminalNumber +
      r.date +
      r.time,
  );
}

// ---- PSAM ----

export const selectPsam = (dfName: string = PSAM_DF_NAME): Uint8Array => selectByAid(fromHex(dfName));
export const readTerminalNumber = (): Uint8Array => fromHex('00B0960006');

export function parseTerminalNumber(resp: Uint8Array): Uint8Array {
  return expectData(resp, 6, 'terminal number (SFI 0x16)');
}

export interface PsamMac1Input {
  random: Uint8Array;
  offlineSeq: number;
  amountFen: number;
  date: Uint8Array;
  time: Uint8Array;
  keyVersion: number;
  algId: number;
  serial8: Uint8Array;
}

/** MAC1 for purchase: Lc 1C, one-level diversification by the card serial. */
export function psamMac1(i: PsamMac1Input): Uint8Array {
  const data = Uint8Array.from([
    ...fixed(i.random, 4, 'random'),
    ...u16(i.offlineSeq),
    ...u32(i.amountFen),
    0x06,
    ...fixed(i.date, 4, 'date'),
    ...fixed(i.time, 3, 'time'),
    keyIndex(i.keyVersion),
    keyIndex(i.algId),
    ...fixed(i.serial8, 8, 'card serial'),
  ]);
  return encodeApdu({ cla: 0x80, ins: 0x70, p1: 0x00, p2: 0x00, data });
}

/** GET RESPONSE for the PSAM's 61 08 (T=1 through pcscd sends none by itself). */
export const psamGetResponse = (): Uint8Array => getResponse(8);

/** The MAC1 answer: `61 xx` → more data waits; or terminal sequence 4 ‖ MAC1 4 with 9000. */
export function parsePsamMac1(
  resp: Uint8Array,
): { more: number } | { terminalSeq: Uint8Array; mac1: Uint8Array } {
  if (resp.length === 2 && resp[0] === 0x61) return { more: resp[1] || 256 };
  const d = expectData(resp, 8, 'PSAM MAC1');
  return { terminalSeq: d.slice(0, 4), mac1: d.slice(4, 8) };
}

export const psamVerifyMac2 = (mac2: Uint8Array): Uint8Array =>
  encodeApdu({ cla: 0x80, ins: 0x72, p1: 0x00, p2: 0x00, data: fixed(mac2, 4, 'MAC2') });

/** 9000 → true; 9302 → EP_MAC_INVALID; anything else typed. */
export function parsePsamVerifyMac2(resp: Uint8Array): true {
  expectData(resp, 0, 'PSAM verify MAC2');
  return true;
}

/** Plain 9000 answers (SELECT with any FCI). */
export function parseOk(resp: Uint8Array, what: string): Uint8Array {
  return expectData(resp, 'any', what);
}
