/**
 * What every reader driver in this folder tree shares: listeners, health state, DeviceInfo, and
 * turning codec results into DeviceEvents. Track data never reaches a log line: events carry the
 * CardPresented only, and every log string goes through maskPansInText.
 */
import { maskPansInText } from '../../shared/card';
import type { DeviceEvent, DeviceInfo, DeviceKind, DeviceState } from '../../shared/devices';
import type { DeviceDriver, DeviceListener } from '../types';
import type { SwipeResult } from '../magstripe/codec';
import type { ScanResult } from '../barcode/payload';

export interface DriverOptions {
  clock?: () => number;
  log?: (line: string) => void;
}

/**
 * A receipt QR read by a scanner. Scanners deliver it through onScan(); the registry forwards it
 * both to its onScan() listeners and, as a `{ type: 'receipt' }` DeviceEvent, to onEvent().
 */
export interface ReceiptScanEvent {
  type: 'scan';
  deviceId: string;
  at: number;
  text: string;
  symbology?: string;
}
export type ScanListener = (e: ReceiptScanEvent) => void;

export abstract class DriverBase implements DeviceDriver {
  protected state: DeviceState = 'disconnected';
  protected detail: string | undefined;
  protected readonly clock: () => number;
  protected readonly log: (line: string) => void;
  private readonly listeners = new Set<DeviceListener>();
  private readonly scanListeners = new Set<ScanListener>();

  constructor(
    readonly id: string,
    readonly kind: DeviceKind,
    protected readonly transport: string,
    protected readonly path: string,
    protected readonly simulated: boolean,
    opts: DriverOptions = {},
  ) {
    this.clock = opts.clock ?? Date.now;
    const log = opts.log ?? (() => {});
    this.log = (line) => log(maskPansInText(line));
  }

  abstract start(): Promise<void>;
  abstract stop(): Promise<void>;

  info(): DeviceInfo {
    return {
      id: this.id,
      kind: this.kind,
      transport: this.transport,
      path: this.path,
      state: this.state,
      simulated: this.simulated,
      ...(this.detail !== undefined ? { detail: maskPansInText(this.detail) } : {}),
    };
  }

  onEvent(listener: DeviceListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Receipt QR scans (barcode readers only). */
  onScan(listener: ScanListener): () => void {
    this.scanListeners.add(listener);
    return () => this.scanListeners.delete(listener);
  }

  protected emit(e: DeviceEvent): void {
    for (const l of [...this.listeners]) {
      try {
        l(e);
      } catch (err) {
        this.log(`${this.id}: listener threw: ${String(err)}`);
      }
    }
  }

  /** Emits a state event when the state (or its detail) changes. */
  protected setState(state: DeviceState, detail?: string): void {
    if (state === this.state && detail === this.detail) return;
    this.state = state;
    this.detail = detail;
    this.log(`${this.id}: ${state}${detail ? ` (${detail})` : ''}`);
    this.emit({
      type: 'state',
      deviceId: this.id,
      at: this.clock(),
      state,
      ...(detail ? { detail: maskPansInText(detail) } : {}),
    });
  }

  /** Turns codec results into events. */
  protected deliver(results: ReadonlyArray<SwipeResult | ScanResult>): void {
    for (const r of results) {
      const at = this.clock();
      if (r.kind === 'card') this.emit({ type: 'card', deviceId: this.id, at, card: r.card });
      else if (r.kind === 'error') {
        this.log(`${this.id}: ${r.code}: ${r.detail}`);
        this.emit({ type: 'error', deviceId: this.id, at, code: r.code, detail: maskPansInText(r.detail) });
      } else {
        const e: ReceiptScanEvent = {
          type: 'scan',
          deviceId: this.id,
          at,
          text: r.text,
          ...(r.symbology ? { symbology: r.symbology.name } : {}),
        };
        for (const l of [...this.scanListeners]) {
          try {
            l(e);
          } catch (err) {
            this.log(`${this.id}: scan listener threw: ${String(err)}`);
          }
        }
      }
    }
  }
}
