/**
 * The Electron preload and the renderer's bridge, with a contextBridge stand-in that copies values
 * the way Electron documents for exposeInMainWorld (the binary cannot run here):
 *  - arguments and return values are copied (structured clone); prototypes are dropped;
 *  - functions are proxied; promises are proxied, their values copied on the way;
 *  - an Error thrown or rejected across the bridge arrives as a plain Error of the other world with
 *    its message only: "any custom properties on the Error object will be lost".
 * A typed refusal from the core (a wrong PIN, an override needed, a decline) must reach the screen
 * as a BridgeError with its code, not as INTERNAL.
 */
import { describe, it, expect, vi, beforeAll } from 'vitest';

type Fn = (...args: unknown[]) => unknown;

/** Copies a value from one world to the other, as contextBridge does. */
function acrossBridge(value: unknown): unknown {
  if (typeof value === 'function') {
    const f = value as Fn;
    return (...args: unknown[]) => {
      let out: unknown;
      try {
        out = f(...args.map(acrossBridge));
      } catch (err) {
        throw copyError(err);
      }
      return acrossBridge(out);
    };
  }
  if (value instanceof Promise)
    return value.then(acrossBridge, (err: unknown) => Promise.reject(copyError(err)));
  if (value instanceof Error) return copyError(value);
  if (value && typeof value === 'object') {
    if (Array.isArray(value)) return value.map(acrossBridge);
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[k] = acrossBridge(v);
    return out; // a plain object: the source's prototype (a class instance's methods) is gone
  }
  return structuredClone(value);
}
function copyError(err: unknown): Error {
  return new Error(err instanceof Error ? err.message : String(err));
}

const world: Record<string, unknown> = {};
const ipc = {
  answers: [] as unknown[],
  handlers: new Map<string, Fn>(),
  async invoke(_channel: string, msg: { method: string }) {
    const next = ipc.answers.shift();
    if (next instanceof Error) throw next;
    return structuredClone(next ?? { id: 0, ok: true, result: { echoed: msg.method } });
  },
  on(channel: string, f: Fn) {
    ipc.handlers.set(channel, f);
  },
};

vi.mock('electron', () => ({
  contextBridge: {
    exposeInMainWorld(key: string, api: unknown) {
      world[key] = acrossBridge(api);
    },
  },
  ipcRenderer: ipc,
}));

let BridgeError: typeof import('../../src/renderer/bridge').BridgeError;
let till: import('../../src/shared/contract').TillBridge;

beforeAll(async () => {
  await import('../../src/preload/preload');
  // The renderer's realm: window.till is what the bridge handed over.
  (globalThis as { window?: unknown }).window = { till: world.till, location: { hash: '' } };
  const bridge = await import('../../src/renderer/bridge');
  BridgeError = bridge.BridgeError;
  till = bridge.getBridge();
});

async function refusal(answer: unknown): Promise<unknown> {
  ipc.answers.push(answer);
  return till.call('auth.signIn', { operatorId: '1001', pin: '0000' }).then(
    () => {
      throw new Error('the call succeeded');
    },
    (e: unknown) => e,
  );
}

describe('preload + renderer bridge across a documented contextBridge', () => {
  it('a wrong PIN reaches the screen as BAD_PIN, not INTERNAL', async () => {
    const e = await refusal({ id: 0, ok: false, error: { code: 'BAD_PIN', message: 'Wrong PIN' } });
    expect(e).toBeInstanceOf(BridgeError);
    expect((e as InstanceType<typeof BridgeError>).error.code).toBe('BAD_PIN');
  });

  it('keeps the detail of OVERRIDE_REQUIRED, BATCH_HAS_UNSENT and a decline', async () => {
    for (const code of ['OVERRIDE_REQUIRED', 'BATCH_HAS_UNSENT', 'INSUFFICIENT_BALANCE'] as const) {
      const e = await refusal({ id: 0, ok: false, error: { code, message: code, detail: `why ${code}` } });
      expect(e).toBeInstanceOf(BridgeError);
      expect((e as InstanceType<typeof BridgeError>).error).toEqual({
        code,
        message: code,
        detail: `why ${code}`,
      });
    }
  });

  it('answers a result as a plain value', async () => {
    ipc.answers.push({ id: 0, ok: true, result: { operatorId: '1001', role: 'cashier' } });
    await expect(till.call('auth.signIn', { operatorId: '1001', pin: '1234' })).resolves.toEqual({
      operatorId: '1001',
      role: 'cashier',
    });
  });

  it('a failed channel is a typed INTERNAL, not an untyped throw', async () => {
    const e = await refusal(new Error('main process gone'));
    expect(e).toBeInstanceOf(BridgeError);
    expect((e as InstanceType<typeof BridgeError>).error).toMatchObject({
      code: 'INTERNAL',
      message: 'main process gone',
    });
  });

  it('events reach listeners, and unsubscribing stops them', () => {
    const got: unknown[] = [];
    const off = till.on('queue.changed', (p) => got.push(p));
    const deliver = ipc.handlers.get('till:event')!;
    deliver({}, { event: 'queue.changed', payload: { count: 1 } });
    deliver({}, { event: 'other', payload: 2 });
    off();
    deliver({}, { event: 'queue.changed', payload: { count: 3 } });
    expect(got).toEqual([{ count: 1 }]);
  });
});
