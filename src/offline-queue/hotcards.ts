/**
 * Hot-card list sync: asks the issuer for what changed since the version this terminal holds
 * (a full list the first time) and applies it in one transaction. Runs while the link is up —
 * the list must be fresh exactly when it will be needed, i.e. before the link goes down.
 */
import type { ForwardCommand, ForwardOutcome, ForwardPort } from './ports';
import type { OfflineStore } from './store';

/** A new command's STAN, time and id (the forwarder's). */
export type CommandHead = () => { stan: number; time: string; id: string };

export type HotcardsSync =
  | { ok: true; version: number; full: boolean; added: number; removed: number }
  /** Not applied: how the exchange ended (the forwarder decides what it says about the link). */
  | { ok: false; outcome: ForwardOutcome };

export async function syncHotcards(
  port: ForwardPort,
  store: OfflineStore,
  head: CommandHead,
): Promise<HotcardsSync> {
  const since = store.hotcardsVersion();
  const cmd: ForwardCommand = { ...head(), kind: 'hotcards', sinceVersion: since };
  const out = await port.exchange(cmd, 1);
  // An issuer whose protocol has no hot-card list (iso8583-cup) says so, typed: the link is fine
  // and the terminal's list stays as it is.
  if (out.kind === 'answer' && out.answer.code === 'ISSUER_UNSUPPORTED')
    return { ok: true, version: since, full: false, added: 0, removed: 0 };
  const a = out.kind === 'answer' ? out.answer.hotcards : undefined;
  if (!a) return { ok: false, outcome: out };
  if (a.full || a.version !== since) store.applyHotcards(a);
  return { ok: true, version: a.version, full: a.full, added: a.add.length, removed: a.remove.length };
}
