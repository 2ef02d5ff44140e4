/**
 * The journal head on the wire (docs/issuer-protocol.md "Journal head acknowledgement"). The
 * terminal puts its head — the seq and SM3 chain hash of its last journal record — in every echo
 * and settle request; the issuer keeps the highest it has seen per terminal and signs it back in
 * the answer as `journalHeadAck`. A terminal whose journal ends before that ack was rolled back.
 */
import { z } from 'zod';

export const WireJournalHead = z.object({
  seq: z.number().int().min(0),
  hash: z.string().regex(/^[0-9a-f]{64}$/),
});
export type WireJournalHead = z.infer<typeof WireJournalHead>;

/** The answer's field: the issuer's stored head for this terminal after this request. */
export const JournalHeadAck = WireJournalHead.extend({
  /** When the issuer first stored this head. */
  at: z.string(),
});
export type JournalHeadAck = z.infer<typeof JournalHeadAck>;

/** Message types that carry the head and get it acknowledged. */
export const HEAD_CARRIERS: readonly string[] = ['echo', 'settle'];

/** The ack in a verified answer, or undefined (absent or malformed: nothing to compare). */
export function journalHeadAckOf(answer: Record<string, unknown>): JournalHeadAck | undefined {
  const r = JournalHeadAck.safeParse(answer.journalHeadAck);
  return r.success ? r.data : undefined;
}
