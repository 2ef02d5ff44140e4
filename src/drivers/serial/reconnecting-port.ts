/**
 * Keeps a serial device open across unplug/replug — serialport does not do this itself.
 *
 *   start():  try to open; on success state 'connected'; on failure 'disconnected' and retry with
 *             backoff (250 ms, doubling, at most 2 s) until it opens or stop() is called.
 *   unplug:   the port errors or closes by itself, or (belt and braces, checked every 500 ms) its
 *             device node vanishes → 'disconnected' within ~0.5 s, the half-read frame is dropped,
 *             and the retry loop starts again. On reopen → 'connected'.
 *   stop():   cancels the retry timer and the watchdog, closes the port; resolves when closed, and
 *             no data or state callback runs after that. An open() in flight when stop() is called
 *             is closed as soon as it completes. stop() twice is harmless.
 */
import { stat } from 'node:fs/promises';
import type { DeviceState } from '../../shared/devices';
import type { SerialLine } from './framing';
import { openSerialPort, type BytePort, type PortFactory } from './port';

export interface ByteSink {
  data(bytes: Uint8Array): void;
  state(state: DeviceState, detail?: string): void;
}

/** Something that produces reader bytes and reports its health (serial port, HID device). */
export interface ByteSource {
  start(sink: ByteSink): void;
  stop(): Promise<void>;
}

export interface ReconnectOptions {
  openPort?: PortFactory;
  backoffInitialMs?: number;
  backoffMaxMs?: number;
  watchdogMs?: number;
}

export class ReconnectingSerialSource implements ByteSource {
  private port: BytePort | undefined;
  private sink: ByteSink | undefined;
  private stopped = true;
  private retryTimer: ReturnType<typeof setTimeout> | undefined;
  private watchdog: ReturnType<typeof setInterval> | undefined;
  private backoffMs: number;
  private readonly openPort: PortFactory;
  private readonly initialMs: number;
  private readonly maxMs: number;
  private readonly watchdogMs: number;

  constructor(
    readonly path: string,
    private readonly line: SerialLine,
    opts: ReconnectOptions = {},
  ) {
    this.openPort = opts.openPort ?? openSerialPort;
    this.initialMs = opts.backoffInitialMs ?? 250;
    this.maxMs = opts.backoffMaxMs ?? 2000;
    this.watchdogMs = opts.watchdogMs ?? 500;
    this.backoffMs = this.initialMs;
  }

  start(sink: ByteSink): void {
    if (!this.stopped) return;
    this.stopped = false;
    this.sink = sink;
    this.backoffMs = this.initialMs;
    void this.tryOpen();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.retryTimer) clearTimeout(this.retryTimer);
    this.retryTimer = undefined;
    this.stopWatchdog();
    const p = this.port;
    this.port = undefined;
    if (p) await p.close();
  }

  private async tryOpen(): Promise<void> {
    this.retryTimer = undefined;
    if (this.stopped) return;
    let port: BytePort;
    try {
      port = this.openPort(this.path, this.line);
      await port.open();
    } catch (err) {
      if (this.stopped) return;
      this.sink?.state('disconnected', `cannot open ${this.path}: ${errText(err)}`);
      this.scheduleRetry();
      return;
    }
    if (this.stopped) {
      await port.close();
      return;
    }
    this.port = port;
    this.backoffMs = this.initialMs;
    port.onData((b) => {
      if (!this.stopped && this.port === port) this.sink?.data(b);
    });
    port.onLost((reason) => void this.lost(port, reason));
    this.startWatchdog(port);
    this.sink?.state('connected');
  }

  private async lost(port: BytePort, reason: string): Promise<void> {
    if (this.stopped || this.port !== port) return;
    this.port = undefined;
    this.stopWatchdog();
    this.sink?.state('disconnected', `${this.path} lost: ${reason}`);
    await port.close();
    this.scheduleRetry();
  }

  private scheduleRetry(): void {
    if (this.stopped || this.retryTimer) return;
    const wait = this.backoffMs;
    this.backoffMs = Math.min(this.backoffMs * 2, this.maxMs);
    this.retryTimer = setTimeout(() => void this.tryOpen(), wait);
  }

  /** A pty or USB-serial node that disappears does not always make the open port error. */
  private startWatchdog(port: BytePort): void {
    this.stopWatchdog();
    if (!this.path.startsWith('/')) return; // COM ports have no device node to look at
    this.watchdog = setInterval(() => {
      stat(this.path).catch(() => void this.lost(port, 'device node gone'));
    }, this.watchdogMs);
  }

  private stopWatchdog(): void {
    if (this.watchdog) clearInterval(this.watchdog);
    this.watchdog = undefined;
  }
}

function errText(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
