/**
 * What the cashier looks up rather than does: the receipt search of the shift (find a receipt by
 * STAN, card last 4 or time to reprint it) and how long a card stays blocked for offline velocity.
 * Read-only; the rows come out as TxnResult (masked card only).
 */
import type { AppContext } from '../context';
import type { Req, Res } from '../../../shared/contract';
import { TillError } from '../../../shared/errors';
import { toResult, type TxnRow } from '../../terminal/txn-store';

export function cashierLookupHandlers(ctx: AppContext) {
  return {
    'txn.search': (q: Req<'txn.search'>): Res<'txn.search'> => {
      const where = ["status != 'pending'"];
      const args: unknown[] = [];
      const shift = ctx.shifts.current();
      if (shift) {
        where.push('stan >= ?');
        args.push(shift.from_stan);
      }
      if (q.stan !== undefined) {
        where.push('stan = ?');
        args.push(q.stan);
      }
      if (q.last4 !== undefined) {
        where.push('substr(masked, -4) = ?');
        args.push(q.last4);
      }
      if (q.from !== undefined) {
        where.push('created_at >= ?');
        args.push(new Date(q.from).toISOString());
      }
      if (q.to !== undefined) {
        where.push('created_at < ?');
        args.push(new Date(q.to).toISOString());
      }
      const rows = ctx.db
        .prepare(`SELECT * FROM txns WHERE ${where.join(' AND ')} ORDER BY stan DESC LIMIT ?`)
        .all(...args, q.limit) as TxnRow[];
      return rows.map(toResult);
    },
    'card.offlineBlock': ({ cardToken }: Req<'card.offlineBlock'>): Res<'card.offlineBlock'> => {
      const card = ctx.terminal.cards.take(cardToken);
      if (!card) throw new TillError('NO_CARD', 'card token unknown or expired');
      const until = ctx.offline.store.facts(card.pan, 0).blockedUntil;
      const now = ctx.clock().getTime();
      return { blockedUntil: until !== null && until > now ? new Date(until).toISOString() : null };
    },
  };
}
