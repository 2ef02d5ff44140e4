/**
 * The persistent job queue's dead-letter list (src/main/jobs): reversals, settlements and
 * enrolments the issuer refused for good. Nothing on it is dropped; the manager reads each and
 * acknowledges it (the rows stay, like offline exceptions). `cardtill queue list` prints it too.
 */
import { z } from 'zod';
import { Fen, method, Empty } from './common';

export const JobKindName = z.enum(['reversal', 'advice', 'settlement', 'enrolment', 'filebatch']);
export type JobKindName = z.infer<typeof JobKindName>;

export const DeadLetter = z.object({
  id: z.number().int().positive(),
  kind: JobKindName,
  /** The transaction concerned: for a reversal, the sale it reverses; null for the others. */
  stan: z.number().int().positive().nullable(),
  /** The job's key in its kind's table: a reversal's own STAN, a shift id, a key version. */
  ref: z.string(),
  amountFen: Fen.nullable(),
  /** The card (masked) for a reversal, the batch for a settlement: never a card number. */
  summary: z.string(),
  lastError: z.string().nullable(),
  attempts: z.number().int().min(0),
  deadAt: z.string(),
  acknowledgedAt: z.string().nullable(),
  acknowledgedBy: z.string().nullable(),
});
export type DeadLetter = z.infer<typeof DeadLetter>;

export const DeadLetters = z.object({
  /** Newest first. */
  items: z.array(DeadLetter),
  unacknowledged: z.number().int().min(0),
  /** Jobs waiting for a retry (not dead), by kind. */
  waiting: z.object({
    reversal: z.number().int().min(0),
    advice: z.number().int().min(0),
    settlement: z.number().int().min(0),
    enrolment: z.number().int().min(0),
    /** File-batch issuers: transaction files not acknowledged yet (this kind never goes dead). */
    filebatch: z.number().int().min(0).default(0),
  }),
});
export type DeadLetters = z.infer<typeof DeadLetters>;

export const jobMethods = {
  'jobs.deadLetters': method({
    req: Empty,
    res: DeadLetters,
    roles: ['manager', 'technician'],
    passive: true,
  }),
  'jobs.ackDeadLetter': method({
    req: z.object({ id: z.number().int().positive() }).strict(),
    res: DeadLetters,
    roles: ['manager'],
  }),
};
