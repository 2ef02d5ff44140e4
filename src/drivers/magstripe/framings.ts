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
  SERIAL_LINE_DEFAULT,
  silenceFraming,
  stxEtxFraming,
  terminatorFraming,
  type LineProtocol,
} from '../serial/framing';

export interface MagstripeProtocol extends LineProtocol {
  /** Each track's LRC character follows its end sentinel (ISO/IEC 7811-2 LRC, see tracks.ts). */
  trackLrc: boolean;
}

/** A swipe is at most 79 + 40 + 107 track characters (+3 LRC) plus framing; 512 leaves room. */
const MAX_SWIPE_BYTES = 512;

export const MSR_FRAMINGS = {
  /**
   * Tracks back to back, ended by CR (the usual factory "terminator") or LF or CR LF.
   * Also the keyboard-wedge form, where the terminator is the Enter key.
   */
  plain: {
    framing: terminatorFraming(
      'plain',
      MAX_SWIPE_BYTES,
      'ISO/IEC 7813 track text; terminator CR / LF / CR LF per the reader manual',
    ),
    trackLrc: false,
    line: SERIAL_LINE_DEFAULT,
  },
  /** As `plain`, with the track LRC passed after each end sentinel ("send LRC" enabled). */
  'plain-lrc': {
    framing: terminatorFraming(
      'plain-lrc',
      MAX_SWIPE_BYTES,
      'ISO/IEC 7811-2 LRC after each ES; terminator CR / LF / CR LF per the reader manual',
    ),
    trackLrc: true,
    line: SERIAL_LINE_DEFAULT,
  },
  /** No terminator at all: a swipe ends after 100 ms of silence (a swipe arrives in < 50 ms at 9600 baud). */
  none: {
    framing: silenceFraming(
      MAX_SWIPE_BYTES,
      'reader set to "no terminator"; end of swipe by inter-byte timeout (serialport parser-inter-byte-timeout)',
    ),
    trackLrc: false,
    line: SERIAL_LINE_DEFAULT,
  },
  /** STX (0x02) swipe ETX (0x03): the "STX/ETX" packet mode some serial readers offer. */
  'stx-etx': {
    framing: stxEtxFraming(
      MAX_SWIPE_BYTES,
      'ASCII STX/ETX (ISO/IEC 646 C0 controls) around the swipe, per the reader manual',
    ),
    trackLrc: false,
    line: SERIAL_LINE_DEFAULT,
  },
} as const satisfies Record<string, MagstripeProtocol>;

export type MsrFramingName = keyof typeof MSR_FRAMINGS;
