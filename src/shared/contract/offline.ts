/**
 * The manager's view of store-and-forward: the queue of offline approvals, the link as the
 * forwarder knows it, advices the issuer refused for good (exceptions), and the limits in force.
 * `cardtill queue status` prints the same QueueStatus as JSON.
 */
import { z } from 'zod';
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
  /** What the refused advice was: an offline sale, or the void of one. */
  kind: z.enum(['sale', 'void']),
  code: ErrorCode,
  amountFen: Fen,
  masked: z.string(),
  time: z.string(),
  acknowledgedAt: z.string().nullable(),
  acknowledgedBy: z.string().nullable(),
});
export type QueueException = z.infer<typeof QueueException>;

export const QueueStatus = z.object({
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
export type QueueStatus = z.infer<typeof QueueStatus>;

const MANAGERS = ['manager'] as const;

export const offlineMethods = {
  'queue.status': method({ req: Empty, res: QueueStatus, roles: ['manager', 'technician'] }),
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
