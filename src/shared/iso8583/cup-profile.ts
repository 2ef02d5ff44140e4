/**
 * The UnionPay POS profile CardTill speaks (/work/shared/ISO8583-CUP.md, "Field encodings" and
 * "Messages"; Q/CUP 006.2 / 007 for the layout). Everything the codec and the message checks know
 * about this dialect is in this one object: a host that differs is a copy of it with changes.
 */
import type { FieldSpec, Iso8583Profile, MessageSpec } from './profile';

const n = (name: string, length: number, pad: 'left' | 'right' = 'left'): FieldSpec => ({
  name,
  format: 'n',
  kind: 'fixed',
  length,
  pad,
});
const fixed = (name: string, format: 'an' | 'ans' | 'b', length: number): FieldSpec => ({
  name,
  format,
  kind: 'fixed',
  length,
});

/** The field table: format, fixed or variable, length units as the page's table says. */
export const CUP_FIELDS: Readonly<Record<number, FieldSpec>> = {
  2: { name: 'primary account number', format: 'n', kind: 'LLVAR', length: 19, pad: 'right' },
  3: n('processing code', 6),
  4: n('amount (fen)', 12),
  11: n('system trace audit number', 6),
  12: n('local time hhmmss', 6),
  13: n('local date MMDD', 4),
  14: n('card expiry YYMM', 4),
  15: n('settlement date MMDD', 4),
  // n3 right-justified: `021` → `00 21` (a leading 0 nibble).
  22: n('POS entry mode', 3, 'left'),
  25: n('POS condition code', 2),
  26: n('PIN capture code', 2),
  // In the table so a frame carrying it parses; no message lists it (track data never leaves the reader).
  35: { name: 'track 2', format: 'z', kind: 'LLVAR', length: 37, pad: 'right' },
  37: fixed('retrieval reference number', 'an', 12),
  38: fixed('authorization code', 'an', 6),
  39: fixed('response code', 'an', 2),
  41: fixed('terminal id', 'ans', 8),
  42: fixed('merchant id', 'ans', 15),
  48: { name: 'settlement totals', format: 'n', kind: 'LLLVAR', length: 62, pad: 'right' },
  49: fixed('currency', 'an', 3),
  52: { name: 'PIN block', format: 'b', kind: 'fixed', length: 8, lengthByKeySet: { '3des': 8, sm4: 16 } },
  53: n('security control', 16),
  54: { name: 'balance', format: 'an', kind: 'LLLVAR', length: 20 },
  60: { name: 'transaction info', format: 'n', kind: 'LLLVAR', length: 17, pad: 'right' },
  61: { name: 'original transaction', format: 'n', kind: 'LLLVAR', length: 16, pad: 'right' },
  62: { name: 'working keys', format: 'b', kind: 'LLLVAR', length: 84 },
  63: { name: 'operator', format: 'ans', kind: 'LLLVAR', length: 3 },
  64: fixed('MAC', 'b', 8),
};

const list = (mandatory: number[], optional: number[] = []) => ({ mandatory, optional });

/** A purchase's request and answer: also activation, top-up and cash-out (page: "the purchase's fields"). */
const PURCHASE_REQUEST = list([2, 3, 4, 11, 22, 25, 41, 42, 49, 60, 64], [14, 26, 52, 53]);
const PURCHASE_ANSWER = {
  mti: '0210',
  // 38 only on `00`; 54 whenever the host knows the card.
  ...list([2, 3, 4, 11, 12, 13, 15, 25, 37, 39, 41, 42, 49, 60, 64], [38, 54]),
};

const purchaseLike = (name: string, processingCode: string, typeCode: string): MessageSpec => ({
  name,
  mti: '0200',
  processingCode,
  typeCode,
  request: PURCHASE_REQUEST,
  answer: PURCHASE_ANSWER,
});

/** The message set ("Messages" table). A request is identified by MTI, field 3 and 60.1 (60.3 for 08xx/05xx). */
export const CUP_MESSAGES: readonly MessageSpec[] = [
  {
    name: 'sign-on',
    mti: '0800',
    typeCode: '00',
    networkCodes: ['004', '005'],
    request: list([11, 41, 42, 60, 63]),
    // 62 only when the sign-on is approved; the answer carries no MAC (the check values authenticate).
    answer: { mti: '0810', ...list([11, 12, 13, 37, 39, 41, 42, 60], [62]) },
  },
  {
    name: 'echo',
    mti: '0820',
    typeCode: '00',
    networkCodes: ['301'],
    request: list([11, 41, 42, 60]),
    answer: { mti: '0830', ...list([11, 12, 13, 39, 41, 42, 60]) },
  },
  {
    name: 'balance',
    mti: '0200',
    processingCode: '310000',
    typeCode: '01',
    request: list([2, 3, 11, 22, 25, 41, 42, 49, 60, 64], [14, 26, 52, 53]),
    answer: { mti: '0210', ...list([2, 3, 11, 12, 13, 15, 25, 37, 39, 41, 42, 49, 60, 64], [54]) },
  },
  purchaseLike('purchase', '000000', '22'),
  {
    name: 'void',
    mti: '0200',
    processingCode: '200000',
    typeCode: '23',
    request: list([2, 3, 4, 11, 22, 25, 37, 38, 41, 42, 49, 60, 61, 64]),
    answer: PURCHASE_ANSWER,
  },
  purchaseLike('activation', '220000', '40'),
  purchaseLike('top-up', '210000', '41'),
  purchaseLike('cash-out', '010000', '42'),
  {
    name: 'refund',
    mti: '0220',
    processingCode: '200000',
    typeCode: '25',
    request: list([2, 3, 4, 11, 22, 25, 37, 41, 42, 49, 60, 61, 64]),
    answer: { ...PURCHASE_ANSWER, mti: '0230' },
  },
  {
    name: 'advice',
    mti: '0220',
    processingCode: '000000',
    typeCode: '22',
    request: list([2, 3, 4, 11, 12, 13, 22, 25, 41, 42, 49, 60, 64], [14]),
    answer: { mti: '0230', ...list([2, 3, 4, 11, 37, 39, 41, 42, 49, 60, 64]) },
  },
  {
    // "the original's fields with its STAN in 11, plus 39; no 52/53" (26 goes with 52): the union
    // of what a reversible original carries — purchase-like, and the void's 37 38 61.
    name: 'reversal',
    mti: '0400',
    typeCode: null,
    request: list([2, 3, 4, 11, 22, 25, 39, 41, 42, 49, 60, 64], [14, 37, 38, 61]),
    answer: { mti: '0410', ...list([2, 3, 4, 11, 39, 41, 42, 49, 60, 64]) },
  },
  {
    name: 'settlement',
    mti: '0500',
    typeCode: '00',
    networkCodes: ['201'],
    request: list([11, 41, 42, 48, 49, 60, 63]),
    answer: { mti: '0510', ...list([11, 12, 13, 15, 37, 39, 41, 42, 48, 49, 60]) },
  },
];

export const CUP_PROFILE: Iso8583Profile = {
  name: 'cup-pos',
  tpduId: 0x60,
  headerLength: 6,
  headerPrefix: [0x60, 0x31],
  minMessageBytes: 21,
  maxMessageBytes: 1024,
  lengthEncoding: 'bcd',
  defaultKeySet: '3des',
  fields: CUP_FIELDS,
  messages: CUP_MESSAGES,
};
