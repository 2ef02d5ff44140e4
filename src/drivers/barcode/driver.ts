/**
 * Barcode / QR scanner drivers: serial, USB HID (keyboard wedge or HID POS), and the simulator.
 * All run the same ScannerCodec. Receipt QRs (`CTR1…`) come out through onScan(), cards as
 * 'card' events, anything else as 'error' SCAN_UNREADABLE.
 */
import type { SimInput, SimulatedDriver } from '../types';
import type { DeviceConfig, DeviceSpec } from '../device-spec';
import { withOverrides, type FramingOverrides } from '../serial/framing';
import { DriverBase, type DriverOptions } from '../serial/driver-base';
import { ReaderDriver } from '../serial/reader-driver';
import { ReconnectingSerialSource } from '../serial/reconnecting-port';
import { HidSource } from '../hid/hid-source';
import type { ProtocolResult, ReaderFactoryOptions } from '../magstripe/driver';
import { ScannerCodec } from './codec';
import { SCANNER_FRAMINGS, isScannerFramingName, type ScannerProtocol } from './framings';

export function resolveScannerProtocol(
  framingName: string | undefined,
  options: DeviceConfig['options'],
): ProtocolResult<ScannerProtocol> {
  const name = options?.framing ?? framingName ?? 'plain';
  if (!isScannerFramingName(name)) {
    return {
      ok: false,
      reason: `unknown scanner framing "${name}" (${Object.keys(SCANNER_FRAMINGS).join(', ')})`,
    };
  }
  const base: ScannerProtocol = SCANNER_FRAMINGS[name];
  try {
    const overrides: FramingOverrides = {
      ...(options?.prefix !== undefined ? { prefix: options.prefix } : {}),
      ...(options?.suffix !== undefined ? { suffix: options.suffix } : {}),
      ...(options?.idleFlushMs !== undefined ? { idleFlushMs: options.idleFlushMs } : {}),
      ...(options?.maxFrameBytes !== undefined ? { maxFrameBytes: options.maxFrameBytes } : {}),
    };
    return { ok: true, protocol: { framing: withOverrides(base.framing, overrides), line: base.line } };
  } catch (err) {
    return { ok: false, reason: err instanceof Error ? err.message : String(err) };
  }
}

export function createSerialScanner(
  id: string,
  spec: Extract<DeviceSpec, { transport: 'serial' }>,
  protocol: ScannerProtocol,
  opts: ReaderFactoryOptions = {},
): ReaderDriver {
  const line = {
    ...protocol.line,
    ...(spec.baudRate ? { baudRate: spec.baudRate } : {}),
    ...(spec.dataBits ? { dataBits: spec.dataBits } : {}),
    ...(spec.parity ? { parity: spec.parity } : {}),
    ...(spec.stopBits ? { stopBits: spec.stopBits } : {}),
  };
  return new ReaderDriver(
    {
      id,
      kind: 'barcode',
      transport: 'serial',
      path: spec.path,
      source: new ReconnectingSerialSource(spec.path, line, opts.reconnect),
      codec: new ScannerCodec(protocol, 'scan'),
      idleFlushMs: protocol.framing.idleFlushMs,
    },
    opts,
  );
}

/** A scanner opened with node-hid, in keyboard (boot report) or HID POS (page 0x8C) mode. */
export function createHidScanner(
  id: string,
  spec: Extract<DeviceSpec, { transport: 'hid' }>,
  opts: DriverOptions = {},
): ReaderDriver {
  const protocol = SCANNER_FRAMINGS.plain;
  return new ReaderDriver(
    {
      id,
      kind: 'barcode',
      transport: 'hid',
      path: `${spec.vendorId.toString(16).padStart(4, '0')}:${spec.productId.toString(16).padStart(4, '0')}`,
      source: new HidSource(spec.vendorId, spec.productId, spec.mode),
      codec: new ScannerCodec(protocol, 'scan'),
      idleFlushMs: protocol.framing.idleFlushMs,
    },
    opts,
  );
}

/** The bytes a scanner with this protocol sends for a payload (UTF-8, prefix, first suffix). */
export function scanBytes(payload: string, protocol: ScannerProtocol): Uint8Array {
  const text = new TextEncoder().encode(payload);
  const suffix = protocol.framing.suffixes[0] ?? new Uint8Array(0);
  const out = new Uint8Array(protocol.framing.prefix.length + text.length + suffix.length);
  out.set(protocol.framing.prefix, 0);
  out.set(text, protocol.framing.prefix.length);
  out.set(suffix, protocol.framing.prefix.length + text.length);
  return out;
}

/** Demo-mode scanner: simulate({action:'scan', payload}) runs the payload bytes through the codec. */
export class SimScannerDriver extends DriverBase implements SimulatedDriver {
  private readonly codec: ScannerCodec;
  private running = false;

  constructor(
    id = 'sim-scanner',
    private readonly protocol: ScannerProtocol = SCANNER_FRAMINGS.plain,
    opts: DriverOptions = {},
  ) {
    super(id, 'barcode', 'sim', 'sim:barcode', true, opts);
    this.codec = new ScannerCodec(protocol, 'scan');
  }

  async start(): Promise<void> {
    this.running = true;
    this.setState('connected');
  }

  async stop(): Promise<void> {
    this.running = false;
    this.codec.reset();
    this.setState('disconnected', 'stopped');
  }

  simulate(input: SimInput): void {
    if (input.action !== 'scan') {
      this.log(`${this.id}: ignores simulated ${input.action}`);
      return;
    }
    if (!this.running) {
      this.log(`${this.id}: not started, scan ignored`);
      return;
    }
    this.deliver([...this.codec.push(scanBytes(input.payload, this.protocol)), ...this.codec.flush()]);
  }
}
