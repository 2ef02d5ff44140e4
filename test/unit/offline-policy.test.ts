/**
 * Every offline policy rule at its edge: each case passes at the limit and breaks one fen, one
 * count or one millisecond past it (issue 4, fault test 3 — the pure half; the integration half
 * drives the same rules through a real terminal in test/integration/offline-policy.test.ts).
 */
import { describe, it, expect } from 'vitest';
import { evaluateOffline, probeDelayMs, storeDay, type OfflineFacts } from '../../src/offline-queue/policy';
import { DEFAULT_OFFLINE_CONFIG as CFG, OfflineConfig } from '../../src/offline-queue/config';

const NOW = Date.UTC(2025, 5, 1, 4, 0, 0);
const ok: OfflineFacts = {
  amountFen: 1250,
  now: NOW,
  unforwardedTotalFen: 0,
  oldestUnforwardedAt: null,
  cardTodayCount: 0,
  cardTodayFen: 0,
  hotCard: false,
  knownBalanceFen: 100_000,
  presentations: [],
  blockedUntil: null,
};
const verdict = (p: Partial<OfflineFacts>, cfg = CFG) => evaluateOffline(cfg, { ...ok, ...p });

describe('offline policy (pure)', () => {
  it('has the demo defaults of issue 4', () => {
    expect(CFG).toMatchObject({
      floorLimitFen: 50_000,
      totalLimitFen: 500_000,
      maxAgeMinutes: 1440,
      velocityCount: 3,
      velocityWindowSeconds: 300,
    });
  });

  it('approves a sale that breaks nothing', () => {
    expect(verdict({})).toEqual({
      violations: [],
      overridable: false,
      blockUntil: null,
      countsPresentation: true,
    });
  });

  it('floor limit ¥500.00: at the limit ok, one fen over declined (overridable)', () => {
    expect(verdict({ amountFen: 50_000 }).violations).toEqual([]);
    expect(verdict({ amountFen: 50_001 })).toMatchObject({
      violations: ['OFFLINE_FLOOR_LIMIT'],
      overridable: true,
    });
  });

  it('cumulative unforwarded ¥5,000.00: reaching it ok, one fen past declined (overridable)', () => {
    expect(verdict({ unforwardedTotalFen: 500_000 - 1250, oldestUnforwardedAt: NOW }).violations).toEqual([]);
    expect(verdict({ unforwardedTotalFen: 500_000 - 1249, oldestUnforwardedAt: NOW })).toMatchObject({
      violations: ['OFFLINE_TOTAL_LIMIT'],
      overridable: true,
    });
  });

  it('per-card count per day: the 3rd ok, the 4th declined', () => {
    expect(verdict({ cardTodayCount: 2 }).violations).toEqual([]);
    expect(verdict({ cardTodayCount: 3 })).toMatchObject({
      violations: ['OFFLINE_CARD_LIMIT'],
      overridable: true,
    });
  });

  it('per-card amount per day: reaching ¥1,000.00 ok, one fen past declined', () => {
    expect(verdict({ cardTodayFen: 100_000 - 1250, cardTodayCount: 1 }).violations).toEqual([]);
    expect(verdict({ cardTodayFen: 100_000 - 1249, cardTodayCount: 1 }).violations).toEqual([
      'OFFLINE_CARD_LIMIT',
    ]);
  });

  it('max age 24 h of the oldest unforwarded approval: at 24 h ok, one ms later refused (no override)', () => {
    const day = 24 * 60 * 60_000;
    expect(verdict({ oldestUnforwardedAt: NOW - day, unforwardedTotalFen: 100 }).violations).toEqual([]);
    expect(verdict({ oldestUnforwardedAt: NOW - day - 1, unforwardedTotalFen: 100 })).toMatchObject({
      violations: ['OFFLINE_TOO_OLD'],
      overridable: false,
    });
  });

  it('hot card: declined, no override', () => {
    expect(verdict({ hotCard: true })).toMatchObject({
      violations: ['OFFLINE_HOT_CARD'],
      overridable: false,
    });
  });

  it('last-known balance: never seen online declined; covering exactly ok; one fen short declined', () => {
    expect(verdict({ knownBalanceFen: null })).toMatchObject({
      violations: ['OFFLINE_BALANCE_UNKNOWN'],
      overridable: false,
    });
    expect(verdict({ knownBalanceFen: 1250 }).violations).toEqual([]);
    expect(verdict({ knownBalanceFen: 1249 }).violations).toEqual(['INSUFFICIENT_BALANCE']);
    const lax = OfflineConfig.parse({ requireKnownBalance: false });
    expect(verdict({ knownBalanceFen: null }, lax).violations).toEqual([]);
  });

  it('velocity: the 2nd presentation in 5 min ok, the 3rd blocked for a while; one ms outside the window does not count', () => {
    expect(verdict({ presentations: [NOW - 1000] }).violations).toEqual([]);
    const v = verdict({ presentations: [NOW - 2000, NOW - 1000] });
    expect(v).toMatchObject({
      violations: ['OFFLINE_VELOCITY'],
      overridable: false,
      blockUntil: NOW + 1800_000,
    });
    // exactly 300 s ago is outside the window (t > now − window)
    expect(verdict({ presentations: [NOW - 300_000, NOW - 1000] }).violations).toEqual([]);
    expect(verdict({ presentations: [NOW - 299_999, NOW - 1000] }).violations).toEqual(['OFFLINE_VELOCITY']);
  });

  it('a presentation refused only for the store limits does not count toward velocity (issue 11 #15)', () => {
    // Swiped at ¥600 (over the ¥500 floor), swiped again, then a third time at ¥12.50: not blocked.
    expect(verdict({ amountFen: 60_000 })).toMatchObject({
      violations: ['OFFLINE_FLOOR_LIMIT'],
      countsPresentation: false,
    });
    expect(verdict({ cardTodayCount: 3 }).countsPresentation).toBe(false);
    // What does count: an approval, and any refusal that is not only a limit.
    expect(verdict({}).countsPresentation).toBe(true);
    expect(verdict({ amountFen: 60_000, hotCard: true }).countsPresentation).toBe(true);
    expect(verdict({ presentations: [NOW - 2000, NOW - 1000] }).countsPresentation).toBe(true);
  });

  it('a velocity block lasts until its end, to the millisecond', () => {
    expect(verdict({ blockedUntil: NOW + 1 }).violations).toEqual(['OFFLINE_VELOCITY']);
    expect(verdict({ blockedUntil: NOW }).violations).toEqual([]);
  });

  it('reports every broken rule; override only when all are limits', () => {
    const v = verdict({ amountFen: 60_000, hotCard: true, knownBalanceFen: 100_000 });
    expect(v.violations).toEqual(['OFFLINE_HOT_CARD', 'OFFLINE_FLOOR_LIMIT']);
    expect(v.overridable).toBe(false);
    expect(verdict({ amountFen: 60_000, cardTodayCount: 3 })).toMatchObject({
      violations: ['OFFLINE_FLOOR_LIMIT', 'OFFLINE_CARD_LIMIT'],
      overridable: true,
    });
  });

  it('store day follows the configured UTC offset', () => {
    expect(storeDay(Date.UTC(2025, 0, 1, 15, 59), 480)).toBe('2025-01-01');
    expect(storeDay(Date.UTC(2025, 0, 1, 16, 0), 480)).toBe('2025-01-02');
  });

  it('probe backoff doubles to the ceiling and jitters within [ceiling/2, ceiling]', () => {
    const cfg = { probeMinMs: 1000, probeMaxMs: 60_000 };
    expect(probeDelayMs(cfg, 1, 0)).toBe(500);
    expect(probeDelayMs(cfg, 1, 1)).toBe(1000);
    expect(probeDelayMs(cfg, 3, 1)).toBe(4000);
    expect(probeDelayMs(cfg, 50, 1)).toBe(60_000);
    expect(probeDelayMs(cfg, 50, 0)).toBe(30_000);
  });
});
