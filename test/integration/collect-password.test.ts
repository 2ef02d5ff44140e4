/**
 * The ECR's "collect by card" (`sale.collect`) on a card that needs its password, through the real
 * API over the loopback web host, on the real issuer-sim over HTTP and a real SQLite file. The
 * till's screen is asked on the `collect.prompt` event (with `password`) and answers with
 * `sale.collectPassword`, as the PIN pad does; the ECR's one request gets a typed answer: the
 * approved sale, PASSWORD_LOCKED, or PASSWORD_CANCELED.
 */
import http from 'node:http';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, it, expect, beforeEach, afterEach } from 'vitest';
import { startTestApp, type TestApp } from '../helpers/app';
import { startWebHost, type WebHost } from '../../src/main/hosts/web-host';
import { demoCard } from '../../src/issuer-sim/demo-cards';
import { passwordState } from '../../src/issuer-sim/handlers-password';
import type { CollectPrompt } from '../../src/main/terminal/collect';

const PWD = demoCard('password'); // every sale needs 246810
const staticDir = fs.mkdtempSync(path.join(os.tmpdir(), 'cardtill-static-'));
fs.writeFileSync(path.join(staticDir, 'index.html'), '<!doctype html><title>CardTill</title>');

let t: TestApp;
let host: WebHost;
/** Every prompt event and every HTTP answer of a test: scanned for the passwords at the end. */
let seen: string[];

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
          seen.push(body);
          resolve(JSON.parse(body));
        });
      },
    );
    req.on('error', reject);
    req.end(JSON.stringify(params));
  });
}

/** The next `collect.prompt` matching `pred` (listen before acting). */
function nextPrompt(pred: (p: CollectPrompt) => boolean): Promise<CollectPrompt> {
  return new Promise((resolve) => {
    const on = (name: string, payload: unknown) => {
      if (name !== 'collect.prompt' || !pred(payload as CollectPrompt)) return;
      t.app.bus.off('event', on);
      resolve(payload as CollectPrompt);
    };
    t.app.bus.on('event', on);
  });
}
const asks = (code: string) => (p: CollectPrompt) => p?.password?.declineCode === code;

beforeEach(async () => {
  seen = [];
  t = await startTestApp();
  host = await startWebHost(t.app, { port: 0, staticDir });
  await t.signIn('2001', '8888');
  await t.call('shift.open', { openingFloatFen: 10_000 });
  expect((await api('auth.signIn', { operatorId: '1001', pin: '1234' })).ok).toBe(true);
  t.app.bus.on('event', (name: string, payload: unknown) => {
    if (name === 'collect.prompt') seen.push(JSON.stringify(payload));
  });
});
afterEach(async () => {
  await host.close();
  await t.close();
});

/** The ECR asks for `amountFen`; the customer presents the password card at the till. */
async function startCollect(amountFen: number) {
  const prompted = nextPrompt((p) => p?.amountFen === amountFen && !p.password);
  const asked = nextPrompt(asks('PASSWORD_REQUIRED'));
  const answer = api('sale.collect', { amountFen, timeoutSeconds: 30 });
  await prompted;
  expect((await api('card.enter', { pan: PWD.pan, entryMode: 'wedge' })).ok).toBe(true);
  const first = await asked;
  return { answer, first };
}

describe('sale.collect on a card that needs its password', () => {
  it('asks the till screen, wrong once then right: the ECR gets the approved sale, debited once', async () => {
    const before = t.issuerBalance(PWD.pan);
    const { answer, first } = await startCollect(1250);
    expect(first).toMatchObject({ amountFen: 1250, password: { declineCode: 'PASSWORD_REQUIRED' } });
    const wrongAsked = nextPrompt(asks('PASSWORD_WRONG'));
    expect(await api('sale.collectPassword', { password: '111111' })).toMatchObject({ ok: true });
    const wrong = await wrongAsked;
    expect(wrong!.password!.stan).toBeGreaterThan(first!.password!.stan);
    expect(passwordState(t.app.issuerSim!.ledger, PWD.pan)!.wrongTries).toBe(1);
    const done = nextPrompt((p) => p === null);
    expect(await api('sale.collectPassword', { password: '246810' })).toMatchObject({ ok: true });
    const r = await answer;
    await done;
    expect(r).toMatchObject({
      ok: true,
      result: { type: 'sale', status: 'approved', amountFen: 1250, balanceFen: before - 1250 },
    });
    expect(t.issuerBalance(PWD.pan)).toBe(before - 1250);
    // Every try its own STAN, journaled like any sale.
    const stans = [first!.password!.stan, wrong!.password!.stan, r.result.stan];
    const journaled = t.app.db
      .prepare(
        `SELECT COUNT(DISTINCT stan) AS n FROM journal WHERE stan IN (${stans.map(() => '?').join(',')})`,
      )
      .get(...stans);
    expect(journaled).toEqual({ n: 3 });
    // Nothing the ECR, the screen or the events got holds a password.
    for (const text of seen) expect(text).not.toMatch(/111111|246810|pinBlock/);
  });

  it('three wrong lock the card: the ECR gets the decline PASSWORD_LOCKED, nothing debited', async () => {
    const before = t.issuerBalance(PWD.pan);
    const { answer } = await startCollect(500);
    for (const p of ['000000', '000001']) {
      const again = nextPrompt(asks('PASSWORD_WRONG'));
      await api('sale.collectPassword', { password: p });
      await again;
    }
    await api('sale.collectPassword', { password: '000002' });
    expect(await answer).toMatchObject({
      ok: true,
      result: { status: 'declined', declineCode: 'PASSWORD_LOCKED' },
    });
    expect(t.issuerBalance(PWD.pan)).toBe(before);
    // The pad is not open any more: an answer now has nothing to go to.
    expect(await api('sale.collectPassword', { password: '246810' })).toMatchObject({
      ok: false,
      error: { code: 'INVALID_STATE' },
    });
  });

  it('cancel at the pad: the ECR gets PASSWORD_CANCELED, nothing debited, and the till is free again', async () => {
    const before = t.issuerBalance(PWD.pan);
    const { answer } = await startCollect(800);
    const done = nextPrompt((p) => p === null);
    expect(await api('sale.collectPassword', { cancel: true })).toMatchObject({ ok: true });
    const r = await answer;
    await done;
    expect(r).toMatchObject({ ok: false, error: { code: 'PASSWORD_CANCELED' } });
    expect(r.error.detail).toMatch(/canceled at the pad; last try stan \d+ PASSWORD_REQUIRED/);
    expect(t.issuerBalance(PWD.pan)).toBe(before);
    // The next collect runs (and is paid with the password this time).
    const next = await startCollect(800);
    await api('sale.collectPassword', { password: '246810' });
    expect(await next.answer).toMatchObject({ ok: true, result: { status: 'approved' } });
  });

  it('a malformed password is refused PASSWORD_FORMAT to the ECR, before anything is sent', async () => {
    const { answer } = await startCollect(300);
    const rows = () => t.app.db.prepare('SELECT COUNT(*) AS n FROM txns').get();
    const before = rows();
    await api('sale.collectPassword', { password: '12345' });
    expect(await answer).toMatchObject({ ok: false, error: { code: 'PASSWORD_FORMAT' } });
    expect(rows()).toEqual(before);
  });
});
