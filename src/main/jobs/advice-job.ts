/**
 * Offline advices as a job. The payload is `offline_queue` (written with the offline approval,
 * src/main/terminal/offline-sale.ts); the runner is the forwarder (src/offline-queue/forwarder.ts),
 * which uploads them in STAN order in signed batches and marks each only from the issuer's signed
 * per-advice result. One job — "the queue has advices" — in one lane, because advices are
 * uploaded in order as a batch, not one by one.
 *
 * Its retry policy is the forwarder's link probe (echo with exponential backoff + jitter,
 * `probeMinMs`…`probeMaxMs` in the offline config): while the link is down the forwarder waits
 * for the probe, not for this queue. Its dead letters are the advices the issuer refused for
 * good (`offline_exceptions`, acknowledged on the queue screen): never deleted, never retried.
 */
import type { Forwarder } from '../../offline-queue/forwarder';
import type { OfflineStore } from '../../offline-queue/store';
import type { JobKind } from './queue';

export function adviceKind(p: { store: OfflineStore; forwarder: Forwarder }): JobKind<null> {
  return {
    kind: 'advice',
    // The queue never counts a refusal here: the forwarder keeps per-advice outcomes itself.
    policy: { baseMs: 0, maxMs: 0, maxRefusals: Number.POSITIVE_INFINITY },
    // Also the probe and hot-card refresh while nothing is queued: the link state stays true.
    pending: () => [
      { ref: 'advices', lane: 'advice', data: null, summary: `${p.store.openCount()} advices` },
    ],
    count: () => p.store.openCount(),
    run: () => p.forwarder.tick(),
    classify: () => 'transient',
  };
}
