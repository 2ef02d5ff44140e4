/**
 * Barcode / QR scanner drivers: serial, USB HID (keyboard wedge or HID POS), and the simulator.
 * All run the same ScannerCodec; the drivers themselves are the shared line reader
 * (serial/line-reader.ts). Receipt QRs (`CTR1…`) come out through onScan(), cards as 'card'
 * events, anything else as 'error' SCAN_UNREADABLE.
 */
import type { DeviceConfig } from '../device-spec';
import type { DriverOptions } from '../serial/driver-base';
import { framePayload } from '../serial/framing';
import {
  SimLineReaderDriver,
  hidLineReaderFactory,
  serialLineReaderFactory,
  resolveLineProtocol,
  type LineReaderKind,
  type ProtocolResult,
} from '../serial/line-reader';
import { ScannerCodec } from './codec';
import { SCANNER_FRAMINGS, type ScannerProtocol } from './framings';

/** The bytes a scanner with this protocol sends for a payload (UTF-8, prefix, first suffix). */
export function scanBytes(payload: string, protocol: ScannerProtocol): Uint8Array {
  return framePayload(protocol.framing, new TextEncoder().encode(payload));
}

const SCANNER: LineReaderKind<ScannerProtocol, 'scan'> = {
  kind: 'barcode',
  noun: 'scanner',
  framings: SCANNER_FRAMINGS,
  codec: (protocol) => new ScannerCodec(protocol, 'scan'),
  simAction: 'scan',
  simBytes: (input, protocol) => scanBytes(input.payload, protocol),
};

export function resolveScannerProtocol(
  framingName: string | undefined,
  options: DeviceConfig['options'],
): ProtocolResult<ScannerProtocol> {
  return resolveLineProtocol(SCANNER, framingName, options, (base, framing) => ({
    framing,
    line: base.line,
  }));
}

export const createSerialScanner = serialLineReaderFactory(SCANNER);

/** A scanner opened with node-hid, in keyboard (boot report) or HID POS (page 0x8C) mode. */
export const createHidScanner = hidLineReaderFactory(SCANNER, SCANNER_FRAMINGS.plain, (spec) => spec.mode);

/** Demo-mode scanner: simulate({action:'scan', payload}) runs the payload bytes through the codec. */
export class SimScannerDriver extends SimLineReaderDriver<ScannerProtocol, 'scan'> {
  constructor(
    id = 'sim-scanner',
    protocol: ScannerProtocol = SCANNER_FRAMINGS.plain,
    opts: DriverOptions = {},
  ) {
    super(id, SCANNER, protocol, opts);
  }
}
