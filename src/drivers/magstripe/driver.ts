/**
 * Magstripe drivers: serial, USB HID (keyboard wedge opened directly), and the simulator. All run
 * the same MagstripeCodec.
 */
import type { SimInput, SimulatedDriver } from '../types';
import type { DeviceConfig, DeviceSpec } from '../device-spec';
import { withOverrides, type FramingOverrides } from '../serial/framing';
import { DriverBase, type DriverOptions } from '../serial/driver-base';
import { ReaderDriver } from '../serial/reader-driver';
import { ReconnectingSerialSource, type ReconnectOptions } from '../serial/reconnecting-port';
import { HidSource } from '../hid/hid-source';
import { MagstripeCodec } from './codec';
import { MSR_FRAMINGS, isMsrFramingName, type MagstripeProtocol } from './framings';
import { encodeTrack1, encodeTrack2 } from './tracks';

export type ProtocolResult<P> = { ok: true; protocol: P } | { ok: false; reason: string };

/** The protocol for a config: named framing (options.framing > spec framing= > 'plain') + overrides. */
export function resolveMsrProtocol(
  framingName: string | undefined,
  options: DeviceConfig['options'],
  line?: Partial<MagstripeProtocol['line']>,
): ProtocolResult<MagstripeProtocol> {
  const name = options?.framing ?? framingName ?? 'plain';
  if (!isMsrFramingName(name))
    return {
      ok: false,
      reason: `unknown magstripe framing "${name}" (${Object.keys(MSR_FRAMINGS).join(', ')})`,
    };
  const base: MagstripeProtocol = MSR_FRAMINGS[name];
  try {
    const overrides: FramingOverrides = {
      ...(options?.prefix !== undefined ? { prefix: options.prefix } : {}),
      ...(options?.suffix !== undefined ? { suffix: options.suffix } : {}),
      ...(options?.idleFlushMs !== undefined ? { idleFlushMs: options.idleFlushMs } : {}),
      ...(options?.maxFrameBytes !== undefined ? { maxFrameBytes: options.maxFrameBytes } : {}),
    };
    return {
      ok: true,
      protocol: {
        framing: withOverrides(base.framing, overrides),
        trackLrc: options?.trackLrc ?? base.trackLrc,
        line: { ...base.line, ...line },
      },
    };
  } catch (err) {
    return { ok: false, reason: err instanceof Error ? err.message : String(err) };
  }
}

export interface ReaderFactoryOptions extends DriverOptions {
  reconnect?: ReconnectOptions;
}

export function createSerialMagstripe(
  id: string,
  spec: Extract<DeviceSpec, { transport: 'serial' }>,
  protocol: MagstripeProtocol,
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
      kind: 'magstripe',
      transport: 'serial',
      path: spec.path,
      source: new ReconnectingSerialSource(spec.path, line, opts.reconnect),
      codec: new MagstripeCodec(protocol, 'swipe'),
      idleFlushMs: protocol.framing.idleFlushMs,
    },
    opts,
  );
}

/** A keyboard-emulation MSR opened with node-hid: keys → CR-terminated track text. */
export function createHidMagstripe(
  id: string,
  spec: Extract<DeviceSpec, { transport: 'hid' }>,
  opts: DriverOptions = {},
): ReaderDriver {
  const protocol = MSR_FRAMINGS.plain;
  return new ReaderDriver(
    {
      id,
      kind: 'magstripe',
      transport: 'hid',
      path: `${spec.vendorId.toString(16).padStart(4, '0')}:${spec.productId.toString(16).padStart(4, '0')}`,
      source: new HidSource(spec.vendorId, spec.productId, 'keyboard'),
      codec: new MagstripeCodec(protocol, 'swipe'),
      idleFlushMs: protocol.framing.idleFlushMs,
    },
    opts,
  );
}

/**
 * The bytes a reader with this protocol sends for a swipe: track 1 + track 2 with sentinels (and
 * LRCs if the protocol passes them), wrapped in the framing's prefix and first suffix. `garbled`
 * cuts both tracks before their end sentinels, like a swipe that was too fast or crooked.
 */
export function swipeBytes(
  input: { pan: string; expiry?: string; name?: string; garbled?: boolean },
  protocol: MagstripeProtocol,
): Uint8Array {
  const fields = {
    pan: input.pan,
    expiry: input.expiry ?? '4912',
    serviceCode: '120',
    name: input.name ?? 'CARDHOLDER/CARDTILL',
    discretionary: '0000000',
  };
  let t1 = encodeTrack1(fields, protocol.trackLrc);
  let t2 = encodeTrack2(fields, protocol.trackLrc);
  if (input.garbled) {
    t1 = t1.slice(0, Math.max(2, Math.floor(t1.length / 2)));
    t2 = t2.slice(0, Math.max(2, Math.floor(t2.length / 2)));
  }
  const text = Uint8Array.from(t1 + t2, (c) => c.charCodeAt(0) & 0xff);
  const suffix = protocol.framing.suffixes[0] ?? new Uint8Array(0);
  const out = new Uint8Array(protocol.framing.prefix.length + text.length + suffix.length);
  out.set(protocol.framing.prefix, 0);
  out.set(text, protocol.framing.prefix.length);
  out.set(suffix, protocol.framing.prefix.length + text.length);
  return out;
}

/**
 * Demo-mode magstripe reader. simulate({action:'swipe'}) makes the real track bytes and runs them
 * through the same codec as a serial reader, so demo swipes exercise the real decoding.
 */
export class SimMagstripeDriver extends DriverBase implements SimulatedDriver {
  private readonly codec: MagstripeCodec;
  private running = false;

  constructor(
    id = 'sim-msr',
    private readonly protocol: MagstripeProtocol = MSR_FRAMINGS.plain,
    opts: DriverOptions = {},
  ) {
    super(id, 'magstripe', 'sim', 'sim:magstripe', true, opts);
    this.codec = new MagstripeCodec(protocol, 'swipe');
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
    if (input.action !== 'swipe') {
      this.log(`${this.id}: ignores simulated ${input.action}`);
      return;
    }
    if (!this.running) {
      this.log(`${this.id}: not started, swipe ignored`);
      return;
    }
    this.deliver([...this.codec.push(swipeBytes(input, this.protocol)), ...this.codec.flush()]);
  }
}
