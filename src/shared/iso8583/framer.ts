/**
 * Cuts a TCP byte stream into frames by the 2-byte big-endian length: a carry-over buffer that
 * never holds more than one frame, so a peer cannot make it grow. A declared length outside the
 * profile's bounds is BAD_LENGTH (the connection is then closed: ISO8583-CUP.md).
 */
import { Iso8583Error } from './errors';
import type { Iso8583Profile } from './profile';

export class FrameReader {
  private buf = new Uint8Array(0);

  constructor(private readonly profile: Iso8583Profile) {}

  /** Adds bytes; returns the whole frames (each with its length prefix) now complete. */
  push(chunk: Uint8Array): Uint8Array[] {
    const joined = new Uint8Array(this.buf.length + chunk.length);
    joined.set(this.buf);
    joined.set(chunk, this.buf.length);
    const frames: Uint8Array[] = [];
    let at = 0;
    while (joined.length - at >= 2) {
      const len = (joined[at]! << 8) | joined[at + 1]!;
      if (len < this.profile.minMessageBytes || len > this.profile.maxMessageBytes)
        throw new Iso8583Error('BAD_LENGTH', `declared message of ${len} bytes`);
      if (joined.length - at < 2 + len) break;
      frames.push(joined.slice(at, at + 2 + len));
      at += 2 + len;
    }
    this.buf = joined.slice(at);
    return frames;
  }

  /** Bytes of an incomplete frame held over. */
  get pending(): number {
    return this.buf.length;
  }
}
