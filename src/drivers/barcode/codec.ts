/**
 * Scanner codec: bytes → ScanResult (card | receipt | SCAN_UNREADABLE). Pure, never throws on
 * input; used by the serial and HID drivers, the simulator, and the renderer's wedge path.
 */
import type { EntryMode } from '../../shared/devices';
import { FrameParser, type FrameResult } from '../serial/frame-parser';
import type { ScannerProtocol } from './framings';
import { parseScan, type ScanResult } from './payload';

const utf8 = new TextDecoder('utf-8', { fatal: true });

/** Decodes one frame's bytes (UTF-8; scanners send ASCII for everything CardTill reads). */
export function decodeScanFrame(bytes: Uint8Array, entryMode: EntryMode = 'scan'): ScanResult {
  let text: string;
  try {
    text = utf8.decode(bytes);
  } catch {
    return { kind: 'error', code: 'SCAN_UNREADABLE', detail: 'not UTF-8 text' };
  }
  return parseScan(text, entryMode);
}

const FAULT_TEXT: Record<string, string> = {
  partial: 'scan stopped before its terminator',
  overflow: 'too many bytes without a terminator',
  noise: 'bytes outside a frame',
};

export class ScannerCodec {
  private readonly parser: FrameParser;

  constructor(
    readonly protocol: ScannerProtocol,
    private readonly entryMode: EntryMode = 'scan',
  ) {
    this.parser = new FrameParser(protocol.framing);
  }

  get pending(): number {
    return this.parser.pending;
  }

  push(chunk: Uint8Array): ScanResult[] {
    return this.parser.push(chunk).map((f) => this.decodeFrame(f));
  }

  flush(): ScanResult[] {
    return this.parser.flush().map((f) => this.decodeFrame(f));
  }

  reset(): void {
    this.parser.reset();
  }

  private decodeFrame(f: FrameResult): ScanResult {
    if (!f.ok) return { kind: 'error', code: 'SCAN_UNREADABLE', detail: FAULT_TEXT[f.fault] ?? f.fault };
    return decodeScanFrame(f.bytes, this.entryMode);
  }
}
