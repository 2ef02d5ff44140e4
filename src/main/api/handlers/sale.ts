import type { Handlers } from '../dispatch';
import type { AppContext } from '../context';
import type { saleMethods } from '../../../shared/contract/sale';
import { EcrCollect } from '../../terminal/collect';
import { keeperOf } from '../../journal/head-keeper';
import { cashierLookupHandlers } from './cashier-lookup';

export function saleHandlers(ctx: AppContext): Pick<Handlers, keyof typeof saleMethods> {
  const op = () => ctx.session.current()?.id;
  // TILL_BLOCKED_ROLLBACK while the till looks rolled back (src/main/journal/till-guard.ts).
  const selling = () => keeperOf(ctx.db)?.guard.assertSelling();
  // The ECR's collect and the till screen's answer to its password pad meet here.
  const ecr = new EcrCollect(ctx.terminal, (p) => ctx.emit('collect.prompt', p));
  return {
    ...cashierLookupHandlers(ctx),
    'card.enter': ({ pan, entryMode, override }) => {
      if (entryMode === 'manual')
        ctx.overrides.check('manual_entry', override, { note: 'manual card entry' });
      return ctx.terminal.present({ pan, entryMode });
    },
    'card.current': () => ctx.terminal.cards.summary(),
    'card.clear': () => {
      ctx.terminal.clearCard();
      return {};
    },
    // A card with a PBOC e-purse whose issuer entry says `epurse` pays on the chip (issue 14).
    'sale.authorize': (req) => (
      selling(),
      ctx.chip?.paysOnChip(req.cardToken) ? ctx.chip.purchase(req, op()) : ctx.terminal.sale(req, op())
    ),
    'sale.collect': (req) => (selling(), ecr.collect(req, op())),
    'sale.collectPassword': (req) => (ecr.answerPassword(req), {}),
    'balance.inquiry': (req) => ctx.terminal.inquiry(req, op()),
    'txn.recent': ({ limit }) => ctx.terminal.recent(limit),
    'receipt.get': ({ stan }) => ctx.terminal.receipt(stan),
    'receipt.print': async ({ stan, copy }) => {
      const doc = ctx.terminal.receipt(stan, copy === true).doc;
      const out = await ctx.printing.print(doc, `receipt-${stan}`, { stan });
      return { printed: out.printed, held: out.held, ...(out.reason ? { reason: out.reason } : {}) };
    },
  };
}
