/**
 * File-batch issuers (src/main/issuer/file-batch): what the manager sees of each — the hot list and
 * balance snapshot in use, the files refused (unsigned, badly signed, older, stale), the daily
 * transaction files and their acknowledgements — and the one button: sync now (read the issuer's
 * files, write today's transaction file). `fileBatch.changed` follows every change.
 */
import { z } from 'zod';
import { Fen, method, Empty } from './common';

export const FileBatchList = z.object({
  version: z.number().int().min(0),
  fileName: z.string(),
  createdAt: z.string(),
  validUntil: z.string(),
  importedAt: z.string(),
  cards: z.number().int().min(0),
  /** Not past valid-until now. */
  current: z.boolean(),
});
export type FileBatchList = z.infer<typeof FileBatchList>;

export const FileBatchRefusal = z.object({
  fileName: z.string(),
  reason: z.enum([
    'unsigned',
    'bad-signature',
    'malformed',
    'wrong-issuer',
    'wrong-terminal',
    'wrong-type',
    'old-version',
    'stale',
    'too-old',
    'future',
    'too-large',
  ]),
  /** Why, in English, never a card number. */
  detail: z.string(),
  at: z.string(),
});
export type FileBatchRefusal = z.infer<typeof FileBatchRefusal>;

export const FileBatchIssuerStatus = z.object({
  issuerId: z.string(),
  name: z.string(),
  dir: z.string(),
  hotlist: FileBatchList.nullable(),
  balances: FileBatchList.nullable(),
  /** Both lists present and current: sales on this issuer's cards can be decided. */
  usable: z.boolean(),
  /** Newest first, at most 20. */
  refusals: z.array(FileBatchRefusal),
  files: z.object({
    lastSeq: z.number().int().min(0),
    /** Recorded but not yet in the directory (written at the next sync). */
    unwritten: z.number().int().min(0),
    unacknowledged: z.number().int().min(0),
    lastAcknowledgedSeq: z.number().int().min(0),
    lastWrittenAt: z.string().nullable(),
  }),
  /** Approved sales, voids and refunds not yet in a transaction file. */
  unfiledCount: z.number().int().min(0),
  /** Sales the issuer has not acknowledged yet (no void cancels them). */
  unacknowledgedFen: Fen,
  /** This run's last sync: when, and why it failed (the folder missing or not writable); null before the first. */
  lastSync: z.object({ at: z.string(), error: z.string().nullable() }).nullable(),
});
export type FileBatchIssuerStatus = z.infer<typeof FileBatchIssuerStatus>;

export const FileBatchStatus = z.object({ issuers: z.array(FileBatchIssuerStatus) });
export type FileBatchStatus = z.infer<typeof FileBatchStatus>;

export const fileBatchMethods = {
  'fileBatch.status': method({
    req: Empty,
    res: FileBatchStatus,
    roles: ['manager', 'technician'],
    passive: true,
  }),
  /** Reads the issuers' files now and writes every transaction file due — with `writeNow`, today's too. */
  'fileBatch.sync': method({
    req: z.object({ writeNow: z.boolean().default(false) }).strict(),
    res: FileBatchStatus,
    roles: ['manager'],
  }),
};

export const fileBatchEvents = {
  'fileBatch.changed': FileBatchStatus,
};
