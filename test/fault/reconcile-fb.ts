/**
 * The file-batch crash loop's reconciliation (fb-crash-loop.test.ts): the terminal's journal
 * verifies and nothing is unfinished; its transaction files are numbered 1..N without a gap or a
 * repeat, each still the bytes first seen (never rewritten) under a terminal signature that
 * verifies, and recorded in the terminal with the same hash; every approved file-batch sale and
 * void is in exactly one line, as journaled, and no other row is; every file is acknowledged and
 * every line accepted; the back office's ledger applied exactly those lines once each, and each
 * card's balance there is its start less the lines' sales plus their voids.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { Db } from '../../src/shared/store/sqlite';
import type { IssuerLedger } from '../../src/issuer-sim/ledger';
import { sm3, toHex } from '../../src/shared/crypto';
import { NAME_PATTERNS, parseFile, type TxnRecord, type Verifier } from '../../src/shared/file-batch-format';
import { verifyJournalChain } from './reconcile';

export interface FbReconcileReport {
  files: number;
  lines: number;
  sales: number;
  voids: number;
  overridden: number;
  problems: string[];
}

export interface FbReconcileInput {
  db: Db;
  ledger: IssuerLedger;
  dir: string;
  issuerId: string;
  terminalId: string;
  /** The terminal's key: its journal and its files. */
  verifier: Verifier;
  /** Every transaction file's hash when the parent first saw it (between lives). */
  firstSeen: ReadonlyMap<string, string>;
  startFen: ReadonlyMap<string, number>;
}

export function reconcileFileBatch(i: FbReconcileInput): FbReconcileReport {
  const { db } = i;
  const problems = verifyJournalChain(db, i.verifier);
  const count = (sql: string, ...p: unknown[]) => (db.prepare(sql).get(...p) as { n: number }).n;
  const pending = count("SELECT COUNT(*) AS n FROM txns WHERE status = 'pending'");
  if (pending) problems.push(`${pending} transaction(s) still pending`);

  // The files: 1..N, never rewritten, signed, recorded with the same hash.
  const names = fs
    .readdirSync(i.dir)
    .filter((n) => NAME_PATTERNS.transactions.exec(n)?.[1] === i.terminalId)
    .sort();
  const lines = new Map<number, TxnRecord & { seq: number }>();
  names.forEach((name, k) => {
    const seq = Number(NAME_PATTERNS.transactions.exec(name)![2]);
    if (seq !== k + 1) problems.push(`file ${name} where seq ${k + 1} was due (gap or repeat)`);
    const bytes = fs.readFileSync(path.join(i.dir, name));
    const sha = toHex(sm3(bytes));
    const first = i.firstSeen.get(name);
    if (first !== undefined && first !== sha) problems.push(`file ${name} was rewritten`);
    const rec = db
      .prepare('SELECT sha, acked_at, written_at FROM filebatch_files WHERE issuer_id = ? AND seq = ?')
      .get(i.issuerId, seq) as
      { sha: string; acked_at: string | null; written_at: string | null } | undefined;
    if (!rec || rec.sha !== sha) problems.push(`file ${name} is not the one the terminal recorded`);
    if (!rec?.written_at || !rec.acked_at) problems.push(`file ${name} not written or not acknowledged`);
    try {
      const p = parseFile(bytes, 'transactions', i.verifier);
      if (p.header.version !== seq || p.header.terminal !== i.terminalId)
        problems.push(`file ${name}: header names seq ${p.header.version} of ${p.header.terminal}`);
      for (const r of p.records) {
        if (lines.has(r.stan))
          problems.push(`stan ${r.stan} in file ${lines.get(r.stan)!.seq} and in ${seq}`);
        lines.set(r.stan, { ...r, seq });
      }
    } catch (e) {
      problems.push(`file ${name}: ${(e as Error).message}`);
    }
  });
  const recorded = count('SELECT COUNT(*) AS n FROM filebatch_files WHERE issuer_id = ?', i.issuerId);
  if (recorded !== names.length)
    problems.push(`${recorded} files recorded, ${names.length} in the directory`);

  // Every approved sale and void of the issuer in exactly one line, as journaled; no other row.
  type Body = { stan: number; type: string; status: string; amountFen: number; origStan?: number };
  const latest = new Map<number, Body>();
  for (const r of db.prepare('SELECT body FROM journal ORDER BY seq').all() as Array<{ body: string }>) {
    const b = JSON.parse(r.body) as Body;
    latest.set(b.stan, b);
  }
  const rows = db
    .prepare(
      "SELECT stan, type, amount_fen, orig_stan FROM txns WHERE issuer_id = ? AND status = 'approved' AND type IN ('sale','void','refund')",
    )
    .all(i.issuerId) as Array<{ stan: number; type: string; amount_fen: number; orig_stan: number | null }>;
  const approved = new Set<number>();
  for (const r of rows) {
    approved.add(r.stan);
    const l = lines.get(r.stan);
    const j = latest.get(r.stan);
    if (!j || j.status !== 'approved' || j.amountFen !== r.amount_fen)
      problems.push(`stan ${r.stan} approved but not so journaled`);
    if (!l || l.type !== r.type || l.amountFen !== r.amount_fen || l.origStan !== r.orig_stan)
      problems.push(`approved ${r.type} stan ${r.stan} is not its file line: ${JSON.stringify(l ?? null)}`);
  }
  for (const stan of lines.keys())
    if (!approved.has(stan)) problems.push(`line for stan ${stan}, not approved`);
  const notAccepted = count(
    "SELECT COUNT(*) AS n FROM filebatch_file_rows WHERE issuer_id = ? AND (outcome IS NULL OR outcome != 'accepted')",
    i.issuerId,
  );
  if (notAccepted) problems.push(`${notAccepted} line(s) not accepted by the back office`);

  // The back office's ledger: those lines, applied once each; each card's money moved by them.
  const applied = new Map(i.ledger.applied(i.terminalId).map((a) => [a.stan, a]));
  for (const [stan, l] of lines) {
    const a = applied.get(stan);
    const type = l.type === 'sale' ? 'authorize' : l.type;
    if (!a || a.type !== type || a.result !== 'approved' || a.amountFen !== l.amountFen)
      problems.push(`line stan ${stan} not applied once at the back office: ${JSON.stringify(a ?? null)}`);
  }
  for (const stan of applied.keys())
    if (!lines.has(stan)) problems.push(`ledger applied stan ${stan}, in no line`);
  const moved = new Map<string, number>();
  for (const l of lines.values())
    moved.set(l.pan, (moved.get(l.pan) ?? 0) + (l.type === 'sale' ? -l.amountFen : l.amountFen));
  for (const [pan, start] of i.startFen) {
    const want = start + (moved.get(pan) ?? 0);
    const got = i.ledger.card(pan)?.balance_fen;
    if (got !== want) problems.push(`card …${pan.slice(-4)}: ledger ${got}, files say ${want}`);
  }
  const values = [...lines.values()];
  return {
    files: names.length,
    lines: lines.size,
    sales: values.filter((l) => l.type === 'sale').length,
    voids: values.filter((l) => l.type === 'void').length,
    overridden: count(
      'SELECT COUNT(*) AS n FROM filebatch_decisions d JOIN txns t ON t.stan = d.stan WHERE d.override_by IS NOT NULL AND t.status = ?',
      'approved',
    ),
    problems,
  };
}
