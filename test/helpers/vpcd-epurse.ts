/**
 * Test helper: the virtual e-purse card or the virtual PSAM (src/drivers/ic/epurse/virtual-*.ts)
 * behind pcscd's vpcd reader driver, each on its own virtual reader: vpcd listens on 35963 for
 * "Virtual PCD 00 00" and on 35964 for "Virtual PCD 00 01" (/etc/reader.conf.d/vpcd, CHANNELID
 * 0x8C7B = 35963, one port per slot). Wire protocol as in vpcd-card.ts: 2-byte length + bytes, a
 * 1-byte message is control (00 off, 01 on, 02 reset, 04 send ATR).
 *
 * `tearAfter(apdu)` makes the card execute that command and then leave the field without
 * answering — the torn DEBIT.
 */
import net from 'node:net';
import { toHex } from '../../src/drivers/ic/apdu';

export const VPCD_CARD_PORT = 35963;
export const VPCD_PSAM_PORT = 35964;
export const READER_CARD = 'Virtual PCD 00 00';
export const READER_PSAM = 'Virtual PCD 00 01';

export interface Applet {
  reset(): void;
  respond(apdu: Uint8Array): Uint8Array;
}

/** A contact-card ATR (T=1, historical bytes "CTEP"): 3B 84 80 01 'CTEP' TCK. */
export function contactAtr(hist = 'CTEP'): Uint8Array {
  const body = [0x3b, 0x80 | hist.length, 0x80, 0x01, ...Buffer.from(hist)];
  let tck = 0;
  for (const b of body.slice(1)) tck ^= b;
  return Uint8Array.from([...body, tck]);
}

export class VpcdApplet {
  readonly apdus: string[] = [];
  tearAfter: ((apdu: Uint8Array) => boolean) | undefined;
  private buf = Buffer.alloc(0);
  private readonly closed: Promise<void>;

  private constructor(
    private readonly socket: net.Socket,
    readonly applet: Applet,
    private readonly atr: Uint8Array,
  ) {
    this.closed = new Promise((r) => socket.once('close', () => r()));
    socket.on('data', (d: Buffer) => this.onData(d));
    socket.on('error', () => {});
  }

  static insert(applet: Applet, port: number, atr = contactAtr()): Promise<VpcdApplet> {
    return new Promise((resolve, reject) => {
      const s = net.connect(port, '127.0.0.1');
      s.once('connect', () => resolve(new VpcdApplet(s, applet, atr)));
      s.once('error', reject);
    });
  }

  async remove(): Promise<void> {
    this.socket.destroy();
    await this.closed;
  }

  get gone(): Promise<void> {
    return this.closed;
  }

  private send(b: Uint8Array): void {
    if (this.socket.destroyed) return;
    const h = Buffer.alloc(2);
    h.writeUInt16BE(b.length);
    this.socket.write(Buffer.concat([h, Buffer.from(b)]));
  }

  private onData(d: Buffer): void {
    this.buf = Buffer.concat([this.buf, d]);
    while (this.buf.length >= 2) {
      const n = this.buf.readUInt16BE(0);
      if (this.buf.length < 2 + n) return;
      const msg = new Uint8Array(this.buf.subarray(2, 2 + n));
      this.buf = this.buf.subarray(2 + n);
      if (msg.length === 1) {
        if (msg[0] === 0x04) this.send(this.atr);
        else if (msg[0] === 0x01 || msg[0] === 0x02) this.applet.reset();
        continue;
      }
      this.apdus.push(toHex(msg));
      const r = this.applet.respond(msg);
      if (this.tearAfter?.(msg)) {
        this.socket.destroy(); // executed, answer never sent
        return;
      }
      this.send(r);
    }
  }
}
