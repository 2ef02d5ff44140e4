/**
 * A password set/change whose answer was lost (issue 12, 密码支付) on real parts: the issuer-sim
 * over HTTP, a real SQLite file. The issuer applied the change but the till never heard: the
 * change is declined at the till with a queued Reverse (the kinds table's `reversedBy`), the
 * issuer's reverse puts the previous password and try counter back by (terminal, STAN), the old
 * password then works and the new one does not, a second change works — and neither password nor
 * PIN block is in any file of the data dir (the reversal names only the STAN).
 */
import fs from 'node:fs';
import path from 'node:path';
import { describe, it, expect, beforeEach, afterEach } from 'vitest';
import { startTestApp, type TestApp } from '../helpers/app';
import { demoCard } from '../../src/issuer-sim/demo-cards';
import { passwordState, setCardPassword } from '../../src/issuer-sim/handlers-password';
import { pinBlockOf } from '../../src/main/terminal/password';
import type { ReverseCommand } from '../../src/main/issuer/port';

const PWD = demoCard('password'); // every sale needs 246810
const ACTIVE = demoCard('active').pan; // no password

let t: TestApp;

beforeEach(async () => {
  t = await startTestApp();
  await t.signIn('2001', '8888');
  await t.call('shift.open', { openingFloatFen: 10_000 });
  await t.signIn();
});
afterEach(async () => {
  await t.close();
});

const state = (pan: string) => passwordState(t.app.issuerSim!.ledger, pan);
const row = (stan: number) =>
  t.app.db.prepare('SELECT status, decline_code FROM txns WHERE stan = ?').get(stan) as
    { status: string; decline_code: string | null } | undefined;
const sale = async (pan: string, amountFen: number, password?: string) =>
  t.call('sale.authorize', {
    cardToken: await t.card(pan),
    amountFen,
    ...(password !== undefined ? { password } : {}),
  });
const change = async (pan: string, newPassword: string, oldPassword?: string) =>
  t.call('card.setPassword', {
    cardToken: await t.card(pan),
    ...(oldPassword !== undefined ? { oldPassword } : {}),
    newPassword,
    confirmPassword: newPassword,
  });
/** The change is applied at the issuer, its answer lost on the way back (every attempt). */
async function lostChange(pan: string, newPassword: string, oldPassword?: string) {
  t.app.issuerSim!.setFault('drop-response:password');
  try {
    return await change(pan, newPassword, oldPassword);
  } finally {
    t.app.issuerSim!.setFault('none');
  }
}
const issuerRequest = (stan: number) =>
  t.app
    .issuerSim!.ledger.db.prepare('SELECT type, result, reversed FROM requests WHERE stan = ? AND type = ?')
    .get(stan, 'password') as { type: string; result: string; reversed: number } | undefined;

/** Every file under `dir`, recursively. */
function files(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    return e.isDirectory() ? files(p) : e.isFile() ? [p] : [];
  });
}

describe('a password change whose answer was lost', () => {
  it('is reversed: the old password works again, the new one does not, the try counter is as before, a second change works', async () => {
    // One wrong try before the change: the counter the reversal must put back.
    expect(await sale(PWD.pan, 100, '000000')).toMatchObject({ declineCode: 'PASSWORD_WRONG' });
    expect(state(PWD.pan)!.wrongTries).toBe(1);

    const lost = await lostChange(PWD.pan, '975310', '246810');
    // The cashier's answer: declined, outcome unknown — the screen says the change did not take.
    expect(lost).toMatchObject({ type: 'password', status: 'declined', declineCode: 'ISSUER_UNREACHABLE' });
    // The issuer did apply it (approved, counter reset) until the reversal undoes it.
    expect(issuerRequest(lost.stan)).toMatchObject({ result: 'approved', reversed: 0 });
    expect(state(PWD.pan)!.wrongTries).toBe(0);
    expect(t.app.terminal.opts.store.unsentReversals().map((r) => r.orig_stan)).toEqual([lost.stan]);

    expect(await t.app.jobs.drain('reversal')).toBe(0);
    expect(issuerRequest(lost.stan)?.reversed).toBe(1);
    // The issuer said it had applied it: the till's row is reversed, and the reversal journaled.
    expect(row(lost.stan)?.status).toBe('reversed');
    const rev = t.app.db
      .prepare("SELECT stan, amount_fen FROM txns WHERE type = 'reversal' AND orig_stan = ?")
      .get(lost.stan) as { stan: number; amount_fen: number };
    expect(rev.amount_fen).toBe(0);
    expect(t.app.db.prepare('SELECT COUNT(*) AS n FROM journal WHERE stan = ?').get(rev.stan)).toEqual({
      n: 1,
    });
    expect(state(PWD.pan)!.wrongTries).toBe(1); // put back, not reset

    // The new one does not work (a second wrong try), the old one does (and resets the counter).
    expect(await sale(PWD.pan, 100, '975310')).toMatchObject({ declineCode: 'PASSWORD_WRONG' });
    expect(state(PWD.pan)!.wrongTries).toBe(2);
    expect(await sale(PWD.pan, 100, '246810')).toMatchObject({ status: 'approved' });
    expect(state(PWD.pan)!.wrongTries).toBe(0);

    // Trying again works, with the old password as the old one.
    expect(await change(PWD.pan, '482637', '246810')).toMatchObject({ status: 'approved' });
    expect(await sale(PWD.pan, 100, '246810')).toMatchObject({ declineCode: 'PASSWORD_WRONG' });
    expect(await sale(PWD.pan, 100, '482637')).toMatchObject({ status: 'approved' });

    // The reverse is idempotent by (terminal, STAN): the same reversal again is answered from the
    // record, and another reversal of the same change finds it reversed — neither rolls back the
    // change made since.
    const port = t.app.terminal.runner.router.home.port;
    const sealed = t.app.db.prepare('SELECT request_enc FROM reversals WHERE stan = ?').get(rev.stan) as {
      request_enc: Buffer;
    };
    const again = await port.exchange(t.app.terminal.opts.store.openCommand(sealed.request_enc), 1);
    expect(again).toMatchObject({ kind: 'answer', answer: { result: 'approved' } });
    const other: ReverseCommand = {
      kind: 'reverse',
      stan: 99_000,
      origStan: lost.stan,
      time: new Date().toISOString(),
      id: 'cd'.repeat(16),
    };
    expect(await port.exchange(other, 1)).toMatchObject({ kind: 'answer', answer: { result: 'approved' } });
    expect(await sale(PWD.pan, 100, '482637')).toMatchObject({ status: 'approved' });
  });

  it('a lost first set on a card with no password is undone: the card again needs none', async () => {
    const lost = await lostChange(ACTIVE, '802468');
    expect(lost).toMatchObject({ status: 'declined', declineCode: 'ISSUER_UNREACHABLE' });
    expect(state(ACTIVE)).toBeDefined(); // applied at the issuer
    expect(await t.app.jobs.drain('reversal')).toBe(0);
    expect(state(ACTIVE)).toBeUndefined();
    expect(await sale(ACTIVE, 100)).toMatchObject({ status: 'approved' });
    // Set again, answered this time.
    expect(await change(ACTIVE, '802468')).toMatchObject({ status: 'approved' });
    expect(await sale(ACTIVE, 100)).toMatchObject({ declineCode: 'PASSWORD_REQUIRED' });
  });

  it('a new change waits for the reversal: sent first when it can be, else refused CARD_REVERSAL_PENDING', async () => {
    const lost = await lostChange(PWD.pan, '975310', '246810');
    expect(lost.status).toBe('declined');
    // The link is down: the reversal cannot go, so the change is refused before anything is sent.
    t.app.link.setCut(true);
    const before = t.app.db.prepare('SELECT COUNT(*) AS n FROM txns').get();
    try {
      const e = await t.callError('card.setPassword', {
        cardToken: await t.card(PWD.pan),
        oldPassword: '246810',
        newPassword: '482637',
        confirmPassword: '482637',
      });
      expect(e.code).toBe('CARD_REVERSAL_PENDING');
    } finally {
      t.app.link.setCut(false);
    }
    expect(t.app.db.prepare('SELECT COUNT(*) AS n FROM txns').get()).toEqual(before);
    // Link back: the change sends the reversal first (no drain here), then itself — checked
    // against the old password the reversal put back, so no wrong try is counted.
    expect(await change(PWD.pan, '482637', '246810')).toMatchObject({ status: 'approved' });
    expect(issuerRequest(lost.stan)?.reversed).toBe(1);
    expect(state(PWD.pan)!.wrongTries).toBe(0);
    expect(await sale(PWD.pan, 100, '482637')).toMatchObject({ status: 'approved' });
  });

  it('a change made elsewhere after the lost one stands, and wrong tries since are not given back', async () => {
    const lost = await lostChange(PWD.pan, '975310', '246810');
    expect(lost.status).toBe('declined');
    // Another till (or the issuer's own desk) changes it again before the reversal arrives.
    setCardPassword(t.app.issuerSim!.ledger, PWD.pan, '135246');
    expect(await t.app.jobs.drain('reversal')).toBe(0);
    expect(issuerRequest(lost.stan)?.reversed).toBe(1);
    expect(await sale(PWD.pan, 100, '246810')).toMatchObject({ declineCode: 'PASSWORD_WRONG' });
    expect(await sale(PWD.pan, 100, '135246')).toMatchObject({ status: 'approved' });

    // Wrong tries between a lost change and its reversal still count afterwards.
    await lostChange(PWD.pan, '975310', '135246');
    expect(await sale(PWD.pan, 100, '000000')).toMatchObject({ declineCode: 'PASSWORD_WRONG' });
    expect(await sale(PWD.pan, 100, '000001')).toMatchObject({ declineCode: 'PASSWORD_WRONG' });
    expect(await t.app.jobs.drain('reversal')).toBe(0);
    expect(state(PWD.pan)).toMatchObject({ wrongTries: 2, locked: false });
    expect(await sale(PWD.pan, 100, '000002')).toMatchObject({ declineCode: 'PASSWORD_LOCKED' });
  });

  it('neither the passwords nor their PIN blocks are in any file of the data dir', async () => {
    const pinKey = t.app.keys.pinKey!;
    const typed = ['246810', '975310', '482637'];
    await lostChange(PWD.pan, '975310', '246810');
    await t.app.jobs.drain('reversal');
    await change(PWD.pan, '482637', '246810');
    await t.app.close(); // flush the WAL into the files scanned below

    const blocks = typed.map((p) => pinBlockOf(PWD.pan, p, pinKey));
    const needles = blocks.flatMap((b) => [
      Buffer.from(b),
      Buffer.from(b.toLowerCase()),
      Buffer.from(b, 'hex'),
      Buffer.from(Buffer.from(b, 'hex').toString('base64')),
    ]);
    // A password as a whole token: not inside a longer run of digits or hex characters.
    const token6 = (p: string) => new RegExp(`(?<![0-9A-Fa-f])${p}(?![0-9A-Fa-f])`);
    const scanned = files(t.dataDir);
    expect(scanned.some((f) => f.endsWith('terminal.db'))).toBe(true);
    expect(scanned.some((f) => f.endsWith('issuer.db'))).toBe(true);
    for (const f of scanned) {
      const bytes = fs.readFileSync(f);
      for (const n of needles) expect(bytes.includes(n), `a PIN block in ${f}`).toBe(false);
      const text = bytes.toString('latin1');
      for (const p of typed) expect(token6(p).test(text), `password ${p} in ${f}`).toBe(false);
    }
  });
});
