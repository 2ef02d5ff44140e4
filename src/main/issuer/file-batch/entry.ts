/** A `file-batch` config entry as a router entry (called by ../create-router.ts). */
import type { IssuerEntryConfig } from '../../config/config';
import { fromHex } from '../../../shared/crypto';
import type { IssuerEntry } from '../router';
import { FileBatchAdapter } from './adapter';
import { DEFAULT_FILE_BATCH_OPTIONS, exchangeDir } from './config';

export function fileBatchEntry(e: IssuerEntryConfig): IssuerEntry {
  return {
    id: e.id,
    name: e.name,
    port: new FileBatchAdapter({
      id: e.id,
      name: e.name,
      dir: exchangeDir(e.url),
      issuerPublicKey: fromHex(e.publicKey),
      options: e.fileBatch ?? DEFAULT_FILE_BATCH_OPTIONS,
      offline: e.offline,
    }),
    // Decided locally: one "attempt", and a deadline only for the pending bound.
    attempts: 1,
    timeoutMs: e.timeoutMs,
    cardRanges: e.cardRanges,
  };
}
