/**
 * The file-batch issuer's file format (docs/issuer-protocol.md "File-batch issuers"), both sides:
 * the terminal (src/main/issuer/file-batch) and the back office (src/issuer-sim/file-batch).
 *
 *   CTFB/1 <type>\n                       type: hotlist | balances | transactions | ack
 *   <key>=<value>\n …                     the header, each key once, fixed set per type
 *   \n
 *   <record>\n × count                    records, one a line
 *   sig=<base64 DER SM2 signature>\n      over every byte before "sig=" (SM3, GB/T default user id)
 *
 * ASCII only, LF only, nothing after the signature line. The signature is checked **before** a
 * single field is read, so a parser bug can only ever meet bytes the signer wrote. Every bad input
 * ends as a FileBatchError with a reason; nothing here applies anything.
 */
import { TillError } from './errors';

export const FILE_MAGIC = 'CTFB/1';
/** A balance snapshot of a regional chain (a few million cards) fits; anything larger is refused. */
export const MAX_FILE_BYTES = 64 * 1024 * 1024;
export const MAX_RECORDS = 4_000_000;

export type FileType = 'hotlist' | 'balances' | 'transactions' | 'ack';

export type FileRefusal =
  | 'unsigned'
  | 'bad-signature'
  | 'malformed'
  | 'wrong-issuer'
  | 'wrong-terminal'
  | 'wrong-type'
  | 'old-version'
  | 'stale'
  | 'too-old'
  | 'future'
  | 'too-large';

/** Why a file was not used; `detail` never carries a card number. */
export class FileBatchError extends TillError {
  constructor(
    readonly reason: FileRefusal,
    detail: string,
  ) {
    super('FILE_BATCH_REFUSED', `${reason}: ${detail}`);
    this.name = 'FileBatchError';
  }
}

/** Header keys each type carries (all required, no others). */
const HEADER_KEYS: Record<FileType, readonly string[]> = {
  hotlist: ['issuer', 'version', 'created-at', 'valid-until', 'count'],
  balances: ['issuer', 'version', 'created-at', 'valid-until', 'reflects', 'count'],
  transactions: ['issuer', 'terminal', 'version', 'key', 'created-at', 'count'],
  ack: ['issuer', 'terminal', 'version', 'file', 'created-at', 'count'],
};

export interface HotlistRecord {
  pan: string;
}
export interface BalanceRecord {
  pan: string;
  balanceFen: number;
}
export type TxnLineType = 'sale' | 'void' | 'refund';
export interface TxnRecord {
  stan: number;
  type: TxnLineType;
  time: string;
  pan: string;
  amountFen: number;
  origStan: number | null;
  authCode: string;
}
export interface AckRecord {
  stan: number;
  result: 'accepted' | 'refused';
  code: string | null;
  balanceFen: number | null;
}
export interface RecordOf {
  hotlist: HotlistRecord;
  balances: BalanceRecord;
  transactions: TxnRecord;
  ack: AckRecord;
}

export interface FileHeader {
  issuer: string;
  version: number;
  createdAt: string;
  count: number;
  validUntil?: string;
  terminal?: string;
  key?: number;
  file?: number;
  /** balances: terminal id → highest transaction file seq of that terminal the snapshot includes. */
  reflects?: Record<string, number>;
}

export interface ParsedFile<T extends FileType> {
  type: T;
  header: FileHeader;
  records: RecordOf[T][];
  /** The exact signed bytes' length (the file is these plus the signature line). */
  signedLength: number;
}

const ID_RE = /^[A-Za-z0-9][A-Za-z0-9_-]{0,31}$/;
const UINT_RE = /^(0|[1-9]\d{0,15})$/;
const PAN_RE = /^\d{12,19}$/;
const ISO_RE = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d{1,3})?Z$/;
const CODE_RE = /^[A-Z][A-Z0-9_]{0,39}$/;
const AUTH_RE = /^[A-Za-z0-9]{1,12}$/;
const B64_RE = /^[A-Za-z0-9+/]+={0,2}$/;

function fail(reason: FileRefusal, detail: string): never {
  throw new FileBatchError(reason, detail);
}

function uint(s: string, what: string, max = Number.MAX_SAFE_INTEGER): number {
  if (!UINT_RE.test(s)) fail('malformed', `${what} is not a whole number`);
  const n = Number(s);
  if (n > max) fail('malformed', `${what} is too large`);
  return n;
}

function iso(s: string, what: string): string {
  if (!ISO_RE.test(s) || Number.isNaN(Date.parse(s)))
    fail('malformed', `${what} is not an ISO 8601 UTC time`);
  return s;
}

function pan(s: string, line: number): string {
  if (!PAN_RE.test(s)) fail('malformed', `line ${line}: not a card number`);
  return s;
}

const FEN_MAX = 99_999_999_999; // ¥999,999,999.99 — src/shared/money.ts MAX_FEN order

function parseRecord<T extends FileType>(type: T, line: string, n: number): RecordOf[T] {
  const f = line.split(',');
  const want = { hotlist: 1, balances: 2, transactions: 7, ack: 4 }[type];
  if (f.length !== want) fail('malformed', `line ${n}: ${f.length} fields, ${want} expected`);
  switch (type) {
    case 'hotlist':
      return { pan: pan(f[0]!, n) } as RecordOf[T];
    case 'balances':
      return { pan: pan(f[0]!, n), balanceFen: uint(f[1]!, `line ${n} balance`, FEN_MAX) } as RecordOf[T];
    case 'transactions': {
      const t = f[1]!;
      if (t !== 'sale' && t !== 'void' && t !== 'refund') fail('malformed', `line ${n}: unknown type`);
      const amount = uint(f[4]!, `line ${n} amount`, FEN_MAX);
      if (amount === 0) fail('malformed', `line ${n}: zero amount`);
      if (!AUTH_RE.test(f[6]!)) fail('malformed', `line ${n}: bad auth code`);
      return {
        stan: uint(f[0]!, `line ${n} stan`),
        type: t,
        time: iso(f[2]!, `line ${n} time`),
        pan: pan(f[3]!, n),
        amountFen: amount,
        origStan: f[5] === '' ? null : uint(f[5]!, `line ${n} orig stan`),
        authCode: f[6]!,
      } as RecordOf[T];
    }
    case 'ack': {
      const r = f[1]!;
      if (r !== 'accepted' && r !== 'refused') fail('malformed', `line ${n}: unknown result`);
      if (f[2] !== '' && !CODE_RE.test(f[2]!)) fail('malformed', `line ${n}: bad code`);
      if (r === 'refused' && f[2] === '') fail('malformed', `line ${n}: a refusal needs a code`);
      return {
        stan: uint(f[0]!, `line ${n} stan`),
        result: r,
        code: f[2] === '' ? null : f[2]!,
        balanceFen: f[3] === '' ? null : uint(f[3]!, `line ${n} balance`, FEN_MAX),
      } as RecordOf[T];
    }
  }
  return fail('malformed', 'unknown type');
}

function parseReflects(s: string): Record<string, number> {
  const out: Record<string, number> = {};
  if (s === '') return out;
  for (const part of s.split(';')) {
    const m = /^([A-Za-z0-9]{1,16}):(\d{1,16})$/.exec(part);
    if (!m) fail('malformed', 'reflects is not "<terminal>:<seq>;…"');
    if (Object.prototype.hasOwnProperty.call(out, m[1]!))
      fail('malformed', 'reflects names a terminal twice');
    out[m[1]!] = uint(m[2]!, 'reflects seq');
  }
  return out;
}

export interface Verifier {
  verify(msg: Uint8Array, sig: Uint8Array): boolean;
}

/** Splits off and checks the trailing signature line; returns the signed bytes. */
export function verifiedBody(bytes: Uint8Array, verifier: Verifier): Uint8Array {
  if (bytes.length > MAX_FILE_BYTES) fail('too-large', `${bytes.length} bytes`);
  if (bytes.length === 0 || bytes[bytes.length - 1] !== 0x0a) fail('unsigned', 'no signature line');
  // The signature line is the last line: from the LF before it to the end.
  let start = bytes.length - 2;
  while (start >= 0 && bytes[start] !== 0x0a) start--;
  const body = bytes.subarray(0, start + 1);
  const last = Buffer.from(bytes.subarray(start + 1, bytes.length - 1)).toString('latin1');
  if (!last.startsWith('sig=')) fail('unsigned', 'no signature line');
  const b64 = last.slice(4);
  // Canonical base64 only (as the JSON protocol's `sig`): no other spelling of the same bytes.
  if (b64.length === 0 || b64.length % 4 !== 0 || b64.length > 200 || !B64_RE.test(b64))
    fail('bad-signature', 'signature is not canonical base64');
  const sig = Buffer.from(b64, 'base64');
  if (sig.toString('base64') !== b64) fail('bad-signature', 'signature is not canonical base64');
  let ok = false;
  try {
    ok = verifier.verify(body, sig);
  } catch {
    ok = false;
  }
  if (!ok) fail('bad-signature', 'signature does not verify');
  return body;
}

/**
 * Verifies then parses a file of the expected type. Throws FileBatchError only (a verifier that
 * throws counts as a bad signature).
 */
export function parseFile<T extends FileType>(bytes: Uint8Array, type: T, verifier: Verifier): ParsedFile<T> {
  const body = verifiedBody(bytes, verifier);
  for (const b of body) if (b > 0x7e || (b < 0x20 && b !== 0x0a)) fail('malformed', 'not printable ASCII');
  const lines = Buffer.from(body).toString('latin1').split('\n');
  lines.pop(); // the body ends with LF
  const first = lines[0] ?? '';
  if (!first.startsWith(`${FILE_MAGIC} `)) fail('malformed', 'not a CTFB/1 file');
  const got = first.slice(FILE_MAGIC.length + 1);
  if (got !== type) fail('wrong-type', `a ${got.slice(0, 20)} file where ${type} was expected`);
  const keys = HEADER_KEYS[type];
  const h = new Map<string, string>();
  let i = 1;
  for (; i < lines.length && lines[i] !== ''; i++) {
    const line = lines[i]!;
    const eq = line.indexOf('=');
    const k = eq < 0 ? line : line.slice(0, eq);
    if (eq < 0 || !keys.includes(k)) fail('malformed', `header line ${i + 1} is not a known key`);
    if (h.has(k)) fail('malformed', `header key ${k} twice`);
    h.set(k, line.slice(eq + 1));
  }
  if (i >= lines.length) fail('malformed', 'no blank line after the header');
  for (const k of keys) if (!h.has(k)) fail('malformed', `header key ${k} missing`);
  const issuer = h.get('issuer')!;
  if (!ID_RE.test(issuer)) fail('malformed', 'bad issuer id');
  const header: FileHeader = {
    issuer,
    version: uint(h.get('version')!, 'version'),
    createdAt: iso(h.get('created-at')!, 'created-at'),
    count: uint(h.get('count')!, 'count', MAX_RECORDS),
  };
  if (h.has('valid-until')) header.validUntil = iso(h.get('valid-until')!, 'valid-until');
  if (h.has('terminal')) {
    const t = h.get('terminal')!;
    if (!/^[A-Za-z0-9]{1,16}$/.test(t)) fail('malformed', 'bad terminal id');
    header.terminal = t;
  }
  if (h.has('key')) header.key = uint(h.get('key')!, 'key', 1_000_000);
  if (h.has('file')) header.file = uint(h.get('file')!, 'file');
  if (h.has('reflects')) header.reflects = parseReflects(h.get('reflects')!);
  const recs = lines.slice(i + 1);
  if (recs.length !== header.count) fail('malformed', `count=${header.count} but ${recs.length} records`);
  const records = recs.map((l, k) => parseRecord(type, l, i + 2 + k));
  return { type, header, records, signedLength: body.length };
}

function recordLine<T extends FileType>(type: T, r: RecordOf[T]): string {
  switch (type) {
    case 'hotlist':
      return (r as HotlistRecord).pan;
    case 'balances': {
      const b = r as BalanceRecord;
      return `${b.pan},${b.balanceFen}`;
    }
    case 'transactions': {
      const t = r as TxnRecord;
      return [t.stan, t.type, t.time, t.pan, t.amountFen, t.origStan ?? '', t.authCode].join(',');
    }
    default: {
      const a = r as AckRecord;
      return [a.stan, a.result, a.code ?? '', a.balanceFen ?? ''].join(',');
    }
  }
}

/** The header lines of a file, in the order HEADER_KEYS lists them. */
function headerLines(type: FileType, h: Omit<FileHeader, 'count'>, count: number): string[] {
  const v: Record<string, string | undefined> = {
    issuer: h.issuer,
    terminal: h.terminal,
    version: String(h.version),
    key: h.key === undefined ? undefined : String(h.key),
    file: h.file === undefined ? undefined : String(h.file),
    'created-at': h.createdAt,
    'valid-until': h.validUntil,
    reflects:
      h.reflects === undefined
        ? undefined
        : Object.entries(h.reflects)
            .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
            .map(([t, s]) => `${t}:${s}`)
            .join(';'),
    count: String(count),
  };
  return HEADER_KEYS[type].map((k) => {
    if (v[k] === undefined) throw new Error(`file header needs ${k}`);
    return `${k}=${v[k]}`;
  });
}

/** The bytes to sign: magic line, header, blank line, records. */
export function fileBody<T extends FileType>(
  type: T,
  header: Omit<FileHeader, 'count'>,
  records: readonly RecordOf[T][],
): Uint8Array {
  const lines = [`${FILE_MAGIC} ${type}`, ...headerLines(type, header, records.length), ''];
  for (const r of records) lines.push(recordLine(type, r));
  return Buffer.from(lines.join('\n') + '\n', 'latin1');
}

/** A whole signed file: the body and its trailing signature line. */
export function buildFile<T extends FileType>(
  type: T,
  header: Omit<FileHeader, 'count'>,
  records: readonly RecordOf[T][],
  sign: (bytes: Uint8Array) => Uint8Array,
): Uint8Array {
  const body = fileBody(type, header, records);
  const sig = Buffer.from(sign(body)).toString('base64');
  return Buffer.concat([body, Buffer.from(`sig=${sig}\n`, 'latin1')]);
}

/** File names in the exchange directory (the header, not the name, is what counts). */
export const FILE_NAMES = {
  hotlist: (issuer: string, version: number) => `hotlist-${issuer}-${String(version).padStart(8, '0')}.ctfb`,
  balances: (issuer: string, version: number) =>
    `balances-${issuer}-${String(version).padStart(8, '0')}.ctfb`,
  transactions: (terminal: string, seq: number) => `txn-${terminal}-${String(seq).padStart(6, '0')}.ctfb`,
  ack: (terminal: string, seq: number) => `ack-${terminal}-${String(seq).padStart(6, '0')}.ctfb`,
};
export const NAME_PATTERNS = {
  hotlist: /^hotlist-[A-Za-z0-9_-]+-\d+\.ctfb$/,
  balances: /^balances-[A-Za-z0-9_-]+-\d+\.ctfb$/,
  transactions: /^txn-([A-Za-z0-9]+)-(\d+)\.ctfb$/,
  ack: /^ack-([A-Za-z0-9]+)-(\d+)\.ctfb$/,
};
