/**
 * A keyboard-wedge frame (what a USB wedge scanner or magstripe reader "typed", as told apart from
 * a person by src/drivers/hid/wedge-classifier.ts in the renderer) decoded with the real codecs,
 * here in the core: the renderer never parses track data. Track data starts with a start sentinel
 * (`%` track 1, `;` track 2, `+` track 3 on some readers — ISO/IEC 7813, ISO 4909); anything else
 * is a scanned code.
 */
import { decodeSwipe, type SwipeResult } from '../../drivers/magstripe/codec';
import { parseScan, type ScanResult } from '../../drivers/barcode/payload';

export function decodeWedgeFrame(text: string): SwipeResult | ScanResult {
  if (/^[%;+]/.test(text)) return decodeSwipe(new TextEncoder().encode(text), { entryMode: 'wedge' });
  return parseScan(text, 'wedge');
}
