/**
 * The signed journal's state for the technician (and manager): is selling blocked because the
 * till looks rolled back (src/main/journal/till-guard.ts), and how the database's journal compares
 * with the head kept outside it and the issuer's acknowledged head. Only the technician lifts a
 * block, after looking (docs/security.md "Truncation and rollback").
 */
import { z } from 'zod';
import { method } from './common';

export const TillBlockInfo = z.object({
  /** duplicate-stan: the issuer declined DUPLICATE_STAN; issuer-head: it acknowledged a head this
   * journal does not have; journal-head: the database is behind the head file at start. */
  reason: z.enum(['duplicate-stan', 'issuer-head', 'journal-head']),
  detail: z.string(),
  at: z.string(),
  stan: z.number().int().optional(),
});

export const JournalStatus = z.object({
  blocked: TillBlockInfo.nullable(),
  head: z.object({
    seq: z.number().int(),
    hash: z.string(),
    /** What the head file says, and what the issuer last acknowledged. */
    fileSeq: z.number().int().nullable(),
    issuerAckSeq: z.number().int().nullable(),
  }),
  findings: z.array(z.object({ what: z.string(), detail: z.string() })),
});
export type JournalStatus = z.infer<typeof JournalStatus>;

export const journalMethods = {
  'journal.status': method({
    req: z.object({}).strict(),
    res: JournalStatus,
    roles: ['technician', 'manager'],
  }),
  /** The technician has looked at the block: selling resumes (audited). */
  'journal.acknowledgeBlock': method({
    req: z.object({ note: z.string().min(1).max(500) }).strict(),
    res: z.object({ acknowledged: TillBlockInfo.nullable() }),
    roles: ['technician'],
  }),
};
