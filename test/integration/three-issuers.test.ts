/**
 * Issue 13's first proof, whole: one shift with a sale routed to each kind of issuer — a
 * cardtill-json host (the issuer-sim over HTTP), an iso8583-cup host (its ISO 8583 face over
 * loopback TCP, its TMK sealed in the data dir) and a file-batch issuer (signed files in a
 * directory, the back-office tool) — each debited at its own issuer once, and the Z with one
 * batch per issuer.
 */
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { startTestApp, tempDir, type TestApp } from '../helpers/app';
import { startIssuerSim, type IssuerSim } from '../../src/issuer-sim/server';
import { demoCard } from '../../src/issuer-sim/demo-cards';
import { IssuerLedger } from '../../src/issuer-sim/ledger';
import { FileBatchBackOffice } from '../../src/issuer-sim/file-batch/back-office';
import { martCard } from '../../src/issuer-sim/file-batch/cards';
import { sm2GenerateKeyPair, toHex } from '../../src/shared/crypto';
import { storeTmk } from '../../src/main/issuer/iso8583/tmk';
import { ISO_KEYSET, TMK_HEX, cupEntry, startIsoFace } from '../fault/harness';

const MGR = { operatorId: '2001', pin: '8888' };
const closers: Array<() => unknown> = [];
afterEach(async () => {
  for (const c of closers.splice(0).reverse()) await c();
});

describe('one shift, three kinds of issuer', () => {
  it('a sale to each is approved at its own issuer; the Z has a batch per issuer', async () => {
    const sim: IssuerSim = await startIssuerSim({
      dataDir: tempDir('cardtill-home-'),
      enrolToken: 'demo-enrol-token',
    });
    closers.push(() => sim.close());
    const { iso, check } = await startIsoFace(sim);
    closers.push(() => iso.close());
    const exch = tempDir('cardtill-exchange-');
    const ledger = new IssuerLedger(path.join(tempDir('cardtill-mart-'), 'mart.db'));
    closers.push(() => ledger.close());
    const issuerKey = sm2GenerateKeyPair();
    // The back office asks for the terminal's key once the terminal is up.
    const up: { t?: TestApp } = {};
    const bo = new FileBatchBackOffice({
      dir: exch,
      issuerId: 'mart',
      ledger,
      privateKeyHex: toHex(issuerKey.privateKey),
      terminalKey: (id, v) => (id === 'T0000001' ? up.t?.app.keys.publicKeys.get(v) : undefined),
    });
    bo.seedMartCards();
    const t = await startTestApp({
      forwardMs: 3_600_000,
      config: {
        issuers: [
          {
            id: 'home',
            name: 'Home',
            protocol: 'cardtill-json',
            url: sim.url,
            publicKey: sim.publicKeyHex,
            timeoutMs: 3000,
            attempts: 2,
            cardRanges: ['888801'],
          },
          cupEntry(iso.port, check, { name: 'CUP', timeoutMs: 3000, offline: { floorLimitFen: 0 } }),
          {
            id: 'mart',
            name: 'Mart',
            protocol: 'file-batch',
            url: pathToFileURL(exch).href,
            publicKey: toHex(issuerKey.publicKey),
            timeoutMs: 1000,
            attempts: 1,
            cardRanges: ['888803'],
          },
        ],
      } as never,
    });
    up.t = t;
    closers.push(() => t.close());
    // The technician's one-time TMK entry (`cardtill keys tmk`), sealed under the data key.
    storeTmk(t.dataDir, t.app.keys.dataKey, 'cup', ISO_KEYSET, TMK_HEX, check);
    await t.app.jobs.idle();
    await t.signIn(MGR.operatorId, MGR.pin);
    await t.call('shift.open', { openingFloatFen: 0 });
    bo.publishHotlist();
    bo.publishBalances();
    await t.call('fileBatch.sync', { writeNow: false });

    const cards = { home: demoCard('active'), cup: demoCard('iso-active'), mart: martCard('active') };
    const before = {
      home: sim.ledger.card(cards.home.pan)!.balance_fen,
      cup: sim.ledger.card(cards.cup.pan)!.balance_fen,
    };
    for (const [id, card] of Object.entries(cards)) {
      const s = await t.call('sale.authorize', { cardToken: await t.card(card.pan), amountFen: 300 });
      expect([id, s.status, s.offline]).toEqual([id, 'approved', false]);
      expect(t.app.db.prepare('SELECT issuer_id FROM txns WHERE stan = ?').get(s.stan)).toEqual({
        issuer_id: id,
      });
      if (id === 'mart') expect(s.balanceFen).toBe(cards.mart.balanceFen - 300);
    }
    // Each debited at its own issuer, once: the JSON and ISO faces share one ledger, the mart's
    // balance is its snapshot less this terminal's approvals.
    expect(sim.ledger.card(cards.home.pan)!.balance_fen).toBe(before.home - 300);
    expect(sim.ledger.card(cards.cup.pan)!.balance_fen).toBe(before.cup - 300);

    const { report } = await t.call('shift.close', { countedFen: 0 });
    expect(report.issuers?.map((p) => [p.issuerId, p.totals.sales.count, p.totals.sales.amountFen])).toEqual([
      ['home', 1, 300],
      ['cup', 1, 300],
      ['mart', 1, 300],
    ]);
    const status = Object.fromEntries(report.issuers!.map((p) => [p.issuerId, p.settlement?.status]));
    expect([status.home, status.cup]).toEqual(['settled', 'settled']);
    expect(report.totals.sales).toMatchObject({ count: 3, amountFen: 900 });
  });
});
