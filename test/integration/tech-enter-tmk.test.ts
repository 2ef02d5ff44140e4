/**
 * The technician enters an ISO 8583 entry's terminal master key on the screen (`tech.enterTmk`,
 * issue 13), through the real web host over HTTP: the demo app's iso8583-cup entry ('iso-demo',
 * the simulator's ISO face on loopback TCP) with its sealed TMK removed, as on a till that was
 * never keyed. A wrong key is refused in 简体中文 + English and nothing is stored; the right one is
 * stored sealed (its hex in no file of the data directory, no log line, no API answer), the entry
 * signs on with it and an ISO sale goes through at the host; replacing asks for confirmation; the
 * audit log names who, which issuer and the check value; cashier and manager are refused.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import http from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../helpers/app';
import { startWebHost, type WebHost } from '../../src/main/hosts/web-host';
import { demoCard } from '../../src/issuer-sim/demo-cards';
import { DEMO_ISO_ISSUER_ID, DEMO_ISO_TMK_HEX } from '../../src/main/demo-iso-issuer';
import { tmkFile } from '../../src/main/issuer/iso8583/tmk';
import { FailoverPort } from '../../src/main/issuer/failover';
import { ERROR_WORDS } from '../../src/shared/errors';

const ISO_CARD = demoCard('iso-active').pan;
// (Not the last digit: that is only a DES parity bit, which no DES key uses.)
const TYPO = '1' + DEMO_ISO_TMK_HEX.slice(1);
const ID = DEMO_ISO_ISSUER_ID;

let t: TestApp;
let host: WebHost;
const staticDir = fs.mkdtempSync(path.join(os.tmpdir(), 'cardtill-static-'));
fs.writeFileSync(path.join(staticDir, 'index.html'), '<!doctype html><title>CardTill</title>');
/** Every API answer body of this test, searched for the key at the end. */
const answers: string[] = [];

function api(method: string, params: unknown): Promise<{ ok: boolean; result?: any; error?: any }> {
  return new Promise((resolve, reject) => {
    const req = http.request(
      {
        host: '127.0.0.1',
        port: host.port,
        path: `/api/v1/${method}`,
        method: 'POST',
        headers: { authorization: `Bearer ${host.token}`, 'content-type': 'application/json' },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          const body = Buffer.concat(chunks).toString();
          answers.push(body);
          resolve(JSON.parse(body));
        });
      },
    );
    req.on('error', reject);
    req.end(JSON.stringify(params));
  });
}
const signIn = async (operatorId: string, pin: string) =>
  expect((await api('auth.signIn', { operatorId, pin })).ok).toBe(true);
const isoTmk = async () => {
  const r = await api('tech.issuers', {});
  return r.result.issuers.find((i: { issuerId: string }) => i.issuerId === ID).tmk;
};
const hostRow = (stan: number) =>
  t.app
    .issuerSim!.ledger.db.prepare(
      "SELECT name, rc, state FROM iso8583_txns WHERE terminal_id = 'T0000001' AND stan = ?",
    )
    .get(stan % 1_000_000) as { name: string; rc: string; state: string } | undefined;

function filesUnder(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    return e.isDirectory() ? filesUnder(p) : e.isFile() ? [p] : [];
  });
}

beforeAll(async () => {
  t = await startTestApp({
    config: { issuer: { enrolToken: 'demo-enrol-token', timeoutMs: 3000, attempts: 2 } } as never,
    forwardMs: 3_600_000,
    demoIsoIssuer: true,
  });
  await t.app.jobs.idle();
  // A till never keyed for this host: no sealed TMK, and no working keys from an earlier sign-on.
  fs.rmSync(tmkFile(t.dataDir, ID));
  const port = t.app.terminal.runner.router.byId(ID).port as FailoverPort;
  port.portOf('primary')!.renewSession!();
  host = await startWebHost(t.app, { port: 0, staticDir });
});
afterAll(async () => {
  await host?.close();
  await t?.close();
  fs.rmSync(staticDir, { recursive: true, force: true });
});

describe('tech.enterTmk through the web host', () => {
  it('cashier and manager are refused; nothing stored', async () => {
    for (const [op, pin] of [
      ['1001', '1234'],
      ['2001', '8888'],
    ]) {
      await signIn(op!, pin!);
      const r = await api('tech.enterTmk', { issuerId: ID, tmkHex: DEMO_ISO_TMK_HEX });
      expect(r.error.code).toBe('FORBIDDEN');
    }
    expect(fs.existsSync(tmkFile(t.dataDir, ID))).toBe(false);
  });

  it('a wrong key is refused in both languages and nothing is stored', async () => {
    await signIn('3001', '5555');
    const before = await isoTmk();
    expect(before).toMatchObject({ stored: false, expectedCheck: '08D7B4FB' });
    const r = await api('tech.enterTmk', { issuerId: ID, tmkHex: TYPO });
    expect(r.error.code).toBe('TMK_CHECK_MISMATCH');
    expect(ERROR_WORDS.TMK_CHECK_MISMATCH.zh).toMatch(/校验值不符.*未保存/);
    expect(ERROR_WORDS.TMK_CHECK_MISMATCH.en).toMatch(
      /does not match the issuer's check value.*nothing was stored/,
    );
    expect(fs.existsSync(tmkFile(t.dataDir, ID))).toBe(false);
    expect(await isoTmk()).toMatchObject({ stored: false });
    const bad = await api('tech.enterTmk', { issuerId: ID, tmkHex: 'xyz' });
    expect(bad.error.code).toBe('TMK_INVALID');
    expect((await api('tech.enterTmk', { issuerId: 'default', tmkHex: DEMO_ISO_TMK_HEX })).error.code).toBe(
      'BAD_REQUEST',
    );
  });

  it('the right key: stored sealed, signed on, an ISO sale goes through; replacing asks first; audited', async () => {
    await signIn('3001', '5555');
    const r = await api('tech.enterTmk', { issuerId: ID, tmkHex: DEMO_ISO_TMK_HEX });
    expect(r.result).toEqual({ issuerId: ID, check: '08D7B4FB', replaced: false, signOn: { ok: true } });
    expect(await isoTmk()).toMatchObject({ stored: true, check: '08D7B4FB', expectedCheck: '08D7B4FB' });

    // Without confirmation an existing key stays; with it, it is replaced (and signed on again).
    const again = await api('tech.enterTmk', { issuerId: ID, tmkHex: DEMO_ISO_TMK_HEX });
    expect(again.error.code).toBe('INVALID_STATE');
    const replaced = await api('tech.enterTmk', { issuerId: ID, tmkHex: DEMO_ISO_TMK_HEX, replace: true });
    expect(replaced.result).toMatchObject({ replaced: true, signOn: { ok: true } });

    await signIn('1001', '1234');
    const card = await api('card.enter', { pan: ISO_CARD, entryMode: 'wedge' });
    const before = t.issuerBalance(ISO_CARD);
    const sale = await api('sale.authorize', { cardToken: card.result.cardToken, amountFen: 321 });
    expect(sale.result.status).toBe('approved');
    expect(hostRow(sale.result.stan)).toMatchObject({ name: 'purchase', rc: '00', state: 'ok' });
    expect(t.issuerBalance(ISO_CARD)).toBe(before - 321);

    await signIn('2001', '8888');
    const audit = await api('audit.list', { limit: 1000 });
    const tmkRows = (audit.result as Array<Record<string, unknown>>)
      .filter((e) => String(e.action).startsWith('keys.tmk'))
      .map((e) => [e.action, e.outcome, e.operatorId, e.detail]);
    expect(tmkRows).toEqual(
      expect.arrayContaining([
        ['keys.tmk.enter', 'ok', '3001', `issuer ${ID} check 08D7B4FB`],
        ['keys.tmk.replace', 'ok', '3001', `issuer ${ID} check 08D7B4FB`],
        ['keys.tmk.enter', 'failed', '3001', 'TMK_CHECK_MISMATCH'],
      ]),
    );

    // The key, in either case, in no file of the data directory (db, log, keys), no answer, no log line.
    await signIn('3001', '5555');
    answers.push(JSON.stringify(await api('tech.log', { limit: 1000 })));
    answers.push(JSON.stringify(await api('tech.diagnostics', {})));
    const needles = [DEMO_ISO_TMK_HEX.toLowerCase(), DEMO_ISO_TMK_HEX.toUpperCase()];
    for (const f of filesUnder(t.dataDir)) {
      const text = fs.readFileSync(f).toString('latin1');
      for (const n of needles) expect(text.includes(n), f).toBe(false);
    }
    for (const a of answers) for (const n of needles) expect(a.includes(n)).toBe(false);
  });
});
