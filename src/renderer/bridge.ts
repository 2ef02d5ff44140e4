/**
 * The renderer's one way to the core. In Electron the preload has put `window.till` in place; in a
 * browser this module builds the same TillBridge over the web host's WebSocket. Screens only ever
 * see a TillBridge and do not know which transport is underneath.
 */
import type {
  TillBridge,
  MethodName,
  Req,
  Res,
  EventName,
  EventPayload,
  WireResponse,
  WireEvent,
  PreloadTill,
} from '../shared/contract';
import type { ApiErrorShape } from '../shared/errors';

declare global {
  interface Window {
    till?: PreloadTill;
  }
}

export class BridgeError extends Error {
  constructor(readonly error: ApiErrorShape) {
    super(error.message);
    this.name = 'BridgeError';
  }
}

function takeToken(): string | null {
  const m = /(?:^|[#&])token=([0-9a-f]+)/.exec(window.location.hash);
  if (m) {
    sessionStorage.setItem('cardtill.token', m[1]);
    // Keep the token out of the address bar and history.
    history.replaceState(null, '', window.location.pathname);
    return m[1];
  }
  return sessionStorage.getItem('cardtill.token');
}

export type ConnectionState = 'connecting' | 'open' | 'closed' | 'no-token';

export function createWebSocketBridge(onState: (s: ConnectionState) => void): TillBridge {
  const token = takeToken();
  const pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();
  const listeners = new Map<string, Set<(p: unknown) => void>>();
  let ws: WebSocket | undefined;
  let nextId = 1;
  let opened: Promise<WebSocket>;
  let retryMs = 250;

  function connect(): Promise<WebSocket> {
    if (!token) {
      onState('no-token');
      return new Promise(() => {});
    }
    onState('connecting');
    return new Promise((resolve) => {
      const sock = new WebSocket(`${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/ws`, [
        'cardtill.v1',
        `token.${token}`,
      ]);
      sock.onopen = () => {
        ws = sock;
        retryMs = 250;
        onState('open');
        resolve(sock);
      };
      sock.onmessage = (ev) => {
        const msg = JSON.parse(String(ev.data)) as WireResponse | WireEvent;
        if ('event' in msg) {
          for (const l of listeners.get(msg.event) ?? []) l(msg.payload);
          return;
        }
        const p = pending.get(msg.id);
        if (!p) return;
        pending.delete(msg.id);
        if (msg.ok) p.resolve(msg.result);
        else p.reject(new BridgeError(msg.error));
      };
      sock.onclose = () => {
        ws = undefined;
        onState('closed');
        for (const [, p] of pending)
          p.reject(new BridgeError({ code: 'INTERNAL', message: 'connection to the terminal core lost' }));
        pending.clear();
        // The core restarted or the tab slept: reconnect with backoff, keep the same token.
        setTimeout(() => {
          opened = connect();
        }, retryMs);
        retryMs = Math.min(retryMs * 2, 5000);
      };
    });
  }
  opened = connect();

  return {
    async call<M extends MethodName>(method: M, params: Req<M>): Promise<Res<M>> {
      const sock = ws ?? (await opened);
      const id = nextId++;
      return new Promise<Res<M>>((resolve, reject) => {
        pending.set(id, { resolve: resolve as (v: unknown) => void, reject });
        sock.send(JSON.stringify({ id, method, params }));
      });
    },
    on<E extends EventName>(event: E, listener: (payload: EventPayload<E>) => void): () => void {
      const set = listeners.get(event) ?? new Set();
      set.add(listener as (p: unknown) => void);
      listeners.set(event, set);
      return () => set.delete(listener as (p: unknown) => void);
    },
  };
}

/**
 * The TillBridge over Electron's preload. The preload answers with the wire answer, and the error is
 * raised here, in the renderer's own realm, so `instanceof BridgeError` and `error.code` hold (an
 * Error thrown across the contextBridge arrives without its fields).
 */
export function bridgeFromPreload(till: PreloadTill): TillBridge {
  return {
    async call<M extends MethodName>(method: M, params: Req<M>): Promise<Res<M>> {
      const r = await till.call(method, params);
      if (r.ok) return r.result as Res<M>;
      throw new BridgeError(r.error);
    },
    on<E extends EventName>(event: E, listener: (payload: EventPayload<E>) => void): () => void {
      return till.on(event, listener as (p: unknown) => void);
    },
  };
}

let bridge: TillBridge | undefined;
export function getBridge(onState: (s: ConnectionState) => void = () => {}): TillBridge {
  if (!bridge) {
    if (window.till) {
      bridge = bridgeFromPreload(window.till);
      onState('open');
    } else bridge = createWebSocketBridge(onState);
  }
  return bridge;
}
