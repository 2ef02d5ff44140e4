/**
 * Printer transports: a byte pipe that opens, writes, reports incoming bytes and its own loss.
 * They know nothing of ESC/POS. open() rejects when the device cannot be reached; a transport
 * that was lost can be opened again (hot-plug, printer power-cycled, network back).
 */
import net from 'node:net';
import { promises as fs, constants as fsConstants } from 'node:fs';
import { PrinterError } from './errors';

export interface PrinterTransport {
  readonly kind: 'tcp' | 'serial' | 'usblp' | 'memory';
  readonly path: string;
  /** Whether the device can answer DLE EOT (usblp here is write-only). */
  readonly canReadStatus: boolean;
  isOpen(): boolean;
  open(): Promise<void>;
  /** Resolves when the bytes were handed to the OS (TCP) or drained (serial). */
  write(b: Uint8Array): Promise<void>;
  onData(cb: (b: Uint8Array) => void): void;
  /** Called when an open transport is lost (peer closed, device unplugged). */
  onLost(cb: (why: string) => void): void;
  close(): Promise<void>;
}

abstract class Base {
  protected dataCbs: Array<(b: Uint8Array) => void> = [];
  protected lostCbs: Array<(why: string) => void> = [];
  onData(cb: (b: Uint8Array) => void): void {
    this.dataCbs.push(cb);
  }
  onLost(cb: (why: string) => void): void {
    this.lostCbs.push(cb);
  }
  protected data(b: Uint8Array): void {
    for (const cb of this.dataCbs) cb(b);
  }
  protected lost(why: string): void {
    for (const cb of this.lostCbs) cb(why);
  }
}

/** Raw TCP, port 9100 on network printers ("RAW"/"JetDirect"/"AppSocket"). */
export class TcpTransport extends Base implements PrinterTransport {
  readonly kind = 'tcp';
  readonly canReadStatus = true;
  private socket: net.Socket | undefined;

  constructor(
    readonly host: string,
    readonly port: number,
    private readonly connectTimeoutMs = 3000,
  ) {
    super();
  }
  get path(): string {
    return `${this.host}:${this.port}`;
  }
  isOpen(): boolean {
    return !!this.socket && !this.socket.destroyed;
  }
  open(): Promise<void> {
    if (this.isOpen()) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const s = net.connect({ host: this.host, port: this.port });
      const t = setTimeout(() => {
        s.destroy();
        reject(new PrinterError('IO_ERROR', `connect to ${this.path} timed out`));
      }, this.connectTimeoutMs);
      s.once('error', (e) => {
        clearTimeout(t);
        reject(new PrinterError('IO_ERROR', `connect to ${this.path}: ${e.message}`, { cause: e }));
      });
      s.once('connect', () => {
        clearTimeout(t);
        s.removeAllListeners('error');
        s.setNoDelay(true);
        s.setKeepAlive(true, 5000);
        s.on('data', (d: Buffer) => this.data(new Uint8Array(d)));
        s.on('error', () => {}); // 'close' follows
        s.once('close', () => {
          if (this.socket === s) this.socket = undefined;
          this.lost('connection closed');
        });
        this.socket = s;
        resolve();
      });
    });
  }
  write(b: Uint8Array): Promise<void> {
    const s = this.socket;
    if (!s || s.destroyed) return Promise.reject(new PrinterError('IO_ERROR', 'not connected'));
    return new Promise((resolve, reject) =>
      s.write(b, (e) => (e ? reject(new PrinterError('IO_ERROR', e.message, { cause: e })) : resolve())),
    );
  }
  async close(): Promise<void> {
    const s = this.socket;
    this.socket = undefined;
    if (s && !s.destroyed) {
      await new Promise<void>((r) => {
        s.once('close', () => r());
        s.destroy();
      });
    }
  }
}

/** Serial (RS-232 / USB-serial) via serialport. Loaded lazily so the module costs nothing elsewhere. */
export class SerialTransport extends Base implements PrinterTransport {
  readonly kind = 'serial';
  readonly canReadStatus = true;
  private port: import('serialport').SerialPort | undefined;

  constructor(
    readonly path: string,
    /** 9600 8N1 is the factory setting of most receipt printers' serial interface. */
    readonly baudRate = 9600,
    readonly rtscts = false,
  ) {
    super();
  }
  isOpen(): boolean {
    return !!this.port?.isOpen;
  }
  async open(): Promise<void> {
    if (this.isOpen()) return;
    const { SerialPort } = await import('serialport');
    const port = new SerialPort({
      path: this.path,
      baudRate: this.baudRate,
      rtscts: this.rtscts,
      autoOpen: false,
    });
    await new Promise<void>((resolve, reject) =>
      port.open((e) =>
        e ? reject(new PrinterError('IO_ERROR', `open ${this.path}: ${e.message}`, { cause: e })) : resolve(),
      ),
    );
    port.on('data', (d: Buffer) => this.data(new Uint8Array(d)));
    port.on('error', () => {});
    port.once('close', () => {
      if (this.port === port) this.port = undefined;
      this.lost('port closed');
    });
    this.port = port;
  }
  write(b: Uint8Array): Promise<void> {
    const p = this.port;
    if (!p?.isOpen) return Promise.reject(new PrinterError('IO_ERROR', 'port not open'));
    return new Promise((resolve, reject) => {
      p.write(Buffer.from(b), (e) => {
        if (e) return reject(new PrinterError('IO_ERROR', e.message, { cause: e }));
        p.drain((e2) => (e2 ? reject(new PrinterError('IO_ERROR', e2.message, { cause: e2 })) : resolve()));
      });
    });
  }
  async close(): Promise<void> {
    const p = this.port;
    this.port = undefined;
    if (p?.isOpen) await new Promise<void>((r) => p.close(() => r()));
  }
}

/**
 * Linux usblp character device (/dev/usb/lp0): USB printer class, written like a file. Status is
 * not read back here (a blocking read on usblp would tie up a libuv thread), so paper out shows
 * only as the printer stopping; open/write errors (ENODEV after unplug) count as offline.
 */
export class UsblpTransport extends Base implements PrinterTransport {
  readonly kind = 'usblp';
  readonly canReadStatus = false;
  private fh: fs.FileHandle | undefined;

  constructor(readonly path: string) {
    super();
  }
  isOpen(): boolean {
    return !!this.fh;
  }
  async open(): Promise<void> {
    if (this.fh) return;
    try {
      // Write-only, append, and never O_CREAT: with the printer unplugged, /dev/usb/lp0 is absent
      // and must stay absent (flag 'a' would create a regular file there and "print" into it).
      this.fh = await fs.open(this.path, fsConstants.O_WRONLY | fsConstants.O_APPEND);
    } catch (e) {
      throw new PrinterError('IO_ERROR', `open ${this.path}: ${(e as Error).message}`, { cause: e });
    }
  }
  async write(b: Uint8Array): Promise<void> {
    if (!this.fh) throw new PrinterError('IO_ERROR', 'device not open');
    try {
      await this.fh.write(b);
    } catch (e) {
      await this.close();
      this.lost('write failed');
      throw new PrinterError('IO_ERROR', `write ${this.path}: ${(e as Error).message}`, { cause: e });
    }
  }
  async close(): Promise<void> {
    const fh = this.fh;
    this.fh = undefined;
    await fh?.close().catch(() => {});
  }
}
