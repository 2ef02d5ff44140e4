/**
 * The offline approval policy as a pure function: facts in, verdict out — no clock, no I/O, so
 * every rule is unit-tested at its exact edge (one fen, one count, one millisecond).
 *
 * DESIGN.md promise 4 (bounded offline exposure). The rules, in the order they are reported:
 *   OFFLINE_TOO_OLD         oldest unforwarded approval is older than maxAgeMinutes
 *   OFFLINE_HOT_CARD        the card is on the hot-card list synced from the issuer
 *   OFFLINE_VELOCITY        the card is blocked, or this is its velocityCount-th presentation in the window
 *   OFFLINE_BALANCE_UNKNOWN this terminal never saw the card's balance online
 *   INSUFFICIENT_BALANCE    the last balance seen (less offline spending since) does not cover the amount
 *   OFFLINE_FLOOR_LIMIT     amount > floorLimitFen
 *   OFFLINE_TOTAL_LIMIT     unforwarded total + amount > totalLimitFen
 *   OFFLINE_CARD_LIMIT      the card's offline count today would pass perCardDailyCount, or its amount perCardDailyFen
 *
 * Only the three "over limit" rules (floor, total, card) may be lifted by a manager's override
 * (`offline_over_limit`): they bound the store's exposure, which a manager may choose to accept.
 * The others say the money may not be there (hot card, balance, velocity) or that the backlog must
 * reach the issuer first (age) — no one at the till can know better, so no override.
 */
import type { ErrorCode } from '../shared/errors';
import type { OfflineConfig } from './config';

export interface OfflineFacts {
  amountFen: number;
  /** Epoch ms. */
  now: number;
  /** Sum and oldest creation time (epoch ms) of approvals not yet acknowledged by the issuer. */
  unforwardedTotalFen: number;
  oldestUnforwardedAt: number | null;
  /** This card's offline approvals today (terminal-local day). */
  cardTodayCount: number;
  cardTodayFen: number;
  hotCard: boolean;
  /** Last balance seen online less offline approvals since; null when never seen online. */
  knownBalanceFen: number | null;
  /** Earlier presentations of this card (epoch ms), any age; this one is not included. */
  presentations: readonly number[];
  /** The card is blocked for velocity until this time (epoch ms), if it is. */
  blockedUntil: number | null;
  /**
   * The issuer asked this card's password at this till before (PASSWORD_REQUIRED / _WRONG /
   * _LOCKED, or a sale sent with one): with the link down nobody can check it, so no offline sale.
   */
  passwordCard?: boolean;
}

export type PolicyRule = Extract<
  ErrorCode,
  | 'OFFLINE_TOO_OLD'
  | 'OFFLINE_HOT_CARD'
  | 'OFFLINE_VELOCITY'
  | 'OFFLINE_BALANCE_UNKNOWN'
  | 'INSUFFICIENT_BALANCE'
  | 'OFFLINE_FLOOR_LIMIT'
  | 'OFFLINE_TOTAL_LIMIT'
  | 'OFFLINE_CARD_LIMIT'
  | 'OFFLINE_PASSWORD_CARD'
>;

export const OVERRIDABLE: ReadonlySet<PolicyRule> = new Set<PolicyRule>([
  'OFFLINE_FLOOR_LIMIT',
  'OFFLINE_TOTAL_LIMIT',
  'OFFLINE_CARD_LIMIT',
]);

export interface PolicyVerdict {
  /** Every rule broken, in the order above; empty = approve offline. */
  violations: PolicyRule[];
  /** True when every violation may be lifted by a manager override. */
  overridable: boolean;
  /** Set when this presentation trips the velocity rule: block the card until then. */
  blockUntil: number | null;
  /**
   * Whether this presentation counts toward the velocity rule. A card refused only for the
   * store's own limits (floor, total, per-card — the overridable rules) was not used: the cashier
   * re-presents it with a manager's PIN or a smaller amount, and that must not block the card
   * (issue 11 #15). Every other outcome, approval included, counts.
   */
  countsPresentation: boolean;
}

export function evaluateOffline(cfg: OfflineConfig, f: OfflineFacts): PolicyVerdict {
  const v: PolicyRule[] = [];
  let blockUntil: number | null = null;

  if (f.oldestUnforwardedAt !== null && f.now - f.oldestUnforwardedAt > cfg.maxAgeMinutes * 60_000)
    v.push('OFFLINE_TOO_OLD');
  if (f.hotCard) v.push('OFFLINE_HOT_CARD');
  // Not overridable: a manager cannot vouch for a password only the issuer can check.
  if (f.passwordCard) v.push('OFFLINE_PASSWORD_CARD');

  const windowStart = f.now - cfg.velocityWindowSeconds * 1000;
  const inWindow = f.presentations.filter((t) => t > windowStart && t <= f.now).length + 1; // + this one
  if (f.blockedUntil !== null && f.blockedUntil > f.now) v.push('OFFLINE_VELOCITY');
  else if (inWindow >= cfg.velocityCount) {
    v.push('OFFLINE_VELOCITY');
    blockUntil = f.now + cfg.velocityBlockSeconds * 1000;
  }

  if (cfg.requireKnownBalance) {
    if (f.knownBalanceFen === null) v.push('OFFLINE_BALANCE_UNKNOWN');
    else if (f.knownBalanceFen < f.amountFen) v.push('INSUFFICIENT_BALANCE');
  }

  if (f.amountFen > cfg.floorLimitFen) v.push('OFFLINE_FLOOR_LIMIT');
  if (f.unforwardedTotalFen + f.amountFen > cfg.totalLimitFen) v.push('OFFLINE_TOTAL_LIMIT');
  if (f.cardTodayCount + 1 > cfg.perCardDailyCount || f.cardTodayFen + f.amountFen > cfg.perCardDailyFen)
    v.push('OFFLINE_CARD_LIMIT');

  const overridable = v.length > 0 && v.every((r) => OVERRIDABLE.has(r));
  return { violations: v, overridable, blockUntil, countsPresentation: !overridable };
}

/** The store's calendar day of an instant, "YYYY-MM-DD", for per-card daily limits. */
export function storeDay(epochMs: number, dayOffsetMinutes: number): string {
  return new Date(epochMs + dayOffsetMinutes * 60_000).toISOString().slice(0, 10);
}

/**
 * Link probe delay after `failures` consecutive failed probes: exponential from min to max with
 * "equal jitter" (half fixed, half random — AWS Architecture Blog, "Exponential Backoff And
 * Jitter", 2015), so many terminals of one store do not all knock at the same instant.
 */
export function probeDelayMs(
  cfg: Pick<OfflineConfig, 'probeMinMs' | 'probeMaxMs'>,
  failures: number,
  random: number,
): number {
  const ceiling = Math.min(cfg.probeMaxMs, cfg.probeMinMs * 2 ** Math.min(Math.max(failures - 1, 0), 30));
  return Math.round(ceiling / 2 + (ceiling / 2) * Math.min(Math.max(random, 0), 1));
}
