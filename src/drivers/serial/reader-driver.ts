/**
 * A reader driver = a byte source (serial port, HID device) + a codec. The source owns opening,
 * reopening and health; the codec owns framing and decoding; this class only wires them and runs
 * the idle-flush timer (a frame left half way for `idleFlushMs` is reported unreadable — or, for
 * terminator-less framings, decoded).
 */
import type { DeviceKind } from '../../shared/devices';
import type { SwipeResult } from '../magstripe/codec';
import type { ScanResult } from '../barcode/payload';
import { DriverBase, type DriverOptions } from './driver-base';
import type { ByteSource } from './reconnecting-port';

export interface ReaderCodec {
  push(bytes: Uint8Array): Array<SwipeResult | ScanResult>;
  flush(): Array<SwipeResult | ScanResult>;
  reset(): void;
  readonly pending: number;
}

export interface ReaderDriverParams {
  id: string;
  kind: DeviceKind;
  transport: string;
  path: string;
  source: ByteSource;
  codec: ReaderCodec;
  idleFlushMs: number;
}

export class ReaderDriver extends DriverBase {
  private idleTimer: ReturnType<typeof setTimeout> | undefined;
  private running = false;
  private readonly source: ByteSource;
  private readonly codec: ReaderCodec;
  private readonly idleFlushMs: number;

  constructor(p: ReaderDriverParams, opts: DriverOptions = {}) {
    super(p.id, p.kind, p.transport, p.path, false, opts);
    this.source = p.source;
    this.codec = p.codec;
    this.idleFlushMs = p.idleFlushMs;
  }

  /** Never throws: an absent device is state 'disconnected' and the source keeps retrying. */
  async start(): Promise<void> {
    if (this.running) return;
    this.running = true;
    this.source.start({
      data: (b) => this.onBytes(b),
      state: (s, d) => {
        if (s !== 'connected') this.dropPartial();
        this.setState(s, d);
      },
    });
  }

  /** Stops retrying, closes the device, drops any half frame; no events after it resolves but the final state. */
  async stop(): Promise<void> {
    if (!this.running) return;
    this.running = false;
    this.dropPartial();
    await this.source.stop();
    this.setState('disconnected', 'stopped');
  }

  private onBytes(b: Uint8Array): void {
    if (!this.running) return;
    this.deliver(this.codec.push(b));
    this.armIdle();
  }

  private armIdle(): void {
    if (this.idleTimer) clearTimeout(this.idleTimer);
    this.idleTimer = undefined;
    if (this.codec.pending === 0) return;
    this.idleTimer = setTimeout(() => {
      this.idleTimer = undefined;
      if (this.running) this.deliver(this.codec.flush());
    }, this.idleFlushMs);
  }

  /** The device went away mid-read: the half frame is dropped, not reported (the state says why). */
  private dropPartial(): void {
    if (this.idleTimer) clearTimeout(this.idleTimer);
    this.idleTimer = undefined;
    this.codec.reset();
  }
}
