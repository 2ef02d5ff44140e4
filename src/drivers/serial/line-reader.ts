/**
 * A line reader: a device that sends each read (a swipe, a scan) as one framed run of bytes — the
 * magstripe reader and the barcode/QR scanner. Everything that is the same for both lives here:
 * picking the named framing and applying the config's overrides, the serial and USB HID drivers
 * (a ReaderDriver over a ReconnectingSerialSource or a HidSource), and the demo-mode simulator that
 * writes the bytes the device would send and runs them through the same codec.
 *
 * What a kind keeps for itself is a `LineReaderKind`: its framings table, its codec, and the bytes
 * its simulator sends for an input (magstripe/driver.ts, barcode/driver.ts).
 */
import type { DeviceKind } from '../../shared/devices';
import type { DeviceConfig, DeviceSpec } from '../device-spec';
import type { SimInput, SimulatedDriver } from '../types';
import { HidSource, type HidMode } from '../hid/hid-source';
import { DriverBase, type DriverOptions } from './driver-base';
import {
  withOverrides,
  type Framing,
  type FramingOverrides,
  type LineProtocol,
  type SerialLine,
} from './framing';
import { ReaderDriver, type ReaderCodec } from './reader-driver';
import { ReconnectingSerialSource, type ReconnectOptions } from './reconnecting-port';

export type ProtocolResult<P> = { ok: true; protocol: P } | { ok: false; reason: string };

export interface ReaderFactoryOptions extends DriverOptions {
  reconnect?: ReconnectOptions;
}

type SimAction = SimInput['action'];

/** What makes one kind of line reader different from another. */
export interface LineReaderKind<P extends LineProtocol, A extends SimAction> {
  kind: Extract<DeviceKind, 'magstripe' | 'barcode'>;
  /** The device in words, for config errors: `unknown <noun> framing "x"`. */
  noun: string;
  /** Its named protocols (framings.ts): the `framing=` names a config may use. */
  framings: Readonly<Record<string, P>>;
  /** A fresh codec (framer + decoder) for one driver. */
  codec(protocol: P): ReaderCodec;
  /** The simulator action it answers to, and the bytes the real device would send for it. */
  simAction: A;
  simBytes(input: Extract<SimInput, { action: A }>, protocol: P): Uint8Array;
}

/**
 * The protocol for a config: the named framing (options.framing > spec `framing=` > 'plain') with
 * the config's prefix/suffix/timeouts applied; `finish` adds what the kind takes from the options.
 */
export function resolveLineProtocol<P extends LineProtocol>(
  k: Pick<LineReaderKind<P, SimAction>, 'noun' | 'framings'>,
  framingName: string | undefined,
  options: DeviceConfig['options'],
  finish: (base: P, framing: Framing) => P,
): ProtocolResult<P> {
  const name = options?.framing ?? framingName ?? 'plain';
  if (!Object.prototype.hasOwnProperty.call(k.framings, name))
    return {
      ok: false,
      reason: `unknown ${k.noun} framing "${name}" (${Object.keys(k.framings).join(', ')})`,
    };
  const base = k.framings[name]!;
  try {
    const overrides: FramingOverrides = {
      ...(options?.prefix !== undefined ? { prefix: options.prefix } : {}),
      ...(options?.suffix !== undefined ? { suffix: options.suffix } : {}),
      ...(options?.idleFlushMs !== undefined ? { idleFlushMs: options.idleFlushMs } : {}),
      ...(options?.maxFrameBytes !== undefined ? { maxFrameBytes: options.maxFrameBytes } : {}),
    };
    return { ok: true, protocol: finish(base, withOverrides(base.framing, overrides)) };
  } catch (err) {
    return { ok: false, reason: err instanceof Error ? err.message : String(err) };
  }
}

/**
 * A factory of line readers on a serial port, as registry.ts calls them (createSerialMagstripe,
 * createSerialScanner): the protocol's line settings, overridden by the spec's query.
 */
export function serialLineReaderFactory<P extends LineProtocol, A extends SimAction>(
  k: LineReaderKind<P, A>,
) {
  return (
    id: string,
    spec: Extract<DeviceSpec, { transport: 'serial' }>,
    protocol: P,
    opts: ReaderFactoryOptions = {},
  ): ReaderDriver => {
    const line: SerialLine = {
      ...protocol.line,
      ...(spec.baudRate ? { baudRate: spec.baudRate } : {}),
      ...(spec.dataBits ? { dataBits: spec.dataBits } : {}),
      ...(spec.parity ? { parity: spec.parity } : {}),
      ...(spec.stopBits ? { stopBits: spec.stopBits } : {}),
    };
    return new ReaderDriver(
      {
        id,
        kind: k.kind,
        transport: 'serial',
        path: spec.path,
        source: new ReconnectingSerialSource(spec.path, line, opts.reconnect),
        codec: k.codec(protocol),
        idleFlushMs: protocol.framing.idleFlushMs,
      },
      opts,
    );
  };
}

/**
 * A factory of line readers opened with node-hid (keys or HID POS reports → the bytes a serial
 * one sends), framed by `protocol`; `mode` picks keyboard or HID POS from the spec.
 */
export function hidLineReaderFactory<P extends LineProtocol, A extends SimAction>(
  k: LineReaderKind<P, A>,
  protocol: P,
  mode: (spec: Extract<DeviceSpec, { transport: 'hid' }>) => HidMode,
) {
  const hex4 = (n: number) => n.toString(16).padStart(4, '0');
  return (
    id: string,
    spec: Extract<DeviceSpec, { transport: 'hid' }>,
    opts: DriverOptions = {},
  ): ReaderDriver =>
    new ReaderDriver(
      {
        id,
        kind: k.kind,
        transport: 'hid',
        path: `${hex4(spec.vendorId)}:${hex4(spec.productId)}`,
        source: new HidSource(spec.vendorId, spec.productId, mode(spec)),
        codec: k.codec(protocol),
        idleFlushMs: protocol.framing.idleFlushMs,
      },
      opts,
    );
}

/**
 * Demo-mode line reader: simulate() makes the real device bytes for the input and runs them
 * through the same codec as a serial reader, so demo reads exercise the real decoding.
 */
export class SimLineReaderDriver<P extends LineProtocol, A extends SimAction>
  extends DriverBase
  implements SimulatedDriver
{
  private readonly codec: ReaderCodec;
  private running = false;

  constructor(
    id: string,
    private readonly k: LineReaderKind<P, A>,
    private readonly protocol: P,
    opts: DriverOptions = {},
  ) {
    super(id, k.kind, 'sim', `sim:${k.kind}`, true, opts);
    this.codec = k.codec(protocol);
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
    if (!this.accepts(input)) {
      this.log(`${this.id}: ignores simulated ${input.action}`);
      return;
    }
    if (!this.running) {
      this.log(`${this.id}: not started, ${input.action} ignored`);
      return;
    }
    this.deliver([...this.codec.push(this.k.simBytes(input, this.protocol)), ...this.codec.flush()]);
  }

  private accepts(input: SimInput): input is Extract<SimInput, { action: A }> {
    return input.action === this.k.simAction;
  }
}
