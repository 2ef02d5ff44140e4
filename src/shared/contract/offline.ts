/**
 * The manager's view of store-and-forward: the queue of offline approvals, the link as the
 * forwarder knows it, advices the issuer refused for good (exceptions), and the limits in force.
 * `cardtill queue status` prints the same QueueStatus as JSON.
 */
import { z } from 'zod';
import { OFFLINE_TXN_TYPES } from '../txn-kinds';
import { Fen, method, Empty } from './common';
import { LinkState } from './session';
import { ErrorCode } from '../errors';

export const OfflineLimits = z.object({
  enabled: z.boolean(),
  floorLimitFen: Fen,
  totalLimitFen: Fen,
  perCardDailyCount: z.number().int(),
  perCardDailyFen: Fen,
  maxAgeMinutes: z.number().int(),
  requireKnownBalance: z.boolean(),
  velocityCount: z.number().int(),
  velocityWindowSeconds: z.number().int(),
  velocityBlockSeconds: z.number().int(),
});
export type OfflineLimits = z.infer<typeof OfflineLimits>;

export const QueueException = z.object({
  stan: z.number().int().positive(),
  /**
   * What the refused advice was: an offline sale, or the void of one; or a refund the till
   * approved that the issuer refused after its answer was lost (iso8583-cup) or in its
   * acknowledgement file (file-batch).
   */
  kind: z.enum([...OFFLINE_TXN_TYPES, 'refund']),
  code: ErrorCode,
  amountFen: Fen,
  masked: z.string(),
  time: z.string(),
  acknowledgedAt: z.string().nullable(),
  acknowledgedBy: z.string().nullable(),
});
export type QueueException = z.infer<typeof QueueException>;

/** One issuer entry's queue, or (QueueStatus) the whole till's: the same figures. */
export const QueueStatusBase = z.object({
  /** Advices not yet acknowledged by the issuer (offline sales, and voids of them). */
  count: z.number().int().min(0),
  /** Unforwarded offline sales no queued void cancels (the figure the total limit applies to). */
  totalFen: Fen,
  oldestAt: z.string().nullable(),
  oldestAgeSeconds: z.number().int().min(0).nullable(),
  /** Acknowledged so far (accepted + refused). */
  forwardedCount: z.number().int().min(0),
  link: LinkState,
  lastError: z.string().nullable(),
  /** When lastError happened, and whether the issuer has answered since (the error is history). */
  lastErrorAt: z.string().nullable(),
  lastErrorResolved: z.boolean(),
  lastContactAt: z.string().nullable(),
  lastForwardAt: z.string().nullable(),
  /** When the forwarder next probes the link while it is down. */
  nextProbeAt: z.string().nullable(),
  forwarding: z.boolean(),
  hotcards: z.object({ version: z.number().int().min(0), count: z.number().int().min(0) }),
  exceptions: z.array(QueueException),
  /** Exceptions not yet acknowledged by a manager. */
  unacknowledged: z.number().int().min(0),
  limits: OfflineLimits,
});
export type QueueStatusBase = z.infer<typeof QueueStatusBase>;

/**
 * One issuer entry's store-and-forward state (its own queue, link, hot-card list and limits —
 * src/offline-queue/lanes.ts). `exceptions` lists only this issuer's refused advices.
 */
export const IssuerQueueStatus = QueueStatusBase.extend({
  issuerId: z.string(),
  name: z.string(),
  /** 'cardtill-json', 'iso8583-cup', 'file-batch', … */
  protocol: z.string(),
  /** The entry that also owns rows from before issuer ids, and whose link carries the journal head. */
  home: z.boolean(),
});
export type IssuerQueueStatus = z.infer<typeof IssuerQueueStatus>;

/**
 * The till's queue: the top level sums every issuer's (counts, totals, exceptions), its `link` is
 * the worst issuer's (cut > offline > online), `limits` and the hot-card version are the home
 * issuer's; `issuers` has each entry's own figures, home first.
 */
export const QueueStatus = QueueStatusBase.extend({ issuers: z.array(IssuerQueueStatus) });
export type QueueStatus = z.infer<typeof QueueStatus>;

/** One advice in the queue: what the manager's 待上送 / Waiting table shows. */
export const QueueItem = z.object({
  stan: z.number().int().positive(),
  /** The issuer entry the advice goes to ('default': the home issuer, before issuer ids). */
  issuerId: z.string(),
  kind: z.enum(OFFLINE_TXN_TYPES),
  /** For a void: the STAN of the sale it voids. */
  origStan: z.number().int().positive().nullable(),
  /** When it was approved offline (ISO). */
  time: z.string(),
  /** First 6 / last 4 — never the card number. */
  masked: z.string(),
  amountFen: Fen,
  /** Uploads tried so far (a lost answer counts). */
  attempts: z.number().int().min(0),
  /** Why the last upload failed (masked text); null once forwarded or never tried. */
  lastError: z.string().nullable(),
  /** The manager whose PIN allowed it over a limit. */
  overrideBy: z.string().nullable(),
});
export type QueueItem = z.infer<typeof QueueItem>;

/** An advice the issuer has answered: accepted (applied) or refused for good (an exception). */
export const ForwardedItem = QueueItem.extend({
  forwardedAt: z.string(),
  outcome: z.enum(['accepted', 'rejected']),
  /** The issuer's code for a refusal (e.g. CARD_LOST); null when accepted. */
  issuerCode: ErrorCode.nullable(),
});
export type ForwardedItem = z.infer<typeof ForwardedItem>;

/** At most this many rows of each list travel at once (the totals say how many there are). */
export const MAX_WAITING_ITEMS = 200;
export const MAX_FORWARDED_ITEMS = 50;

export const QueueItemsRequest = z
  .object({
    /** Waiting advices to list (default and most 200). */
    waitingLimit: z.number().int().min(0).max(MAX_WAITING_ITEMS).optional(),
    /** Forwarded advices to list (default and most 50). */
    forwardedLimit: z.number().int().min(0).max(MAX_FORWARDED_ITEMS).optional(),
  })
  .strict();

export const QueueItems = z.object({
  /** In STAN order: the order the forwarder sends them. */
  waiting: z.array(QueueItem),
  /** All waiting advices (the list may show fewer). */
  waitingTotal: z.number().int().min(0),
  /** Newest first. */
  forwarded: z.array(ForwardedItem),
  forwardedTotal: z.number().int().min(0),
});
export type QueueItems = z.infer<typeof QueueItems>;

const MANAGERS = ['manager'] as const;

export const offlineMethods = {
  'queue.status': method({ req: Empty, res: QueueStatus, roles: ['manager', 'technician'], passive: true }),
  /** Which advices wait (STAN order) and which were forwarded lately, with their outcome. */
  'queue.items': method({
    req: QueueItemsRequest,
    res: QueueItems,
    roles: ['manager', 'technician'],
    passive: true,
  }),
  /** Probe the link now (skipping the backoff) and upload everything queued. */
  'queue.forward': method({ req: Empty, res: QueueStatus, roles: MANAGERS }),
  'queue.ackException': method({
    req: z.object({ stan: z.number().int().positive() }).strict(),
    res: QueueStatus,
    roles: MANAGERS,
  }),
};

export const offlineEvents = {
  'queue.changed': QueueStatus,
};
