import type { Handlers } from '../dispatch';
import type { AppContext } from '../context';
import type { jobMethods } from '../../../shared/contract/jobs';
import { TillError } from '../../../shared/errors';

/** The job queue's dead-letter list (src/main/jobs): read, and acknowledged by a manager. */
export function jobHandlers(ctx: AppContext): Pick<Handlers, keyof typeof jobMethods> {
  return {
    'jobs.deadLetters': () => ctx.jobs.deadLetters(),
    'jobs.ackDeadLetter': ({ id }) => {
      const by = ctx.session.current()?.id ?? '?';
      if (!ctx.jobs.acknowledge(id, by))
        throw new TillError('NOT_FOUND', `no unacknowledged dead letter ${id}`);
      ctx.log(`dead letter ${id} acknowledged by ${by}`);
      ctx.audit.record({ action: 'jobs.ackDeadLetter', detail: `dead letter ${id}` });
      return ctx.jobs.deadLetters();
    },
  };
}
