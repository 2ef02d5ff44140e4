/**
 * The preload: exposes a purpose-built `window.till` (PreloadTill in src/shared/contract) through
 * contextBridge — never ipcRenderer itself. Every call goes through one invoke channel and is
 * validated again in main; events arrive on one channel and are filtered by name here.
 *
 * `call` answers with the wire answer ({ok, result} | {ok:false, error}) and never throws a typed
 * error: contextBridge copies a thrown Error without its extra own properties and without its
 * prototype, so `error.code` would be lost and every refusal would read as INTERNAL. The renderer
 * (src/renderer/bridge.ts) raises its BridgeError from the plain object.
 */
import { contextBridge, ipcRenderer, type IpcRendererEvent } from 'electron';
import type { PreloadTill, WireAnswer } from '../shared/contract';

const CALL = 'till:call';
const EVENT = 'till:event';

type Listener = (payload: unknown) => void;
const listeners = new Map<string, Set<Listener>>();

ipcRenderer.on(EVENT, (_e: IpcRendererEvent, msg: { event: string; payload: unknown }) => {
  for (const l of listeners.get(msg.event) ?? []) l(msg.payload);
});

const till: PreloadTill = {
  async call(method: string, params: unknown): Promise<WireAnswer> {
    try {
      const r = (await ipcRenderer.invoke(CALL, { method, params })) as WireAnswer;
      // Only plain data crosses the bridge: drop the wire id, keep the code and detail.
      return r.ok ? { ok: true, result: r.result } : { ok: false, error: { ...r.error } };
    } catch (err) {
      // The main process is gone or the channel failed: still an answer the renderer can read.
      return {
        ok: false,
        error: { code: 'INTERNAL', message: err instanceof Error ? err.message : String(err) },
      };
    }
  },
  on(event: string, listener: Listener): () => void {
    const set = listeners.get(event) ?? new Set<Listener>();
    set.add(listener);
    listeners.set(event, set);
    return () => {
      set.delete(listener);
    };
  },
};

contextBridge.exposeInMainWorld('till', till);
