import { CardRulesConfig } from '../../../shared/card-rules';
import type { Handlers } from '../dispatch';
import type { AppContext } from '../context';
import type { cardBatchMethods } from '../../../shared/contract/card-batch';
import { CardBatch } from '../../terminal/card-batch';
import { CardBuyers } from '../../terminal/card-buyer';

/** 批量售卡: batch activation over the one terminal and runner (src/main/terminal/card-batch.ts). */
export function cardBatchHandlers(ctx: AppContext): Pick<Handlers, keyof typeof cardBatchMethods> {
  const batch = new CardBatch({
    terminal: ctx.terminal,
    audit: ctx.audit,
    rules: CardRulesConfig.parse(ctx.config.cardRules ?? {}),
    // The same table and key as card.activate's: card.buyers exports a batch's buyers too.
    buyers: new CardBuyers(ctx.db, ctx.keys.dataKey, ctx.clock),
  });
  const op = () => {
    const o = ctx.session.current();
    return o ? { id: o.id, role: o.role } : undefined;
  };
  return {
    'card.batchActivate': (req) => batch.activate(req, op()),
    'card.batchHold': ({ cardToken }) => batch.hold(cardToken),
    'card.batchHeld': () => batch.heldMasked(),
    'card.batchRelease': ({ index }) => batch.release(index),
    'card.batchPrint': async ({ stans, tenderFen, notSent }) => {
      const doc = batch.customerCopy(stans, tenderFen, notSent);
      const out = await ctx.printing.print(doc, `batch-${stans[0]}`, { stan: stans[0] });
      return { printed: out.printed, held: out.held, ...(out.reason ? { reason: out.reason } : {}) };
    },
  };
}
