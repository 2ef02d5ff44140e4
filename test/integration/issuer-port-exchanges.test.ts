/**
 * Settlement and the technician's echo through the issuer port, on real parts: two issuer entries
 * in config — the home one a real issuer-sim over HTTP, the second one a host that is not there.
 * The batch and its settlement name the home issuer, which settled it; the echo answers per entry
 * with each one's round-trip time and says which one is down.
 */
import net from 'node:net';
import { describe, it, expect, afterEach } from 'vitest';
import { startTestApp, tempDir, type TestApp } from '../helpers/app';
import { demoCard } from '../../src/issuer-sim/demo-cards';
import { startIssuerSim, type IssuerSim } from '../../src/issuer-sim/server';

const ACTIVE = demoCard('active').pan;

let t: TestApp | undefined;
let sim: IssuerSim | undefined;
afterEach(async () => {
  await t?.close();
  await sim?.close();
  t = sim = undefined;
});

/** A loopback port nobody listens on (bound, then closed): connections to it are refused. */
async function deadPort(): Promise<number> {
  const s = net.createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const port = (s.address() as net.AddressInfo).port;
  await new Promise<void>((r) => s.close(() => r()));
  return port;
}

async function twoIssuers(): Promise<TestApp> {
  sim = await startIssuerSim({ dataDir: tempDir('cardtill-home-'), enrolToken: 'demo-enrol-token' });
  const entry = { protocol: 'cardtill-json', publicKey: sim.publicKeyHex, timeoutMs: 1500, attempts: 2 };
  return startTestApp({
    config: {
      issuers: [
        { ...entry, id: 'home', name: 'Home Bank', url: sim.url, cardRanges: [''] },
        {
          ...entry,
          id: 'gone',
          name: 'Gone Co',
          url: `http://127.0.0.1:${await deadPort()}`,
          cardRanges: ['9'],
        },
      ],
    } as never,
    forwardMs: 3_600_000,
  });
}

describe('exchanges through the issuer port, real issuer-sim', () => {
  it('settlement: a Settle to the batch’s issuer; batch and settlement rows name it', async () => {
    t = await twoIssuers();
    await t.signIn('2001', '8888');
    await t.call('shift.open', { openingFloatFen: 0 });
    await t.signIn();
    const s = await t.call('sale.authorize', { cardToken: await t.card(ACTIVE), amountFen: 1250 });
    expect(s.status).toBe('approved');
    await t.call('shift.count', { countedFen: 0 });
    await t.signIn('2001', '8888');
    const { report: z } = await t.call('shift.close', {});
    expect(z.settlement).toMatchObject({
      status: 'settled',
      issuerTotals: expect.objectContaining({ saleCount: 1, saleFen: 1250 }),
    });
    expect(t.app.db.prepare('SELECT batch_no, issuer_id FROM batches').all()).toEqual([
      { batch_no: 1, issuer_id: 'home' },
    ]);
    expect(t.app.db.prepare('SELECT batch_no, issuer_id, status FROM settlements').all()).toEqual([
      { batch_no: 1, issuer_id: 'home', status: 'settled' },
    ]);
    // The issuer has it: its own record of the settled batch.
    const atIssuer = sim!.ledger.db.prepare('SELECT COUNT(*) AS n FROM settled_batches').get() as {
      n: number;
    };
    expect(atIssuer.n).toBe(1);
  });

  it('echo: one per issuer entry, each with its round-trip time; the summary names the failing one', async () => {
    t = await twoIssuers();
    await t.signIn('3001', '5555');
    const echo = await t.call('tech.echo', {});
    expect(echo.issuers).toEqual([
      {
        issuerId: 'home',
        name: 'Home Bank',
        ok: true,
        rttMs: expect.any(Number),
        endpoints: [expect.objectContaining({ role: 'primary', inUse: true, ok: true })],
      },
      {
        issuerId: 'gone',
        name: 'Gone Co',
        ok: false,
        rttMs: expect.any(Number),
        code: 'ISSUER_UNREACHABLE',
        detail: expect.stringMatching(/^primary: /),
        endpoints: [expect.objectContaining({ role: 'primary', ok: false, code: 'ISSUER_UNREACHABLE' })],
      },
    ]);
    expect(echo).toMatchObject({ ok: false, code: 'ISSUER_UNREACHABLE', rttMs: echo.issuers[0]!.rttMs });
    const log = await t.call('tech.log', { limit: 200 });
    expect(log.some((l) => l.includes('tech: issuer echo ok') && l.includes('(home)'))).toBe(true);
    expect(log.some((l) => l.includes('tech: issuer echo failed') && l.includes('(gone)'))).toBe(true);
  });
});
