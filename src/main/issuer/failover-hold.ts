/**
 * The card hold of the failover rules (docs/issuer-protocol.md "Failover rules"): while a debit
 * whose answer was lost waits for its reversal — pinned to the host the debit went to, which may
 * be down while the entry's backup takes new requests — no new debit on that card goes to that
 * issuer. The cashier reads CARD_REVERSAL_PENDING ("此卡上一笔交易正在冲正，请稍候"); the hold ends
 * when that host answers the reversal, or when the reversal is a dead letter (the issuer refused
 * it: the manager takes it up, and the card is not held hostage to that).
 *
 * Only entries with a backup hold cards: with one host, the reversal and the next sale go to the
 * same host, and the sale cannot get ahead of an outage the reversal is waiting out.
 */
import type { Db } from '../../shared/store/sqlite';
import type { ErrorCode } from '../../shared/errors';
import { kindOf, type TxnType } from '../../shared/txn-kinds';
import type { IssuerEntry, IssuerRouter } from './router';

export function createCardHold(o: {
  db: Db;
  router: IssuerRouter;
  openPan: (sealed: Uint8Array) => string;
}): (p: { pan: string; kind: TxnType; issuer: IssuerEntry }) => ErrorCode | undefined {
  const unsent = o.db.prepare(
    `SELECT r.issuer_id AS issuer_id, t.pan_enc AS pan_enc FROM reversals r JOIN txns t ON t.stan = r.orig_stan
      WHERE r.sent_at IS NULL AND t.pan_enc IS NOT NULL
        AND NOT EXISTS (SELECT 1 FROM jobs j WHERE j.kind = 'reversal' AND j.ref = CAST(r.stan AS TEXT) AND j.state = 'dead')`,
  );
  return ({ pan, kind, issuer }) => {
    if (kindOf(kind).card !== 'debit' || !issuer.port.endpoints?.().some((e) => e.role === 'backup'))
      return undefined;
    // Card numbers are sealed with a random IV: the few reversals waiting are opened and compared.
    for (const r of unsent.all() as Array<{ issuer_id: string; pan_enc: Buffer }>) {
      let entry: IssuerEntry | undefined;
      try {
        entry = o.router.byId(r.issuer_id);
      } catch {
        continue; // an issuer no longer configured: nothing of it is sent now
      }
      if (entry === issuer && o.openPan(r.pan_enc) === pan) return 'CARD_REVERSAL_PENDING';
    }
    return undefined;
  };
}
