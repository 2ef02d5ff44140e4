/**
 * Device actions of the cashier's and technician's screens: keyboard-wedge frames to the core,
 * reprint of the last receipt, and the technician's self-tests. Same rules as ./actions.ts:
 * components and key bindings call these; the core is reached only through call().
 */
import { call } from './actions';
import { BridgeError } from './bridge';
import { useTill } from './store';
import type { ApiErrorShape } from '../shared/errors';
import type { WedgeFrameResult } from '../shared/contract';

const get = () => useTill.getState();

/** The typed error of a failed call: a BridgeError (web) or the preload's error with `.error` (Electron). */
function apiError(e: unknown): ApiErrorShape {
  if (e instanceof BridgeError) return e.error;
  const shaped = (e as { error?: ApiErrorShape } | undefined)?.error;
  return shaped?.code ? shaped : { code: 'INTERNAL', message: String((e as Error)?.message ?? e) };
}

/** The last wedge read, for the technician's scan test (masked card or receipt code, or error). */
export type WedgeRead = { ok: true; result: WedgeFrameResult } | { ok: false; error: ApiErrorShape };
const wedgeListeners = new Set<(r: WedgeRead) => void>();
export function onWedgeRead(l: (r: WedgeRead) => void): () => void {
  wedgeListeners.add(l);
  return () => wedgeListeners.delete(l);
}

/** A frame cut out of the keystrokes by the wedge classifier: decoded by the core. */
export async function wedgeFrame(text: string): Promise<void> {
  const info = get().session.info;
  if (!info?.operator) return; // signed out: a scan does nothing (and never reaches the PIN)
  let read: WedgeRead;
  try {
    const result = await call('wedge.frame', { text });
    read = { ok: true, result };
    if (result.kind === 'card' && result.card) get().setCashier({ card: result.card, error: null });
  } catch (e) {
    read = { ok: false, error: apiError(e) };
    if (info.operator.role !== 'technician') get().setCashier({ error: read.error });
  }
  for (const l of [...wedgeListeners]) l(read);
}

export async function reprintLast(): Promise<void> {
  try {
    const out = await call('receipt.reprint', {});
    const note = out.printed ? 'printed' : (out.reason ?? 'held');
    // Say which receipt it was (the job id names its STAN: receipt-<stan>#R<n>), on any screen state.
    const stan = Number(/^receipt-(\d+)/.exec(out.jobId)?.[1] ?? 0);
    get().setCashier(stan ? { reprint: { stan, note } } : { printNote: note });
  } catch (e) {
    get().setCashier({ printNote: apiError(e).code });
  }
}
