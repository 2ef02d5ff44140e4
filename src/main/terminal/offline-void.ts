/**
 * Void of an offline-approved sale whose advice has not reached the issuer yet.
 *
 * Sending a void now would find nothing at the issuer (the sale is still in our queue), and
 * silently dropping the queued sale would leave the issuer with no record of either. So the void
 * is queued as an advice of its own, right behind its sale (STAN order): the issuer applies the
 * sale, then the void (src/issuer-sim/handlers-offline.ts), and both settle in the batch like any
 * online pair. The cashier gets a final answer at once — no link needed — because nothing the
 * issuer could say would change it: the card is given back exactly what this terminal took.
 *
 * Written as ONE SQLite transaction, like an offline sale (DESIGN.md promise 3): the void row
 * (approved, offline), its signed journal record and the queued void advice — all or none, and
 * never a pending row that crash recovery might try to send online.
 */
import type { OfflineStore } from '../../offline-queue/store';
import type { AdviceItem } from '../../shared/issuer-protocol-offline';
import { maskPan } from '../../shared/card';
import type { TxnStore, TxnRow } from './txn-store';

/** The txns row of a void of `orig`, in full (online or queued): same card, amounts and tenders. */
export function voidRowOf(orig: TxnRow, pan: string, operatorId: string) {
  return {
    type: 'void' as const,
    amountFen: orig.amount_fen,
    otherTenderFen: orig.other_tender_fen,
    masked: maskPan(pan),
    pan,
    entryMode: orig.entry_mode,
    operatorId,
    origStan: orig.stan,
    issuerId: orig.issuer_id,
  };
}

export function voidOfflineSale(p: {
  txns: TxnStore;
  offline: OfflineStore;
  orig: TxnRow;
  pan: string;
  operatorId: string;
  overrideBy: string;
  time: () => string;
}): TxnRow {
  const { txns, offline, orig, pan } = p;
  return txns.db.transaction(() => {
    const advice = (stan: number): AdviceItem => ({
      stan,
      kind: 'void',
      origStan: orig.stan,
      time: p.time(),
      card: { pan, entryMode: orig.entry_mode },
      amountFen: orig.amount_fen,
      otherTenderFen: orig.other_tender_fen,
    });
    // The sealed "request" of this row is the advice itself: what will go to the issuer.
    const { stan, request } = txns.createPending({
      ...voidRowOf(orig, pan, p.operatorId),
      buildRequest: advice,
    });
    const row = txns.finalize(stan, { status: 'approved', offline: true });
    offline.enqueue(request as AdviceItem, offline.cardKey(pan), p.overrideBy, orig.issuer_id);
    return row;
  })();
}
