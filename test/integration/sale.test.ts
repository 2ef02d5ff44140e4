/**
 * The card sale slice on real parts: the issuer-sim over HTTP on loopback, a real SQLite file,
 * signed requests and responses, the journal.
 */
import { describe, it, expect, beforeEach, afterEach } from 'vitest';
import fs from 'node:fs';
import path from 'node:path';
import { startTestApp, type TestApp } from '../helpers/app';
import { demoCard, UNKNOWN_DEMO_PAN } from '../../src/issuer-sim/demo-cards';
import { canonicalBytes } from '../../src/shared/canonical-json';
import { chainHash, GENESIS_HASH, type JournalRow } from '../../src/main/journal/journal';

const ACTIVE = demoCard('active').pan;
const LOW = demoCard('low').pan;

let t: TestApp;
beforeEach(async () => {
  t = await startTestApp({
    config: { issuer: { enrolToken: 'demo-enrol-token', timeoutMs: 1500, attempts: 2 } } as never,
  });
  await t.signIn();
});
afterEach(async () => {
  await t.close();
});

describe('a card sale end to end', () => {
  it('a ¥12.50 sale lowers the issuer balance by exactly 1250 fen and shows the new balance', async () => {
    const before = t.issuerBalance(ACTIVE);
    const r = await t.call('sale.authorize', { cardToken: await t.card(ACTIVE), amountFen: 1250 });
    expect(r.status).toBe('approved');
    expect(r.amountFen).toBe(1250);
    expect(r.balanceFen).toBe(before - 1250);
    expect(t.issuerBalance(ACTIVE)).toBe(before - 1250);
    expect(r.masked).toBe('888801******0017');
    expect(t.app.issuerSim!.ledger.entries(ACTIVE)).toEqual([
      expect.objectContaining({ stan: r.stan, deltaFen: -1250, kind: 'sale' }),
    ]);
  });

  it('journals the sale, signed and chained, before answering', async () => {
    const r = await t.call('sale.authorize', { cardToken: await t.card(ACTIVE), amountFen: 1250 });
    const rows = t.app.db.prepare('SELECT * FROM journal ORDER BY seq').all() as JournalRow[];
    expect(rows).toHaveLength(1);
    const body = JSON.parse(rows[0].body);
    expect(body).toMatchObject({
      stan: r.stan,
      type: 'sale',
      status: 'approved',
      amountFen: 1250,
      balanceFen: r.balanceFen,
      masked: '888801******0017',
      prevHash: GENESIS_HASH,
    });
    expect(body.panEnc).toBeTruthy();
    const bytes = canonicalBytes(body);
    expect(rows[0].hash).toBe(chainHash(GENESIS_HASH, bytes));
    expect(t.app.keys.verifierFor(rows[0].key_version)!.verify(bytes, new Uint8Array(rows[0].sig))).toBe(
      true,
    );
    // Any change to the body breaks the signature.
    const forged = canonicalBytes({ ...body, amountFen: 1 });
    expect(t.app.keys.verifierFor(rows[0].key_version)!.verify(forged, new Uint8Array(rows[0].sig))).toBe(
      false,
    );
  });

  it('a receipt shows merchant, terminal, time, STAN, last 4, amount and balance', async () => {
    const r = await t.call('sale.authorize', { cardToken: await t.card(ACTIVE), amountFen: 1250 });
    const rc = await t.call('receipt.get', { stan: r.stan });
    const text = rc.doc.lines
      .map((l) => (l.type === 'text' ? l.text : l.type === 'pair' ? `${l.left} ${l.right}` : ''))
      .join('\n');
    expect(text).toContain(t.app.config.merchantId);
    expect(text).toContain(t.app.config.terminalId);
    expect(text).toContain(String(r.stan).padStart(6, '0'));
    expect(text).toContain('**** 0017');
    expect(text).not.toContain(ACTIVE);
    expect(text).toContain('¥12.50');
    expect(text).toContain(
      `¥${((r.balanceFen ?? 0) / 100).toLocaleString('en-US', { minimumFractionDigits: 2 })}`,
    );
    expect(text).toMatch(/\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}/);
  });

  it('balance inquiry answers the issuer balance and moves no money', async () => {
    const r = await t.call('balance.inquiry', { cardToken: await t.card(ACTIVE) });
    expect(r).toMatchObject({
      type: 'inquiry',
      status: 'approved',
      balanceFen: demoCard('active').balanceFen,
    });
    expect(t.issuerBalance(ACTIVE)).toBe(demoCard('active').balanceFen);
  });

  it('insufficient balance is declined with the balance, then completed by split tender', async () => {
    const token = await t.card(LOW);
    const d = await t.call('sale.authorize', { cardToken: token, amountFen: 1250 });
    expect(d).toMatchObject({ status: 'declined', declineCode: 'INSUFFICIENT_BALANCE', balanceFen: 800 });
    expect(t.issuerBalance(LOW)).toBe(800);
    // The card stays presented after a decline, so the cashier can split without a new swipe.
    const s = await t.call('sale.authorize', { cardToken: token, amountFen: 800, otherTenderFen: 450 });
    expect(s).toMatchObject({ status: 'approved', amountFen: 800, otherTenderFen: 450, balanceFen: 0 });
    expect(t.issuerBalance(LOW)).toBe(0);
  });

  it.each([
    ['lost', 'CARD_LOST'],
    ['frozen', 'CARD_FROZEN'],
    ['expired', 'CARD_EXPIRED'],
    ['inactive', 'CARD_NOT_ACTIVATED'],
  ])('a %s card is declined as %s and nothing is debited', async (name, code) => {
    const pan = demoCard(name).pan;
    const before = t.issuerBalance(pan);
    const r = await t.call('sale.authorize', { cardToken: await t.card(pan), amountFen: 100 });
    expect(r).toMatchObject({ status: 'declined', declineCode: code });
    expect(t.issuerBalance(pan)).toBe(before);
  });

  it('an unknown card is declined', async () => {
    const r = await t.call('sale.authorize', { cardToken: await t.card(UNKNOWN_DEMO_PAN), amountFen: 100 });
    expect(r).toMatchObject({ status: 'declined', declineCode: 'CARD_UNKNOWN' });
  });

  it('issuer unreachable (link cut) is declined without charging and needs no reversal', async () => {
    t.app.link.setCut(true);
    const r = await t.call('sale.authorize', { cardToken: await t.card(ACTIVE), amountFen: 1250 });
    // Offline policy (issue 4): a card this terminal never saw online cannot be approved offline.
    expect(r).toMatchObject({ status: 'declined', declineCode: 'OFFLINE_BALANCE_UNKNOWN' });
    expect(t.issuerBalance(ACTIVE)).toBe(demoCard('active').balanceFen);
    expect(t.app.db.prepare('SELECT COUNT(*) AS n FROM reversals').get()).toEqual({ n: 0 });
  });

  it('issuer host down (connection refused): never sent, so the offline policy decides, no reversal', async () => {
    await t.app.issuerSim!.close();
    // Drop the link's kept-alive sockets to the closed issuer, so the sale opens a new connection and
    // is refused for certain (a kept-alive socket reset mid-request is the lost-answer case below).
    t.app.link.close();
    const r = await t.call('sale.authorize', { cardToken: await t.card(ACTIVE), amountFen: 1250 });
    // Refused means the request never left: no reversal; the card was never seen online.
    expect(r).toMatchObject({ status: 'declined', declineCode: 'OFFLINE_BALANCE_UNKNOWN' });
    expect(t.app.db.prepare('SELECT COUNT(*) AS n FROM reversals').get()).toEqual({ n: 0 });
  });

  it('the same request sent twice is debited once (idempotency by terminal id + STAN)', async () => {
    const msg = {
      type: 'authorize',
      terminalId: t.app.config.terminalId,
      merchantId: t.app.config.merchantId,
      stan: 900001,
      time: new Date().toISOString(),
      nonce: 'ab'.repeat(16),
      card: { pan: ACTIVE, entryMode: 'wedge' },
      amountFen: 1250,
      otherTenderFen: 0,
    };
    const a = await t.app.link.send(msg);
    const b = await t.app.link.send(msg);
    expect(a.result).toBe('approved');
    expect(b).toEqual(a);
    expect(t.issuerBalance(ACTIVE)).toBe(demoCard('active').balanceFen - 1250);
    // A different request under the used STAN is refused, not applied.
    const c = await t.app.link.send({ ...msg, amountFen: 1, nonce: 'cd'.repeat(16) });
    expect(c).toMatchObject({ result: 'declined', code: 'DUPLICATE_STAN' });
    expect(t.issuerBalance(ACTIVE)).toBe(demoCard('active').balanceFen - 1250);
  });

  it.each(['tamper-balance', 'unsigned', 'wrong-key', 'replay'] as const)(
    'a %s issuer answer is a decline, an alert, and the debit is reversed',
    async (fault) => {
      if (fault === 'replay')
        await t.call('balance.inquiry', { cardToken: await t.card(demoCard('gift').pan) });
      t.app.issuerSim!.setFault(fault);
      const r = await t.call('sale.authorize', { cardToken: await t.card(ACTIVE), amountFen: 1250 });
      expect(r).toMatchObject({ status: 'declined', declineCode: 'ISSUER_BAD_SIGNATURE' });
      expect(t.app.log.recent(20).join('\n')).toMatch(/ALERT issuer answer rejected/);
      // The issuer did debit; the queued reversal gives it back once the link is honest again.
      t.app.issuerSim!.setFault('none');
      expect(await t.app.jobs.drain('reversal')).toBe(0);
      expect(t.issuerBalance(ACTIVE)).toBe(demoCard('active').balanceFen);
    },
  );

  it('a lost answer is retried with the same STAN, then reversed: never left processing', async () => {
    t.app.issuerSim!.setFault('drop-response');
    const r = await t.call('sale.authorize', { cardToken: await t.card(ACTIVE), amountFen: 1250 });
    expect(r).toMatchObject({ status: 'declined', declineCode: 'ISSUER_UNREACHABLE' });
    expect(t.issuerBalance(ACTIVE)).toBe(demoCard('active').balanceFen - 1250); // applied once, not twice
    t.app.issuerSim!.setFault('none');
    expect(await t.app.jobs.drain('reversal')).toBe(0);
    expect(t.issuerBalance(ACTIVE)).toBe(demoCard('active').balanceFen);
    const applied = t.app.issuerSim!.ledger.applied(t.app.config.terminalId);
    expect(applied.find((a) => a.stan === r.stan)).toMatchObject({ result: 'approved', reversed: true });
  });

  it('never writes a card number in clear to the database files', async () => {
    await t.call('sale.authorize', { cardToken: await t.card(ACTIVE), amountFen: 1250 });
    t.app.issuerSim!.setFault('drop-response'); // makes a queued reversal with a sealed request too
    await t.call('sale.authorize', { cardToken: await t.card(ACTIVE), amountFen: 100 });
    for (const f of fs.readdirSync(t.dataDir)) {
      const p = path.join(t.dataDir, f);
      if (!fs.statSync(p).isFile()) continue;
      expect(fs.readFileSync(p).includes(Buffer.from(ACTIVE)), f).toBe(false);
    }
    expect(fs.readFileSync(path.join(t.dataDir, 'logs/cardtill.log'), 'utf8')).not.toContain(ACTIVE);
  });
});

describe('recovery after a crash', () => {
  it('a transaction left pending is declined and reversed on restart', async () => {
    const dataDir = t.dataDir;
    const store = (t.app.terminal.opts as { store: import('../../src/main/terminal/txn-store').TxnStore })
      .store;
    // What a crash between "recorded as pending" and "answer journaled" leaves behind, after the
    // request did reach the issuer:
    const { stan, request } = store.createPending({
      type: 'sale',
      amountFen: 500,
      otherTenderFen: 0,
      masked: 'x',
      pan: ACTIVE,
      entryMode: 'wedge',
      buildRequest: (s) => ({
        type: 'authorize',
        terminalId: t.app.config.terminalId,
        merchantId: t.app.config.merchantId,
        stan: s,
        time: new Date().toISOString(),
        nonce: 'ef'.repeat(16),
        card: { pan: ACTIVE, entryMode: 'wedge' },
        amountFen: 500,
        otherTenderFen: 0,
      }),
    });
    await t.app.link.send(request as never);
    expect(t.issuerBalance(ACTIVE)).toBe(demoCard('active').balanceFen - 500);
    await t.app.close();
    const again = await startTestApp({ dataDir });
    try {
      expect(again.app.db.prepare('SELECT status, decline_code FROM txns WHERE stan = ?').get(stan)).toEqual({
        status: 'declined',
        decline_code: 'ISSUER_UNREACHABLE',
      });
      expect(await again.app.jobs.drain('reversal')).toBe(0);
      expect(again.issuerBalance(ACTIVE)).toBe(demoCard('active').balanceFen);
    } finally {
      t = again;
    }
  });
});
