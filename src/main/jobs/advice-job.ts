/**
 * Offline advices as a job. The payload is `offline_queue` (written with the offline approval,
 * src/main/terminal/offline-sale.ts); the runner is the forwarder (src/offline-queue/forwarder.ts),
 * which uploads them in STAN order in signed batches and marks each only from the issuer's signed
 * per-advice result. One job per issuer entry — "this issuer's queue has advices" — each in its
 * issuer's own lane, because advices are uploaded in order as a batch, not one by one, and one
 * issuer's outage must not hold another's advices back (src/offline-queue/lanes.ts).
 *
 * Its retry policy is the forwarder's link probe (echo with exponential backoff + jitter,
 * `probeMinMs`…`probeMaxMs` in the offline config): while the link is down the forwarder waits
 * for the probe, not for this queue. Its dead letters are the advices the issuer refused for
 * good (`offline_exceptions`, acknowledged on the queue screen): never deleted, never retried.
 */
import type { OfflineLanes } from '../../offline-queue/lanes';
import type { JobKind } from './queue';

export function adviceKind(p: { lanes: OfflineLanes }): JobKind<{ issuerId: string }> {
  return {
    kind: 'advice',
    // The queue never counts a refusal here: the forwarder keeps per-advice outcomes itself.
    policy: { baseMs: 0, maxMs: 0, maxRefusals: Number.POSITIVE_INFINITY },
    // Also the probe and hot-card refresh while nothing is queued: the link state stays true.
    pending: () =>
      p.lanes.list().map((l, i) => ({
        // The home issuer's job keeps the name it had with one issuer.
        ref: i === 0 ? 'advices' : `advices@${l.issuerId}`,
        lane: `advice:${l.issuerId}`,
        data: { issuerId: l.issuerId },
        summary: `${l.store.openCount()} advices (${l.issuerId})`,
      })),
    count: () => p.lanes.openCount(),
    run: (job) => p.lanes.of(job.data.issuerId).forwarder.tick(),
    classify: () => 'transient',
  };
}
