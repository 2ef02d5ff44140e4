/**
 * The offline branch of a sale: the issuer cannot have seen the request (connection refused or
 * link cut — the 'unreachable' verdict, never a lost answer), so the terminal decides by the
 * offline policy (src/offline-queue/policy.ts). An approval is written as ONE SQLite transaction:
 * the txns row (approved, offline), its signed journal record, and the queued advice — before the
 * cashier sees "approved" (DESIGN.md promise 3).
 */
import type { CardPresented } from '../../shared/devices';
import type { Override } from '../../shared/contract';
import type { ErrorCode } from '../../shared/errors';
import type { OverrideChecker } from '../auth/override';
import type { OfflineStore } from '../../offline-queue/store';
import { evaluateOffline } from '../../offline-queue/policy';
import type { TxnStore, TxnRow } from './txn-store';

export interface OfflineSale {
  stan: number;
  card: CardPresented;
  amountFen: number;
  otherTenderFen: number;
  /** Time the sale was recorded (the txns row's created_at). */
  time: string;
  /** The issuer the advice goes to (the routed entry: its own queue). */
  issuerId?: string;
  override?: Override;
}

/** Returns the final row, or throws (after journaling the decline) when an override PIN is wrong. */
export function decideOffline(
  txns: TxnStore,
  offline: OfflineStore,
  overrides: OverrideChecker | undefined,
  s: OfflineSale,
  log: (l: string) => void,
): TxnRow {
  const facts = offline.facts(s.card.pan, s.amountFen);
  const verdict = evaluateOffline(offline.config, facts);
  // A presentation refused only for the store's limits does not count toward velocity unless a
  // manager's PIN comes with it (then it may be approved: policy.ts countsPresentation).
  if (verdict.countsPresentation || s.override) offline.notePresentation(facts.cardKey, verdict.blockUntil);
  const first = verdict.violations[0] as ErrorCode | undefined;
  const decline = (code: ErrorCode) =>
    txns.finalize(s.stan, {
      status: 'declined',
      declineCode: code,
      balanceFen: code === 'INSUFFICIENT_BALANCE' ? (facts.knownBalanceFen ?? undefined) : undefined,
    });

  let overrideBy: string | undefined;
  if (first) {
    if (!verdict.overridable || !s.override || !overrides) return decline(first);
    try {
      overrideBy = overrides.check('offline_over_limit', s.override, {
        stan: s.stan,
        note: verdict.violations.join(','),
      }).id;
    } catch (e) {
      decline(first);
      throw e;
    }
  }
  const row = txns.db.transaction(() => {
    const r = txns.finalize(s.stan, { status: 'approved', offline: true });
    offline.enqueue(
      {
        stan: s.stan,
        time: s.time,
        // No dynamic code: it is checked online only, and would be stale by the time it is forwarded.
        card: {
          pan: s.card.pan,
          entryMode: s.card.entryMode,
          ...(s.card.expiry ? { expiry: s.card.expiry } : {}),
        },
        amountFen: s.amountFen,
        otherTenderFen: s.otherTenderFen,
      },
      facts.cardKey,
      overrideBy,
      s.issuerId,
    );
    return r;
  })();
  log(
    `stan ${s.stan}: approved OFFLINE ${s.amountFen} fen${overrideBy ? ` (over limit, manager ${overrideBy})` : ''}; advice queued`,
  );
  return row;
}
