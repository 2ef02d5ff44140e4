/**
 * A narrow byte port (after serialport's bindings-interface): the real binding and a test double
 * implement the same four calls.
 */
import { SerialPort } from 'serialport';
import type { SerialLine } from './framing';

export interface BytePort {
  /** Opens the device. Rejects if it is absent or busy; no events before it resolves. */
  open(): Promise<void>;
  /**
   * Closes the device. Cancels any read in flight: no onData after this resolves. Never rejects
   * (closing a port that already vanished is not an error).
   */
  close(): Promise<void>;
  /** Writes and drains. Rejects if the port is not open. */
  write(bytes: Uint8Array): Promise<void>;
  /** Bytes as they arrive, in arbitrary chunks. */
  onData(cb: (bytes: Uint8Array) => void): void;
  /** The port went away by itself (unplug, I/O error) — not called for close(). */
  onLost(cb: (reason: string) => void): void;
}

export type PortFactory = (path: string, line: SerialLine) => BytePort;

/** The real thing: node-serialport 13 (prebuilt binaries; a pty opens like a COM port). */
export const openSerialPort: PortFactory = (path, line) => {
  const port = new SerialPort({
    path,
    baudRate: line.baudRate,
    dataBits: line.dataBits,
    parity: line.parity,
    stopBits: line.stopBits,
    autoOpen: false,
  });
  let closing = false;
  let lost: ((reason: string) => void) | undefined;
  let lostOnce = false;
  const reportLost = (reason: string) => {
    if (closing || lostOnce) return;
    lostOnce = true;
    lost?.(reason);
  };
  // serialport emits 'close' with err.disconnected on unplug, or 'error' on a failed read.
  port.on('close', (err?: Error & { disconnected?: boolean }) => reportLost(err ? err.message : 'closed'));
  port.on('error', (err: Error) => reportLost(err.message));
  return {
    open: () =>
      new Promise<void>((resolve, reject) => {
        port.open((err) => (err ? reject(err) : resolve()));
      }),
    close: () =>
      new Promise<void>((resolve) => {
        closing = true;
        port.removeAllListeners('data');
        if (!port.isOpen) return resolve();
        port.close(() => resolve());
      }),
    write: (bytes) =>
      new Promise<void>((resolve, reject) => {
        port.write(Buffer.from(bytes), (err) => {
          if (err) return reject(err);
          port.drain((e) => (e ? reject(e) : resolve()));
        });
      }),
    onData: (cb) => {
      port.on('data', (b: Buffer) => cb(new Uint8Array(b.buffer, b.byteOffset, b.length)));
    },
    onLost: (cb) => {
      lost = cb;
    },
  };
};
