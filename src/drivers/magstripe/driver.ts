/**
 * Magstripe drivers: serial, USB HID (keyboard wedge opened directly), and the simulator. All run
 * the same MagstripeCodec; the drivers themselves are the shared line reader (serial/line-reader.ts)
 * — what is the magstripe's own is the track bytes a swipe makes and the `trackLrc` option.
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
import { MagstripeCodec } from './codec';
import { MSR_FRAMINGS, type MagstripeProtocol } from './framings';
import { encodeTrack1, encodeTrack2 } from './tracks';

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
  return framePayload(
    protocol.framing,
    Uint8Array.from(t1 + t2, (c) => c.charCodeAt(0) & 0xff),
  );
}

const MAGSTRIPE_READER: LineReaderKind<MagstripeProtocol, 'swipe'> = {
  kind: 'magstripe',
  noun: 'magstripe',
  framings: MSR_FRAMINGS,
  codec: (protocol) => new MagstripeCodec(protocol, 'swipe'),
  simAction: 'swipe',
  simBytes: swipeBytes,
};

/** The protocol for a config: named framing (options.framing > spec framing= > 'plain') + overrides. */
export function resolveMsrProtocol(
  framingName: string | undefined,
  options: DeviceConfig['options'],
  line?: Partial<MagstripeProtocol['line']>,
): ProtocolResult<MagstripeProtocol> {
  return resolveLineProtocol(MAGSTRIPE_READER, framingName, options, (base, framing) => ({
    framing,
    trackLrc: options?.trackLrc ?? base.trackLrc,
    line: { ...base.line, ...line },
  }));
}

export const createSerialMagstripe = serialLineReaderFactory(MAGSTRIPE_READER);

/** A keyboard-emulation MSR opened with node-hid: keys → CR-terminated track text. */
export const createHidMagstripe = hidLineReaderFactory(
  MAGSTRIPE_READER,
  MSR_FRAMINGS.plain,
  () => 'keyboard',
);

/** Demo-mode magstripe reader: simulate({action:'swipe'}) makes the real track bytes. */
export class SimMagstripeDriver extends SimLineReaderDriver<MagstripeProtocol, 'swipe'> {
  constructor(id = 'sim-msr', protocol: MagstripeProtocol = MSR_FRAMINGS.plain, opts: DriverOptions = {}) {
    super(id, MAGSTRIPE_READER, protocol, opts);
  }
}
