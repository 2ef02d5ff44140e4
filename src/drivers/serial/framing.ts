/**
 * How a reader delimits one read (a swipe, a scan) on a byte stream. A framing is configuration
 * data, not code: each reader kind has typed constants (magstripe/framings.ts, barcode/framings.ts)
 * that cite the standard or manual they come from, and a device config may override prefix/suffix.
 *
 * Pure: no Node imports (the wedge path reuses it in the renderer).
 */

export interface Framing {
  /** Stable name used in device specs (`serial:/dev/ttyUSB0?framing=cr`). */
  readonly name: string;
  /** Bytes every frame starts with (e.g. STX 0x02). Empty: frames have no prefix. */
  readonly prefix: Uint8Array;
  /**
   * Any of these ends a frame; the first match in the stream wins, longer suffixes are tried first
   * at the same position (so CR LF is one terminator, not CR then an empty LF frame).
   * Empty: the reader sends no terminator and a frame ends after `idleFlushMs` of silence
   * (like serialport's parser-inter-byte-timeout).
   */
  readonly suffixes: readonly Uint8Array[];
  /** Silence after which a transport calls flush(); a half frame is then reported unreadable. */
  readonly idleFlushMs: number;
  /** A frame longer than this is garbage (a stuck line, wrong baud rate): dropped and reported. */
  readonly maxFrameBytes: number;
  /** Where these numbers come from. */
  readonly citation: string;
}

const CR = 0x0d;
const LF = 0x0a;
export const BYTES_CR = Uint8Array.of(CR);
export const BYTES_LF = Uint8Array.of(LF);
export const BYTES_CRLF = Uint8Array.of(CR, LF);
/** ASCII STX / ETX (ISO/IEC 646 C0 control set, "start of text" / "end of text"). */
export const BYTES_STX = Uint8Array.of(0x02);
export const BYTES_ETX = Uint8Array.of(0x03);
export const NO_BYTES = new Uint8Array(0);

/** RS-232 line settings; a pty accepts and ignores them (HARDWARE.md). */
export interface SerialLine {
  baudRate: number;
  dataBits: 7 | 8;
  parity: 'none' | 'even' | 'odd';
  stopBits: 1 | 2;
}

/** What every line reader's protocol (magstripe reader, scanner) has: how a read is framed, the line settings. */
export interface LineProtocol {
  framing: Framing;
  line: SerialLine;
}

/** 9600 8N1: the factory default of serial MSRs and scanners (and what their USB-serial versions emulate). */
export const SERIAL_LINE_DEFAULT: SerialLine = { baudRate: 9600, dataBits: 8, parity: 'none', stopBits: 1 };

/*
 * The three ways a line reader (magstripe reader, scanner) ends a read. The reader kinds differ
 * only in the name, the longest read they allow and the manual they cite, so each framings.ts
 * builds its typed constants from these.
 */

/** Ended by CR (the usual factory "terminator"/"suffix"), LF or CR LF; no prefix. */
export function terminatorFraming(name: string, maxFrameBytes: number, citation: string): Framing {
  return {
    name,
    prefix: NO_BYTES,
    suffixes: [BYTES_CRLF, BYTES_CR, BYTES_LF],
    idleFlushMs: 500,
    maxFrameBytes,
    citation,
  };
}

/** STX (0x02) read ETX (0x03): the packet mode readers offer as prefix/suffix settings. */
export function stxEtxFraming(maxFrameBytes: number, citation: string): Framing {
  return {
    name: 'stx-etx',
    prefix: BYTES_STX,
    suffixes: [BYTES_ETX],
    idleFlushMs: 500,
    maxFrameBytes,
    citation,
  };
}

/** No terminator: a read ends after 100 ms of silence (serialport's parser-inter-byte-timeout). */
export function silenceFraming(maxFrameBytes: number, citation: string): Framing {
  return { name: 'none', prefix: NO_BYTES, suffixes: [], idleFlushMs: 100, maxFrameBytes, citation };
}

/** The bytes a reader sends for one read: the framing's prefix, the payload, its first suffix. */
export function framePayload(framing: Framing, payload: Uint8Array): Uint8Array {
  const suffix = framing.suffixes[0] ?? NO_BYTES;
  const out = new Uint8Array(framing.prefix.length + payload.length + suffix.length);
  out.set(framing.prefix, 0);
  out.set(payload, framing.prefix.length);
  out.set(suffix, framing.prefix.length + payload.length);
  return out;
}

export type FramingOverrides = {
  prefix?: string;
  suffix?: string;
  idleFlushMs?: number;
  maxFrameBytes?: number;
};

export class FramingConfigError extends Error {
  readonly code = 'BAD_FRAMING' as const;
  constructor(message: string) {
    super(message);
    this.name = 'FramingConfigError';
  }
}

/**
 * Parses a prefix/suffix as written in a config file: plain text with the escapes `\r`, `\n`,
 * `\t`, `\\` and `\xNN` (so STX is `\x02`). Only single-byte characters are allowed.
 */
export function parseByteEscapes(text: string): Uint8Array {
  const out: number[] = [];
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c > 0xff) throw new FramingConfigError(`non-byte character in framing string at ${i}`);
    if (c !== 0x5c /* \ */) {
      out.push(c);
      continue;
    }
    const n = text[i + 1];
    if (n === 'r') out.push(CR);
    else if (n === 'n') out.push(LF);
    else if (n === 't') out.push(0x09);
    else if (n === '\\') out.push(0x5c);
    else if (n === 'x' && /^[0-9a-fA-F]{2}$/.test(text.slice(i + 2, i + 4))) {
      out.push(parseInt(text.slice(i + 2, i + 4), 16));
      i += 2;
    } else throw new FramingConfigError(`bad escape in framing string at ${i}`);
    i += 1;
  }
  return Uint8Array.from(out);
}

/** A framing with a config's prefix/suffix/timeouts applied on top. */
export function withOverrides(base: Framing, o: FramingOverrides | undefined): Framing {
  if (!o) return base;
  const suffix = o.suffix === undefined ? undefined : parseByteEscapes(o.suffix);
  return {
    ...base,
    name: o.prefix !== undefined || o.suffix !== undefined ? `${base.name}+custom` : base.name,
    prefix: o.prefix === undefined ? base.prefix : parseByteEscapes(o.prefix),
    suffixes: suffix === undefined ? base.suffixes : suffix.length ? [suffix] : [],
    idleFlushMs: o.idleFlushMs ?? base.idleFlushMs,
    maxFrameBytes: o.maxFrameBytes ?? base.maxFrameBytes,
  };
}
