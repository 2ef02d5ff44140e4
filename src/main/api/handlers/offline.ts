import type { Handlers } from '../dispatch';
import type { AppContext } from '../context';
import type { offlineMethods } from '../../../shared/contract/offline';
import { TillError } from '../../../shared/errors';
import { queueItems } from '../../../offline-queue/items';

/**
 * The manager's queue screen and `queue.*` methods (src/offline-queue): the till-wide status with
 * each issuer's own queue and link (`issuers`), and "forward now" for every issuer at once.
 */
export function offlineHandlers(ctx: AppContext): Pick<Handlers, keyof typeof offlineMethods> {
  return {
    'queue.status': () => ctx.offline.lanes.status(),
    'queue.items': (req) => queueItems(ctx.offline.store.db, req),
    'queue.forward': async () => {
      ctx.log(`forward now requested by ${ctx.session.current()?.id ?? '?'}`);
      return ctx.offline.lanes.forwardNow();
    },
    'queue.ackException': ({ stan }) => {
      const by = ctx.session.current()?.id ?? '?';
      if (!ctx.offline.store.acknowledge(stan, by))
        throw new TillError('NOT_FOUND', `no unacknowledged exception for stan ${stan}`);
      ctx.log(`offline exception stan ${stan} acknowledged by ${by}`);
      const status = ctx.offline.lanes.status();
      ctx.emit('queue.changed', status);
      return status;
    },
  };
}
