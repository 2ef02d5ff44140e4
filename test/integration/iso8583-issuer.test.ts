/**
 * An `iso8583-cup` issuer entry end to end, through the real app in demo mode (startTestApp): the
 * embedded issuer-sim's JSON face over HTTP and its ISO 8583 face over loopback TCP on the same
 * ledger, a real SQLite file, the real job queue. Demo mode routes IIN 888802 to the ISO entry
 * ('iso-demo') and every other card to the JSON home issuer ('default').
 */
import fs from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { startTestApp, tempDir, type TestApp } from '../helpers/app';
import { demoCard } from '../../src/issuer-sim/demo-cards';
import { DEMO_ISO_ISSUER_ID } from '../../src/main/demo-iso-issuer';
import type { SettlementInfo } from '../../src/shared/contract/manager';

const JSON_CARD = demoCard('active').pan;
const ISO_CARD = demoCard('iso-active').pan;
const MGR = { operatorId: '2001', pin: '8888' };

const open: TestApp[] = [];
afterEach(async () => {
  for (const t of open.splice(0)) await t.close();
});

async function start(dataDir?: string, shift = false): Promise<TestApp> {
  const t = await startTestApp({
    ...(dataDir ? { dataDir } : {}),
    config: { issuer: { enrolToken: 'demo-enrol-token', timeoutMs: 3000, attempts: 2 } } as never,
    // No forwarder probe in the background: the job queue runs when the test says.
    forwardMs: 3_600_000,
    demoIsoIssuer: true,
  });
  open.push(t);
  // The start's own link probes (one per issuer lane) done first: a probe answered later would
  // flip that issuer's link back online and send a queued reversal before the test looks.
  await t.app.jobs.idle();
  if (shift) {
    await t.signIn('2001', '8888');
    await t.call('shift.open', { openingFloatFen: 10_000 });
  }
  await t.signIn();
  return t;
}

/**
 * Closes the open shift (the manager's count): one batch per issuer, each settled through its own
 * port at the close. Returns the ISO issuer's settlement and the whole Z.
 */
async function closeShift(
  t: TestApp,
): Promise<{ iso: SettlementInfo | null | undefined; statuses: unknown }> {
  await t.signIn('2001', '8888');
  const { report } = await t.call('shift.close', { countedFen: 10_000 });
  return {
    iso: report.issuers?.find((p) => p.issuerId === DEMO_ISO_ISSUER_ID)?.settlement,
    statuses: report.issuers?.map((p) => [p.issuerId, p.settlement?.status]),
  };
}

const isoEntry = (t: TestApp) => t.app.terminal.runner.router.byId(DEMO_ISO_ISSUER_ID);
const rowOf = (t: TestApp, stan: number) =>
  t.app.db.prepare('SELECT status, issuer_id, decline_code FROM txns WHERE stan = ?').get(stan) as {
    status: string;
    issuer_id: string;
    decline_code: string | null;
  };
const reversalOf = (t: TestApp, origStan: number) =>
  t.app.db.prepare('SELECT stan, sent_at FROM reversals WHERE orig_stan = ?').get(origStan) as
    { stan: number; sent_at: string | null } | undefined;
/** The ISO face's own record of a (batch, STAN) original. */
const hostRow = (t: TestApp, stan: number) =>
  t.app
    .issuerSim!.ledger.db.prepare(
      "SELECT name, rc, state FROM iso8583_txns WHERE terminal_id = 'T0000001' AND stan = ?",
    )
    .get(stan % 1_000_000) as { name: string; rc: string; state: string } | undefined;

describe('iso8583-cup entry in the app', () => {
  it('one shift: a sale to the JSON issuer and one to the ISO issuer, each debited once at its face; an ISO void', async () => {
    const t = await start(undefined, true);
    const jsonBefore = t.issuerBalance(JSON_CARD);
    const isoBefore = t.issuerBalance(ISO_CARD);

    const a = await t.call('sale.authorize', { cardToken: await t.card(JSON_CARD), amountFen: 1250 });
    const b = await t.call('sale.authorize', { cardToken: await t.card(ISO_CARD), amountFen: 2300 });
    expect([a.status, b.status]).toEqual(['approved', 'approved']);
    expect(b.balanceFen).toBe(isoBefore - 2300);
    expect(rowOf(t, a.stan).issuer_id).toBe('default');
    expect(rowOf(t, b.stan).issuer_id).toBe(DEMO_ISO_ISSUER_ID);
    expect(t.issuerBalance(JSON_CARD)).toBe(jsonBefore - 1250);
    expect(t.issuerBalance(ISO_CARD)).toBe(isoBefore - 2300);
    // The ISO sale went over the ISO face (its own record), the JSON one did not.
    expect(hostRow(t, b.stan)).toMatchObject({ name: 'purchase', rc: '00', state: 'ok' });
    expect(hostRow(t, a.stan)).toBeUndefined();

    // The void names the original by 37 / 38 / 61 from the adapter's table.
    const v = await t.call('txn.void', { origStan: b.stan, override: MGR });
    expect(v.result.status).toBe('approved');
    expect(t.issuerBalance(ISO_CARD)).toBe(isoBefore);
    expect(hostRow(t, b.stan)?.state).toBe('voided');
  });

  it('a terminal id shorter than 8 (41 comes back space-padded) is still this terminal’s answer', async () => {
    const t = await startTestApp({
      config: {
        terminalId: 'POS7',
        issuer: { enrolToken: 'demo-enrol-token', timeoutMs: 3000, attempts: 2 },
      } as never,
      forwardMs: 3_600_000,
      demoIsoIssuer: true,
    });
    open.push(t);
    await t.signIn();
    const s = await t.call('sale.authorize', { cardToken: await t.card(ISO_CARD), amountFen: 100 });
    expect(s.status).toBe('approved');
  });

  it('an ISO answer with a wrong MAC is no answer: declined, reversed by 0400, the ledger right', async () => {
    const t = await start();
    const before = t.issuerBalance(ISO_CARD);
    t.app.isoSim!.host.corruptAnswerMacs(1);
    const s = await t.call('sale.authorize', { cardToken: await t.card(ISO_CARD), amountFen: 700 });
    expect(s.status).toBe('declined');
    expect(rowOf(t, s.stan).decline_code).toBe('ISSUER_BAD_SIGNATURE');
    expect(reversalOf(t, s.stan)).toBeDefined();
    expect(await t.app.jobs.drain('reversal')).toBe(0);
    expect(reversalOf(t, s.stan)!.sent_at).not.toBeNull();
    expect(t.issuerBalance(ISO_CARD)).toBe(before);
    // The host had applied it (approved, only the MAC spoiled) and the 0400 undid it.
    expect(hostRow(t, s.stan)).toMatchObject({ rc: '00', state: 'reversed' });
  });

  it('a lost 0200 is reversed by 0400 after the terminal restarts; the ledger is right', async () => {
    const dataDir = tempDir();
    const t1 = await start(dataDir);
    // Signed on (the sign-on's own answer is not the one to lose).
    await t1.call('sale.authorize', { cardToken: await t1.card(ISO_CARD), amountFen: 100 });
    const before = t1.issuerBalance(ISO_CARD);
    // This run sends no reversal (an issuer's link coming back would send it at once): it must
    // be the restarted terminal that rebuilds the 0400 from what it wrote before sending.
    t1.app.jobs.stop();
    t1.app.isoSim!.host.dropAnswers(1);
    const s = await t1.call('sale.authorize', { cardToken: await t1.card(ISO_CARD), amountFen: 4200 });
    expect(s.status).toBe('declined');
    // Nothing more reaches the ISO host from this run: the reversal waits for the restart.
    isoEntry(t1).port.setCut(true);
    expect(t1.issuerBalance(ISO_CARD)).toBe(before - 4200);
    expect(reversalOf(t1, s.stan)?.sent_at ?? null).toBeNull();
    await t1.app.close();
    open.splice(open.indexOf(t1), 1);

    // Same data directory: the terminal's database and the simulator's ledger file survive.
    // (Its start already runs the reversal job: the 0400 may be answered by the time start returns.)
    const t2 = await start(dataDir);
    expect(await t2.app.jobs.drain('reversal')).toBe(0);
    expect(reversalOf(t2, s.stan)!.sent_at).not.toBeNull();
    expect(t2.issuerBalance(ISO_CARD)).toBe(before);
    expect(hostRow(t2, s.stan)?.state).toBe('reversed');
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it('signs on again when the host asks (header nibble 3), and the next sale is approved under the new keys', async () => {
    const t = await start();
    const lines: string[] = [];
    t.app.log.onLine((l) => lines.push(l));
    const signOns = () => lines.filter((l) => l.includes(`${DEMO_ISO_ISSUER_ID}: iso8583: signed on`)).length;
    const first = await t.call('sale.authorize', { cardToken: await t.card(ISO_CARD), amountFen: 100 });
    expect(first.status).toBe('approved');
    const before = signOns();
    t.app.isoSim!.host.requireSignOn();
    const second = await t.call('sale.authorize', { cardToken: await t.card(ISO_CARD), amountFen: 100 });
    expect(second.status).toBe('approved'); // the answer carried nibble 3 but was valid
    expect(signOns()).toBe(before);
    const third = await t.call('sale.authorize', { cardToken: await t.card(ISO_CARD), amountFen: 100 });
    expect(third.status).toBe('approved');
    expect(signOns()).toBe(before + 1);
  });

  it('settles a batch over ISO 8583 (0500 / 0510): settled with the host’s agreement, not bad_answer', async () => {
    const t = await start(undefined, true);
    const a = await t.call('sale.authorize', { cardToken: await t.card(ISO_CARD), amountFen: 1000 });
    await t.call('sale.authorize', { cardToken: await t.card(ISO_CARD), amountFen: 250 });
    const v = await t.call('sale.authorize', { cardToken: await t.card(ISO_CARD), amountFen: 400 });
    await t.call('txn.void', { origStan: v.stan, override: MGR });
    await t.call('txn.refund', { origStan: a.stan, amountFen: 300, override: MGR });
    const { iso: info, statuses } = await closeShift(t);
    expect(statuses).toEqual([
      ['default', 'settled'],
      [DEMO_ISO_ISSUER_ID, 'settled'],
    ]);
    expect(info!.issuerTotals).toMatchObject({ saleCount: 3, saleFen: 1650, voidCount: 1, voidFen: 400 });
    expect(info!.issuerTotals).toMatchObject({ refundCount: 1, refundFen: 300 });
    // The adapter moved to the next batch, and that is persisted (60.2 of the next request).
    const link = t.app.db
      .prepare('SELECT batch FROM iso8583_link WHERE issuer_id = ?')
      .get(DEMO_ISO_ISSUER_ID) as { batch: number };
    expect(link.batch).toBe(2);
  });

  it('the batch moved on by a 0510 survives a restart: the next sale is in batch 2 at the host', async () => {
    const dataDir = tempDir();
    const t1 = await start(dataDir, true);
    await t1.call('sale.authorize', { cardToken: await t1.card(ISO_CARD), amountFen: 500 });
    expect((await closeShift(t1)).iso?.status).toBe('settled');
    await t1.app.close();
    open.splice(open.indexOf(t1), 1);

    const t2 = await start(dataDir);
    const s = await t2.call('sale.authorize', { cardToken: await t2.card(ISO_CARD), amountFen: 600 });
    expect(s.status).toBe('approved');
    const batchAtHost = t2.app
      .issuerSim!.ledger.db.prepare(
        "SELECT batch FROM iso8583_txns WHERE terminal_id = 'T0000001' AND stan = ?",
      )
      .get(s.stan % 1_000_000) as { batch: number };
    expect(batchAtHost.batch).toBe(2);
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it('a batch the host totals differently is unmatched, with the host’s totals, never settled', async () => {
    const t = await start(undefined, true);
    await t.call('sale.authorize', { cardToken: await t.card(ISO_CARD), amountFen: 1000 });
    // The host loses its record of that sale (a host-side fault): its 48 says 0 sales.
    t.app.issuerSim!.ledger.db.prepare('DELETE FROM iso8583_txns').run();
    const { iso: info } = await closeShift(t);
    expect(info!.status).toBe('unmatched');
    expect(info!.issuerTotals).toMatchObject({ saleCount: 0, saleFen: 0, refundCount: 0 });
  });
});
