/**
 * Test helper: a virtual contactless card behind pcscd's vpcd reader driver.
 *
 * vpcd protocol (vsmartcard project): the card connects to 127.0.0.1:35963 (the first virtual
 * reader, "Virtual PCD 00 00"); every message either way is a 2-byte big-endian length + bytes.
 * A 1-byte message from the reader is control: 0x00 power off, 0x01 power on, 0x02 reset,
 * 0x04 "send your ATR". Longer messages are command APDUs, answered with a response APDU.
 * Closing the connection removes the card from the field.
 *
 * The application behind it is src/drivers/ic/virtual-card.ts, with its configurable failures:
 * another AID only, a status-word error, leaving the field mid-read.
 */
import net from 'node:net';
import { toHex } from '../../src/drivers/ic/apdu';
import { REMOVED, VirtualStoredValueCard, type VirtualCardProfile } from '../../src/drivers/ic/virtual-card';

export const VPCD_PORT = 35963;

export class VpcdCard {
  /** Hex of every command APDU the card received, in order. */
  readonly apdus: string[] = [];
  private buf = Buffer.alloc(0);
  private closed: Promise<void>;

  private constructor(
    private readonly socket: net.Socket,
    readonly card: VirtualStoredValueCard,
  ) {
    this.closed = new Promise((r) => socket.once('close', () => r()));
    socket.on('data', (d: Buffer) => this.onData(d));
    socket.on('error', () => {});
  }

  /** Puts a card on the reader. Resolves once connected (pcscd notices within about a second). */
  static insert(profile: VirtualCardProfile, port = VPCD_PORT, host = '127.0.0.1'): Promise<VpcdCard> {
    return new Promise((resolve, reject) => {
      const s = net.connect(port, host);
      s.once('connect', () => resolve(new VpcdCard(s, new VirtualStoredValueCard(profile))));
      s.once('error', reject);
    });
  }

  /** Takes the card away. */
  async remove(): Promise<void> {
    this.socket.end();
    this.socket.destroy();
    await this.closed;
  }

  get removed(): boolean {
    return this.socket.destroyed;
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
      this.onMessage(msg);
    }
  }

  private onMessage(msg: Uint8Array): void {
    if (msg.length === 1) {
      if (msg[0] === 0x04) this.send(this.card.atr);
      else if (msg[0] === 0x01 || msg[0] === 0x02) this.card.reset();
      return; // 0x00 power off: no answer
    }
    this.apdus.push(toHex(msg));
    const r = this.card.respond(msg);
    if (r === REMOVED) {
      this.socket.destroy(); // leaves the field without answering
      return;
    }
    this.send(r);
  }
}
