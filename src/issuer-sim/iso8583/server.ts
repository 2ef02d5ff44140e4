/**
 * The ISO 8583 face over TCP on 127.0.0.1: 2-byte length framing (FrameReader), one request and
 * its answer at a time per connection, a connection idle for 60 s closed (ISO8583-CUP.md "Frame").
 * An unparseable frame closes the connection; the terminal treats that as no answer.
 *
 * `addFace` starts a backup host's face on the same ledger (a real issuer's backup shares its
 * database, so it can reverse what the primary approved), with a host of its own: its own
 * sign-on sessions, so the working keys it gives a terminal are its own, as two real hosts' are.
 */
import net from 'node:net';
import type { AddressInfo } from 'node:net';
import { CUP_PROFILE, FrameReader } from '../../shared/iso8583';
import { IsoHost, type IsoHostOptions } from './host';

export interface Iso8583SimOptions extends IsoHostOptions {
  port?: number;
  host?: string;
  /** Idle close; the page's 60 s unless a test needs it shorter. */
  idleMs?: number;
}

export interface Iso8583SimFace {
  port: number;
  host: IsoHost;
  /** Open connections (tests check an idle one is closed). */
  connections(): number;
  close(): Promise<void>;
}

export interface Iso8583Sim extends Iso8583SimFace {
  /** Another host on the same ledger and TMK, with its own sessions (a backup host). */
  addFace(port?: number): Promise<Iso8583SimFace>;
}

export async function startIso8583Sim(opts: Iso8583SimOptions): Promise<Iso8583Sim> {
  const faces: Iso8583SimFace[] = [];
  const first = await startFace(opts, opts.port ?? 0);
  faces.push(first);
  return {
    ...first,
    addFace: async (port) => {
      const face = await startFace(opts, port ?? 0);
      faces.push(face);
      return face;
    },
    close: async () => {
      await Promise.all(faces.map((f) => f.close()));
    },
  };
}

async function startFace(opts: Iso8583SimOptions, port: number): Promise<Iso8583SimFace> {
  const host = new IsoHost(opts);
  const sockets = new Set<net.Socket>();
  const server = net.createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => socket.destroy());
    socket.setNoDelay(true);
    socket.setTimeout(opts.idleMs ?? 60_000, () => socket.destroy());
    const reader = new FrameReader(CUP_PROFILE);
    socket.on('data', (chunk: Buffer) => {
      let frames: Uint8Array[];
      try {
        frames = reader.push(new Uint8Array(chunk));
      } catch {
        socket.destroy(); // a declared length outside 21..1024 bytes
        return;
      }
      // A terminal never pipelines; frames that arrive together are still answered in order.
      for (const frame of frames) {
        const answer = host.handle(frame);
        if (answer === null) {
          socket.destroy();
          return;
        }
        socket.write(answer);
      }
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, opts.host ?? '127.0.0.1', () => resolve());
  });
  return {
    port: (server.address() as AddressInfo).port,
    host,
    connections: () => sockets.size,
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}
