/**
 * What the fault tests assert after the storm: the terminal's journal verifies (sequence, SM3
 * chain, SM2 signatures), nothing is left unfinished, and the journal and the issuer's ledger
 * agree exactly — every journaled approval applied once at the issuer (online: authorize, offline:
 * advice), every debit the issuer kept is a journaled approval (no reversal missing), and the money
 * moved equals the money journaled. Card sales and top-ups the same way (each approved one credited
 * once, none the issuer kept that the till did not approve, every shelf card's balance the sum of
 * its journaled loads), and the cash: the drawer figure the X/Z computes equals the cash of every
 * journaled approval, counted here independently (a card load is paid in full, in cash).
 */
import type { Db } from '../../src/main/store/sqlite';
import { chainHash, GENESIS_HASH, type JournalRow } from '../../src/main/journal/journal';
import type { IssuerLedger } from '../../src/issuer-sim/ledger';
import { verifyJournal } from '../../src/main/journal/verify';
import type { TerminalKeys } from '../../src/main/keys/terminal-keys';
import { shiftTotals } from '../../src/main/shift/totals';

export interface ReconcileReport {
  journalRecords: number;
  approvals: number;
  offlineApprovals: number;
  /** Approved voids; `offlineVoids` of them were queued behind an offline sale. */
  voids: number;
  offlineVoids: number;
  /** Approved card sales (activations) and top-ups, and the cash taken for them. */
  activations: number;
  topups: number;
  loadCashFen: number;
  declined: number;
  reversalsSent: number;
  issuerRecords: number;
  problems: string[];
}

export function verifyJournalChain(
  db: Db,
  verifier: { verify(msg: Uint8Array, sig: Uint8Array): boolean },
): string[] {
  const problems: string[] = [];
  let prev = GENESIS_HASH;
  let seq = 0;
  const enc = new TextEncoder();
  for (const r of db.prepare('SELECT * FROM journal ORDER BY seq').iterate() as Iterable<JournalRow>) {
    if (r.seq !== ++seq) problems.push(`journal gap before seq ${r.seq}`);
    const bytes = enc.encode(r.body);
    const body = JSON.parse(r.body) as { prevHash: string; seq: number };
    if (r.prev_hash !== prev || body.prevHash !== prev) problems.push(`journal chain broken at seq ${r.seq}`);
    if (r.hash !== chainHash(prev, bytes)) problems.push(`journal hash wrong at seq ${r.seq}`);
    if (!verifier.verify(bytes, new Uint8Array(r.sig)))
      problems.push(`journal signature bad at seq ${r.seq}`);
    prev = r.hash;
    seq = r.seq;
  }
  return problems;
}

export function reconcile(
  db: Db,
  ledger: IssuerLedger,
  terminalId: string,
  keys: Pick<TerminalKeys, 'publicKey' | 'verifierFor'>,
  shelf: readonly string[] = [],
): ReconcileReport {
  // Twice, independently: this file's own walk, and the project's verifier (src/main/journal/verify.ts).
  const problems = verifyJournalChain(db, keys.verifierFor(1)!);
  const v = verifyJournal(db, new Map([[1, keys.publicKey]]));
  if (!v.ok) problems.push(`verifyJournal: ${JSON.stringify(v.firstBad)}`);
  const integrity = db.pragma('integrity_check', { simple: true });
  if (integrity !== 'ok') problems.push(`terminal integrity_check: ${String(integrity)}`);
  if (ledger.db.pragma('integrity_check', { simple: true }) !== 'ok')
    problems.push('issuer integrity_check failed');

  const bodies = (db.prepare('SELECT body FROM journal ORDER BY seq').all() as Array<{ body: string }>).map(
    (r) =>
      JSON.parse(r.body) as {
        stan: number;
        type: string;
        status: string;
        offline: boolean;
        amountFen: number;
        otherTenderFen: number;
        masked: string;
        origStan?: number;
      },
  );
  const sales = new Map<number, { status: string; offline: boolean; amountFen: number }>();
  for (const b of bodies) {
    if (b.type !== 'sale') continue;
    // One final outcome per sale; the only later record is `reversed`, once the issuer acknowledged
    // the reversal of a sale the till had declined (the money it had taken was given back).
    const prev = sales.get(b.stan);
    if (prev && !(prev.status === 'declined' && b.status === 'reversed'))
      problems.push(`sale stan ${b.stan} journaled twice`);
    sales.set(b.stan, b);
  }
  const pending = (
    db.prepare("SELECT COUNT(*) AS n FROM txns WHERE status = 'pending'").get() as { n: number }
  ).n;
  if (pending) problems.push(`${pending} transaction(s) still pending`);
  const unsentRev = (
    db.prepare('SELECT COUNT(*) AS n FROM reversals WHERE sent_at IS NULL').get() as { n: number }
  ).n;
  if (unsentRev) problems.push(`${unsentRev} reversal(s) never acknowledged`);
  const queued = (
    db.prepare('SELECT COUNT(*) AS n FROM offline_queue WHERE forwarded_at IS NULL').get() as { n: number }
  ).n;
  if (queued) problems.push(`${queued} advice(s) never forwarded`);
  const rejected = (
    db.prepare("SELECT COUNT(*) AS n FROM offline_queue WHERE outcome = 'rejected'").get() as { n: number }
  ).n;
  if (rejected) problems.push(`${rejected} advice(s) refused by the issuer`);

  const applied = new Map(ledger.applied(terminalId).map((a) => [a.stan, a]));
  let approvals = 0;
  let offlineApprovals = 0;
  let journaledFen = 0;
  for (const [stan, s] of sales) {
    if (s.status !== 'approved') continue;
    approvals++;
    journaledFen += s.amountFen;
    const a = applied.get(stan);
    const want = s.offline ? 'advice' : 'authorize';
    if (s.offline) offlineApprovals++;
    if (!a || a.type !== want || a.result !== 'approved' || a.reversed || a.amountFen !== s.amountFen)
      problems.push(
        `approved ${want} stan ${stan} (${s.amountFen} fen) not applied once at the issuer: ${JSON.stringify(a)}`,
      );
  }
  for (const a of applied.values()) {
    if ((a.type === 'authorize' || a.type === 'advice') && a.result === 'approved' && !a.reversed) {
      const s = sales.get(a.stan);
      if (!s || s.status !== 'approved')
        problems.push(
          `issuer kept ${a.type} stan ${a.stan} (${a.amountFen} fen) the terminal did not approve: reversal missing`,
        );
    }
  }
  // Voids: each approved one applied once at the issuer (online or as a queued void advice, both
  // recorded as `void`), never two for one sale, and none kept by the issuer that the terminal
  // did not approve.
  const voids = new Map<number, { status: string; offline: boolean; amountFen: number; origStan?: number }>();
  for (const b of bodies) if (b.type === 'void') voids.set(b.stan, b);
  const voidedSales = new Set<number>();
  let offlineVoids = 0;
  let voidCount = 0;
  for (const [stan, v] of voids) {
    if (v.status !== 'approved') continue;
    voidCount++;
    if (v.offline) offlineVoids++;
    journaledFen -= v.amountFen;
    const orig = sales.get(v.origStan ?? -1);
    if (!orig || orig.status !== 'approved' || orig.amountFen !== v.amountFen)
      problems.push(`void stan ${stan} of ${v.origStan} does not match an approved sale`);
    if (voidedSales.has(v.origStan!)) problems.push(`sale ${v.origStan} voided twice`);
    voidedSales.add(v.origStan!);
    const a = applied.get(stan);
    if (!a || a.type !== 'void' || a.result !== 'approved' || a.reversed || a.amountFen !== v.amountFen)
      problems.push(
        `approved void stan ${stan} (${v.amountFen} fen) not applied once at the issuer: ${JSON.stringify(a)}`,
      );
  }
  for (const a of applied.values()) {
    if (
      a.type === 'void' &&
      a.result === 'approved' &&
      !a.reversed &&
      voids.get(a.stan)?.status !== 'approved'
    )
      problems.push(`issuer kept void stan ${a.stan} (${a.amountFen} fen) the terminal did not approve`);
  }
  // Card sales and top-ups: one final outcome each (a later `reversed` only after a decline), each
  // approved one credited once at the issuer and paid in full in cash; none kept by the issuer
  // that the terminal did not approve (an activation without payment).
  const loads = new Map<number, (typeof bodies)[number]>();
  for (const b of bodies) {
    if (b.type !== 'activate' && b.type !== 'topup') continue;
    const prev = loads.get(b.stan);
    if (prev && !(prev.status === 'declined' && b.status === 'reversed'))
      problems.push(`${b.type} stan ${b.stan} journaled twice`);
    loads.set(b.stan, b);
  }
  let activations = 0;
  let topups = 0;
  let loadCashFen = 0;
  const loadedByLast4 = new Map<string, number>();
  for (const [stan, l] of loads) {
    if (l.status !== 'approved') continue;
    if (l.type === 'activate') activations++;
    else topups++;
    journaledFen -= l.amountFen;
    loadCashFen += l.otherTenderFen;
    if (l.otherTenderFen !== l.amountFen)
      problems.push(`${l.type} stan ${stan}: ${l.amountFen} fen loaded, ${l.otherTenderFen} fen paid`);
    const last4 = l.masked.slice(-4);
    loadedByLast4.set(last4, (loadedByLast4.get(last4) ?? 0) + l.amountFen);
    const a = applied.get(stan);
    if (!a || a.type !== l.type || a.result !== 'approved' || a.reversed || a.amountFen !== l.amountFen)
      problems.push(
        `approved ${l.type} stan ${stan} (${l.amountFen} fen) not applied once at the issuer: ${JSON.stringify(a)}`,
      );
  }
  for (const a of applied.values())
    if (
      (a.type === 'activate' || a.type === 'topup') &&
      a.result === 'approved' &&
      !a.reversed &&
      loads.get(a.stan)?.status !== 'approved'
    )
      problems.push(`issuer kept ${a.type} stan ${a.stan} (${a.amountFen} fen) the terminal did not approve`);
  // Every shelf card holds exactly what the journal loaded onto it, and is sold iff it holds value.
  for (const pan of shelf) {
    const c = ledger.card(pan);
    const want = loadedByLast4.get(pan.slice(-4)) ?? 0;
    if (!c || c.balance_fen !== want)
      problems.push(`shelf card …${pan.slice(-4)}: issuer balance ${c?.balance_fen}, journal loaded ${want}`);
    else if ((c.status === 'active') !== want > 0)
      problems.push(`shelf card …${pan.slice(-4)} is ${c.status} with ${want} fen loaded`);
  }
  // The drawer: the cash of every final approved record, by what each kind does with cash (an
  // oracle written out here, not read from the kinds table), against the X/Z's own figures.
  const finals = new Map<number, (typeof bodies)[number]>();
  for (const b of bodies) finals.set(b.stan, b);
  let journalCash = 0;
  const CASH_SIGN: Record<string, number> = { sale: 1, void: -1, activate: 1, topup: 1 };
  for (const b of finals.values()) {
    if (b.status !== 'approved' || !b.otherTenderFen) continue;
    if (!(b.type in CASH_SIGN))
      problems.push(`stan ${b.stan}: ${b.type} moved ${b.otherTenderFen} fen of cash`);
    journalCash += (CASH_SIGN[b.type] ?? 0) * b.otherTenderFen;
  }
  const maxStan = (db.prepare('SELECT COALESCE(MAX(stan), 0) AS s FROM txns').get() as { s: number }).s;
  const x = shiftTotals(db, 1, maxStan);
  if (x.netCashFen !== journalCash)
    problems.push(`the X/Z's drawer cash is ${x.netCashFen} fen, the journal's ${journalCash} fen`);
  const xLoadCash = (x.cardsSold?.cashFen ?? 0) + (x.topups?.cashFen ?? 0);
  if (xLoadCash !== loadCashFen)
    problems.push(
      `the X/Z's card-sale and top-up cash is ${xLoadCash} fen, the journal's ${loadCashFen} fen`,
    );
  if ((x.cardsSold?.count ?? 0) !== activations || (x.topups?.count ?? 0) !== topups)
    problems.push(
      `the X/Z counts ${x.cardsSold?.count} card sales / ${x.topups?.count} top-ups, the journal ${activations} / ${topups}`,
    );

  // Money: what the issuer moved for this terminal equals what the terminal journaled as approved.
  const moved = (
    ledger.db
      .prepare('SELECT COALESCE(SUM(delta_fen), 0) AS d FROM entries WHERE terminal_id = ?')
      .get(terminalId) as { d: number }
  ).d;
  if (-moved !== journaledFen)
    problems.push(`issuer moved ${-moved} fen, journal approved ${journaledFen} fen`);
  const perStan = ledger.db
    .prepare(
      "SELECT stan, SUM(CASE WHEN kind IN ('sale','advice') THEN 1 ELSE 0 END) AS debits FROM entries WHERE terminal_id = ? GROUP BY stan HAVING debits > 1",
    )
    .all(terminalId) as Array<{ stan: number }>;
  for (const p of perStan) problems.push(`stan ${p.stan} debited more than once`);
  const perLoad = ledger.db
    .prepare(
      "SELECT stan, COUNT(*) AS n FROM entries WHERE terminal_id = ? AND kind IN ('activate','topup') GROUP BY stan HAVING n > 1",
    )
    .all(terminalId) as Array<{ stan: number }>;
  for (const p of perLoad) problems.push(`stan ${p.stan} loaded onto a card more than once`);

  return {
    journalRecords: bodies.length,
    approvals,
    offlineApprovals,
    voids: voidCount,
    offlineVoids,
    activations,
    topups,
    loadCashFen,
    declined: [...sales.values()].filter((s) => s.status === 'declined' || s.status === 'reversed').length,
    reversalsSent: (
      db.prepare('SELECT COUNT(*) AS n FROM reversals WHERE sent_at IS NOT NULL').get() as { n: number }
    ).n,
    issuerRecords: applied.size,
    problems,
  };
}
