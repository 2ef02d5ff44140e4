/**
 * The issuer's side of void, refund and settle (docs/issuer-protocol.md "Void, refund, settle"),
 * registered with the sim's handler table. Void and refund run inside the ledger's idempotent
 * (terminal, STAN) transaction like authorize; settle moves no money and answers the issuer's own
 * totals for the terminal's batch — with its transactions when they differ, so the terminal can
 * compare line by line.
 */
import { HANDLERS, registerHandler, type HandlerCtx, type MessageHandler } from './handlers';
import type { Decision } from './ledger';
import {
  VoidRequest,
  RefundRequest,
  SettleRequest,
  totalsOf,
  totalsEqual,
  type SettledTxn,
} from '../shared/issuer-settlement';
import { acknowledgeHead } from './journal-heads';
import { clearChip } from './handlers-epurse';
import type { ReverseRequest } from '../shared/issuer-protocol';
import { TXN_KINDS, undoOf, type SettlementBucket } from '../shared/txn-kinds';

type VoidMsg = ReturnType<typeof VoidRequest.parse>;
type RefundMsg = ReturnType<typeof RefundRequest.parse>;
type SettleMsg = ReturnType<typeof SettleRequest.parse>;

/** An approved sale of this terminal: online (`authorize`) or offline and forwarded (`advice`). */
function originalSale(ctx: HandlerCtx, terminalId: string, origStan: number) {
  const orig = ctx.ledger.request(terminalId, origStan);
  const isSale = orig !== undefined && TXN_KINDS.byWire(orig.type)?.type === 'sale';
  if (!orig || !isSale || orig.result !== 'approved' || orig.reversed || !orig.pan) return undefined;
  return orig;
}

function voidedBy(ctx: HandlerCtx, terminalId: string, origStan: number): number | undefined {
  const r = ctx.ledger.db
    .prepare(
      "SELECT stan FROM linked_ops WHERE terminal_id = ? AND orig_stan = ? AND kind = 'void' AND reversed = 0",
    )
    .get(terminalId, origStan) as { stan: number } | undefined;
  return r?.stan;
}

function refundedFen(ctx: HandlerCtx, terminalId: string, origStan: number): number {
  return (
    ctx.ledger.db
      .prepare(
        "SELECT COALESCE(SUM(amount_fen), 0) AS s FROM linked_ops WHERE terminal_id = ? AND orig_stan = ? AND kind = 'refund' AND reversed = 0",
      )
      .get(terminalId, origStan) as {
      s: number;
    }
  ).s;
}

function link(
  ctx: HandlerCtx,
  m: { terminalId: string; stan: number },
  origStan: number | null,
  kind: 'void' | 'refund',
  amountFen: number,
): void {
  ctx.ledger.db
    .prepare('INSERT INTO linked_ops (terminal_id, stan, orig_stan, kind, amount_fen) VALUES (?, ?, ?, ?, ?)')
    .run(m.terminalId, m.stan, origStan, kind, amountFen);
}

/**
 * Void: the whole sale, once. A second void of the same sale (another STAN) is ALREADY_REVERSED.
 * Also applies a queued void advice (handlers-offline.ts), whose original is an earlier advice.
 */
export function voidSale(
  ctx: HandlerCtx,
  m: Pick<VoidMsg, 'terminalId' | 'stan' | 'origStan' | 'amountFen'>,
): Decision {
  const orig = originalSale(ctx, m.terminalId, m.origStan);
  if (!orig) return { result: 'declined', code: 'NOT_FOUND' };
  if (voidedBy(ctx, m.terminalId, m.origStan) !== undefined)
    return { result: 'declined', code: 'ALREADY_REVERSED' };
  if (refundedFen(ctx, m.terminalId, m.origStan) > 0) return { result: 'declined', code: 'ALREADY_REVERSED' };
  if (m.amountFen !== orig.amount_fen) return { result: 'declined', code: 'AMOUNT_EXCEEDS_ORIGINAL' };
  const after = ctx.ledger.credit(orig.pan!, m.terminalId, m.stan, orig.amount_fen, 'void');
  link(ctx, m, m.origStan, 'void', orig.amount_fen);
  return {
    result: 'approved',
    balanceFen: after,
    amountFen: orig.amount_fen,
    pan: orig.pan!,
    orig: { found: true, type: 'authorize', result: 'approved', amountFen: orig.amount_fen },
  };
}

function refund(ctx: HandlerCtx, m: RefundMsg): Decision {
  if (m.origStan !== undefined) {
    const orig = originalSale(ctx, m.terminalId, m.origStan);
    if (!orig) return { result: 'declined', code: 'NOT_FOUND' };
    if (voidedBy(ctx, m.terminalId, m.origStan) !== undefined)
      return { result: 'declined', code: 'ALREADY_REVERSED' };
    if (refundedFen(ctx, m.terminalId, m.origStan) + m.amountFen > orig.amount_fen)
      return { result: 'declined', code: 'AMOUNT_EXCEEDS_ORIGINAL' };
    const after = ctx.ledger.credit(orig.pan!, m.terminalId, m.stan, m.amountFen, 'refund');
    link(ctx, m, m.origStan, 'refund', m.amountFen);
    return { result: 'approved', balanceFen: after, amountFen: m.amountFen, pan: orig.pan! };
  }
  const checked = ctx.ledger.checkCard(m.card!.pan);
  if ('decline' in checked) return { ...checked.decline, pan: m.card!.pan };
  const after = ctx.ledger.credit(checked.card.pan, m.terminalId, m.stan, m.amountFen, 'refund');
  link(ctx, m, null, 'refund', m.amountFen);
  return { result: 'approved', balanceFen: after, amountFen: m.amountFen, pan: checked.card.pan };
}

/** The settlement bucket of a request the issuer recorded under this wire command. */
function settlementBucketOfWire(command: string): SettlementBucket | null {
  // The production table's buckets are SettlementBuckets (TXN_KIND_DECLS' own check).
  return (TXN_KINDS.byWire(command)?.settlement ?? null) as SettlementBucket | null;
}

/** The issuer's transactions of a batch: approved sales (online and offline advices), voids, refunds not reversed. */
export function issuerBatchTxns(
  ctx: HandlerCtx,
  m: Pick<SettleMsg, 'terminalId' | 'fromStan' | 'toStan' | 'carriedStans' | 'excludedStans'>,
): SettledTxn[] {
  const excluded = new Set(m.excludedStans);
  const out: SettledTxn[] = [];
  const add = (rows: Array<{ stan: number; type: string; amount_fen: number; created_at: string }>) => {
    for (const r of rows) {
      if (excluded.has(r.stan) || !settlementBucketOfWire(r.type)) continue;
      out.push({
        stan: r.stan,
        type: settlementBucketOfWire(r.type)!,
        amountFen: r.amount_fen,
        time: r.created_at,
      });
    }
  };
  // The online commands of every kind that settles (src/shared/txn-kinds.ts), quoted as SQL literals.
  const wires = TXN_KINDS.inSettlement()
    .map((k) => `'${k.wire}'`)
    .join(',');
  const reqSql = `SELECT stan, type, amount_fen, created_at FROM requests WHERE terminal_id = ? AND stan BETWEEN ? AND ? AND type IN (${wires}) AND result = 'approved' AND reversed = 0`;
  const advSql = `SELECT stan, 'advice' AS type, -delta_fen AS amount_fen, created_at FROM entries WHERE terminal_id = ? AND stan BETWEEN ? AND ? AND kind = 'advice'`;
  const db = ctx.ledger.db;
  add(db.prepare(reqSql).all(m.terminalId, m.fromStan, m.toStan) as never);
  add(db.prepare(advSql).all(m.terminalId, m.fromStan, m.toStan) as never);
  const reqOne = db.prepare(reqSql.replace('stan BETWEEN ? AND ?', 'stan = ? AND stan = ?'));
  const advOne = db.prepare(advSql.replace('stan BETWEEN ? AND ?', 'stan = ? AND stan = ?'));
  for (const s of m.carriedStans) {
    if (s >= m.fromStan && s <= m.toStan) continue;
    add(reqOne.all(m.terminalId, s, s) as never);
    add(advOne.all(m.terminalId, s, s) as never);
  }
  return out.sort((a, b) => a.stan - b.stan);
}

function settle(ctx: HandlerCtx, m: SettleMsg): Decision & { extra: Record<string, unknown> } {
  const txns = issuerBatchTxns(ctx, m);
  const totals = totalsOf(txns);
  const matched = totalsEqual(totals, m.totals);
  // PBOC e-purse: the batch's chip transactions, each TAC verified (./handlers-epurse.ts).
  const chip = m.chip && m.chip.length > 0 ? clearChip(ctx, m.terminalId, m.chip) : undefined;
  ctx.ledger.db
    .prepare(
      'INSERT INTO settled_batches (terminal_id, batch_no, stan, matched, totals, created_at) VALUES (?, ?, ?, ?, ?, ?)',
    )
    .run(m.terminalId, m.batchNo, m.stan, matched ? 1 : 0, JSON.stringify(totals), ctx.now().toISOString());
  return {
    result: 'approved',
    extra: {
      settlement: {
        batchNo: m.batchNo,
        matched,
        totals,
        ...(matched ? {} : { txns }),
        ...(chip ? { chip } : {}),
      },
      ...acknowledgeHead(ctx, m.terminalId, m.journalHead),
    },
  };
}

/**
 * Reverse, for every money kind: undo what the reversed request did to the card, read from its
 * kind's card direction (src/shared/txn-kinds.ts) — a debit (sale, offline advice) is credited
 * back, a credit (void, refund) debited back. What is not an approved money request (an unknown
 * STAN, a decline, an inquiry, one already reversed) goes to the base handler
 * (src/issuer-sim/handlers.ts), which answers it and tombstones an unknown STAN.
 */
function reverseByKind(base: MessageHandler<unknown>): MessageHandler<unknown> {
  return {
    ...base,
    handle(ctx, msg) {
      const m = msg as ReverseRequest;
      const orig = ctx.ledger.request(m.terminalId, m.origStan);
      const kind = orig ? TXN_KINDS.byWire(orig.type) : undefined;
      const undo = kind ? undoOf(kind.card) : 'none';
      if (
        !orig ||
        orig.reversed ||
        orig.result !== 'approved' ||
        !orig.pan ||
        orig.amount_fen <= 0 ||
        undo === 'none'
      )
        return base.handle(ctx, msg);
      let after: number;
      if (undo === 'credit')
        after = ctx.ledger.credit(orig.pan, m.terminalId, m.stan, orig.amount_fen, 'reversal');
      else {
        // A reversal must be answered; the simulator never drives a balance below zero.
        const card = ctx.ledger.card(orig.pan)!;
        after = ctx.ledger.debit(
          orig.pan,
          m.terminalId,
          m.stan,
          Math.min(orig.amount_fen, card.balance_fen),
          'reversal',
        );
      }
      ctx.ledger.markReversed(m.terminalId, m.origStan);
      // A reversed void or refund no longer counts against its sale (voidedBy / refundedFen).
      ctx.ledger.db
        .prepare('UPDATE linked_ops SET reversed = 1 WHERE terminal_id = ? AND stan = ?')
        .run(m.terminalId, m.origStan);
      return {
        result: 'approved',
        balanceFen: after,
        orig: {
          found: true,
          type: orig.type,
          result: orig.result,
          reversed: true,
          amountFen: orig.amount_fen,
        },
      };
    },
  };
}

registerHandler('void', { schema: VoidRequest, idempotent: true, handle: voidSale });
registerHandler('refund', { schema: RefundRequest as never, idempotent: true, handle: refund as never });
// Settle moves no money: asking twice is harmless, so no idempotency record (like status).
registerHandler('settle', { schema: SettleRequest, idempotent: false, handle: settle });
if (HANDLERS.reverse) registerHandler('reverse', reverseByKind(HANDLERS.reverse));
