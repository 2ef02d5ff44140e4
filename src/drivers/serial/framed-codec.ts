/**
 * A reader codec = a FrameParser (framing.ts data) + a decoder of one whole frame. Every line
 * reader (magstripe, scanner) has the same push / flush / reset shape; what differs is only how a
 * frame becomes a result, and how a broken frame is reported (SWIPE_UNREADABLE, SCAN_UNREADABLE).
 *
 * Pure: no Node imports (the renderer's keyboard-wedge path runs the codecs that extend it).
 */
import { FrameParser, type FrameFault, type FrameResult } from './frame-parser';
import type { Framing } from './framing';

/** What a broken frame means, in words that never carry the frame's bytes. `read` is "swipe" or "scan". */
export function frameFaultText(fault: FrameFault, read: string): string {
  if (fault === 'partial') return `${read} stopped before its terminator`;
  if (fault === 'overflow') return 'too many bytes without a terminator';
  return 'bytes outside a frame';
}

export abstract class FramedCodec<R> {
  private readonly parser: FrameParser;

  constructor(framing: Framing) {
    this.parser = new FrameParser(framing);
  }

  /** Bytes held while waiting for the rest of a frame (the driver's idle timer watches this). */
  get pending(): number {
    return this.parser.pending;
  }

  push(chunk: Uint8Array): R[] {
    return this.parser.push(chunk).map((f) => this.decodeFrame(f));
  }

  /** After silence or on close: a half frame comes out as a fault (or, without a terminator, as a frame). */
  flush(): R[] {
    return this.parser.flush().map((f) => this.decodeFrame(f));
  }

  reset(): void {
    this.parser.reset();
  }

  protected abstract decodeFrame(f: FrameResult): R;
}
