import type { Handlers } from '../dispatch';
import type { AppContext } from '../context';
import type { passwordMethods } from '../../../shared/contract/password';
import { CardPasswords } from '../../terminal/password';

/** 设置/修改卡密码: the core's password service over the one terminal (src/main/terminal/password.ts). */
export function passwordHandlers(ctx: AppContext): Pick<Handlers, keyof typeof passwordMethods> {
  const passwords = new CardPasswords({
    terminal: ctx.terminal,
    audit: ctx.audit,
    // A change waits for the reversal of this card's earlier lost change: sent now, not at its backoff.
    sendReversals: () => ctx.jobs.run(['reversal'], true),
  });
  const op = () => {
    const o = ctx.session.current();
    return o ? { id: o.id, role: o.role } : undefined;
  };
  return { 'card.setPassword': (req) => passwords.setPassword(req, op()) };
}
