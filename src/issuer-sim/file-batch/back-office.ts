/**
 * The issuer's back office of a file-batch issuer (区域性商超), for tests and the demo: it fills
 * the exchange directory as a real one would and reads what the terminal writes there.
 *
 *   publishHotlist / publishBalances — signed lists from its ledger (lost and frozen cards; every
 *     active card's balance, with `reflects` naming the last transaction file of each terminal
 *     the balances include)
 *   processTransactionFiles — every terminal file not yet acknowledged: the terminal's SM2
 *     signature checked against the key of the version the header names, each line applied once
 *     to the ledger (the ledger's (terminal, STAN) idempotency record — a line seen again gets
 *     its first answer and moves nothing), then the signed acknowledgement file.
 *
 * It imports nothing from src/main: the format is src/shared/file-batch-format.ts.
 */
import fs from 'node:fs';
import path from 'node:path';
import { sm2Signer, sm2Verifier, sm3, toHex, fromHex } from '../../shared/crypto';
import {
  buildFile,
  FileBatchError,
  FILE_NAMES,
  NAME_PATTERNS,
  parseFile,
  type AckRecord,
  type TxnRecord,
} from '../../shared/file-batch-format';
import type { IssuerLedger, Decision } from '../ledger';
import { MART_CARDS } from './cards';

export interface BackOfficeOptions {
  dir: string;
  /** The id the terminals' config gives this issuer entry (files carry it). */
  issuerId: string;
  ledger: IssuerLedger;
  /** The issuer's SM2 key (hex). */
  privateKeyHex: string;
  /** A terminal's public key of one version (04… bytes), or undefined when unknown. */
  terminalKey: (terminalId: string, keyVersion: number) => Uint8Array | undefined;
  now?: () => Date;
  log?: (line: string) => void;
}

export interface ProcessReport {
  /** Transaction files applied and acknowledged now: terminal, seq, lines accepted/refused. */
  acknowledged: Array<{ terminal: string; seq: number; accepted: number; refused: number }>;
  /** Files not applied (bad signature, unknown key, malformed): left where they are. */
  rejected: Array<{ file: string; reason: string }>;
}

const DAY_MS = 24 * 3600_000;

export class FileBatchBackOffice {
  private readonly signer: { sign(b: Uint8Array): Uint8Array; publicKey: Uint8Array };
  private readonly now: () => Date;

  constructor(private readonly o: BackOfficeOptions) {
    this.signer = sm2Signer(fromHex(o.privateKeyHex));
    this.now = o.now ?? (() => new Date());
    fs.mkdirSync(o.dir, { recursive: true });
    // Its own bookkeeping in the ledger's file: list versions and files acknowledged per terminal.
    o.ledger.db.exec(`
      CREATE TABLE IF NOT EXISTS fb_versions (issuer_id TEXT NOT NULL, kind TEXT NOT NULL, version INTEGER NOT NULL,
        PRIMARY KEY (issuer_id, kind));
      CREATE TABLE IF NOT EXISTS fb_files (issuer_id TEXT NOT NULL, terminal_id TEXT NOT NULL, seq INTEGER NOT NULL,
        sha TEXT NOT NULL, acked_at TEXT NOT NULL, PRIMARY KEY (issuer_id, terminal_id, seq));
    `);
  }

  /** One verifier per terminal key: building one costs ~0.3 s, and every file of a day is checked. */
  private readonly verifiers = new Map<string, ReturnType<typeof sm2Verifier>>();
  private verifierOf(key: Uint8Array): ReturnType<typeof sm2Verifier> {
    const hex = toHex(key);
    let v = this.verifiers.get(hex);
    if (!v) this.verifiers.set(hex, (v = sm2Verifier(key)));
    return v;
  }

  get publicKeyHex(): string {
    return toHex(this.signer.publicKey);
  }

  /** Seeds the mart demo cards into the ledger (once). */
  seedMartCards(): void {
    for (const c of MART_CARDS)
      if (!this.o.ledger.card(c.pan))
        this.o.ledger.upsertCard({
          pan: c.pan,
          status: c.status,
          balanceFen: c.balanceFen,
          expiry: c.expiry,
        });
  }

  private nextVersion(kind: string): number {
    const db = this.o.ledger.db;
    return db.transaction(() => {
      const r = db
        .prepare('SELECT version FROM fb_versions WHERE issuer_id = ? AND kind = ?')
        .get(this.o.issuerId, kind) as { version: number } | undefined;
      const v = (r?.version ?? 0) + 1;
      db.prepare(
        'INSERT INTO fb_versions (issuer_id, kind, version) VALUES (?, ?, ?) ON CONFLICT(issuer_id, kind) DO UPDATE SET version = excluded.version',
      ).run(this.o.issuerId, kind, v);
      return v;
    })();
  }

  private put(name: string, bytes: Uint8Array): string {
    const file = path.join(this.o.dir, name);
    const tmp = `${file}.tmp`;
    fs.writeFileSync(tmp, bytes);
    fs.renameSync(tmp, file); // a reader never sees half a file
    return file;
  }

  /** Writes the hot list (lost and frozen cards) as the next version; returns its path. */
  publishHotlist(o: { validForMs?: number } = {}): string {
    const rows = this.o.ledger.db
      .prepare("SELECT pan FROM cards WHERE status IN ('lost', 'frozen') ORDER BY pan")
      .all() as Array<{ pan: string }>;
    const at = this.now();
    const version = this.nextVersion('hotlist');
    const bytes = buildFile(
      'hotlist',
      {
        issuer: this.o.issuerId,
        version,
        createdAt: at.toISOString(),
        validUntil: new Date(at.getTime() + (o.validForMs ?? DAY_MS)).toISOString(),
      },
      rows,
      (b) => this.signer.sign(b),
    );
    return this.put(FILE_NAMES.hotlist(this.o.issuerId, version), bytes);
  }

  /** Writes every active card's balance as the next version; returns its path. */
  publishBalances(o: { validForMs?: number } = {}): string {
    const db = this.o.ledger.db;
    const rows = db
      .prepare("SELECT pan, balance_fen FROM cards WHERE status = 'active' ORDER BY pan")
      .all() as Array<{ pan: string; balance_fen: number }>;
    const reflects: Record<string, number> = {};
    for (const r of db
      .prepare('SELECT terminal_id, MAX(seq) AS seq FROM fb_files WHERE issuer_id = ? GROUP BY terminal_id')
      .all(this.o.issuerId) as Array<{ terminal_id: string; seq: number }>)
      reflects[r.terminal_id] = r.seq;
    const at = this.now();
    const version = this.nextVersion('balances');
    const bytes = buildFile(
      'balances',
      {
        issuer: this.o.issuerId,
        version,
        createdAt: at.toISOString(),
        validUntil: new Date(at.getTime() + (o.validForMs ?? DAY_MS)).toISOString(),
        reflects,
      },
      rows.map((r) => ({ pan: r.pan, balanceFen: r.balance_fen })),
      (b) => this.signer.sign(b),
    );
    return this.put(FILE_NAMES.balances(this.o.issuerId, version), bytes);
  }

  /** Applies and acknowledges every terminal transaction file not acknowledged yet. */
  processTransactionFiles(): ProcessReport {
    const report: ProcessReport = { acknowledged: [], rejected: [] };
    const db = this.o.ledger.db;
    for (const name of fs.readdirSync(this.o.dir).sort()) {
      const m = NAME_PATTERNS.transactions.exec(name);
      if (!m) continue;
      const [terminalId, seq] = [m[1]!, Number(m[2])];
      const done = db
        .prepare('SELECT sha FROM fb_files WHERE issuer_id = ? AND terminal_id = ? AND seq = ?')
        .get(this.o.issuerId, terminalId, seq) as { sha: string } | undefined;
      const bytes = fs.readFileSync(path.join(this.o.dir, name));
      if (done) {
        if (done.sha !== toHex(sm3(bytes)))
          report.rejected.push({
            file: name,
            reason: 'a different file under an acknowledged sequence number',
          });
        continue;
      }
      try {
        const p = parseFile(bytes, 'transactions', {
          // The key of the version the (signed) header names: a header edited to name another
          // version no longer verifies under either.
          verify: (body, sig) => {
            const kv = /\nkey=(\d{1,7})\n/.exec(Buffer.from(body).toString('latin1'));
            const key = kv ? this.o.terminalKey(terminalId, Number(kv[1])) : undefined;
            return key !== undefined && this.verifierOf(key).verify(body, sig);
          },
        });
        const h = p.header;
        if (h.issuer !== this.o.issuerId) throw new FileBatchError('wrong-issuer', `issuer ${h.issuer}`);
        if (h.terminal !== terminalId || h.version !== seq)
          throw new FileBatchError('malformed', 'the header does not match the file name');
        const acks = db.transaction(() => {
          const out = p.records.map((r) => this.apply(terminalId, r));
          db.prepare(
            'INSERT INTO fb_files (issuer_id, terminal_id, seq, sha, acked_at) VALUES (?, ?, ?, ?, ?)',
          ).run(this.o.issuerId, terminalId, seq, toHex(sm3(bytes)), this.now().toISOString());
          return out;
        })();
        this.put(
          FILE_NAMES.ack(terminalId, seq),
          buildFile(
            'ack',
            {
              issuer: this.o.issuerId,
              terminal: terminalId,
              version: seq,
              file: seq,
              createdAt: this.now().toISOString(),
            },
            acks,
            (b) => this.signer.sign(b),
          ),
        );
        const refused = acks.filter((a) => a.result === 'refused').length;
        report.acknowledged.push({ terminal: terminalId, seq, accepted: acks.length - refused, refused });
        this.o.log?.(`file ${name}: ${acks.length - refused} accepted, ${refused} refused`);
      } catch (e) {
        if (!(e instanceof FileBatchError)) throw e;
        report.rejected.push({ file: name, reason: e.reason });
        this.o.log?.(`file ${name} not applied: ${e.reason}`);
      }
    }
    return report;
  }

  /** One line, applied at most once per (terminal, STAN): a line seen again gets its first answer. */
  private apply(terminalId: string, r: TxnRecord): AckRecord {
    const led = this.o.ledger;
    const type = r.type === 'sale' ? 'authorize' : r.type;
    const line = [r.stan, r.type, r.time, r.pan, r.amountFen, r.origStan ?? '', r.authCode].join(',');
    const { response } = led.idempotent(
      { terminalId, stan: r.stan, type, requestHash: toHex(sm3(new TextEncoder().encode(line))) },
      () => this.decide(terminalId, r),
      (d) => JSON.stringify(d),
    );
    const d = JSON.parse(response) as Decision;
    return {
      stan: r.stan,
      result: d.result === 'approved' ? 'accepted' : 'refused',
      code: d.result === 'approved' ? null : (d.code ?? 'ISSUER_ERROR'),
      balanceFen: d.balanceFen ?? null,
    };
  }

  private decide(terminalId: string, r: TxnRecord): Decision {
    const led = this.o.ledger;
    if (r.type === 'sale') {
      const c = led.checkCard(r.pan);
      if ('decline' in c) return c.decline;
      // The terminal approved it offline; the issuer's ledger has the last word.
      if (c.card.balance_fen < r.amountFen)
        return { result: 'declined', code: 'INSUFFICIENT_BALANCE', balanceFen: c.card.balance_fen };
      const after = led.debit(r.pan, terminalId, r.stan, r.amountFen, 'sale');
      return { result: 'approved', balanceFen: after, amountFen: r.amountFen, pan: r.pan };
    }
    if (!led.card(r.pan)) return { result: 'declined', code: 'CARD_UNKNOWN' };
    if (r.origStan !== null) {
      const orig = led.request(terminalId, r.origStan);
      if (!orig || orig.type !== 'authorize' || orig.result !== 'approved' || orig.pan !== r.pan)
        return { result: 'declined', code: 'NOT_FOUND' };
      if (r.amountFen > orig.amount_fen) return { result: 'declined', code: 'AMOUNT_EXCEEDS_ORIGINAL' };
    }
    const after = led.credit(r.pan, terminalId, r.stan, r.amountFen, r.type);
    return { result: 'approved', balanceFen: after, amountFen: r.amountFen, pan: r.pan };
  }
}
