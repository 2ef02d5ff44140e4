/**
 * The issuer router on real parts: a config `issuers` list pointing at a real issuer-sim over
 * HTTP, a card no range matches, issuer ids on every new row; and an existing data dir (rows and
 * a reversal sealed the old way) migrating and still recovering.
 */
import path from 'node:path';
import { describe, it, expect, afterEach } from 'vitest';
import { startTestApp, tempDir, type TestApp } from '../helpers/app';
import { demoCard } from '../../src/issuer-sim/demo-cards';
import { startIssuerSim, type IssuerSim } from '../../src/issuer-sim/server';
import { openDatabase } from '../../src/main/store/sqlite';
import { TERMINAL_MIGRATIONS } from '../../src/main/store/terminal-db';
import type { TxnStore } from '../../src/main/terminal/txn-store';

const ACTIVE = demoCard('active').pan;
const GIFT = demoCard('gift').pan;

let t: TestApp | undefined;
let sim: IssuerSim | undefined;
afterEach(async () => {
  await t?.close();
  await sim?.close();
  t = sim = undefined;
});

describe('issuers in config', () => {
  it('routes by card range, declines a card no issuer takes, and records the issuer on each row', async () => {
    sim = await startIssuerSim({ dataDir: tempDir('cardtill-acme-'), enrolToken: 'demo-enrol-token' });
    t = await startTestApp({
      config: {
        issuers: [
          {
            id: 'acme',
            name: 'Acme Card Co',
            protocol: 'cardtill-json',
            url: sim.url,
            publicKey: sim.publicKeyHex,
            timeoutMs: 1500,
            attempts: 2,
            cardRanges: [ACTIVE], // one card: the demo cards share their prefix
          },
        ],
      } as never,
    });
    await t.signIn();
    const ok = await t.call('sale.authorize', { cardToken: await t.card(ACTIVE), amountFen: 250 });
    expect(ok.status).toBe('approved');
    expect(sim.ledger.card(ACTIVE)!.balance_fen).toBe(demoCard('active').balanceFen - 250);
    const no = await t.call('sale.authorize', { cardToken: await t.card(GIFT), amountFen: 250 });
    expect(no).toMatchObject({ status: 'declined', declineCode: 'CARD_NOT_ACCEPTED' });
    expect(sim.ledger.card(GIFT)!.balance_fen).toBe(demoCard('gift').balanceFen); // nothing was sent
    const ids = t.app.db.prepare('SELECT stan, issuer_id FROM txns ORDER BY stan').all();
    expect(ids).toEqual([
      { stan: ok.stan, issuer_id: 'acme' },
      { stan: no.stan, issuer_id: 'none' },
    ]);
  });
});

describe('an existing data dir', () => {
  it('migrates (rows belong to the one configured issuer) and a reversal sealed the old way is still sent', async () => {
    const dataDir = tempDir();
    // The database as the previous release left it: every migration but the issuer ids.
    const old = openDatabase(
      path.join(dataDir, 'terminal.db'),
      TERMINAL_MIGRATIONS.filter((m) => !m.id.endsWith('-issuer-id')),
    );
    expect(
      old.prepare("SELECT COUNT(*) AS n FROM pragma_table_info('txns') WHERE name = 'issuer_id'").get(),
    ).toEqual({
      n: 0,
    });
    old.close();
    t = await startTestApp({ dataDir });
    for (const table of ['txns', 'reversals', 'offline_queue', 'offline_hotcards', 'batches', 'settlements'])
      expect(
        t.app.db
          .prepare(`SELECT dflt_value FROM pragma_table_info('${table}') WHERE name = 'issuer_id'`)
          .get(),
        table,
      ).toEqual({ dflt_value: "'default'" });
    await t.signIn();
    // A sale whose answer was lost, with the reversal the previous release queued for it: the
    // sealed request is its wire message, not a command.
    const before = t.issuerBalance(ACTIVE);
    t.app.issuerSim!.setFault('drop-response');
    const s = await t.call('sale.authorize', { cardToken: await t.card(ACTIVE), amountFen: 900 });
    t.app.issuerSim!.setFault('none');
    const store = (t.app.terminal.opts as { store: TxnStore }).store;
    const rev = t.app.db.prepare('SELECT stan FROM reversals WHERE orig_stan = ?').get(s.stan) as {
      stan: number;
    };
    const legacy = {
      type: 'reverse',
      terminalId: t.app.config.terminalId,
      merchantId: t.app.config.merchantId,
      stan: rev.stan,
      time: new Date().toISOString(),
      nonce: 'cd'.repeat(16),
      origStan: s.stan,
    };
    t.app.db
      .prepare('UPDATE reversals SET request_enc = ? WHERE stan = ?')
      .run(store.sealRequest(legacy), rev.stan);
    expect(await t.app.jobs.drain('reversal')).toBe(0);
    expect(t.issuerBalance(ACTIVE)).toBe(before);
    expect(t.app.db.prepare('SELECT status, issuer_id FROM txns WHERE stan = ?').get(s.stan)).toEqual({
      status: 'reversed',
      issuer_id: 'default',
    });
  });
});
