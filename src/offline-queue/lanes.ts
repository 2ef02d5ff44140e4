/**
 * Store-and-forward for every issuer entry: one lane per entry, each its own OfflineStore (queue,
 * hot-card list, limits, forwarder state — ./scope.ts) and its own Forwarder (link probe, hot-card
 * delta, advice upload through that entry's port). One issuer's outage never holds another's
 * advices back, and an offline sale is decided against its own issuer's limits and list.
 *
 * The till-wide view: `status()` (every issuer's figures summed, the worst link, and the list per
 * issuer), `linkState()` (the worst), `forwardNow()` (every lane at once).
 */
import type { Db } from '../shared/store/sqlite';
import type { LinkState, QueueStatus } from '../shared/contract';
import type { Forwarder } from './forwarder';
import type { OfflineStore } from './store';
import { tillQueueStatus } from './status';

export interface OfflineLane {
  issuerId: string;
  name: string;
  protocol: string;
  store: OfflineStore;
  forwarder: Forwarder;
}

const LINK_RANK: Record<LinkState, number> = { online: 0, offline: 1, cut: 2 };

export class OfflineLanes {
  constructor(
    private readonly db: Db,
    private readonly lanes: readonly OfflineLane[],
    private readonly now: () => Date,
  ) {
    if (lanes.length === 0) throw new Error('store-and-forward needs at least one issuer');
  }

  /** The home issuer's lane (the first entry; it owns rows from before issuer ids). */
  get home(): OfflineLane {
    return this.lanes[0]!;
  }

  list(): readonly OfflineLane[] {
    return this.lanes;
  }

  /** The lane of an issuer id as rows carry it ('default' and unknown ids: the home lane). */
  of(issuerId: string | null | undefined): OfflineLane {
    return this.lanes.find((l) => l.issuerId === issuerId) ?? this.home;
  }

  /** The worst issuer's link (cut > offline > online): what the cashier's indicator shows. */
  linkState(): LinkState {
    return this.lanes
      .map((l) => l.forwarder.linkState())
      .reduce((w, s) => (LINK_RANK[s] > LINK_RANK[w] ? s : w), 'online' as LinkState);
  }

  status(): QueueStatus {
    return tillQueueStatus(
      this.db,
      this.lanes.map((l) => ({
        scope: l.store.scope,
        name: l.name,
        protocol: l.protocol,
        config: l.store.config,
        live: { link: l.forwarder.linkState(), forwarding: l.forwarder.isForwarding() },
      })),
      this.now(),
    );
  }

  /** Advices waiting for any issuer. */
  openCount(): number {
    return this.lanes.reduce((n, l) => n + l.store.openCount(), 0);
  }

  /** The manager's "forward now": every issuer's lane probes at once and drains. */
  async forwardNow(): Promise<QueueStatus> {
    await Promise.all(this.lanes.map((l) => l.forwarder.forwardNow()));
    return this.status();
  }

  stop(): void {
    for (const l of this.lanes) l.forwarder.stop();
  }

  async idle(): Promise<void> {
    await Promise.all(this.lanes.map((l) => l.forwarder.idle()));
  }
}
