/**
 * The routing table's per-entry rules on real parts (a real issuer-sim over HTTP, the terminal's
 * real SQLite file): an entry that does not list refunds refuses one ISSUER_UNSUPPORTED, and a card
 * with a wrong check digit on a Luhn range is refused CARD_NUMBER_INVALID — both at the runner's
 * route step, before anything is written: no row, no STAN taken, no override asked (no audit
 * line), nothing sent (the sim's applied list and the card's balance are unchanged). The
 * technician's list (`tech.issuers`, `cardtill issuers`) shows the ranges' Luhn flag and the
 * operations; the journal record signs the row's issuer.
 */
import fs from 'node:fs';
import path from 'node:path';
import { execFile } from 'node:child_process';
import { describe, it, expect, afterEach } from 'vitest';
import { startTestApp, tempDir, type TestApp } from '../helpers/app';
import { demoCard } from '../../src/issuer-sim/demo-cards';
import { DEMO_ISO_ISSUER_ID } from '../../src/main/demo-iso-issuer';
import { startIssuerSim, type IssuerSim } from '../../src/issuer-sim/server';
import { firstRowDifference } from '../../src/main/journal/row-record';

const ACTIVE = demoCard('active').pan;
/** The active card's number with its check digit off by one: a misread, not another card. */
const MISREAD = ACTIVE.slice(0, -1) + String((Number(ACTIVE.at(-1)) + 1) % 10);
const MGR = { operatorId: '2001', pin: '8888' };

let t: TestApp | undefined;
let sim: IssuerSim | undefined;
afterEach(async () => {
  await t?.close();
  await sim?.close();
  t = sim = undefined;
});

describe('an issuer entry’s operations and Luhn range', () => {
  it('refuses an operation it does not list and a bad check digit before anything is written or sent', async () => {
    sim = await startIssuerSim({ dataDir: tempDir('cardtill-acme-'), enrolToken: 'demo-enrol-token' });
    const config = {
      issuers: [
        {
          id: 'acme',
          name: 'Acme Card Co',
          protocol: 'cardtill-json',
          url: sim.url,
          publicKey: sim.publicKeyHex,
          timeoutMs: 1500,
          attempts: 2,
          cardRanges: [{ range: ACTIVE.slice(0, 6), luhn: true }, '999'],
          operations: ['sale', 'inquiry', 'void'],
        },
      ],
    };
    t = await startTestApp({ config: config as never });
    const db = t.app.db;
    const terminalId = t.app.config.terminalId;
    const snapshot = () => ({
      rows: db.prepare('SELECT stan, type, status FROM txns ORDER BY stan').all(),
      nextStan: (db.prepare("SELECT value FROM meta WHERE key = 'next_stan'").get() as { value: string })
        .value,
      audit: (db.prepare('SELECT COUNT(*) AS n FROM audit_log').get() as { n: number }).n,
      applied: sim!.ledger.applied(terminalId),
      balance: sim!.ledger.card(ACTIVE)!.balance_fen,
    });

    await t.signIn();
    const sale = await t.call('sale.authorize', { cardToken: await t.card(ACTIVE), amountFen: 500 });
    expect(sale.status).toBe('approved');
    // The journal record signs the row's issuer: a row moved to another issuer on disk is refused.
    db.prepare("UPDATE txns SET issuer_id = 'other' WHERE stan = ?").run(sale.stan);
    expect((await t.callError('receipt.get', { stan: sale.stan })).code).toBe('JOURNAL_MISMATCH');
    expect(firstRowDifference(db)).toMatchObject({ stan: sale.stan, column: 'issuer_id', signed: 'acme' });
    db.prepare("UPDATE txns SET issuer_id = 'acme' WHERE stan = ?").run(sale.stan);
    expect((await t.call('receipt.get', { stan: sale.stan })).stan).toBe(sale.stan);
    expect(firstRowDifference(db)).toBeUndefined();
    const before = snapshot();
    expect(before.applied).toEqual([expect.objectContaining({ stan: sale.stan, type: 'authorize' })]);

    // Refunds are not in acme's list: linked or not, refused — the manager is not even asked.
    const linked = await t.callError('txn.refund', { origStan: sale.stan, amountFen: 100, override: MGR });
    expect(linked.code).toBe('ISSUER_UNSUPPORTED');
    const unlinked = await t.callError('txn.refund', {
      cardToken: await t.card(ACTIVE),
      amountFen: 100,
      override: MGR,
    });
    expect(unlinked.code).toBe('ISSUER_UNSUPPORTED');
    expect(snapshot()).toEqual(before);

    // The check digit is wrong and acme's range asks for Luhn: refused, never sent as a guess.
    const misread = await t.callError('sale.authorize', { cardToken: await t.card(MISREAD), amountFen: 500 });
    expect(misread.code).toBe('CARD_NUMBER_INVALID');
    expect(snapshot()).toEqual(before);

    // A cash-out (not listed either) asks the manager and the balance before its own run: the route
    // step is asked first, so neither the override nor the inquiry is used.
    const cashout = await t.callError('card.cashout', { cardToken: await t.card(ACTIVE), override: MGR });
    expect(cashout.code).toBe('ISSUER_UNSUPPORTED');
    expect(snapshot()).toEqual(before);

    // What the entry does list still runs: the next request takes the next STAN.
    const inquiry = await t.call('balance.inquiry', { cardToken: await t.card(ACTIVE) });
    expect(inquiry.stan).toBe(Number(before.nextStan));

    // The technician sees the rules: the contract answer, and the CLI from the same config file.
    await t.signIn('3001', '5555');
    const { issuers } = await t.call('tech.issuers', { echo: false });
    expect(issuers.map((i) => [i.cardRanges, i.ranges, i.operations])).toEqual([
      [
        [ACTIVE.slice(0, 6), '999'],
        [
          { range: ACTIVE.slice(0, 6), luhn: true },
          { range: '999', luhn: false },
        ],
        ['sale', 'inquiry', 'void'],
      ],
    ]);
    const cfg = path.join(t.dataDir, 'config.json');
    fs.writeFileSync(cfg, JSON.stringify(config));
    const out = await new Promise<string>((resolve, reject) =>
      execFile(
        process.execPath,
        ['bin/cardtill.mjs', 'issuers', '--data-dir', t!.dataDir, '--config', cfg, '--no-echo'],
        { encoding: 'utf8', timeout: 60_000 },
        (err, stdout, stderr) => (err ? reject(new Error(stderr + stdout)) : resolve(stdout)),
      ),
    );
    expect(out).toContain(`卡段 CARD RANGES ${ACTIVE.slice(0, 6)} (Luhn 校验位), 999`);
    expect(out).toContain('业务 OPERATIONS  sale, inquiry, void');
  });

  it('an ISO 8583 entry lists its protocol’s operations and its own sign-on time; an unlinked refund is refused', async () => {
    t = await startTestApp({ demoIsoIssuer: true, forwardMs: 3_600_000 });
    await t.signIn();
    const sale = await t.call('sale.authorize', {
      cardToken: await t.card(demoCard('iso-active').pan),
      amountFen: 100,
    });
    expect(sale.status).toBe('approved'); // signed on first (working keys), then the 0200
    await t.signIn('3001', '5555');
    const { issuers } = await t.call('tech.issuers', { echo: false });
    const iso = issuers.find((i) => i.issuerId === DEMO_ISO_ISSUER_ID)!;
    expect([iso.enrols, iso.operations]).toEqual([
      false,
      ['sale', 'inquiry', 'void', 'refund', 'activate', 'topup'],
    ]);
    expect(Date.parse(iso.lastSignOnAt!)).toBeLessThanOrEqual(Date.parse(sale.time));
    // Its refund names its original: an unlinked one is refused at the route step, nothing sent.
    const rows = () => t!.app.db.prepare('SELECT COUNT(*) AS n FROM txns').get();
    const before = rows();
    await t.signIn();
    const refused = await t.callError('txn.refund', {
      cardToken: await t.card(demoCard('iso-active').pan),
      amountFen: 100,
      override: MGR,
    });
    expect(refused).toMatchObject({ code: 'ISSUER_UNSUPPORTED' });
    expect(rows()).toEqual(before);
    const linked = await t.call('txn.refund', { origStan: sale.stan, amountFen: 100, override: MGR });
    expect(linked.result.status).toBe('approved');
  });
});
