import type { Handlers } from '../dispatch';
import type { AppContext } from '../context';
import type { sessionMethods } from '../../../shared/contract/session';

export function sessionHandlers(ctx: AppContext): Pick<Handlers, keyof typeof sessionMethods> {
  return {
    'session.info': () => ctx.sessionInfo(),
    'auth.operators': () => ctx.operators.list(),
    'auth.signIn': async ({ operatorId, pin }) => {
      const who = await ctx.operators.authenticateAsync(operatorId, pin); // hash off the event loop
      ctx.session.signIn(who);
      return who;
    },
    'auth.signOut': ({ reason }) => {
      ctx.session.signOut(reason ?? 'manual');
      ctx.terminal.clearCard();
      return {};
    },
    'link.set': ({ cut }) => {
      // The demo switch is the whole issuer side: every issuer entry's port (the home one's is ctx.link).
      ctx.link.setCut(cut);
      for (const e of ctx.router.entries()) e.port.setCut(cut);
      const link = ctx.sessionInfo().link;
      ctx.emit('link.changed', { link });
      return { link };
    },
  };
}
