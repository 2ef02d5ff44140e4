/**
 * Test helper: a network receipt printer on 127.0.0.1 (raw TCP, like port 9100) that records
 * every byte, answers DLE EOT n with the status bytes of its condition (ok / paper out / cover
 * open / near end / mute), and can go away (closes its port and every connection) and come back
 * on the same port. What was printed is read back with decodeEscPos.
 */
import net from 'node:net';
import { FakeEscPosPrinter, type FakeCondition } from '../../src/drivers/printer/fake-printer';
import type { DecodedPrint } from '../../src/drivers/printer/decode-escpos';

export class TcpTestPrinter {
  readonly device = new FakeEscPosPrinter();
  private server: net.Server | undefined;
  private sockets = new Set<net.Socket>();
  port = 0;
  connections = 0;

  static async start(port = 0): Promise<TcpTestPrinter> {
    const p = new TcpTestPrinter();
    await p.listen(port);
    return p;
  }

  private listen(port: number): Promise<void> {
    const server = net.createServer((s) => {
      this.connections++;
      this.sockets.add(s);
      s.on('data', (d: Buffer) => {
        const reply = this.device.receive(new Uint8Array(d));
        if (reply.length && !s.destroyed) s.write(reply);
      });
      s.on('error', () => {});
      s.on('close', () => this.sockets.delete(s));
    });
    this.server = server;
    return new Promise((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, '127.0.0.1', () => {
        this.port = (server.address() as net.AddressInfo).port;
        resolve();
      });
    });
  }

  setCondition(c: FakeCondition): void {
    this.device.condition = { ...c };
  }

  bytes(): Uint8Array {
    return this.device.bytes();
  }

  decoded(): DecodedPrint {
    return this.device.decoded();
  }

  /** Power off / cable pulled: the port closes and open connections are reset. */
  async goAway(): Promise<void> {
    const s = this.server;
    this.server = undefined;
    for (const sock of this.sockets) sock.destroy();
    if (s) await new Promise<void>((r) => s.close(() => r()));
  }

  /** Back on the same port. */
  async comeBack(): Promise<void> {
    if (!this.server) await this.listen(this.port);
  }

  async close(): Promise<void> {
    await this.goAway();
  }
}
