/**
 * The link-fault test's reconciliation for sales that went to an ISO 8583 issuer: the terminal's
 * journal verifies and has nothing unfinished, and it agrees exactly with what the ISO face kept
 * in the shared ledger — every journaled approval is one applied, unreversed purchase at the host
 * (the ledger's key for it: terminal `iso8583:<41>`, STAN 60.2 × 1,000,000 + 11), every purchase
 * the host kept is a journaled approval (no 0400 missing), the same for voids (0200 `200000`), and
 * the money moved equals the money journaled (sales less voids).
 */
import type { Db } from '../../src/main/store/sqlite';
import type { IssuerLedger } from '../../src/issuer-sim/ledger';
import type { TerminalKeys } from '../../src/main/keys/terminal-keys';
import { verifyJournalChain } from './reconcile';

export interface IsoReconcileReport {
  approvals: number;
  voids: number;
  declined: number;
  reversalsSent: number;
  problems: string[];
}

export function reconcileIso(
  db: Db,
  ledger: IssuerLedger,
  terminalId: string,
  keys: Pick<TerminalKeys, 'verifierFor'>,
  batch = 1,
): IsoReconcileReport {
  const problems = verifyJournalChain(db, keys.verifierFor(1)!);
  const count = (sql: string) => (db.prepare(sql).get() as { n: number }).n;
  const pending = count("SELECT COUNT(*) AS n FROM txns WHERE status = 'pending'");
  if (pending) problems.push(`${pending} transaction(s) still pending`);
  const unsent = count('SELECT COUNT(*) AS n FROM reversals WHERE sent_at IS NULL');
  if (unsent) problems.push(`${unsent} reversal(s) never acknowledged`);

  type Body = { stan: number; type: string; status: string; amountFen: number; origStan?: number };
  const sales = new Map<number, Body>();
  const voids = new Map<number, Body>();
  for (const r of db.prepare('SELECT body FROM journal ORDER BY seq').all() as Array<{ body: string }>) {
    const b = JSON.parse(r.body) as Body;
    const into = b.type === 'sale' ? sales : b.type === 'void' ? voids : undefined;
    if (!into) continue;
    if (into.has(b.stan)) problems.push(`${b.type} stan ${b.stan} journaled twice`);
    into.set(b.stan, b);
  }
  const hostTid = `iso8583:${terminalId}`;
  const key = (stan: number) => batch * 1e6 + (stan % 1e6);
  const applied = new Map(ledger.applied(hostTid).map((a) => [a.stan, a]));
  let approvals = 0;
  let journaledFen = 0;
  const approvedKeys = new Set<number>();
  for (const [stan, s] of sales) {
    if (s.status !== 'approved') continue;
    approvals++;
    journaledFen += s.amountFen;
    approvedKeys.add(key(stan));
    const a = applied.get(key(stan));
    if (!a || a.type !== 'authorize' || a.result !== 'approved' || a.reversed || a.amountFen !== s.amountFen)
      problems.push(`approved sale stan ${stan} not applied once at the ISO host: ${JSON.stringify(a)}`);
  }
  let voidCount = 0;
  const voidedSales = new Set<number>();
  for (const [stan, v] of voids) {
    if (v.status !== 'approved') continue;
    voidCount++;
    journaledFen -= v.amountFen;
    approvedKeys.add(key(stan));
    const orig = sales.get(v.origStan ?? -1);
    if (!orig || orig.status !== 'approved' || orig.amountFen !== v.amountFen)
      problems.push(`void stan ${stan} of ${v.origStan} does not match an approved sale`);
    if (voidedSales.has(v.origStan!)) problems.push(`sale ${v.origStan} voided twice`);
    voidedSales.add(v.origStan!);
    const a = applied.get(key(stan));
    if (!a || a.type !== 'void' || a.result !== 'approved' || a.reversed || a.amountFen !== v.amountFen)
      problems.push(`approved void stan ${stan} not applied once at the ISO host: ${JSON.stringify(a)}`);
  }
  for (const a of applied.values())
    if (
      (a.type === 'authorize' || a.type === 'void') &&
      a.result === 'approved' &&
      !a.reversed &&
      !approvedKeys.has(a.stan)
    )
      problems.push(`ISO host kept ${a.type} ${a.stan} (${a.amountFen} fen) the terminal did not approve`);
  const moved = (
    ledger.db
      .prepare('SELECT COALESCE(SUM(delta_fen), 0) AS d FROM entries WHERE terminal_id = ?')
      .get(hostTid) as { d: number }
  ).d;
  if (-moved !== journaledFen)
    problems.push(`ISO host moved ${-moved} fen, journal approved ${journaledFen} fen`);
  return {
    approvals,
    voids: voidCount,
    declined: [...sales.values()].filter((s) => s.status === 'declined').length,
    reversalsSent: count('SELECT COUNT(*) AS n FROM reversals WHERE sent_at IS NOT NULL'),
    problems,
  };
}
