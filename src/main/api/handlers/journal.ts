/** The journal's head and rollback block (src/main/journal/head-keeper.ts), for the technician. */
import type { Handlers } from '../dispatch';
import type { AppContext } from '../context';
import type { journalMethods } from '../../../shared/contract/journal';
import { keeperOf } from '../../journal/head-keeper';
import { compareHead, dbHead } from '../../journal/head-check';
import { TillError } from '../../../shared/errors';

export function journalHandlers(ctx: AppContext): Pick<Handlers, keyof typeof journalMethods> {
  const keeper = () => {
    const k = keeperOf(ctx.db);
    if (!k) throw new TillError('INVALID_STATE', 'no journal head keeper on this database');
    return k;
  };
  return {
    'journal.status': () => {
      const k = keeper();
      const file = k.head();
      const check = compareHead(ctx.db, file);
      const h = dbHead(ctx.db);
      return {
        blocked: k.guard.current() ?? null,
        head: {
          seq: h.seq,
          hash: h.hash,
          fileSeq: file?.seq ?? null,
          issuerAckSeq: file?.issuerAck?.seq ?? null,
        },
        findings: check.findings,
      };
    },
    'journal.acknowledgeBlock': ({ note }) => {
      const who = ctx.session.current();
      const b = keeper().acknowledge(who?.id ?? 'unknown', note);
      if (b)
        ctx.audit.record({
          action: 'till.unblock',
          ...(b.stan ? { stan: b.stan } : {}),
          detail: `${b.reason}: ${b.detail} — ${note}`,
        });
      return { acknowledged: b ?? null };
    },
  };
}
