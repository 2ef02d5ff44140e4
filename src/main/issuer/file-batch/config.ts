/**
 * A file-batch issuer entry's own settings (config `issuers[].fileBatch`). The entry's `url` is
 * the exchange directory as a `file:` URL and its `publicKey` the key the issuer signs its files
 * with; its limits are the entry's `offline` block like every entry's (over the top-level one,
 * the same the queue screen shows for its lane): every sale on its cards is an offline decision
 * (src/offline-queue/policy.ts). Mind `maxAgeMinutes`: here the oldest sale waits for the
 * issuer's acknowledgement of the next day's file, so 72 h (4320) suits better than 24 h.
 */
import { z } from 'zod';
import { OfflineConfig } from '../../../offline-queue/config';

export const FileBatchOptions = z.object({
  /** A hot list or balance file created longer ago than this is refused as too old (default 48 h). */
  maxFileAgeMinutes: z
    .number()
    .int()
    .min(1)
    .default(48 * 60),
  /** A file dated more than this after the terminal's clock is refused (clock skew allowance). */
  futureSkewMinutes: z
    .number()
    .int()
    .min(0)
    .max(24 * 60)
    .default(10),
});
export type FileBatchOptions = z.infer<typeof FileBatchOptions>;

export const DEFAULT_FILE_BATCH_OPTIONS: FileBatchOptions = FileBatchOptions.parse({});

/** An entry's limits: its own `offline` over the top-level block (as core.ts builds its lane's). */
export function fileBatchLimits(base: OfflineConfig, own: Partial<OfflineConfig> | undefined): OfflineConfig {
  return OfflineConfig.parse({ ...base, ...own });
}

/** The directory of a `file:` URL (config `url` of a file-batch entry). */
export function exchangeDir(url: string): string {
  const u = new URL(url);
  if (u.protocol !== 'file:')
    throw new Error(`a file-batch issuer's url must be a file: URL, not ${u.protocol}`);
  return decodeURIComponent(u.pathname);
}
