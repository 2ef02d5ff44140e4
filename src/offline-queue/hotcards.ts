/**
 * Hot-card list sync: asks the issuer for what changed since the version this terminal holds
 * (a full list the first time) and applies it in one transaction. Runs while the link is up —
 * the list must be fresh exactly when it will be needed, i.e. before the link goes down.
 */
import type { ForwardLink } from './ports';
import { HotcardsAnswer } from '../shared/issuer-protocol-offline';
import type { OfflineStore } from './store';

export type HeaderFn = (
  type: string,
) => Record<string, unknown> & { type: string; stan: number; nonce: string; terminalId: string };

export async function syncHotcards(
  link: ForwardLink,
  store: OfflineStore,
  header: HeaderFn,
): Promise<{ version: number; full: boolean; added: number; removed: number }> {
  const since = store.hotcardsVersion();
  const r = await link.send({ ...header('hotcards'), sinceVersion: since });
  const a = HotcardsAnswer.parse(r);
  if (a.full || a.version !== since) store.applyHotcards(a);
  return { version: a.version, full: a.full, added: a.add.length, removed: a.remove.length };
}
