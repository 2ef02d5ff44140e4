/**
 * One TCP connection to an ISO 8583 host, one request and its answer at a time (ISO8583-CUP.md:
 * "a terminal never pipelines"). What the port needs to know about each exchange is whether the
 * host can have received the request:
 *  - `not-sent`: the connection could not be made (refused, unreachable) — the host cannot have acted;
 *  - `unknown`: the request was written and no whole answer came (timeout, close, a frame that
 *    does not parse) — the host may have acted.
 * A connection the host closed (idle 60 s) is reopened before the next request.
 */
import net from 'node:net';
import { FrameReader, type Iso8583Profile } from '../../../shared/iso8583';

export type WireOutcome =
  | { kind: 'answer'; frame: Uint8Array }
  | { kind: 'not-sent'; detail: string }
  | { kind: 'unknown'; detail: string };

export interface TcpEndpoint {
  host: string;
  port: number;
}

export class Iso8583TcpLink {
  private socket: net.Socket | undefined;
  private reader: FrameReader | undefined;
  private waiter: ((o: WireOutcome) => void) | undefined;
  /**
   * The socket the waiter waits on. A socket given up on (timeout) is destroyed, and its 'close'
   * arrives later — by then the waiter may be the next request's, on a new socket: only events of
   * the waiter's own socket may end it (else one timeout ends every request after it).
   */
  private waiterSocket: net.Socket | undefined;
  private queue: Promise<unknown> = Promise.resolve();
  private cut = false;

  constructor(
    private readonly endpoint: TcpEndpoint,
    private readonly profile: Iso8583Profile,
    private readonly connectTimeoutMs = 5_000,
  ) {}

  setCut(cut: boolean): void {
    this.cut = cut;
    if (cut) this.close();
  }
  isCut(): boolean {
    return this.cut;
  }

  /** Sends one frame and waits for one answer frame (or the reason there is none). Never throws. */
  exchange(frame: Uint8Array, timeoutMs: number): Promise<WireOutcome> {
    const run = this.queue.then(() => this.exchangeNow(frame, timeoutMs));
    this.queue = run.catch(() => undefined);
    return run;
  }

  close(): void {
    this.socket?.destroy();
    this.socket = undefined;
  }

  private async exchangeNow(frame: Uint8Array, timeoutMs: number): Promise<WireOutcome> {
    if (this.cut) return { kind: 'not-sent', detail: 'link cut' };
    const connected = await this.connect();
    if (connected !== true) return { kind: 'not-sent', detail: connected };
    const socket = this.socket!;
    return new Promise<WireOutcome>((resolve) => {
      const timer = setTimeout(
        () => finish({ kind: 'unknown', detail: `no answer in ${timeoutMs} ms` }),
        timeoutMs,
      );
      const finish = (o: WireOutcome) => {
        clearTimeout(timer);
        this.waiter = undefined;
        this.waiterSocket = undefined;
        // A connection that gave no proper answer is not reused: a late answer must not be read as the next one's.
        if (o.kind !== 'answer') this.close();
        resolve(o);
      };
      this.waiter = finish;
      this.waiterSocket = socket;
      socket.write(frame);
    });
  }

  private connect(): Promise<true | string> {
    // A socket whose FIN was read (the host closed it idle) is not written to: that request could
    // be lost without the host having seen it, and would have to be reversed for nothing.
    if (this.socket && !this.socket.destroyed && !this.socket.readableEnded) return Promise.resolve(true);
    this.close();
    return new Promise((resolve) => {
      const socket = net.connect({ host: this.endpoint.host, port: this.endpoint.port });
      const reader = new FrameReader(this.profile);
      let up = false;
      const mine = () => (this.waiterSocket === socket ? this.waiter : undefined);
      const timer = setTimeout(() => {
        socket.destroy();
        resolve('connect timeout');
      }, this.connectTimeoutMs);
      socket.setNoDelay(true);
      socket.once('connect', () => {
        up = true;
        clearTimeout(timer);
        this.socket = socket;
        this.reader = reader;
        resolve(true);
      });
      socket.on('data', (chunk: Buffer) => {
        let frames: Uint8Array[];
        try {
          frames = reader.push(new Uint8Array(chunk));
        } catch (e) {
          mine()?.({ kind: 'unknown', detail: `bad frame from the host: ${(e as Error).message}` });
          return;
        }
        for (const f of frames) mine()?.({ kind: 'answer', frame: f });
      });
      socket.on('error', (e) => {
        if (!up) {
          clearTimeout(timer);
          resolve(e.message);
        }
      });
      socket.on('close', () => {
        if (this.socket === socket) this.socket = undefined;
        mine()?.({ kind: 'unknown', detail: 'connection closed before the answer' });
      });
    });
  }
}
