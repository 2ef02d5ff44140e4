/**
 * A file-batch issuer's state in the terminal's SQLite file (schema.ts): the hot list and balance
 * snapshot in use, the adapter's decisions, velocity marks, and the facts the offline policy
 * (src/offline-queue/policy.ts) is evaluated on. One instance per issuer entry; synchronous
 * (better-sqlite3), so an import is one transaction: the new list is whole or not there.
 */
import type { Db } from '../../../shared/store/sqlite';
import { hmacSm3, toHex } from '../../../shared/crypto';
import { storeDay, type OfflineFacts } from '../../../offline-queue/policy';
import type { OfflineConfig } from '../../../offline-queue/config';
import type { FileHeader } from '../../../shared/file-batch-format';

const enc = new TextEncoder();

export type ListKind = 'hotlist' | 'balances';

export interface ImportRow {
  kind: ListKind;
  version: number;
  file_name: string;
  sha: string;
  created_at: string;
  valid_until: string;
  reflects_seq: number;
  cards: number;
  imported_at: string;
}

export interface DecisionRow {
  stan: number;
  card_key: string;
  kind: 'sale' | 'void' | 'refund';
  orig_stan: number | null;
  amount_fen: number;
  /** The manager whose override allowed a sale over the limits (null: within them, or not a sale). */
  override_by?: string | null;
}

/** Rows whose txns row is approved: a decision whose finalize failed spent nothing. */
const APPROVED = "EXISTS (SELECT 1 FROM txns t WHERE t.stan = d.stan AND t.status = 'approved')";

export class FileBatchStore {
  private readonly cardKeyKey: Uint8Array;
  constructor(
    readonly db: Db,
    readonly issuerId: string,
    dataKey: Uint8Array,
    readonly limits: OfflineConfig,
    private readonly now: () => Date,
  ) {
    // Its own key for card keys, derived from the data key (never the data key itself).
    this.cardKeyKey = hmacSm3(dataKey, enc.encode('cardtill:filebatch:card-key:v1'));
  }

  cardKey(pan: string): string {
    return toHex(hmacSm3(this.cardKeyKey, enc.encode(pan)));
  }

  /** The list of this kind in use (the highest version imported), if any. */
  current(kind: ListKind): ImportRow | undefined {
    return this.db
      .prepare(
        'SELECT * FROM filebatch_imports WHERE issuer_id = ? AND kind = ? ORDER BY version DESC LIMIT 1',
      )
      .get(this.issuerId, kind) as ImportRow | undefined;
  }

  /** Whether both lists are there and not past their valid-until now. */
  listsUsable(): boolean {
    const at = this.now().getTime();
    return (['hotlist', 'balances'] as const).every((k) => {
      const c = this.current(k);
      return c !== undefined && Date.parse(c.valid_until) > at;
    });
  }

  /** Replaces the list of this kind with a verified file's cards, in one transaction. */
  importList(
    kind: ListKind,
    header: FileHeader,
    cards: ReadonlyArray<{ pan: string; balanceFen?: number }>,
    file: { name: string; sha: string },
    terminalId: string,
  ): void {
    this.db.transaction(() => {
      if (kind === 'hotlist') {
        this.db.prepare('DELETE FROM filebatch_hotcards WHERE issuer_id = ?').run(this.issuerId);
        const ins = this.db.prepare(
          'INSERT OR IGNORE INTO filebatch_hotcards (issuer_id, card_key) VALUES (?, ?)',
        );
        for (const c of cards) ins.run(this.issuerId, this.cardKey(c.pan));
      } else {
        this.db.prepare('DELETE FROM filebatch_balances WHERE issuer_id = ?').run(this.issuerId);
        // A card listed twice: the last line wins (a snapshot has one balance per card).
        const ins = this.db.prepare(
          'INSERT INTO filebatch_balances (issuer_id, card_key, balance_fen) VALUES (?, ?, ?) ON CONFLICT(issuer_id, card_key) DO UPDATE SET balance_fen = excluded.balance_fen',
        );
        for (const c of cards) ins.run(this.issuerId, this.cardKey(c.pan), c.balanceFen ?? 0);
      }
      this.db
        .prepare(
          `INSERT INTO filebatch_imports (issuer_id, kind, version, file_name, sha, created_at, valid_until, reflects_seq, cards, imported_at)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
        )
        .run(
          this.issuerId,
          kind,
          header.version,
          file.name,
          file.sha,
          header.createdAt,
          header.validUntil!,
          header.reflects?.[terminalId] ?? 0,
          cards.length,
          this.now().toISOString(),
        );
    })();
  }

  /** True the first time this file (name + content) is refused: the manager is told once. */
  recordRefusal(file: { name: string; sha: string }, reason: string, detail: string): boolean {
    return (
      this.db
        .prepare(
          'INSERT OR IGNORE INTO filebatch_refusals (issuer_id, file_name, sha, reason, detail, at) VALUES (?, ?, ?, ?, ?, ?)',
        )
        .run(this.issuerId, file.name, file.sha, reason, detail, this.now().toISOString()).changes === 1
    );
  }

  /** Whether this exact file was already taken into use or refused (so it is not read again). */
  seen(file: { name: string; sha: string }): boolean {
    return (
      this.db
        .prepare(
          `SELECT 1 FROM filebatch_imports WHERE issuer_id = @i AND sha = @s
           UNION ALL SELECT 1 FROM filebatch_refusals WHERE issuer_id = @i AND file_name = @n AND sha = @s`,
        )
        .get({ i: this.issuerId, s: file.sha, n: file.name }) !== undefined
    );
  }

  // ── decisions and the policy's facts ───────────────────────────────────────────────────────

  /**
   * The card's balance as the snapshot says, less what this terminal approved on it since: every
   * approved decision not in a transaction file the snapshot already includes (`reflects`).
   * Null when the card is not in the snapshot (or there is none).
   */
  knownBalance(cardKey: string): number | null {
    const bal = this.current('balances');
    if (!bal) return null;
    const snap = this.db
      .prepare('SELECT balance_fen FROM filebatch_balances WHERE issuer_id = ? AND card_key = ?')
      .get(this.issuerId, cardKey) as { balance_fen: number } | undefined;
    if (!snap) return null;
    const since = this.db
      .prepare(
        `SELECT COALESCE(SUM(CASE d.kind WHEN 'sale' THEN d.amount_fen ELSE -d.amount_fen END), 0) AS fen
           FROM filebatch_decisions d
          WHERE d.issuer_id = ? AND d.card_key = ? AND ${APPROVED}
            AND NOT EXISTS (SELECT 1 FROM filebatch_file_rows r WHERE r.stan = d.stan AND r.seq <= ?)`,
      )
      .get(this.issuerId, cardKey, bal.reflects_seq) as { fen: number };
    return Math.max(snap.balance_fen - since.fen, 0);
  }

  facts(pan: string, amountFen: number): OfflineFacts & { cardKey: string } {
    const key = this.cardKey(pan);
    const nowMs = this.now().getTime();
    // Sales the issuer has not acknowledged (no void cancels them) are the money at risk.
    const open = this.db
      .prepare(
        `SELECT COALESCE(SUM(d.amount_fen), 0) AS total, MIN(d.created_ms) AS oldest
           FROM filebatch_decisions d
          WHERE d.issuer_id = ? AND d.kind = 'sale' AND ${APPROVED}
            AND NOT EXISTS (SELECT 1 FROM filebatch_decisions v WHERE v.kind = 'void' AND v.orig_stan = d.stan
                              AND EXISTS (SELECT 1 FROM txns t WHERE t.stan = v.stan AND t.status = 'approved'))
            AND NOT EXISTS (SELECT 1 FROM filebatch_file_rows r JOIN filebatch_files f ON f.issuer_id = r.issuer_id AND f.seq = r.seq
                             WHERE r.stan = d.stan AND f.acked_at IS NOT NULL)`,
      )
      .get(this.issuerId) as { total: number; oldest: number | null };
    const today = this.db
      .prepare(
        `SELECT COUNT(*) AS n, COALESCE(SUM(d.amount_fen), 0) AS fen FROM filebatch_decisions d
          WHERE d.issuer_id = ? AND d.card_key = ? AND d.day = ? AND d.kind = 'sale' AND ${APPROVED}
            AND NOT EXISTS (SELECT 1 FROM filebatch_decisions v WHERE v.kind = 'void' AND v.orig_stan = d.stan
                              AND EXISTS (SELECT 1 FROM txns t WHERE t.stan = v.stan AND t.status = 'approved'))`,
      )
      .get(this.issuerId, key, storeDay(nowMs, this.limits.dayOffsetMinutes)) as {
      n: number;
      fen: number;
    };
    const since = nowMs - this.limits.velocityWindowSeconds * 1000;
    const presentations = (
      this.db
        .prepare(
          'SELECT at_ms FROM filebatch_presentations WHERE issuer_id = ? AND card_key = ? AND at_ms > ?',
        )
        .all(this.issuerId, key, since) as Array<{ at_ms: number }>
    ).map((r) => r.at_ms);
    const block = this.db
      .prepare('SELECT until_ms FROM filebatch_blocks WHERE issuer_id = ? AND card_key = ?')
      .get(this.issuerId, key) as { until_ms: number } | undefined;
    return {
      cardKey: key,
      amountFen,
      now: nowMs,
      unforwardedTotalFen: open.total,
      oldestUnforwardedAt: open.oldest,
      cardTodayCount: today.n,
      cardTodayFen: today.fen,
      hotCard:
        this.db
          .prepare('SELECT 1 FROM filebatch_hotcards WHERE issuer_id = ? AND card_key = ?')
          .get(this.issuerId, key) !== undefined,
      knownBalanceFen: this.knownBalance(key),
      presentations,
      blockedUntil: block ? block.until_ms : null,
    };
  }

  /** A presentation for the velocity rule (and the block when it tripped). */
  notePresentation(cardKey: string, blockUntil: number | null): void {
    const nowMs = this.now().getTime();
    this.db.transaction(() => {
      this.db
        .prepare('INSERT INTO filebatch_presentations (issuer_id, card_key, at_ms) VALUES (?, ?, ?)')
        .run(this.issuerId, cardKey, nowMs);
      this.db
        .prepare('DELETE FROM filebatch_presentations WHERE issuer_id = ? AND at_ms <= ?')
        .run(this.issuerId, nowMs - this.limits.velocityWindowSeconds * 1000);
      if (blockUntil !== null)
        this.db
          .prepare(
            'INSERT INTO filebatch_blocks (issuer_id, card_key, until_ms) VALUES (?, ?, ?) ON CONFLICT(issuer_id, card_key) DO UPDATE SET until_ms = excluded.until_ms',
          )
          .run(this.issuerId, cardKey, blockUntil);
    })();
  }

  /** Records an approval decided here; it counts once its txns row is approved (runner's finalize). */
  decide(d: DecisionRow): void {
    const nowMs = this.now().getTime();
    this.db
      .prepare(
        `INSERT INTO filebatch_decisions (stan, issuer_id, card_key, kind, orig_stan, amount_fen, day, created_ms, override_by)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
         ON CONFLICT(stan) DO NOTHING`,
      )
      .run(
        d.stan,
        this.issuerId,
        d.card_key,
        d.kind,
        d.orig_stan,
        d.amount_fen,
        storeDay(nowMs, this.limits.dayOffsetMinutes),
        nowMs,
        d.override_by ?? null,
      );
  }

  decision(stan: number): DecisionRow | undefined {
    return this.db
      .prepare(
        'SELECT stan, card_key, kind, orig_stan, amount_fen, override_by FROM filebatch_decisions WHERE stan = ? AND issuer_id = ?',
      )
      .get(stan, this.issuerId) as DecisionRow | undefined;
  }
}
