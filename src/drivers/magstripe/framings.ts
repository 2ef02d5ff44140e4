/**
 * Magstripe reader protocols as data (CONVENTIONS.md: "a device protocol is data"). Pick one with
 * `framing=<name>` in the device spec; override prefix/suffix in the device config's options.
 *
 * What all of them share — the ASCII track text, sentinels and LRC — is ISO/IEC 7811-2 / 7813 and
 * lives in tracks.ts. What differs between readers is only what wraps a swipe, set in the reader's
 * programming manual (MagTek, ID TECH and the many white-label MSR90/MSR100-class readers all
 * offer the choices below as "terminator" / "preamble" / "postamble" / "send LRC" settings).
 */
import {
  BYTES_CR,
  BYTES_CRLF,
  BYTES_ETX,
  BYTES_LF,
  BYTES_STX,
  NO_BYTES,
  type Framing,
} from '../serial/framing';

/** RS-232 line settings; a pty accepts and ignores them (HARDWARE.md). */
export interface SerialLine {
  baudRate: number;
  dataBits: 7 | 8;
  parity: 'none' | 'even' | 'odd';
  stopBits: 1 | 2;
}

export interface MagstripeProtocol {
  framing: Framing;
  /** Each track's LRC character follows its end sentinel (ISO/IEC 7811-2 LRC, see tracks.ts). */
  trackLrc: boolean;
  line: SerialLine;
}

/** 9600 8N1: the factory default of serial MSRs (and what their USB-serial versions emulate). */
export const MSR_LINE_DEFAULT: SerialLine = { baudRate: 9600, dataBits: 8, parity: 'none', stopBits: 1 };

/** A swipe is at most 79 + 40 + 107 track characters (+3 LRC) plus framing; 512 leaves room. */
const MAX_SWIPE_BYTES = 512;

export const MSR_FRAMINGS = {
  /**
   * Tracks back to back, ended by CR (the usual factory "terminator") or LF or CR LF.
   * Also the keyboard-wedge form, where the terminator is the Enter key.
   */
  plain: {
    framing: {
      name: 'plain',
      prefix: NO_BYTES,
      suffixes: [BYTES_CRLF, BYTES_CR, BYTES_LF],
      idleFlushMs: 500,
      maxFrameBytes: MAX_SWIPE_BYTES,
      citation: 'ISO/IEC 7813 track text; terminator CR / LF / CR LF per the reader manual',
    },
    trackLrc: false,
    line: MSR_LINE_DEFAULT,
  },
  /** As `plain`, with the track LRC passed after each end sentinel ("send LRC" enabled). */
  'plain-lrc': {
    framing: {
      name: 'plain-lrc',
      prefix: NO_BYTES,
      suffixes: [BYTES_CRLF, BYTES_CR, BYTES_LF],
      idleFlushMs: 500,
      maxFrameBytes: MAX_SWIPE_BYTES,
      citation: 'ISO/IEC 7811-2 LRC after each ES; terminator CR / LF / CR LF per the reader manual',
    },
    trackLrc: true,
    line: MSR_LINE_DEFAULT,
  },
  /** No terminator at all: a swipe ends after 100 ms of silence (a swipe arrives in < 50 ms at 9600 baud). */
  none: {
    framing: {
      name: 'none',
      prefix: NO_BYTES,
      suffixes: [],
      idleFlushMs: 100,
      maxFrameBytes: MAX_SWIPE_BYTES,
      citation:
        'reader set to "no terminator"; end of swipe by inter-byte timeout (serialport parser-inter-byte-timeout)',
    },
    trackLrc: false,
    line: MSR_LINE_DEFAULT,
  },
  /** STX (0x02) swipe ETX (0x03): the "STX/ETX" packet mode some serial readers offer. */
  'stx-etx': {
    framing: {
      name: 'stx-etx',
      prefix: BYTES_STX,
      suffixes: [BYTES_ETX],
      idleFlushMs: 500,
      maxFrameBytes: MAX_SWIPE_BYTES,
      citation: 'ASCII STX/ETX (ISO/IEC 646 C0 controls) around the swipe, per the reader manual',
    },
    trackLrc: false,
    line: MSR_LINE_DEFAULT,
  },
} as const satisfies Record<string, MagstripeProtocol>;

export type MsrFramingName = keyof typeof MSR_FRAMINGS;

export function isMsrFramingName(name: string): name is MsrFramingName {
  return Object.prototype.hasOwnProperty.call(MSR_FRAMINGS, name);
}
