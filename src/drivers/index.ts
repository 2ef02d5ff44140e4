/**
 * Drivers: public surface for the main process. The renderer must not import this file (it pulls
 * in serialport); it imports the pure modules directly (hid/wedge-classifier, magstripe/codec,
 * barcode/payload). See README.md in this folder.
 */
export type {
  DeviceDriver,
  DeviceListener,
  PrinterDriver,
  PrinterStatus,
  PrintOutcome,
  SimInput,
  SimulatedDriver,
} from './types';
export { isPrinter, isSimulated } from './types';

export {
  DeviceRegistry,
  createDemoDevices,
  describeEvent,
  type DiscoveredDevice,
  type DriverFactories,
  type FactoryContext,
  type RegistryOptions,
  type SimulateOutcome,
} from './registry';
export {
  ConfigKind,
  DeviceConfig,
  DeviceOptions,
  DeviceSpecError,
  formatDeviceSpec,
  parseDeviceSpec,
  parseDeviceSpecOrThrow,
  specFitsKind,
  type DeviceSpec,
  type DeviceSpecErrorCode,
  type DeviceSpecResult,
  type DeviceTransport,
} from './device-spec';
export type { ReceiptScanEvent, ScanListener } from './serial/driver-base';

export { MagstripeCodec, decodeSwipe, type SwipeResult, type SwipeOptions } from './magstripe/codec';
export { MSR_FRAMINGS, type MagstripeProtocol, type MsrFramingName } from './magstripe/framings';
export {
  SimMagstripeDriver,
  swipeBytes,
  createSerialMagstripe,
  createHidMagstripe,
  resolveMsrProtocol,
} from './magstripe/driver';
export { encodeTrack1, encodeTrack2, decodeTrack1, decodeTrack2, lrcChar } from './magstripe/tracks';

export { ScannerCodec, decodeScanFrame } from './barcode/codec';
export { parseScan, ECARD_QR_RE, RECEIPT_QR_PREFIX, type ScanResult } from './barcode/payload';
export { SCANNER_FRAMINGS, type ScannerProtocol, type ScannerFramingName } from './barcode/framings';
export {
  SimScannerDriver,
  scanBytes,
  createSerialScanner,
  createHidScanner,
  resolveScannerProtocol,
} from './barcode/driver';

export {
  WedgeClassifier,
  DEFAULT_WEDGE_CONFIG,
  type WedgeConfig,
  type WedgeOutput,
  type Keystroke,
} from './hid/wedge-classifier';
export { BootKeyboardDecoder, keysToBytes } from './hid/keyboard-usage';
export { HidPosScannerDecoder, HID_POS_SCANNED_DATA_REPORT } from './hid/pos-scanner';

export { FrameParser, type FrameResult } from './serial/frame-parser';
export type { Framing } from './serial/framing';
export { ReconnectingSerialSource, type ByteSource, type ByteSink } from './serial/reconnecting-port';
