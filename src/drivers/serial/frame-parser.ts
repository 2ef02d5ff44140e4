/**
 * Splits a byte stream into frames by a Framing: a carry-over buffer between chunks and a flush,
 * like serialport's parser-delimiter (and parser-inter-byte-timeout for terminator-less readers).
 * Pure: no Node imports, no timers — the transport calls flush() after `framing.idleFlushMs` of
 * silence and on close.
 *
 * Never throws on input bytes. A frame that cannot be whole comes out as `{ ok: false }`, which the
 * codec turns into SWIPE_UNREADABLE / SCAN_UNREADABLE.
 */
import type { Framing } from './framing';

export type FrameFault =
  /** flush() found bytes without a terminator: the read stopped half way. */
  | 'partial'
  /** More than maxFrameBytes without a terminator: dropped up to the next terminator. */
  | 'overflow'
  /** Bytes that are not inside a prefix…suffix frame (line noise, a reader in the wrong mode). */
  | 'noise';

export type FrameResult = { ok: true; bytes: Uint8Array } | { ok: false; fault: FrameFault; length: number };

export class FrameParser {
  private buf = new Uint8Array(256);
  private len = 0;
  /** Where the next suffix search starts: bytes before it are known not to start a suffix. */
  private scanFrom = 0;
  /** After an overflow, everything up to the next terminator belongs to the dropped frame. */
  private skipping = false;
  private readonly suffixes: readonly Uint8Array[];
  private readonly longestSuffix: number;

  constructor(readonly framing: Framing) {
    this.suffixes = [...framing.suffixes].filter((s) => s.length > 0).sort((a, b) => b.length - a.length);
    this.longestSuffix = this.suffixes.reduce((m, s) => Math.max(m, s.length), 0);
  }

  /** Bytes held while waiting for the rest of a frame. */
  get pending(): number {
    return this.len;
  }

  push(chunk: Uint8Array): FrameResult[] {
    const out: FrameResult[] = [];
    this.append(chunk);
    for (;;) {
      const hit = this.findSuffix();
      if (!hit) break;
      const frame = this.buf.slice(0, hit.at);
      this.consume(hit.at + hit.length);
      if (this.skipping) {
        this.skipping = false;
        continue;
      }
      this.emitFrame(frame, out);
    }
    if (this.skipping) {
      // Still inside a dropped frame: keep only what could be the start of a terminator.
      this.consume(Math.max(0, this.len - (this.longestSuffix - 1)));
    } else if (this.len > this.framing.maxFrameBytes) {
      out.push({ ok: false, fault: 'overflow', length: this.len });
      this.consume(this.len);
      this.skipping = this.suffixes.length > 0;
    }
    return out;
  }

  /** End of input (silence, close): whatever is held becomes a frame or a 'partial' fault. */
  flush(): FrameResult[] {
    const out: FrameResult[] = [];
    if (this.len > 0 && !this.skipping) {
      const rest = this.buf.slice(0, this.len);
      if (this.suffixes.length === 0) this.emitFrame(rest, out);
      else out.push({ ok: false, fault: 'partial', length: rest.length });
    }
    this.reset();
    return out;
  }

  /** Drops everything held (e.g. the port closed mid-read). */
  reset(): void {
    this.len = 0;
    this.scanFrom = 0;
    this.skipping = false;
  }

  private emitFrame(frame: Uint8Array, out: FrameResult[]): void {
    if (frame.length > this.framing.maxFrameBytes) {
      out.push({ ok: false, fault: 'overflow', length: frame.length });
      return;
    }
    const prefix = this.framing.prefix;
    let body = frame;
    if (prefix.length > 0) {
      const at = lastIndexOf(frame, prefix);
      if (at < 0) {
        if (frame.length > 0) out.push({ ok: false, fault: 'noise', length: frame.length });
        return;
      }
      if (at > 0) out.push({ ok: false, fault: 'noise', length: at });
      body = frame.subarray(at + prefix.length);
    }
    // An empty frame is the LF after a CR-terminated frame, or a bare Enter: not a read.
    if (body.length > 0) out.push({ ok: true, bytes: body });
  }

  private append(chunk: Uint8Array): void {
    if (this.len + chunk.length > this.buf.length) {
      const next = new Uint8Array(Math.max(this.buf.length * 2, this.len + chunk.length));
      next.set(this.buf.subarray(0, this.len));
      this.buf = next;
    }
    this.buf.set(chunk, this.len);
    this.len += chunk.length;
  }

  private consume(n: number): void {
    this.buf.copyWithin(0, n, this.len);
    this.len -= n;
    this.scanFrom = 0;
  }

  private findSuffix(): { at: number; length: number } | undefined {
    if (this.suffixes.length === 0) return undefined;
    for (let i = this.scanFrom; i < this.len; i++) {
      for (const s of this.suffixes) {
        if (i + s.length > this.len) continue;
        let match = true;
        for (let j = 0; j < s.length; j++) {
          if (this.buf[i + j] !== s[j]) {
            match = false;
            break;
          }
        }
        // Longest first at the same position: CR LF is one terminator. A CR that ends a chunk
        // ends the frame at once; the LF in the next chunk then makes an empty frame, dropped.
        if (match) {
          return { at: i, length: s.length };
        }
      }
    }
    this.scanFrom = Math.max(0, this.len - this.longestSuffix + 1);
    return undefined;
  }
}

function lastIndexOf(hay: Uint8Array, needle: Uint8Array): number {
  outer: for (let i = hay.length - needle.length; i >= 0; i--) {
    for (let j = 0; j < needle.length; j++) if (hay[i + j] !== needle[j]) continue outer;
    return i;
  }
  return -1;
}
