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
