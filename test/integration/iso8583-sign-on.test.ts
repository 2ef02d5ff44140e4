/**
 * When the `iso8583-cup` adapter signs on (ISO8583-CUP.md "Keys, MAC and password": at start,
 * when the host asks, and at least once a day), against the simulator's ISO face over loopback
 * TCP with the adapter's clock in the test's hands; and that a missing TMK leaves every request
 * `not-sent` (nothing can have reached the host) with the reason, until one is there.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Iso8583CupAdapter } from '../../src/main/issuer/iso8583/adapter';
import { KEYSETS } from '../../src/main/issuer/iso8583/keysets';
import { IssuerLedger } from '../../src/issuer-sim/ledger';
import { startIso8583Sim, type Iso8583Sim } from '../../src/issuer-sim/iso8583/server';

const TMK = new Uint8Array(Buffer.from('00112233445566778899AABBCCDDEEFF', 'hex'));
let dir: string;
let ledger: IssuerLedger;
let sim: Iso8583Sim;
let now = new Date('2026-12-01T08:00:00Z');
let stan = 0;
const lines: string[] = [];
const signOns = () => lines.filter((l) => l.includes('signed on')).length;
const echo = (a: Iso8583CupAdapter) =>
  a.exchange({ kind: 'echo', stan: ++stan, time: now.toISOString(), id: 'e'.repeat(32) }, 1);

beforeEach(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'iso-signon-'));
  ledger = new IssuerLedger(path.join(dir, 'issuer.db'));
  sim = await startIso8583Sim({ ledger, keySet: KEYSETS['3des'], tmk: TMK });
  lines.length = 0;
});
afterEach(async () => {
  await sim.close();
  ledger.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

const adapter = (tmk: Uint8Array | (() => Uint8Array)) =>
  new Iso8583CupAdapter({
    endpoint: { host: '127.0.0.1', port: sim.port },
    terminalId: 'T0000001',
    merchantId: 'M000000000001',
    keySet: KEYSETS['3des'],
    tmk,
    timeoutMs: 5_000,
    now: () => now,
    log: (l) => lines.push(l),
  });

describe('iso8583-cup sign-on', () => {
  it('signs on before the first request, not again within a day, and again after 24 h', async () => {
    const a = adapter(TMK);
    expect((await echo(a)).kind).toBe('answer');
    expect(signOns()).toBe(1);
    now = new Date(now.getTime() + 23 * 3600_000);
    expect((await echo(a)).kind).toBe('answer');
    expect(signOns()).toBe(1);
    now = new Date(now.getTime() + 2 * 3600_000);
    expect((await echo(a)).kind).toBe('answer');
    expect(signOns()).toBe(2);
    a.close();
  });

  it('no TMK: not-sent with the reason (an ALERT line), and signed on once the key is there', async () => {
    const key: { tmk?: Uint8Array } = {};
    const a = adapter(() => {
      if (!key.tmk)
        throw new Error(
          'no terminal master key for issuer cup: enter it with `cardtill keys tmk --issuer cup`',
        );
      return key.tmk;
    });
    const out = await echo(a);
    expect(out).toMatchObject({ kind: 'not-sent' });
    expect(out.kind === 'not-sent' && out.detail).toContain('cardtill keys tmk');
    expect(lines.some((l) => l.startsWith('ALERT'))).toBe(true);
    key.tmk = TMK;
    expect((await echo(a)).kind).toBe('answer');
    expect(signOns()).toBe(1);
    a.close();
  });

  it('two callers at once on a fresh link (a sale and a probe) sign on once and are both answered', async () => {
    ledger.seedDemoCards();
    const a = adapter(TMK);
    const sale = (n: number) =>
      a.exchange(
        {
          kind: 'authorize',
          stan: ++stan,
          time: now.toISOString(),
          id: String(n).repeat(32),
          card: { pan: '8888010000000017', entryMode: 'swipe' },
          amountFen: 100,
          otherTenderFen: 0,
        },
        1,
      );
    const outs = await Promise.all([sale(1), echo(a), sale(2)]);
    expect(outs.map((o) => (o.kind === 'answer' ? o.answer.result : o.kind))).toEqual([
      'approved',
      'approved',
      'approved',
    ]);
    expect(signOns()).toBe(1);
    a.close();
  });
});
