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
import type { IssuerLink } from '../issuer/link';
import { LinkError } from '../issuer/link';
import type { TxnStore } from '../terminal/txn-store';
import { JobFailure, type FailureClass, type JobKind } from './queue';
import type { RetryPolicy } from './retry';

export const REVERSAL_POLICY: RetryPolicy = { baseMs: 2_000, maxMs: 5 * 60_000, maxRefusals: 3 };

interface ReversalJob {
  stan: number;
  origStan: number;
  requestEnc: Buffer;
}

type Msg = Record<string, unknown> & { type: string; stan: number; nonce: string; terminalId: string };

/** An error of the link: a refusal when the issuer answered (HTTP error), otherwise no answer. */
export function classifyLinkError(e: unknown): FailureClass {
  if (e instanceof LinkError) return e.failure === 'rejected' ? 'refused' : 'transient';
  return 'permanent'; // the sealed payload did not open or parse: retrying cannot help
}

export function reversalKind(p: {
  db: Db;
  store: TxnStore;
  link: IssuerLink;
  log: (line: string) => void;
  policy?: RetryPolicy;
}): JobKind<ReversalJob> {
  return {
    kind: 'reversal',
    policy: p.policy ?? REVERSAL_POLICY,
    pending() {
      const rows = p.db
        .prepare(
          `SELECT r.*, t.masked AS masked, t.amount_fen AS orig_amount FROM reversals r
             LEFT JOIN txns t ON t.stan = r.orig_stan WHERE r.sent_at IS NULL ORDER BY r.stan`,
        )
        .all() as Array<{
        stan: number;
        orig_stan: number;
        request_enc: Buffer;
        issuer_id?: string | null;
        masked: string | null;
        orig_amount: number | null;
      }>;
      return rows.map((r) => ({
        ref: String(r.stan),
        // Per issuer once rows carry one; today every reversal belongs to the one configured issuer.
        lane: `issuer:${r.issuer_id ?? 'default'}`,
        data: { stan: r.stan, origStan: r.orig_stan, requestEnc: r.request_enc },
        summary: r.masked ?? '',
        // The sale the manager knows (the reversal's own STAN is the ref).
        stan: r.orig_stan,
        amountFen: r.orig_amount ?? undefined,
      }));
    },
    async run(job) {
      const { stan, origStan, requestEnc } = job.data;
      let request: Msg;
      try {
        request = p.store.openRequest<Msg>(requestEnc);
      } catch (e) {
        throw new JobFailure('permanent', `sealed reversal request does not open: ${(e as Error).message}`);
      }
      let answer;
      try {
        answer = await p.link.send(request);
      } catch (e) {
        p.store.markReversalFailed(stan, (e as Error).message);
        throw e;
      }
      if (answer.result !== 'approved') {
        const why = `issuer refused the reversal: ${answer.code ?? answer.result}`;
        p.store.markReversalFailed(stan, why);
        throw new JobFailure('permanent', why);
      }
      p.store.completeReversal(stan, origStan, answer.balanceFen);
      p.log(`reversal stan ${stan} of ${origStan} acknowledged`);
    },
    classify: classifyLinkError,
  };
}
