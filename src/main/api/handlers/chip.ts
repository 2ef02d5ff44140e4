import type { Handlers } from '../dispatch';
import type { AppContext } from '../context';
import type { chipMethods } from '../../../shared/contract/chip';
import { TillError } from '../../../shared/errors';
import { keeperOf } from '../../journal/head-keeper';

/** PBOC e-purse: settle a torn chip transaction, the manager's list (src/main/terminal/chip-purchase.ts). */
export function chipHandlers(ctx: AppContext): Pick<Handlers, keyof typeof chipMethods> {
  const chip = () => {
    if (!ctx.chip) throw new TillError('PSAM_UNAVAILABLE');
    return ctx.chip;
  };
  return {
    'chip.resolve': (req) => (
      keeperOf(ctx.db)?.guard.assertSelling(),
      chip().resolve(req, ctx.session.current()?.id)
    ),
    'chip.abandon': ({ stan }) => chip().abandon(stan, ctx.session.current()!.id),
    'chip.exceptions': () => chip().exceptions(),
  };
}
