/**
 * The offline policy's limits (TerminalConfig.offline). Every field has the demo default from
 * issue 4; a deployment's config file may change any of them, and the manager's queue screen
 * shows the values in force.
 */
import { z } from 'zod';
import { MAX_FEN } from '../shared/money';

const fen = z.number().int().min(0).max(MAX_FEN);

export const OfflineConfig = z.object({
  /** Off: a sale the issuer cannot be reached for is declined ISSUER_UNREACHABLE, as before. */
  enabled: z.boolean().default(true),
  /** Per-transaction floor limit: an offline sale may be at most this much (¥500.00). */
  floorLimitFen: fen.default(50_000),
  /** Cumulative amount of offline approvals not yet acknowledged by the issuer (¥5,000.00). */
  totalLimitFen: fen.default(500_000),
  /** Per card and calendar day (terminal-local day, see dayOffsetMinutes): offline sales … */
  perCardDailyCount: z.number().int().min(0).default(3),
  /** … and their amount (¥1,000.00). */
  perCardDailyFen: fen.default(100_000),
  /** Past this age of the oldest unforwarded approval, offline sales stop until it is forwarded (24 h). */
  maxAgeMinutes: z
    .number()
    .int()
    .min(1)
    .default(24 * 60),
  /** Offline only for a card whose balance this terminal has seen online, and that covers the sale. */
  requireKnownBalance: z.boolean().default(true),
  /** Velocity (issuer risk rule): this many presentations of one card within the window … */
  velocityCount: z.number().int().min(1).default(3),
  velocityWindowSeconds: z.number().int().min(1).default(300),
  /** … block the card for offline sales this long. */
  velocityBlockSeconds: z.number().int().min(0).default(1800),
  /** Minutes east of UTC of the store's calendar day (China Standard Time: +480). */
  dayOffsetMinutes: z.number().int().min(-720).max(840).default(480),
  /** Advices per upload. */
  batchSize: z.number().int().min(1).max(1000).default(100),
  /** Link probe (echo) backoff while the issuer is down: from min, doubling, up to max, with jitter. */
  probeMinMs: z.number().int().min(10).default(1000),
  probeMaxMs: z.number().int().min(10).default(60_000),
  /** How often the hot-card list is refreshed (delta) while online. */
  hotcardRefreshSeconds: z.number().int().min(1).default(300),
});
export type OfflineConfig = z.infer<typeof OfflineConfig>;

export const DEFAULT_OFFLINE_CONFIG: OfflineConfig = OfflineConfig.parse({});
