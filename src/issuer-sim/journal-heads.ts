/**
 * The issuer's copy of each terminal's journal head (docs/issuer-protocol.md "Journal head
 * acknowledgement"): echo and settle requests carry the terminal's head; the issuer keeps the
 * highest seq it has seen and signs it back as `journalHeadAck`. A rolled-back terminal reports a
 * lower seq and gets the higher one back — the one witness an attacker with the terminal's disk
 * cannot roll back. Equal seq with another hash is kept as it was (the first one stands).
 */
import type { Migration } from '../shared/store/sqlite';
import type { HandlerCtx } from './handlers';
import type { JournalHeadAck, WireJournalHead } from '../shared/issuer-journal-head';

export const ISSUER_HEAD_MIGRATIONS: Migration[] = [
  {
    id: 'issuer/020-journal-heads',
    sql: `
  CREATE TABLE journal_heads (
    terminal_id TEXT PRIMARY KEY,
    seq INTEGER NOT NULL,
    hash TEXT NOT NULL,
    at TEXT NOT NULL
  );
  `,
  },
];

/** Stores the reported head if it is higher than the stored one; returns the stored head to sign back. */
export function acknowledgeHead(
  ctx: HandlerCtx,
  terminalId: string,
  head: WireJournalHead | undefined,
): { journalHeadAck?: JournalHeadAck } {
  const db = ctx.ledger.db;
  const get = () =>
    db.prepare('SELECT seq, hash, at FROM journal_heads WHERE terminal_id = ?').get(terminalId) as
      JournalHeadAck | undefined;
  const stored = get();
  if (head && (!stored || head.seq > stored.seq)) {
    db.prepare(
      'INSERT INTO journal_heads (terminal_id, seq, hash, at) VALUES (?, ?, ?, ?) ON CONFLICT(terminal_id) DO UPDATE SET seq = excluded.seq, hash = excluded.hash, at = excluded.at',
    ).run(terminalId, head.seq, head.hash, ctx.now().toISOString());
  }
  const now = get();
  return now ? { journalHeadAck: { seq: now.seq, hash: now.hash, at: now.at } } : {};
}
