/**
 * Scanner codec: bytes → ScanResult (card | receipt | SCAN_UNREADABLE). Pure, never throws on
 * input; used by the serial and HID drivers, the simulator, and the renderer's wedge path.
 */
import type { EntryMode } from '../../shared/devices';
import type { FrameResult } from '../serial/frame-parser';
import { FramedCodec, frameFaultText } from '../serial/framed-codec';
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

export class ScannerCodec extends FramedCodec<ScanResult> {
  constructor(
    readonly protocol: ScannerProtocol,
    private readonly entryMode: EntryMode = 'scan',
  ) {
    super(protocol.framing);
  }

  protected decodeFrame(f: FrameResult): ScanResult {
    if (!f.ok) return { kind: 'error', code: 'SCAN_UNREADABLE', detail: frameFaultText(f.fault, 'scan') };
    return decodeScanFrame(f.bytes, this.entryMode);
  }
}
