import type { Handlers } from '../dispatch';
import type { AppContext } from '../context';
import type { cardLifeMethods } from '../../../shared/contract/card-life';
import { CardLife, checkLoadRules } from '../../terminal/card-life';
import { CardClose } from '../../terminal/card-close';
import { CardBuyers } from '../../terminal/card-buyer';
import { CardRulesConfig } from '../../../shared/card-rules';
import { TillError } from '../../../shared/errors';

/**
 * 售卡 / 充值 / 退卡 / 换卡: the core's card-life services over the one terminal
 * (src/main/terminal/card-life.ts, card-close.ts), with the rules of TerminalConfig.cardRules.
 */
export function cardLifeHandlers(ctx: AppContext): Pick<Handlers, keyof typeof cardLifeMethods> {
  const rules = CardRulesConfig.parse(ctx.config.cardRules ?? {});
  const buyers = new CardBuyers(ctx.db, ctx.keys.dataKey, ctx.clock);
  const life = new CardLife({ terminal: ctx.terminal, audit: ctx.audit, buyers, rules });
  const close = new CardClose({ terminal: ctx.terminal, audit: ctx.audit, overrides: ctx.overrides, rules });
  const op = () => {
    const o = ctx.session.current();
    return o ? { id: o.id, role: o.role } : undefined;
  };
  const signedIn = () => {
    const o = op();
    if (!o) throw new TillError('UNAUTHORIZED');
    return o;
  };
  return {
    'card.activate': (req) => life.activate(req, op()),
    // An e-purse card whose issuer says `epurse` is loaded on the chip (圈存, terminal/chip-purchase.ts);
    // the payment rules (never a card, no cash over the line, the buyer's ID) hold for it too.
    'card.topup': (req) => {
      if (!ctx.chip?.paysOnChip(req.cardToken)) return life.topup(req, op());
      // The chip's load is paid in cash on the terminal (its own ordering, chip-purchase.ts).
      if (checkLoadRules('topup', req, rules).paidBy !== 'cash')
        throw new TillError('CARD_TENDER_NOT_ALLOWED', 'a chip load is paid in cash');
      return ctx.chip.load(req, op()?.id);
    },
    'card.cashout': (req) => close.cashout(req, signedIn()),
    'card.replace': (req) => close.replace(req, signedIn()),
    'card.rules': () => rules,
    'card.buyers': (req) => {
      const rows = buyers.exportRange(req.fromStan ?? 1, req.toStan ?? Number.MAX_SAFE_INTEGER);
      // Every export of clear IDs is on the audit log: who, and how many.
      ctx.audit.record({
        action: 'card.buyers.export',
        operatorId: op()?.id,
        operatorRole: op()?.role,
        outcome: 'ok',
        detail: `${rows.length} buyer IDs, stan ${req.fromStan ?? 1}..${req.toStan ?? 'end'}`,
      });
      return { rows };
    },
  };
}
