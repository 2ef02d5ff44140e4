/**
 * Store-and-forward state in the terminal's SQLite file: the queue of offline approvals, the
 * exceptions list, the hot-card list, last-known balances and velocity marks. Every method is
 * synchronous (better-sqlite3) so "in the same transaction as the journal record" is literal:
 * `enqueue` is called inside TxnStore's transaction by the terminal (src/main/terminal/offline-sale.ts).
 */
import type { Db } from '../shared/store/sqlite';
import { hmacSm3, toHex } from '../shared/crypto';
import type { AdviceItem, AdviceResult } from '../shared/issuer-protocol-offline';
import type { LinkState } from '../shared/contract';
import type { OfflineConfig } from './config';
import { storeDay, type OfflineFacts } from './policy';
import { queueStatus, openSalesWhere } from './status';
import type { QueueStatusBase } from '../shared/contract';
import { HOME_SCOPE, inScope, type IssuerScope } from './scope';

const enc = new TextEncoder();

export interface Sealer {
  sealRequest(msg: unknown): Buffer;
  openRequest<T>(sealed: Uint8Array): T;
}

export interface QueuedAdvice {
  stan: number;
  amount_fen: number;
  card_key: string;
  advice_enc: Buffer;
  attempts: number;
}

export type ForwarderMeta = {
  link_state: LinkState;
  last_error: string;
  last_error_at: string;
  last_contact_at: string;
  last_forward_at: string;
  next_probe_at: string;
  hotcards_version: string;
};

/**
 * One issuer entry's store-and-forward state (`scope`, ./scope.ts): its queue, hot-card list,
 * forwarder state and limits. The per-card facts are shared by every entry's store.
 */
export class OfflineStore {
  private readonly cardKeyKey: Uint8Array;
  /** `issuer_id IN (…)` of this store's entry. */
  private readonly mine: string;
  constructor(
    readonly db: Db,
    dataKey: Uint8Array,
    private readonly sealer: Sealer,
    readonly config: OfflineConfig,
    private readonly now: () => Date,
    readonly scope: IssuerScope = HOME_SCOPE,
  ) {
    // A key of its own for card keys, derived from the data key (never the data key itself).
    this.cardKeyKey = hmacSm3(dataKey, enc.encode('cardtill:offline:card-key:v1'));
    this.mine = inScope(scope);
  }

  cardKey(pan: string): string {
    return toHex(hmacSm3(this.cardKeyKey, enc.encode(pan)));
  }

  // ── policy facts ────────────────────────────────────────────────────────────────────────────

  /** Facts for the policy about this card and amount, as of now. */
  facts(pan: string, amountFen: number): OfflineFacts & { cardKey: string } {
    const key = this.cardKey(pan);
    const nowMs = this.now().getTime();
    // Any unforwarded advice shows how long the issuer has been out of reach; only sales no void
    // cancels are money at risk (OPEN_SALES_WHERE).
    const open = this.db
      .prepare(
        `SELECT MIN(created_ms) AS oldest,
                (SELECT COALESCE(SUM(amount_fen), 0) FROM offline_queue WHERE ${openSalesWhere(this.scope)}) AS total
           FROM offline_queue WHERE forwarded_at IS NULL AND ${this.mine}`,
      )
      .get() as {
      total: number;
      oldest: number | null;
    };
    // A voided sale is no sale: it counts toward neither the card's daily count nor its amount.
    const today = this.db
      .prepare(
        `SELECT COUNT(*) AS n, COALESCE(SUM(amount_fen), 0) AS fen FROM offline_queue
          WHERE card_key = ? AND day = ? AND kind = 'sale'
            AND NOT EXISTS (SELECT 1 FROM offline_queue v WHERE v.kind = 'void' AND v.orig_stan = offline_queue.stan)`,
      )
      .get(key, storeDay(nowMs, this.config.dayOffsetMinutes)) as { n: number; fen: number };
    const bal = this.db.prepare('SELECT balance_fen FROM offline_balances WHERE card_key = ?').get(key) as
      { balance_fen: number } | undefined;
    const since = nowMs - this.config.velocityWindowSeconds * 1000;
    const presentations = (
      this.db
        .prepare('SELECT at_ms FROM offline_presentations WHERE card_key = ? AND at_ms > ?')
        .all(key, since) as Array<{ at_ms: number }>
    ).map((r) => r.at_ms);
    const block = this.db.prepare('SELECT until_ms FROM offline_blocks WHERE card_key = ?').get(key) as
      { until_ms: number } | undefined;
    return {
      cardKey: key,
      amountFen,
      now: nowMs,
      unforwardedTotalFen: open.total,
      oldestUnforwardedAt: open.oldest,
      cardTodayCount: today.n,
      cardTodayFen: today.fen,
      hotCard:
        this.db.prepare(`SELECT 1 FROM offline_hotcards WHERE card_key = ? AND ${this.mine}`).get(key) !==
        undefined,
      knownBalanceFen: bal ? bal.balance_fen : null,
      presentations,
      blockedUntil: block ? block.until_ms : null,
      passwordCard:
        this.db.prepare('SELECT 1 FROM offline_password_cards WHERE card_key = ?').get(key) !== undefined,
    };
  }

  /** Records a presentation of the card for the velocity rule (and a block when it tripped). */
  notePresentation(cardKey: string, blockUntil: number | null): void {
    const nowMs = this.now().getTime();
    this.db.transaction(() => {
      this.db
        .prepare('INSERT INTO offline_presentations (card_key, at_ms) VALUES (?, ?)')
        .run(cardKey, nowMs);
      // Old marks are of no use to any rule: keep the table small.
      this.db
        .prepare('DELETE FROM offline_presentations WHERE at_ms <= ?')
        .run(nowMs - this.config.velocityWindowSeconds * 1000);
      if (blockUntil !== null)
        this.db
          .prepare(
            'INSERT INTO offline_blocks (card_key, until_ms) VALUES (?, ?) ON CONFLICT(card_key) DO UPDATE SET until_ms = excluded.until_ms',
          )
          .run(cardKey, blockUntil);
    })();
  }

  /** The issuer asked this card's password: it is never approved offline from now on. */
  notePasswordCard(pan: string): void {
    this.db
      .prepare('INSERT OR IGNORE INTO offline_password_cards (card_key, seen_at) VALUES (?, ?)')
      .run(this.cardKey(pan), this.now().toISOString());
  }

  /** A balance the issuer reported for this card (online sale, inquiry, advice result). */
  noteBalance(pan: string, balanceFen: number): void {
    this.noteBalanceByKey(this.cardKey(pan), balanceFen);
  }

  private noteBalanceByKey(key: string, balanceFen: number): void {
    this.db
      .prepare(
        'INSERT INTO offline_balances (card_key, balance_fen, seen_at) VALUES (?, ?, ?) ON CONFLICT(card_key) DO UPDATE SET balance_fen = excluded.balance_fen, seen_at = excluded.seen_at',
      )
      .run(key, balanceFen, this.now().toISOString());
  }

  // ── the queue ───────────────────────────────────────────────────────────────────────────────

  /**
   * Queues an offline approval. MUST run inside the caller's transaction that finalizes the txns
   * row and appends its journal record (DESIGN.md promise 3): all three are on disk, or none.
   */
  /** `issuerId`: the issuer the advice goes to (src/main/issuer/router.ts); default this store's. */
  enqueue(
    advice: AdviceItem,
    cardKey: string,
    overrideBy: string | undefined,
    issuerId = this.scope.issuerId,
  ): void {
    if (!this.db.inTransaction)
      throw new Error('enqueue must run inside the transaction that journals the sale');
    const at = this.now();
    const isVoid = advice.kind === 'void';
    this.db
      .prepare(
        'INSERT INTO offline_queue (stan, kind, orig_stan, card_key, amount_fen, day, advice_enc, override_by, created_at, created_ms, issuer_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)',
      )
      .run(
        advice.stan,
        isVoid ? 'void' : 'sale',
        advice.origStan ?? null,
        cardKey,
        advice.amountFen,
        storeDay(at.getTime(), this.config.dayOffsetMinutes),
        this.sealer.sealRequest(advice),
        overrideBy ?? null,
        at.toISOString(),
        at.getTime(),
        issuerId,
      );
    // The last-known balance follows: a sale spends it, a void gives the sale's amount back.
    this.db
      .prepare('UPDATE offline_balances SET balance_fen = MAX(balance_fen - ?, 0) WHERE card_key = ?')
      .run(isVoid ? -advice.amountFen : advice.amountFen, cardKey);
  }

  /**
   * Where an offline approval's advice stands: `queued` (not at the issuer yet), `accepted`,
   * `rejected` (an exception), or undefined when the STAN has no advice (an online sale).
   */
  adviceState(stan: number): 'queued' | 'accepted' | 'rejected' | undefined {
    const r = this.db.prepare('SELECT forwarded_at, outcome FROM offline_queue WHERE stan = ?').get(stan) as
      { forwarded_at: string | null; outcome: 'accepted' | 'rejected' | null } | undefined;
    if (!r) return undefined;
    return r.forwarded_at === null ? 'queued' : (r.outcome ?? 'queued');
  }

  /** The oldest unforwarded advices, in STAN order. */
  nextBatch(limit: number): Array<QueuedAdvice & { advice: AdviceItem }> {
    const rows = this.db
      .prepare(
        `SELECT stan, amount_fen, card_key, advice_enc, attempts FROM offline_queue WHERE forwarded_at IS NULL AND ${this.mine} ORDER BY stan LIMIT ?`,
      )
      .all(limit) as QueuedAdvice[];
    return rows.map((r) => ({ ...r, advice: this.sealer.openRequest<AdviceItem>(r.advice_enc) }));
  }

  openCount(): number {
    return (
      this.db
        .prepare(`SELECT COUNT(*) AS n FROM offline_queue WHERE forwarded_at IS NULL AND ${this.mine}`)
        .get() as {
        n: number;
      }
    ).n;
  }

  markAttempt(stans: number[], error: string): void {
    const upd = this.db.prepare(
      'UPDATE offline_queue SET attempts = attempts + 1, last_error = ? WHERE stan = ?',
    );
    this.db.transaction(() => stans.forEach((s) => upd.run(error, s)))();
  }

  /**
   * Records the issuer's signed per-advice results in one transaction: accepted → forwarded;
   * refused → forwarded and an exception for the manager. Advices without a result stay queued.
   */
  recordResults(
    results: AdviceResult[],
    sent: ReadonlyArray<{ stan: number; card_key: string }>,
  ): { accepted: number; rejected: number } {
    const byStan = new Map(sent.map((s) => [s.stan, s]));
    let accepted = 0;
    let rejected = 0;
    const at = this.now().toISOString();
    this.db.transaction(() => {
      for (const r of results) {
        const q = byStan.get(r.stan);
        if (!q) continue; // not one of ours in this batch: ignore
        const ok = r.result === 'approved';
        const changed = this.db
          .prepare(
            'UPDATE offline_queue SET forwarded_at = ?, outcome = ?, issuer_code = ?, attempts = attempts + 1, last_error = NULL WHERE stan = ? AND forwarded_at IS NULL',
          )
          .run(at, ok ? 'accepted' : 'rejected', r.code ?? null, r.stan).changes;
        if (!changed) continue;
        if (r.balanceFen !== undefined) this.noteBalanceByKey(q.card_key, r.balanceFen);
        if (ok) accepted++;
        else {
          rejected++;
          const row = this.db.prepare('SELECT amount_fen, masked FROM txns WHERE stan = ?').get(r.stan) as
            { amount_fen: number; masked: string } | undefined;
          this.db
            .prepare(
              'INSERT OR IGNORE INTO offline_exceptions (stan, code, amount_fen, masked, created_at) VALUES (?, ?, ?, ?, ?)',
            )
            .run(r.stan, r.code ?? 'ISSUER_ERROR', row?.amount_fen ?? 0, row?.masked ?? '', at);
        }
      }
      if (accepted + rejected) this.setMeta('last_forward_at', at);
    })();
    return { accepted, rejected };
  }

  acknowledge(stan: number, by: string): boolean {
    return (
      this.db
        .prepare(
          'UPDATE offline_exceptions SET acknowledged_at = ?, acknowledged_by = ? WHERE stan = ? AND acknowledged_at IS NULL',
        )
        .run(this.now().toISOString(), by, stan).changes === 1
    );
  }

  // ── hot cards ───────────────────────────────────────────────────────────────────────────────

  hotcardsVersion(): number {
    return Number(this.getMeta('hotcards_version') ?? 0);
  }

  /** Applies a full list (replace) or a delta of this issuer's list, and its version, in one transaction. */
  applyHotcards(a: { version: number; full: boolean; add: string[]; remove: string[] }): void {
    this.db.transaction(() => {
      if (a.full) this.db.prepare(`DELETE FROM offline_hotcards WHERE ${this.mine}`).run();
      const ins = this.db.prepare(
        'INSERT OR IGNORE INTO offline_hotcards (issuer_id, card_key) VALUES (?, ?)',
      );
      const del = this.db.prepare(`DELETE FROM offline_hotcards WHERE card_key = ? AND ${this.mine}`);
      for (const pan of a.add) ins.run(this.scope.issuerId, this.cardKey(pan));
      for (const pan of a.remove) del.run(this.cardKey(pan));
      this.setMeta('hotcards_version', String(a.version));
    })();
  }

  // ── forwarder state (persisted so `cardtill queue status` can show it) ──────────────────────

  /** The forwarder's latest failure, with its time: the manager sees when, and whether it has passed since. */
  noteError(message: string): void {
    this.db.transaction(() => {
      this.setMeta('last_error', message);
      this.setMeta('last_error_at', this.now().toISOString());
    })();
  }

  getMeta<K extends keyof ForwarderMeta>(key: K): string | undefined {
    return (
      this.db.prepare('SELECT value FROM offline_meta WHERE key = ?').get(this.scope.metaPrefix + key) as
        { value: string } | undefined
    )?.value;
  }

  setMeta<K extends keyof ForwarderMeta>(key: K, value: string | null): void {
    const k = this.scope.metaPrefix + key;
    if (value === null) this.db.prepare('DELETE FROM offline_meta WHERE key = ?').run(k);
    else
      this.db
        .prepare(
          'INSERT INTO offline_meta (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value',
        )
        .run(k, value);
  }

  /** This issuer's queue as the manager sees it. */
  status(live?: { link?: LinkState; forwarding?: boolean }): QueueStatusBase {
    return queueStatus(this.db, this.config, this.now(), live, this.scope);
  }
}
