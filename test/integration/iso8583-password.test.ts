/**
 * The cardholder password over ISO 8583 (field 52), end to end on real parts: the app in demo
 * mode with its ISO 8583 issuer (the issuer-sim's ISO face over loopback TCP, 3DES key set), a
 * real SQLite file, the real job queue. The demo card `iso-password` (IIN 888802) needs 802802 on
 * every sale. The terminal's adapter makes 52 under the PIK of its own sign-on; the host opens it
 * under the PIK it gave and checks it against the same password store and try counter as the
 * JSON face (src/issuer-sim/password-check.ts).
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../helpers/app';
import { demoCard } from '../../src/issuer-sim/demo-cards';
import { passwordState, unlockCardPassword } from '../../src/issuer-sim/handlers-password';
import { KEYSETS } from '../../src/main/issuer/iso8583/keysets';
import { field52 } from '../../src/main/issuer/iso8583/pin-field';
import { pinBlockFormat0 } from '../../src/shared/iso8583';
import { SqliteIso8583Store } from '../../src/main/issuer/iso8583/store';
import { DEMO_ISO_ISSUER_ID } from '../../src/main/demo-iso-issuer';

const CARD = demoCard('iso-password');
const RIGHT = CARD.password!.pin; // 802802
const WRONG = '135246';

let t: TestApp;
/** Every answer the API gave, as JSON: scanned for secrets at the end. */
const answers: string[] = [];

beforeAll(async () => {
  t = await startTestApp({
    config: { issuer: { enrolToken: 'demo-enrol-token', timeoutMs: 3000, attempts: 2 } } as never,
    // No forwarder probe in the background: the job queue runs when the test says.
    forwardMs: 3_600_000,
    demoIsoIssuer: true,
  });
  await t.app.jobs.idle();
  await t.signIn();
});
afterAll(async () => {
  await t.close();
});

async function sale(amountFen: number, password?: string) {
  const r = await t.call('sale.authorize', {
    cardToken: await t.card(CARD.pan),
    amountFen,
    ...(password !== undefined ? { password } : {}),
  });
  answers.push(JSON.stringify(r));
  return r;
}
const state = () => passwordState(t.app.issuerSim!.ledger, CARD.pan)!;
/** The ISO face's own record of this terminal's request (batch 1). */
const hostRow = (stan: number) =>
  t.app
    .issuerSim!.ledger.db.prepare(
      "SELECT name, rc, state FROM iso8583_txns WHERE terminal_id = 'T0000001' AND stan = ?",
    )
    .get(stan % 1_000_000) as { name: string; rc: string; state: string } | undefined;

describe('a card password over iso8583-cup', () => {
  it('is asked for (55 to a 0200 without 52 → PASSWORD_REQUIRED, not a try); the right one is approved, debited once', async () => {
    const before = t.issuerBalance(CARD.pan);
    const asked = await sale(700);
    expect(asked).toMatchObject({ status: 'declined', declineCode: 'PASSWORD_REQUIRED' });
    expect(hostRow(asked.stan)).toMatchObject({ name: 'purchase', rc: '55' }); // it went over ISO
    expect(state().wrongTries).toBe(0);
    const paid = await sale(700, RIGHT);
    expect(paid).toMatchObject({ status: 'approved', balanceFen: before - 700 });
    expect(hostRow(paid.stan)).toMatchObject({ rc: '00', state: 'ok' });
    expect(t.issuerBalance(CARD.pan)).toBe(before - 700);
    // The adapter's sent table (sealed, so the file scan below could not see into it) holds the
    // request without 26 / 52 / 53: they were added to the frame only.
    const sent = new SqliteIso8583Store(t.app.db, t.app.keys.dataKey, DEMO_ISO_ISSUER_ID).sent(paid.stan);
    expect(sent?.name).toBe('purchase');
    expect([26, 52, 53].filter((f) => sent!.fields[f] !== undefined)).toEqual([]);
  });

  it('wrong once (55 → PASSWORD_WRONG, nothing debited), then right: approved, the counter back to 0', async () => {
    const before = t.issuerBalance(CARD.pan);
    expect(await sale(300, WRONG)).toMatchObject({ status: 'declined', declineCode: 'PASSWORD_WRONG' });
    expect(state().wrongTries).toBe(1);
    expect(t.issuerBalance(CARD.pan)).toBe(before);
    expect(await sale(300, RIGHT)).toMatchObject({ status: 'approved' });
    expect(state().wrongTries).toBe(0);
    expect(t.issuerBalance(CARD.pan)).toBe(before - 300);
  });

  it('three wrong lock the card (55, 55, 75 → PASSWORD_LOCKED), then even the right one, in the store both faces check', async () => {
    const before = t.issuerBalance(CARD.pan);
    expect((await sale(100, WRONG)).declineCode).toBe('PASSWORD_WRONG');
    expect((await sale(100, WRONG)).declineCode).toBe('PASSWORD_WRONG');
    const third = await sale(100, WRONG);
    expect(third.declineCode).toBe('PASSWORD_LOCKED');
    expect(hostRow(third.stan)?.rc).toBe('75');
    expect((await sale(100, RIGHT)).declineCode).toBe('PASSWORD_LOCKED');
    expect((await sale(100)).declineCode).toBe('PASSWORD_LOCKED'); // no block: still 75
    expect(state()).toMatchObject({ wrongTries: 3, locked: true });
    expect(t.issuerBalance(CARD.pan)).toBe(before);
    // The issuer's unlock (one store): the right password pays again.
    unlockCardPassword(t.app.issuerSim!.ledger, CARD.pan);
    expect((await sale(100, RIGHT)).status).toBe('approved');
  });

  it('set / change over ISO 8583 is refused PASSWORD_CHANGE_AT_ISSUER before anything is written or sent', async () => {
    const rows = () => (t.app.db.prepare('SELECT COUNT(*) AS n FROM txns').get() as { n: number }).n;
    const before = rows();
    const e = await t.callError('card.setPassword', {
      cardToken: await t.card(CARD.pan),
      oldPassword: RIGHT,
      newPassword: '975310',
      confirmPassword: '975310',
    });
    answers.push(JSON.stringify(e));
    expect(e.code).toBe('PASSWORD_CHANGE_AT_ISSUER');
    expect(rows()).toBe(before);
    expect(state().wrongTries).toBe(0);
  });

  it('a lost answer is reversed by a 0400 without 52; no password or block in any file of the data dir or the log', async () => {
    const before = t.issuerBalance(CARD.pan);
    t.app.isoSim!.host.dropAnswers(1);
    const lost = await sale(400, RIGHT);
    expect(lost).toMatchObject({ status: 'declined' });
    await t.app.jobs.run(['reversal'], true);
    // The host would answer a 0400 carrying 52 with 30 and undo nothing: restored means it had none.
    expect(hostRow(lost.stan)?.state).toBe('reversed');
    expect(t.issuerBalance(CARD.pan)).toBe(before);

    const pik = t.app.isoSim!.host.sessionPik('T0000001')!;
    expect(pik).toBeDefined();
    await t.app.close(); // flush the WAL into the files scanned below
    const typed = [RIGHT, WRONG];
    const ks = KEYSETS['3des'];
    const needles = typed.flatMap((p) => {
      const blocks = [field52(ks, pik, p, CARD.pan), pinBlockFormat0(p, CARD.pan)];
      return blocks.flatMap((b) => {
        const h = Buffer.from(b).toString('hex');
        return [
          { what: `block ${h} (raw)`, bytes: Buffer.from(b) },
          { what: `block ${h}`, bytes: Buffer.from(h.toUpperCase()) },
          { what: `block ${h} (lower)`, bytes: Buffer.from(h) },
          { what: `block ${h} (base64)`, bytes: Buffer.from(Buffer.from(b).toString('base64')) },
        ];
      });
    });
    // A password as a whole token: not inside a longer run of digits or hex characters.
    const token6 = (p: string) => new RegExp(`(?<![0-9A-Fa-f])${p}(?![0-9A-Fa-f])`);
    const scanned = files(t.dataDir);
    expect(scanned.some((f) => f.endsWith(path.join('logs', 'cardtill.log')))).toBe(true);
    expect(scanned.some((f) => f.endsWith('terminal.db'))).toBe(true);
    for (const f of scanned) {
      const bytes = fs.readFileSync(f);
      for (const n of needles) expect(bytes.includes(n.bytes), `${n.what} in ${f}`).toBe(false);
      const text = bytes.toString('latin1');
      for (const p of typed) expect(token6(p).test(text), `password ${p} in ${f}`).toBe(false);
    }
    for (const text of answers)
      for (const p of typed) expect(token6(p).test(text), `password ${p} in ${text}`).toBe(false);
  });
});

function files(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    return e.isDirectory() ? files(p) : e.isFile() ? [p] : [];
  });
}
