/**
 * USB HID transport for wedge readers opened directly (not through the OS keyboard), via the
 * optional node-hid package. Thin on purpose: it turns input reports into the bytes a serial reader
 * would have sent (keyboard-usage.ts / pos-scanner.ts do the decoding, tested with recorded
 * reports), and the magstripe or barcode codec does the rest.
 *
 * node-hid is loaded with a dynamic import inside try/catch: if it is not installed or its native
 * part fails to load, the device is 'unavailable' with a detail naming what is missing, and nothing
 * else breaks. Unplug → 'disconnected', then it polls for the device with backoff (250 ms → 2 s).
 * stop() cancels the poll and closes the device; no data is delivered after it resolves.
 */
import type { ByteSink, ByteSource } from '../serial/reconnecting-port';
import { BootKeyboardDecoder, keysToBytes } from './keyboard-usage';
import { HidPosScannerDecoder } from './pos-scanner';

interface HidDevice {
  on(event: 'data', cb: (data: Buffer) => void): unknown;
  on(event: 'error', cb: (err: unknown) => void): unknown;
  close(): Promise<void> | void;
}
interface NodeHidModule {
  devicesAsync(vid?: number, pid?: number): Promise<unknown[]>;
  HIDAsync: { open(vid: number, pid: number, opts?: { nonExclusive?: boolean }): Promise<HidDevice> };
}

export type HidMode = 'keyboard' | 'pos';

/** Loads node-hid, or says why not. Exported for discovery. */
export async function loadNodeHid(): Promise<NodeHidModule | string> {
  try {
    const m = (await import('node-hid')) as unknown as NodeHidModule & { default?: NodeHidModule };
    const mod = typeof m.devicesAsync === 'function' ? m : m.default;
    if (!mod || typeof mod.devicesAsync !== 'function') return 'node-hid loaded but has no devicesAsync()';
    return mod;
  } catch (err) {
    return `node-hid (optional dependency) not available: ${err instanceof Error ? err.message : String(err)}`;
  }
}

export class HidSource implements ByteSource {
  private stopped = true;
  private device: HidDevice | undefined;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private backoffMs = 250;

  constructor(
    private readonly vendorId: number,
    private readonly productId: number,
    private readonly mode: HidMode,
    private readonly loader: () => Promise<NodeHidModule | string> = loadNodeHid,
  ) {}

  start(sink: ByteSink): void {
    if (!this.stopped) return;
    this.stopped = false;
    void this.run(sink);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    const d = this.device;
    this.device = undefined;
    if (d) await Promise.resolve(d.close()).catch(() => {});
  }

  private async run(sink: ByteSink): Promise<void> {
    const hid = await this.loader();
    if (this.stopped) return;
    if (typeof hid === 'string') {
      sink.state('unavailable', hid);
      return;
    }
    await this.tryOpen(hid, sink);
  }

  private async tryOpen(hid: NodeHidModule, sink: ByteSink): Promise<void> {
    this.timer = undefined;
    if (this.stopped) return;
    let dev: HidDevice;
    try {
      const found = await hid.devicesAsync(this.vendorId, this.productId);
      if (found.length === 0) throw new Error('not plugged in');
      dev = await hid.HIDAsync.open(this.vendorId, this.productId);
    } catch (err) {
      if (this.stopped) return;
      sink.state(
        'disconnected',
        `hid ${hex(this.vendorId)}:${hex(this.productId)}: ${err instanceof Error ? err.message : String(err)}`,
      );
      this.timer = setTimeout(() => void this.tryOpen(hid, sink), this.backoffMs);
      this.backoffMs = Math.min(this.backoffMs * 2, 2000);
      return;
    }
    if (this.stopped) {
      await Promise.resolve(dev.close()).catch(() => {});
      return;
    }
    this.device = dev;
    this.backoffMs = 250;
    const decode = reportDecoder(this.mode);
    dev.on('data', (data) => {
      if (this.stopped || this.device !== dev) return;
      const bytes = decode(new Uint8Array(data.buffer, data.byteOffset, data.length));
      if (bytes.length) sink.data(bytes);
    });
    dev.on('error', (err) => {
      if (this.stopped || this.device !== dev) return;
      this.device = undefined;
      sink.state('disconnected', `hid device lost: ${err instanceof Error ? err.message : String(err)}`);
      void Promise.resolve(dev.close()).catch(() => {});
      this.timer = setTimeout(() => void this.tryOpen(hid, sink), this.backoffMs);
    });
    sink.state('connected');
  }
}

/**
 * Report → bytes for the codec. Keyboard mode: typed characters, Enter as CR. POS mode: a complete
 * scan followed by CR; a scan report that cannot be decoded yields ESC CR — ESC is a byte no codec
 * accepts in a frame, so that read is reported unreadable rather than silently altered.
 */
export function reportDecoder(mode: HidMode): (report: Uint8Array) => Uint8Array {
  if (mode === 'pos') {
    const pos = new HidPosScannerDecoder();
    return (report) => {
      const r = pos.push(report);
      if (!r.ok) return Uint8Array.of(0x1b, 0x0d);
      if (!r.done) return new Uint8Array(0);
      const out = new Uint8Array(r.bytes.length + 1);
      out.set(r.bytes);
      out[r.bytes.length] = 0x0d;
      return out;
    };
  }
  const kb = new BootKeyboardDecoder();
  return (report) => {
    const r = kb.push(report);
    // A rollover report carries no key state and is skipped (the previous state stands); a key
    // pressed and released entirely inside it would be lost, which the codec's sentinel, LRC and
    // Luhn checks then catch. Reports of another shape are not keyboard input at all.
    if (!r.ok) return new Uint8Array(0);
    return keysToBytes(r.keys);
  };
}

function hex(n: number): string {
  return n.toString(16).padStart(4, '0');
}
