import type { Handlers } from '../dispatch';
import type { AppContext } from '../context';
import type { cardLifeMethods } from '../../../shared/contract/card-life';
import { CardLife } from '../../terminal/card-life';

/** 售卡 / 充值: the core's card-life service over the one terminal (src/main/terminal/card-life.ts). */
export function cardLifeHandlers(ctx: AppContext): Pick<Handlers, keyof typeof cardLifeMethods> {
  const life = new CardLife({ terminal: ctx.terminal, audit: ctx.audit });
  const op = () => {
    const o = ctx.session.current();
    return o ? { id: o.id, role: o.role } : undefined;
  };
  return {
    'card.activate': (req) => life.activate(req, op()),
    // An e-purse card whose issuer says `epurse` is loaded on the chip (圈存, terminal/chip-purchase.ts).
    'card.topup': (req) =>
      ctx.chip?.paysOnChip(req.cardToken) ? ctx.chip.load(req, op()?.id) : life.topup(req, op()),
  };
}
