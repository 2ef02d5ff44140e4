/**
 * Reversals as jobs. The payload is the `reversals` row TxnStore.finalize wrote in the same
 * transaction as the declined sale (the sealed request: a retry resends the same bytes). One lane
 * per issuer: reversals go in STAN order, and one the issuer refuses for good goes to the
 * dead-letter list instead of holding back every reversal after it.
 *
 * Only an answer with result `approved` completes a reversal (marks it sent, records the original
 * as reversed, journals it). An answer that refuses it is never journaled as approved: the row
 * stays unsent with the issuer's code as its last error, and the job is a dead letter for the
 * manager to take up with the issuer.
 */
import type { Db } from '../../shared/store/sqlite';
import { LinkError } from '../issuer/link';
import type { IssuerRouter } from '../issuer/router';
import type { EndpointRole } from '../issuer/port';
import type { TxnStore } from '../terminal/txn-store';
import { JobFailure, type FailureClass, type JobKind } from './queue';
import type { RetryPolicy } from './retry';

export const REVERSAL_POLICY: RetryPolicy = { baseMs: 2_000, maxMs: 5 * 60_000, maxRefusals: 3 };

interface ReversalJob {
  stan: number;
  origStan: number;
  issuerId: string;
  /** The host the original went to (src/main/issuer/failover.ts): the reversal goes there only. */
  endpoint: EndpointRole;
  requestEnc: Buffer;
}

/** An error of the link: a refusal when the issuer answered (HTTP error), otherwise no answer. */
export function classifyLinkError(e: unknown): FailureClass {
  if (e instanceof LinkError) return e.failure === 'rejected' ? 'refused' : 'transient';
  return 'permanent'; // the sealed payload did not open or parse: retrying cannot help
}

export function reversalKind(p: {
  db: Db;
  store: TxnStore;
  router: IssuerRouter;
  log: (line: string) => void;
  policy?: RetryPolicy;
}): JobKind<ReversalJob> {
  return {
    kind: 'reversal',
    policy: p.policy ?? REVERSAL_POLICY,
    pending() {
      const rows = p.db
        .prepare(
          `SELECT r.stan, r.orig_stan, r.request_enc, r.issuer_id, r.endpoint, t.masked AS masked, t.amount_fen AS orig_amount
             FROM reversals r LEFT JOIN txns t ON t.stan = r.orig_stan WHERE r.sent_at IS NULL ORDER BY r.stan`,
        )
        .all() as Array<{
        stan: number;
        orig_stan: number;
        request_enc: Buffer;
        issuer_id: string;
        endpoint: EndpointRole;
        masked: string | null;
        orig_amount: number | null;
      }>;
      return rows.map((r) => ({
        ref: String(r.stan),
        // In STAN order per issuer host: one host's refusal or outage never holds another's back
        // (a reversal waiting for a dead primary does not hold one its backup can take).
        lane: r.endpoint === 'primary' ? `issuer:${r.issuer_id}` : `issuer:${r.issuer_id}:${r.endpoint}`,
        data: {
          stan: r.stan,
          origStan: r.orig_stan,
          issuerId: r.issuer_id,
          endpoint: r.endpoint,
          requestEnc: r.request_enc,
        },
        summary: r.masked ?? '',
        // The sale the manager knows (the reversal's own STAN is the ref).
        stan: r.orig_stan,
        amountFen: r.orig_amount ?? undefined,
      }));
    },
    async run(job) {
      const { stan, origStan, issuerId, endpoint, requestEnc } = job.data;
      let command;
      try {
        command = p.store.openCommand(requestEnc);
      } catch (e) {
        throw new JobFailure('permanent', `sealed reversal does not open: ${(e as Error).message}`);
      }
      // One send per run: the queue's backoff is the retry (the port's own rule resends within it).
      // To the host the original went to, even while it is down (never its backup with it).
      const out = await p.router.byId(issuerId).port.exchange(command, 1, { endpoint });
      if (out.kind !== 'answer') {
        p.store.markReversalFailed(stan, out.detail);
        const cls: FailureClass =
          out.kind === 'unknown' && out.failure === 'rejected' ? 'refused' : 'transient';
        throw new JobFailure(cls, out.detail);
      }
      if (out.answer.result !== 'approved') {
        const why = `issuer refused the reversal: ${out.answer.code ?? out.answer.result}`;
        p.store.markReversalFailed(stan, why);
        throw new JobFailure('permanent', why);
      }
      p.store.completeReversal(stan, origStan, out.answer.balanceFen, out.answer.original?.applied ?? false);
      p.log(`reversal stan ${stan} of ${origStan} acknowledged`);
    },
    classify: classifyLinkError,
  };
}
