/**
 * A pretend ESC/POS printer: records every byte and answers DLE EOT n real-time status requests
 * with the status bytes of its current condition. It is the paper of the demo's virtual printer
 * (sim-printer.ts) and sits behind the TCP / pty test printers. Pure: bytes in, bytes out.
 */
import { decodeEscPos, type DecodedPrint } from './decode-escpos';
import { statusBytesFor } from './status';

export interface FakeCondition {
  paperOut?: boolean;
  paperNearEnd?: boolean;
  coverOpen?: boolean;
  offline?: boolean;
  /** Does not answer status requests at all (printers with real-time status disabled). */
  mute?: boolean;
}

export class FakeEscPosPrinter {
  condition: FakeCondition = {};
  private chunks: Uint8Array[] = [];
  private total = 0;
  /** Bytes of a DLE EOT sequence split across chunks (carry-over). */
  private pending: number[] = [];

  /** Takes bytes from the host; returns the bytes the printer sends back. */
  receive(chunk: Uint8Array): Uint8Array {
    this.chunks.push(Uint8Array.from(chunk));
    this.total += chunk.length;
    const reply: number[] = [];
    for (const b of chunk) {
      // DLE EOT n is recognised anywhere in the stream, as a real printer does (the manual warns
      // that the same bytes inside graphics data are taken as a request too).
      if (this.pending.length === 0) {
        if (b === 0x10) this.pending.push(b);
      } else if (this.pending.length === 1) {
        this.pending = b === 0x04 ? [0x10, 0x04] : b === 0x10 ? [0x10] : [];
      } else {
        this.pending = [];
        if (b >= 1 && b <= 4 && !this.condition.mute)
          reply.push(statusBytesFor(this.condition)[b as 1 | 2 | 3 | 4]);
      }
    }
    return Uint8Array.from(reply);
  }

  bytes(): Uint8Array {
    const out = new Uint8Array(this.total);
    let o = 0;
    for (const c of this.chunks) {
      out.set(c, o);
      o += c.length;
    }
    return out;
  }

  decoded(): DecodedPrint {
    return decodeEscPos(this.bytes());
  }

  clear(): void {
    this.chunks = [];
    this.total = 0;
  }
}
