import type { Handlers } from '../dispatch';
import type { AppContext } from '../context';
import type { fileBatchMethods, FileBatchStatus } from '../../../shared/contract/file-batch';
import { fileBatchAdapters } from '../../jobs/file-batch-job';

/** File-batch issuers (src/main/issuer/file-batch): their state, and "sync now" through the job queue (one way in). */
export function fileBatchHandlers(ctx: AppContext): Pick<Handlers, keyof typeof fileBatchMethods> {
  const status = (): FileBatchStatus => ({
    issuers: fileBatchAdapters(ctx.terminal.runner.router).flatMap((a) => {
      const s = a.status();
      return s ? [s] : [];
    }),
  });
  return {
    'fileBatch.status': () => status(),
    'fileBatch.sync': async ({ writeNow }) => {
      if (writeNow) for (const a of fileBatchAdapters(ctx.terminal.runner.router)) a.requestWrite();
      await ctx.jobs.run(['filebatch'], true);
      return status();
    },
  };
}
