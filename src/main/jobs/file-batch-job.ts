/**
 * File-batch issuers as a job (src/main/issuer/file-batch): one job per such issuer, run on the
 * background period — read the issuer's hot list, balance snapshot and acknowledgements, put any
 * recorded transaction file in the directory, and write the daily file when due. This is the one
 * way files move; the manager's 同步 button (`fileBatch.sync`) runs this same kind at once, with
 * `writeNow` to write today's file before the day ends.
 *
 * Registering the kind also gives each file-batch adapter its database and keys (`attach`): the
 * router is built before the database is open (core.ts), and nothing else needs them.
 */
import type { Db } from '../../shared/store/sqlite';
import type { FileBatchStatus } from '../../shared/contract/file-batch';
import type { IssuerRouter } from '../issuer/router';
import type { OfflineConfig } from '../../offline-queue/config';
import { FileBatchAdapter } from '../issuer/file-batch/adapter';
import type { FileBatchIssuerStatus } from '../issuer/file-batch/status';
import { JobFailure, type JobKind } from './queue';
import type { RetryPolicy } from './retry';

/** A directory not there (a share not mounted) is retried; no answer is ever counted as a refusal. */
export const FILE_BATCH_POLICY: RetryPolicy = { baseMs: 30_000, maxMs: 10 * 60_000, maxRefusals: 1_000_000 };

export interface FileBatchJobs extends JobKind<{ issuerId: string }> {
  adapters(): FileBatchAdapter[];
  status(): FileBatchStatus;
}

export function fileBatchAdapters(router: IssuerRouter): FileBatchAdapter[] {
  return router.entries().flatMap((e) => (e.port instanceof FileBatchAdapter ? [e.port] : []));
}

export function fileBatchKind(p: {
  router: IssuerRouter;
  db: Db;
  keys: { dataKey: Uint8Array; keyVersion: number; sign(bytes: Uint8Array): Uint8Array };
  terminalId: string;
  openPan(sealed: Uint8Array): string;
  /** The top-level offline limits (an entry's own `offline` goes over them). */
  offlineBase: OfflineConfig;
  clock: () => Date;
  log: (line: string) => void;
  onChange?: (s: FileBatchStatus) => void;
}): FileBatchJobs {
  const list = fileBatchAdapters(p.router);
  for (const a of list)
    a.attach({
      db: p.db,
      dataKey: p.keys.dataKey,
      terminalId: p.terminalId,
      keyVersion: p.keys.keyVersion,
      sign: (b) => p.keys.sign(b),
      openPan: p.openPan,
      offlineBase: p.offlineBase,
      clock: p.clock,
      log: p.log,
    });
  const status = (): FileBatchStatus => ({
    issuers: list.map((a) => a.status()).filter((s): s is FileBatchIssuerStatus => s !== undefined),
  });
  return {
    kind: 'filebatch',
    policy: FILE_BATCH_POLICY,
    adapters: () => list,
    status,
    pending: () =>
      list.map((a) => ({
        ref: a.entry.id,
        lane: `filebatch:${a.entry.id}`,
        data: { issuerId: a.entry.id },
        summary: a.entry.name,
      })),
    count: () =>
      (
        p.db.prepare('SELECT COUNT(*) AS n FROM filebatch_files WHERE acked_at IS NULL').get() as {
          n: number;
        }
      ).n,
    async run(job) {
      const a = list.find((x) => x.entry.id === job.data.issuerId);
      if (!a) return;
      let r;
      try {
        r = a.sync();
      } catch (e) {
        p.log(`file-batch ${a.entry.id}: ${(e as Error).message} (retried)`);
        throw new JobFailure('transient', `file-batch ${a.entry.id}: ${(e as Error).message}`);
      }
      const changed =
        r.imported.length + r.refused.length + r.acknowledged.length + r.written.length + r.problems.length;
      if (changed) p.onChange?.(status());
    },
    classify: () => 'transient',
  };
}
