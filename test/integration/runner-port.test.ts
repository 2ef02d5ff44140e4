/**
 * The runner against another adapter: a scripted IssuerPort (what an ISO 8583 adapter would be to
 * the core — it sees only typed commands and answers) over the real TxnStore and SQLite file. Every
 * outcome the port can report ends in the row, journal and reversal the runner promises, and the
 * core never sees a wire byte.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openTerminalDb } from '../../src/main/store/terminal-db';
import { loadOrCreateTerminalKeys } from '../../src/main/keys/terminal-keys';
import { TxnStore } from '../../src/main/terminal/txn-store';
import { TransactionRunner } from '../../src/main/terminal/runner';
import { IssuerRouter } from '../../src/main/issuer/router';
import type { ExchangeOutcome, IssuerCommand, IssuerPort } from '../../src/main/issuer/port';
import type { Db } from '../../src/main/store/sqlite';

const PAN = '6222021234567890';

/** A port that answers from a script and records what it was asked (and how many attempts it was given). */
class ScriptedPort implements IssuerPort {
  readonly protocol = 'scripted';
  readonly sent: Array<{ cmd: IssuerCommand; attempts: number }> = [];
  constructor(private readonly next: (cmd: IssuerCommand) => ExchangeOutcome) {}
  exchange(cmd: IssuerCommand, attempts: number): Promise<ExchangeOutcome> {
    this.sent.push({ cmd, attempts });
    return Promise.resolve(this.next(cmd));
  }
  signOn(): Promise<never> {
    return Promise.reject(new Error('not used'));
  }
  setCut(): void {}
  isCut(): boolean {
    return false;
  }
}

let dataDir: string;
let db: Db;
let store: TxnStore;
const links: boolean[] = [];
beforeEach(() => {
  dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'cardtill-runner-'));
  const keys = loadOrCreateTerminalKeys(dataDir, { kind: 'passphrase', secret: 'runner-test' });
  db = openTerminalDb(dataDir);
  store = new TxnStore(db, keys.dataKey, keys, 'T0000001', () => new Date());
  links.length = 0;
});
afterEach(() => {
  db.close();
  fs.rmSync(dataDir, { recursive: true, force: true });
});

function runnerWith(port: IssuerPort, ranges = ['622202']) {
  const router = new IssuerRouter([
    { id: 'bank', name: 'Bank', port, attempts: 3, timeoutMs: 1000, cardRanges: ranges },
  ]);
  return new TransactionRunner({
    store,
    router,
    clock: () => new Date(),
    log: () => {},
    onLink: (up) => links.push(up),
  });
}
const card = { pan: PAN, entryMode: 'chip' };
const reversals = () => db.prepare('SELECT orig_stan, issuer_id FROM reversals').all();

describe('the runner over any issuer port', () => {
  it('approved: one Authorize command with the entry’s attempts; row, auth code and journal', async () => {
    const port = new ScriptedPort(() => ({
      kind: 'answer',
      answer: { result: 'approved', balanceFen: 900, authCode: 'A77', extra: {} },
    }));
    const row = await runnerWith(port).run({ kind: 'sale', card, amountFen: 100, otherTenderFen: 0 });
    expect(row).toMatchObject({ status: 'approved', auth_code: 'A77', balance_fen: 900, issuer_id: 'bank' });
    expect(port.sent).toEqual([
      {
        cmd: expect.objectContaining({ kind: 'authorize', stan: row.stan, amountFen: 100, card }),
        attempts: 3,
      },
    ]);
    // What was sealed for recovery is that command, not bytes of any protocol.
    expect(store.openCommand(row.request_enc!)).toEqual(port.sent[0]!.cmd);
    expect(db.prepare('SELECT COUNT(*) AS n FROM journal WHERE stan = ?').get(row.stan)).toEqual({ n: 1 });
    expect(links).toEqual([true]);
  });

  it('unknown after a forged answer: declined ISSUER_BAD_SIGNATURE with a Reverse queued for the same issuer', async () => {
    const port = new ScriptedPort(() => ({ kind: 'unknown', failure: 'bad-signature', detail: 'forged' }));
    const row = await runnerWith(port).run({ kind: 'refund', card, amountFen: 50, otherTenderFen: 0 });
    expect(row).toMatchObject({ status: 'declined', decline_code: 'ISSUER_BAD_SIGNATURE' });
    expect(reversals()).toEqual([{ orig_stan: row.stan, issuer_id: 'bank' }]);
    const [rev] = store.unsentReversals();
    expect(store.openCommand(rev!.request_enc)).toMatchObject({ kind: 'reverse', origStan: row.stan });
    expect(links).toEqual([false]);
  });

  it('an inquiry whose outcome is unknown is declined and never reversed (it moves no money)', async () => {
    const port = new ScriptedPort(() => ({ kind: 'unknown', failure: 'no-answer', detail: 'timeout' }));
    const row = await runnerWith(port).run({ kind: 'inquiry', card, amountFen: 0, otherTenderFen: 0 });
    expect(row).toMatchObject({ status: 'declined', decline_code: 'ISSUER_UNREACHABLE' });
    expect(reversals()).toEqual([]);
  });

  it('not sent: the offline decision is asked (offline-eligible kind), otherwise declined', async () => {
    const port = new ScriptedPort(() => ({ kind: 'not-sent', detail: 'refused' }));
    const runner = runnerWith(port);
    const asked: number[] = [];
    const sale = await runner.run({
      kind: 'sale',
      card,
      amountFen: 100,
      otherTenderFen: 0,
      offline: ({ stan }) => {
        asked.push(stan);
        return store.finalize(stan, { status: 'declined', declineCode: 'OFFLINE_FLOOR_LIMIT' });
      },
    });
    expect(asked).toEqual([sale.stan]);
    expect(sale.decline_code).toBe('OFFLINE_FLOOR_LIMIT');
    const voidRow = await runner.run({
      kind: 'void',
      card,
      amountFen: 100,
      otherTenderFen: 0,
      origStan: sale.stan,
    });
    expect(voidRow).toMatchObject({ status: 'declined', decline_code: 'ISSUER_UNREACHABLE' });
    expect(reversals()).toEqual([]); // the issuer cannot have seen either
  });

  it('a card no range takes is declined CARD_NOT_ACCEPTED without a command; a refused eligibility writes nothing', async () => {
    const port = new ScriptedPort(() => {
      throw new Error('must not be sent');
    });
    const runner = runnerWith(port, ['4']);
    const row = await runner.run({ kind: 'sale', card, amountFen: 100, otherTenderFen: 0 });
    expect(row).toMatchObject({ status: 'declined', decline_code: 'CARD_NOT_ACCEPTED', issuer_id: 'none' });
    const before = db.prepare('SELECT COUNT(*) AS n FROM txns').get();
    await expect(
      runner.run({
        kind: 'sale',
        card: { pan: '4111111111111111', entryMode: 'chip' },
        amountFen: 100,
        otherTenderFen: 0,
        eligibility: () => {
          throw Object.assign(new Error('no'), { code: 'OVERRIDE_REQUIRED' });
        },
      }),
    ).rejects.toMatchObject({ code: 'OVERRIDE_REQUIRED' });
    expect(db.prepare('SELECT COUNT(*) AS n FROM txns').get()).toEqual(before);
    expect(port.sent).toEqual([]);
  });
});
