/**
 * The preload: exposes a purpose-built `window.till` (the TillBridge of src/shared/contract) through
 * contextBridge — never ipcRenderer itself. Every call goes through one invoke channel and is
 * validated again in main; events arrive on one channel and are filtered by name here.
 */
import { contextBridge, ipcRenderer, type IpcRendererEvent } from 'electron';

const CALL = 'till:call';
const EVENT = 'till:event';

type Listener = (payload: unknown) => void;
const listeners = new Map<string, Set<Listener>>();

ipcRenderer.on(EVENT, (_e: IpcRendererEvent, msg: { event: string; payload: unknown }) => {
  for (const l of listeners.get(msg.event) ?? []) l(msg.payload);
});

const till = {
  async call(method: string, params: unknown): Promise<unknown> {
    const r = (await ipcRenderer.invoke(CALL, { method, params })) as {
      ok: boolean;
      result?: unknown;
      error?: { code: string; message: string };
    };
    if (r.ok) return r.result;
    // Same shape as the web bridge's BridgeError: the renderer reads error.code.
    throw Object.assign(new Error(r.error?.message ?? 'error'), { name: 'BridgeError', error: r.error });
  },
  on(event: string, listener: Listener): () => void {
    const set = listeners.get(event) ?? new Set<Listener>();
    set.add(listener);
    listeners.set(event, set);
    return () => set.delete(listener);
  },
};

contextBridge.exposeInMainWorld('till', till);
