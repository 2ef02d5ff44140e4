/**
 * The issuer's side of store-and-forward: `advice` (offline approvals, in batches) and `hotcards`
 * (full list or delta). Registered with the other handlers by importing this module (server.ts).
 *
 * An advice batch is decided in ONE ledger transaction (one fsync for the whole batch — the reason
 * batching is fast), but each advice gets its own idempotency record under (terminalId, advice
 * stan): a batch resent after a lost answer, or a batch that overlaps an earlier one, applies
 * nothing twice and answers each advice as it was first answered.
 */
import { registerHandler, type HandlerCtx } from './handlers';
import type { Decision } from './ledger';
import {
  AdviceRequest,
  HotcardsRequest,
  type AdviceItem,
  type AdviceResult,
} from '../shared/issuer-protocol-offline';
import { canonicalBytes } from '../shared/canonical-json';
import { voidSale } from './handlers-settlement';
import { sm3, toHex } from '../shared/crypto';

/** Why an advice must be refused, or null when the money is there. */
function refuseAdvice(ctx: HandlerCtx, a: AdviceItem): Decision | null {
  // The terminal already handed over the goods; the issuer now decides whether the money is there.
  // A card reported lost since, or a balance spent elsewhere meanwhile, is a permanent refusal the
  // store's manager must handle (it lands in the terminal's exceptions list).
  const checked = ctx.ledger.checkCard(a.card.pan);
  if ('decline' in checked) return { ...checked.decline, pan: a.card.pan };
  if (checked.card.balance_fen < a.amountFen)
    return {
      result: 'declined',
      code: 'INSUFFICIENT_BALANCE',
      balanceFen: checked.card.balance_fen,
      pan: a.card.pan,
    };
  return null;
}

export function applyAdvices(ctx: HandlerCtx, m: AdviceRequest): AdviceResult[] {
  const ledger = ctx.ledger;
  return ledger.db.transaction(() =>
    m.advices.map((a): AdviceResult => {
      const requestHash = toHex(sm3(canonicalBytes(a)));
      if (a.kind === 'void') {
        // Recorded as a `void` (settlement counts it as one), applied like an online void of the
        // advice before it; an original the issuer refused is NOT_FOUND, which the terminal lists
        // as an exception next to the refused sale.
        const { response } = ledger.idempotent(
          { terminalId: m.terminalId, stan: a.stan, type: 'void', requestHash },
          () =>
            voidSale(ctx, {
              terminalId: m.terminalId,
              stan: a.stan,
              origStan: a.origStan!,
              amountFen: a.amountFen,
            }),
          (d) => JSON.stringify({ stan: a.stan, result: d.result, code: d.code, balanceFen: d.balanceFen }),
        );
        return JSON.parse(response) as AdviceResult;
      }
      const { response } = ledger.idempotent(
        { terminalId: m.terminalId, stan: a.stan, type: 'advice', requestHash },
        () => {
          const refused = refuseAdvice(ctx, a);
          if (refused) return refused;
          const after = ledger.debit(a.card.pan, m.terminalId, a.stan, a.amountFen, 'advice');
          return { result: 'approved', balanceFen: after, amountFen: a.amountFen, pan: a.card.pan };
        },
        (d) => JSON.stringify({ stan: a.stan, result: d.result, code: d.code, balanceFen: d.balanceFen }),
      );
      return JSON.parse(response) as AdviceResult;
    }),
  )();
}

registerHandler<AdviceRequest>('advice', {
  schema: AdviceRequest,
  // The batch itself is not recorded: every advice in it is, by its own STAN.
  idempotent: false,
  handle: (ctx, m) => ({ result: 'approved', extra: { results: applyAdvices(ctx, m) } }),
});

export function hotcardsSince(
  ctx: HandlerCtx,
  sinceVersion: number,
): { version: number; full: boolean; add: string[]; remove: string[] } {
  const db = ctx.ledger.db;
  const version = (
    db.prepare('SELECT COALESCE(MAX(version), 0) AS v FROM hotcard_log').get() as { v: number }
  ).v;
  if (sinceVersion <= 0 || sinceVersion > version) {
    // First sync, or a terminal ahead of us (issuer restored from backup): the whole list.
    const add = (
      db.prepare("SELECT pan FROM cards WHERE status IN ('lost','frozen') ORDER BY pan").all() as Array<{
        pan: string;
      }>
    ).map((r) => r.pan);
    return { version, full: true, add, remove: [] };
  }
  // Delta: the last action per card since the terminal's version.
  const rows = db
    .prepare('SELECT pan, action FROM hotcard_log WHERE version > ? ORDER BY version')
    .all(sinceVersion) as Array<{ pan: string; action: 'add' | 'remove' }>;
  const last = new Map<string, 'add' | 'remove'>();
  for (const r of rows) last.set(r.pan, r.action);
  const add = [...last].filter(([, a]) => a === 'add').map(([p]) => p);
  const remove = [...last].filter(([, a]) => a === 'remove').map(([p]) => p);
  return { version, full: false, add, remove };
}

registerHandler<HotcardsRequest>('hotcards', {
  schema: HotcardsRequest,
  idempotent: false, // reads only
  handle: (ctx, m) => ({ result: 'approved', extra: hotcardsSince(ctx, m.sinceVersion) }),
});
