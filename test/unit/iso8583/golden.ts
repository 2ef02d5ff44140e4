/**
 * Golden frames written out by hand, a comment per field. The first two are ISO8583-CUP.md's
 * "Worked numbers" byte for byte; the rest are ours, one per message type, built from the page's
 * field table (lengths counted by hand: frame() refuses a frame whose length prefix is wrong).
 */
export function hex(...parts: string[]): Uint8Array {
  const s = parts.join('').replace(/\s+/g, '');
  if (!/^([0-9A-Fa-f]{2})*$/.test(s)) throw new Error(`bad hex ${s}`);
  return Uint8Array.from(s.match(/../g) ?? [], (h) => parseInt(h, 16));
}

/** A whole frame from annotated hex parts; throws when its length prefix is not the byte count. */
export function frame(...parts: string[]): Uint8Array {
  const b = hex(...parts);
  if (b.length < 2 || ((b[0]! << 8) | b[1]!) !== b.length - 2)
    throw new Error(`golden frame length prefix ${(b[0]! << 8) | b[1]!} but ${b.length - 2} bytes follow`);
  return b;
}

const T41 = '5430303030303031'; // 41 "T0000001"
const M42 = '4D3030303030303030303030312020'; // 42 "M000000000001  " (right-padded with spaces)
const TPDU_REQ = '6000010000'; // TPDU 60, destination 0001, source 0000
const TPDU_ANS = '6000000001'; // the answer: addresses swapped
const HDR = '603100000000'; // header: category 60, version 31, processing requirement 0
const HDR3 = '603103000000'; // header with processing requirement 3 (sign on again)

/** The page's purchase, ¥12.50, STAN 7, batch 1, entry 021, no password; MAC under the page's MAK. */
export const PAGE_PURCHASE_BODY = [
  '0055', // length: 85 bytes follow
  TPDU_REQ,
  HDR,
  '0200', // MTI
  '7020048000C08011', // bitmap: 2 3 4 11 22 25 41 42 49 60 64
  '16 8888010000000017', // 2: LL 16 digits, PAN
  '000000', // 3: processing code purchase
  '000000001250', // 4: ¥12.50 in fen
  '000007', // 11: STAN 7
  '0021', // 22: entry mode 021 with its leading 0 nibble
  '00', // 25: condition code
  T41,
  M42,
  '313536', // 49: "156"
  '0008 22000001', // 60: 8 digits — 60.1 22, 60.2 000001
];
export const PAGE_PURCHASE_3DES = frame(...PAGE_PURCHASE_BODY, '3734453841363432'); // 64: "74E8A642"
export const PAGE_PURCHASE_SM4 = frame(...PAGE_PURCHASE_BODY, '4238393838354439'); // 64: "B89885D9"

/** The page's sign-on request: T0000001, STAN 1, batch 0, 3DES set. */
export const PAGE_SIGN_ON = frame(
  '003C', // length: 60
  TPDU_REQ,
  HDR,
  '0800', // MTI
  '0020000000C00012', // bitmap: 11 41 42 60 63
  '000001', // 11: STAN 1
  T41,
  M42,
  '0011 000000000040', // 60: 11 digits — 60.1 00, 60.2 000000, 60.3 004, pad nibble 0
  '0003 303031', // 63: 3 bytes "001"
);

/** Ours: sign-on answer, batch 1, keys wrapped under TMK 00112233445566778899AABBCCDDEEFF (keys.test.ts derives them). */
export const OUR_SIGN_ON_ANSWER = frame(
  '0074', // length: 116
  TPDU_ANS,
  HDR,
  '0810',
  '003800000AC00014', // bitmap: 11 12 13 37 39 41 42 60 62
  '000001', // 11: echoed
  '143005', // 12: 14:30:05
  '1201', // 13: 1 December
  '303030303030303030303031', // 37: "000000000001"
  '3030', // 39: "00"
  T41,
  M42,
  '0011 000000010040', // 60: 60.1 00, 60.2 000001 (the batch to use), 60.3 004
  '0040', // 62: 40 bytes
  '4cd648347c7c41f1691c586546c2cbe1', //   PIK 0123…3210 under the TMK (3DES-ECB)
  '08d7b4fb', //   its check: 3DES(PIK, 0⁸)[0..4]
  '4cd648347c7c41f1691c586546c2cbe1', //   MAK (same clear key) under the TMK
  'd5d44ff7', //   its check: DES(MAK[0..8], 0⁸)[0..4]
);

/** Ours: echo request, STAN 2, batch 1. */
export const OUR_ECHO = frame(
  '0037', // length: 55
  TPDU_REQ,
  HDR,
  '0820',
  '0020000000C00010', // bitmap: 11 41 42 60
  '000002', // 11
  T41,
  M42,
  '0011 000000013010', // 60: 00, 000001, 301 (+ pad)
);

/** Ours: balance inquiry with expiry, STAN 8, batch 1; 64 = 8 arbitrary bytes (the codec does not check MACs). */
export const OUR_BALANCE = frame(
  '0051', // length: 81
  TPDU_REQ,
  HDR,
  '0200',
  '6024048000C08011', // bitmap: 2 3 11 14 22 25 41 42 49 60 64
  '16 8888010000000017', // 2
  '310000', // 3: balance inquiry
  '000008', // 11
  '3012', // 14: expiry YYMM
  '0021', // 22
  '00', // 25
  T41,
  M42,
  '313536', // 49
  '0008 01000001', // 60: 60.1 01, batch 1
  '0102030405060708', // 64
);

/** Ours: the host's approved answer to the page's purchase, header nibble 3 (sign on again). */
export const OUR_PURCHASE_ANSWER = frame(
  '0084', // length: 132
  TPDU_ANS,
  HDR3,
  '0210',
  '703A00800EC08411', // bitmap: 2 3 4 11 12 13 15 25 37 38 39 41 42 49 54 60 64
  '16 8888010000000017', // 2: echoed
  '000000', // 3
  '000000001250', // 4
  '000007', // 11
  '143005', // 12
  '1201', // 13
  '1201', // 15: settlement date
  '00', // 25
  '303030303030303030303032', // 37: "000000000002"
  '413030303031', // 38: "A00001"
  '3030', // 39: "00"
  T41,
  M42,
  '313536', // 49
  '0020 3130303231353643303030303030303938373530', // 54: 20 bytes "1002156C000000098750" = ¥987.50
  '0008 22000001', // 60
  '3132333435363738', // 64
);

/** Ours: reversal 0400 of the page's purchase for a lost answer: 39 = "98". */
export const OUR_REVERSAL = frame(
  '0057', // length: 87
  TPDU_REQ,
  HDR,
  '0400',
  '7020048002C08011', // bitmap: 2 3 4 11 22 25 39 41 42 49 60 64
  '16 8888010000000017',
  '000000',
  '000000001250',
  '000007', // 11: the original's STAN
  '0021',
  '00',
  '3938', // 39: "98" no answer
  T41,
  M42,
  '313536',
  '0008 22000001',
  '0000000000000000', // 64
);

/** Ours: refund 0220 of ¥12.50 naming batch 1, STAN 7, date 1201 and the RRN; STAN 9. */
export const OUR_REFUND = frame(
  '006B', // length: 107
  TPDU_REQ,
  HDR,
  '0220',
  '7020048008C08019', // bitmap: 2 3 4 11 22 25 37 41 42 49 60 61 64
  '16 8888010000000017',
  '200000', // 3: refund
  '000000001250',
  '000009', // 11
  '0021',
  '00',
  '303030303030303030303032', // 37: the original's RRN
  T41,
  M42,
  '313536',
  '0008 25000001', // 60: 60.1 25
  '0016 0000010000071201', // 61: batch 000001, STAN 000007, date 1201
  'FFFFFFFFFFFFFFFF', // 64
);

/** Ours: settlement 0500, one sale of ¥12.50, STAN 10, operator 001. */
export const OUR_SETTLEMENT = frame(
  '0051', // length: 81
  TPDU_REQ,
  HDR,
  '0500',
  '0020000000C18012', // bitmap: 11 41 42 48 49 60 63
  '000010', // 11
  T41,
  M42,
  '0031 00100000000125000000000000000000', // 48: 31 digits 001 000000001250 000 000000000000 0, pad nibble
  '313536', // 49
  '0011 000000012010', // 60: 00, 000001, 201
  '0003 303031', // 63
);

export const ALL_GOLDEN: Record<string, Uint8Array> = {
  PAGE_PURCHASE_3DES,
  PAGE_PURCHASE_SM4,
  PAGE_SIGN_ON,
  OUR_SIGN_ON_ANSWER,
  OUR_ECHO,
  OUR_BALANCE,
  OUR_PURCHASE_ANSWER,
  OUR_REVERSAL,
  OUR_REFUND,
  OUR_SETTLEMENT,
};
