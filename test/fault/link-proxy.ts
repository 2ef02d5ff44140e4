/**
 * A loopback TCP proxy between a terminal and the issuer that misbehaves on purpose: it delays
 * bytes, drops connections, resets a connection in the middle of the answer, swallows a request
 * for good (blackhole: the client must time out), and goes down entirely (connection refused) and
 * comes back on the same port. Decisions come from a seeded generator, so a failure replays.
 */
import net from 'node:net';

export interface FaultMix {
  /** Probability per request chunk of each fault; the rest pass (possibly delayed). */
  drop: number;
  resetMidResponse: number;
  blackhole: number;
  latency: number;
  latencyMs: [number, number];
}

export const NO_FAULTS: FaultMix = {
  drop: 0,
  resetMidResponse: 0,
  blackhole: 0,
  latency: 0,
  latencyMs: [0, 0],
};

export class LinkFaultProxy {
  private server: net.Server | null = null;
  private readonly sockets = new Set<net.Socket>();
  port = 0;
  mix: FaultMix = NO_FAULTS;
  /** The next this-many answers are swallowed and the connection closed: the host acted, the terminal never learns how. */
  loseAnswers = 0;
  /** Told of every request chunk that reaches the host (tests read ISO 8583 MTIs from it). */
  onRequest?: (chunk: Buffer) => void;
  readonly stats = {
    connections: 0,
    chunks: 0,
    drop: 0,
    resetMidResponse: 0,
    blackhole: 0,
    latency: 0,
    downPhases: 0,
  };

  constructor(
    private readonly targetPort: number,
    private readonly random: () => number,
  ) {}

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  async start(): Promise<void> {
    const server = net.createServer((client) => this.onClient(client));
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.port, '127.0.0.1', () => resolve());
    });
    this.port = (server.address() as net.AddressInfo).port;
    this.server = server;
  }

  /** Down: refuse new connections and cut every open one. Up: listen again on the same port. */
  async setDown(down: boolean): Promise<void> {
    if (down && this.server) {
      this.stats.downPhases++;
      const s = this.server;
      this.server = null;
      for (const sock of this.sockets) sock.destroy();
      await new Promise<void>((resolve) => s.close(() => resolve()));
    } else if (!down && !this.server) await this.start();
  }

  async close(): Promise<void> {
    await this.setDown(true);
  }

  private pick(): 'drop' | 'resetMidResponse' | 'blackhole' | 'latency' | 'pass' {
    let r = this.random();
    for (const k of ['drop', 'resetMidResponse', 'blackhole', 'latency'] as const) {
      if (r < this.mix[k]) return k;
      r -= this.mix[k];
    }
    return 'pass';
  }

  private onClient(client: net.Socket): void {
    this.stats.connections++;
    const upstream = net.connect(this.targetPort, '127.0.0.1');
    this.sockets.add(client);
    this.sockets.add(upstream);
    let blackholed = false;
    let resetArmed = false;
    // Chunks go upstream in order, each after its own delay.
    let chain = Promise.resolve();
    const end = () => {
      client.destroy();
      upstream.destroy();
      this.sockets.delete(client);
      this.sockets.delete(upstream);
    };
    client.on('error', end);
    upstream.on('error', end);
    client.on('close', end);
    upstream.on('close', end);
    client.on('data', (chunk: Buffer) => {
      if (blackholed) return;
      this.stats.chunks++;
      const f = this.pick();
      if (f !== 'pass') this.stats[f]++;
      if (f === 'drop') return end();
      if (f === 'blackhole') {
        // The request vanishes and the connection stays open and silent: only a timeout ends it.
        blackholed = true;
        return;
      }
      if (f === 'resetMidResponse') resetArmed = true;
      const [lo, hi] = this.mix.latencyMs;
      const delay = f === 'latency' ? lo + Math.floor(this.random() * (hi - lo + 1)) : 0;
      chain = chain.then(
        () =>
          new Promise<void>((resolve) => {
            const go = () => {
              if (!upstream.destroyed) {
                this.onRequest?.(chunk);
                upstream.write(chunk);
              }
              resolve();
            };
            if (delay) setTimeout(go, delay);
            else go();
          }),
      );
    });
    upstream.on('data', (chunk: Buffer) => {
      if (blackholed) return;
      if (this.loseAnswers > 0) {
        this.loseAnswers--;
        return end();
      }
      if (resetArmed) {
        // Half of the answer, then a TCP RST: the issuer acted, the terminal never learns how.
        client.write(chunk.subarray(0, Math.max(1, chunk.length >> 1)));
        client.resetAndDestroy();
        upstream.destroy();
        return;
      }
      client.write(chunk);
    });
  }
}
