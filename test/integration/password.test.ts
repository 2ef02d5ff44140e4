/**
 * The cardholder password (issue 12, 密码支付) on real parts: the issuer-sim over HTTP, a real
 * SQLite file, the journal. A sale the issuer refuses for want of the password, then wrong, then
 * right; three wrong lock the card; set and change at the till; and the password and its PIN
 * block appear nowhere on disk, in the log, the journal or an API answer.
 */
import fs from 'node:fs';
import path from 'node:path';
import { describe, it, expect, beforeEach, afterEach } from 'vitest';
import { startShiftApp, startTestApp, tempDir, type TestApp } from '../helpers/app';
import { demoCard } from '../../src/issuer-sim/demo-cards';
import { passwordState, unlockCardPassword } from '../../src/issuer-sim/handlers-password';
import { pinBlockOf } from '../../src/main/terminal/password';
import { startIssuerSim } from '../../src/issuer-sim/server';
import type { MethodName, Req, Res } from '../../src/shared/contract';
import type { TxnStore } from '../../src/main/terminal/txn-store';

const PWD = demoCard('password'); // every sale needs 246810
const OVER = demoCard('password-over'); // over ¥100.00 needs 135790
const ACTIVE = demoCard('active').pan; // no password

let t: TestApp;
/** Every answer and error the API gave in this test, as JSON: scanned for secrets at the end. */
let answers: string[];

async function call<M extends MethodName>(method: M, params: Req<M>): Promise<Res<M>> {
  try {
    const r = await t.call(method, params);
    answers.push(JSON.stringify(r));
    return r;
  } catch (e) {
    answers.push(JSON.stringify((e as { api?: unknown }).api ?? String(e)));
    throw e;
  }
}
async function callError<M extends MethodName>(method: M, params: Req<M>) {
  const e = await t.callError(method, params);
  answers.push(JSON.stringify(e));
  return e;
}
const sale = async (pan: string, amountFen: number, password?: string) =>
  call('sale.authorize', {
    cardToken: await t.card(pan),
    amountFen,
    ...(password !== undefined ? { password } : {}),
  });

beforeEach(async () => {
  answers = [];
  t = await startShiftApp(10_000);
});
afterEach(async () => {
  await t.close();
});

const state = (pan: string) => passwordState(t.app.issuerSim!.ledger, pan)!;

describe('a sale on a card that needs its password', () => {
  it('declined PASSWORD_REQUIRED, then wrong (PASSWORD_WRONG, nothing debited), then right: approved once', async () => {
    const before = t.issuerBalance(PWD.pan);
    const token = await t.card(PWD.pan);
    const first = await call('sale.authorize', { cardToken: token, amountFen: 1250 });
    expect(first).toMatchObject({ status: 'declined', declineCode: 'PASSWORD_REQUIRED' });
    expect(state(PWD.pan).wrongTries).toBe(0); // asking is not a try
    // The card stays presented: the retry uses the same token.
    const wrong = await call('sale.authorize', { cardToken: token, amountFen: 1250, password: '111111' });
    expect(wrong).toMatchObject({ status: 'declined', declineCode: 'PASSWORD_WRONG' });
    expect(wrong.stan).toBeGreaterThan(first.stan);
    expect(state(PWD.pan).wrongTries).toBe(1);
    const right = await call('sale.authorize', { cardToken: token, amountFen: 1250, password: '246810' });
    expect(right).toMatchObject({ status: 'approved', balanceFen: before - 1250 });
    expect(t.issuerBalance(PWD.pan)).toBe(before - 1250);
    expect(state(PWD.pan).wrongTries).toBe(0); // a right one resets the counter
    // Each attempt its own STAN, journaled like any sale.
    const journaled = t.app.db
      .prepare('SELECT stan FROM journal WHERE stan IN (?, ?, ?) ORDER BY stan')
      .all(first.stan, wrong.stan, right.stan);
    expect(journaled).toHaveLength(3);
  });

  it('a card whose password the issuer asked is never approved offline: the password cannot be checked', async () => {
    // Seen online (its balance known) and approved with its password: offline would otherwise pass.
    const token = await t.card(PWD.pan);
    await call('sale.authorize', { cardToken: token, amountFen: 100 });
    expect(
      await call('sale.authorize', { cardToken: token, amountFen: 100, password: '246810' }),
    ).toMatchObject({
      status: 'approved',
    });
    // A card without a password, seen online the same way, is the control: it is approved offline.
    expect(await sale(ACTIVE, 100, undefined)).toMatchObject({ status: 'approved' });
    t.app.link.setCut(true);
    try {
      expect(await sale(PWD.pan, 100, undefined)).toMatchObject({
        status: 'declined',
        declineCode: 'OFFLINE_PASSWORD_CARD',
      });
      expect(await sale(PWD.pan, 100, '246810')).toMatchObject({
        status: 'declined',
        declineCode: 'OFFLINE_PASSWORD_CARD',
      });
      expect(await sale(ACTIVE, 100, undefined)).toMatchObject({ status: 'approved', offline: true });
    } finally {
      t.app.link.setCut(false);
    }
  });

  it('a card without a password, and a threshold card under its threshold, need none', async () => {
    expect(await sale(ACTIVE, 100, undefined)).toMatchObject({ status: 'approved' });
    expect(await sale(OVER.pan, 10_000)).toMatchObject({ status: 'approved' }); // ¥100.00: not over
    expect(await sale(OVER.pan, 10_001)).toMatchObject({
      status: 'declined',
      declineCode: 'PASSWORD_REQUIRED',
    });
    expect(await sale(OVER.pan, 10_001, '135790')).toMatchObject({ status: 'approved' });
  });

  it('checks the card before the password: a lost card is CARD_LOST, not PASSWORD_REQUIRED', async () => {
    t.app.issuerSim!.ledger.db.prepare("UPDATE cards SET status = 'lost' WHERE pan = ?").run(PWD.pan);
    expect(await sale(PWD.pan, 100)).toMatchObject({ declineCode: 'CARD_LOST' });
    expect(state(PWD.pan).wrongTries).toBe(0);
  });

  it('wrong three times locks the card: PASSWORD_LOCKED even for the right one, until the issuer unlocks', async () => {
    const before = t.issuerBalance(PWD.pan);
    expect(await sale(PWD.pan, 500, '000000')).toMatchObject({ declineCode: 'PASSWORD_WRONG' });
    expect(await sale(PWD.pan, 500, '000001')).toMatchObject({ declineCode: 'PASSWORD_WRONG' });
    expect(await sale(PWD.pan, 500, '000002')).toMatchObject({ declineCode: 'PASSWORD_LOCKED' });
    expect(state(PWD.pan)).toMatchObject({ wrongTries: 3, locked: true });
    expect(await sale(PWD.pan, 500, '246810')).toMatchObject({ declineCode: 'PASSWORD_LOCKED' });
    expect(await sale(PWD.pan, 500)).toMatchObject({ declineCode: 'PASSWORD_LOCKED' });
    expect(t.issuerBalance(PWD.pan)).toBe(before);
    // The issuer's manager unlocks it (POST /admin/password-unlock/<pan>).
    const res = await fetch(`${t.app.issuerSim!.url}/admin/password-unlock/${PWD.pan}`, { method: 'POST' });
    expect(await res.json()).toEqual({ unlocked: true });
    expect(await sale(PWD.pan, 500, '246810')).toMatchObject({ status: 'approved' });
    expect(unlockCardPassword(t.app.issuerSim!.ledger, ACTIVE)).toBe(false); // no password: nothing to unlock
  });

  it('a malformed password never reaches the issuer: PASSWORD_FORMAT, nothing written', async () => {
    const before = t.app.db.prepare('SELECT COUNT(*) AS n FROM txns').get() as { n: number };
    for (const bad of ['12345', '1234567', '12a456'])
      expect(
        (
          await callError('sale.authorize', {
            cardToken: await t.card(PWD.pan),
            amountFen: 100,
            password: bad,
          })
        ).code,
      ).toBe('PASSWORD_FORMAT');
    expect(t.app.db.prepare('SELECT COUNT(*) AS n FROM txns').get()).toEqual(before);
    expect(state(PWD.pan).wrongTries).toBe(0);
  });

  it('a retry of the same request is answered from the record and counts one wrong try', async () => {
    // The JSON adapter resends the same bytes (same STAN) when an answer is lost; the issuer's
    // idempotency answers the retry from the record, so the counter moves once.
    t.app.issuerSim!.setFault('drop-response');
    const lost = await sale(PWD.pan, 500, '999999');
    t.app.issuerSim!.setFault('none');
    expect(lost.status).toBe('declined');
    expect(state(PWD.pan).wrongTries).toBe(1);
  });
});

describe('set and change the password at the till (old + new twice)', () => {
  it('sets a password on a card that has none; sales then need it', async () => {
    const r = await call('card.setPassword', {
      cardToken: await t.card(ACTIVE),
      newPassword: '802468',
      confirmPassword: '802468',
    });
    expect(r).toMatchObject({ type: 'password', status: 'approved', amountFen: 0 });
    expect(await sale(ACTIVE, 100)).toMatchObject({ declineCode: 'PASSWORD_REQUIRED' });
    expect(await sale(ACTIVE, 100, '802468')).toMatchObject({ status: 'approved' });
    // Journaled with its own STAN, signed like any record; not in the money totals.
    expect(t.app.db.prepare("SELECT COUNT(*) AS n FROM journal WHERE type = 'password'").get()).toEqual({
      n: 1,
    });
  });

  it('changes it: the old one is checked and counts tries; the new one is then the password', async () => {
    const token = await t.card(PWD.pan);
    const wrongOld = await call('card.setPassword', {
      cardToken: token,
      oldPassword: '000000',
      newPassword: '975310',
      confirmPassword: '975310',
    });
    expect(wrongOld).toMatchObject({ status: 'declined', declineCode: 'PASSWORD_WRONG' });
    expect(state(PWD.pan).wrongTries).toBe(1);
    const noOld = await call('card.setPassword', {
      cardToken: token,
      newPassword: '975310',
      confirmPassword: '975310',
    });
    expect(noOld).toMatchObject({ status: 'declined', declineCode: 'PASSWORD_REQUIRED' });
    const changed = await call('card.setPassword', {
      cardToken: token,
      oldPassword: '246810',
      newPassword: '975310',
      confirmPassword: '975310',
    });
    expect(changed.status).toBe('approved');
    expect(state(PWD.pan).wrongTries).toBe(0);
    expect(await sale(PWD.pan, 100, '246810')).toMatchObject({ declineCode: 'PASSWORD_WRONG' });
    expect(await sale(PWD.pan, 100, '975310')).toMatchObject({ status: 'approved' });
  });

  it('the two new entries must agree, and be 6 digits: refused before anything is sent', async () => {
    const before = t.app.db.prepare('SELECT COUNT(*) AS n FROM txns').get();
    const token = await t.card(PWD.pan);
    const base = { cardToken: token, oldPassword: '246810' };
    expect(
      (await callError('card.setPassword', { ...base, newPassword: '111111', confirmPassword: '111112' }))
        .code,
    ).toBe('PASSWORD_MISMATCH');
    expect(
      (await callError('card.setPassword', { ...base, newPassword: '1111', confirmPassword: '1111' })).code,
    ).toBe('PASSWORD_FORMAT');
    expect(t.app.db.prepare('SELECT COUNT(*) AS n FROM txns').get()).toEqual(before);
    expect(state(PWD.pan).wrongTries).toBe(0);
  });
});

/** Every file under `dir`, recursively. */
function files(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    return e.isDirectory() ? files(p) : e.isFile() ? [p] : [];
  });
}

describe('the password and its PIN block are never kept', () => {
  it('appear in no file of the data dir, not in the log, the journal bodies, the sealed commands or any API answer', async () => {
    const pinKey = t.app.keys.pinKey!;
    expect(pinKey).toBeDefined(); // delivered at enrolment, sealed in keys/pin-key.json
    // Passwords chosen so that no hex or decimal run on disk contains them by chance is not
    // possible (6 digits); so they are looked for as whole tokens, and their blocks byte for byte.
    const typed = ['246810', '370159', '482637'];
    const token = await t.card(PWD.pan);
    await call('sale.authorize', { cardToken: token, amountFen: 700 });
    await call('sale.authorize', { cardToken: token, amountFen: 700, password: '370159' }); // wrong
    await call('sale.authorize', { cardToken: token, amountFen: 700, password: '246810' }); // right
    await call('card.setPassword', {
      cardToken: await t.card(PWD.pan),
      oldPassword: '246810',
      newPassword: '482637',
      confirmPassword: '482637',
    });
    // A lost answer: the pending row and its reversal are sealed with the command (without blocks).
    t.app.issuerSim!.setFault('drop-response');
    await call('sale.authorize', { cardToken: await t.card(PWD.pan), amountFen: 300, password: '482637' });
    t.app.issuerSim!.setFault('none');
    await t.app.jobs.run(['reversal'], true);
    await t.app.close(); // flush the WAL into the files scanned below

    const blocks = typed.map((p) => pinBlockOf(PWD.pan, p, pinKey));
    const needles: Array<{ what: string; bytes: Buffer }> = [
      ...blocks.flatMap((b) => [
        { what: `block ${b}`, bytes: Buffer.from(b) },
        { what: `block ${b} (lower)`, bytes: Buffer.from(b.toLowerCase()) },
        { what: `block ${b} (raw)`, bytes: Buffer.from(b, 'hex') },
        { what: `block ${b} (base64)`, bytes: Buffer.from(Buffer.from(b, 'hex').toString('base64')) },
      ]),
    ];
    // A password as a whole token: not inside a longer run of digits or hex characters.
    const token6 = (p: string) => new RegExp(`(?<![0-9A-Fa-f])${p}(?![0-9A-Fa-f])`);
    const scanned = files(t.dataDir);
    expect(scanned.some((f) => f.endsWith(path.join('logs', 'cardtill.log')))).toBe(true);
    expect(scanned.some((f) => f.endsWith('issuer.db'))).toBe(true);
    for (const f of scanned) {
      const bytes = fs.readFileSync(f);
      for (const n of needles) expect(bytes.includes(n.bytes), `${n.what} in ${f}`).toBe(false);
      const text = bytes.toString('latin1');
      for (const p of typed) expect(token6(p).test(text), `password ${p} in ${f}`).toBe(false);
    }
    // Belt and braces on what the scan above covers as bytes: the journal bodies and the API answers.
    const db = new (await import('better-sqlite3')).default(path.join(t.dataDir, 'terminal.db'), {
      readonly: true,
    });
    const bodies = (db.prepare('SELECT body FROM journal').all() as Array<{ body: string }>).map(
      (r) => r.body,
    );
    db.close();
    expect(bodies.length).toBeGreaterThan(4);
    for (const text of [...bodies, ...answers]) {
      for (const b of blocks) expect(text.toUpperCase()).not.toContain(b);
      for (const p of typed) expect(token6(p).test(text), `password ${p} in ${text}`).toBe(false);
      expect(text).not.toMatch(/pinBlock|"(?:old|new|confirm)?password"\s*:/i);
    }
  });

  it('the command sealed in the pending row carries no PIN block (a reversal repeats it without 52)', async () => {
    t.app.issuerSim!.setFault('drop-response');
    const r = await sale(PWD.pan, 300, '246810');
    t.app.issuerSim!.setFault('none');
    const store = (t.app.terminal.opts as { store: TxnStore }).store;
    const sealed = t.app.db.prepare('SELECT request_enc FROM txns WHERE stan = ?').get(r.stan) as {
      request_enc: Buffer;
    };
    const cmd = store.openCommand(sealed.request_enc);
    expect(cmd).toMatchObject({ kind: 'authorize', amountFen: 300 });
    expect(cmd).not.toHaveProperty('pinBlock');
  });
});

describe('with more than one issuer', () => {
  it('a card of an issuer that gave no PIN key: its password is refused PIN_KEY_MISSING, nothing sent', async () => {
    await t.close();
    const home = await startIssuerSim({ dataDir: tempDir('cardtill-home-'), enrolToken: 'demo-enrol-token' });
    const other = await startIssuerSim({
      dataDir: tempDir('cardtill-other-'),
      enrolToken: 'demo-enrol-token',
    });
    const entry = (id: string, sim: typeof home, cardRanges: string[]) => ({
      id,
      name: id,
      protocol: 'cardtill-json',
      url: sim.url,
      publicKey: sim.publicKeyHex,
      timeoutMs: 1500,
      attempts: 2,
      cardRanges,
    });
    try {
      t = await startTestApp({
        config: { issuers: [entry('home', home, ['8888']), entry('other', other, [PWD.pan])] } as never,
      });
      await t.signIn();
      expect(t.app.keys.pinKey).toBeDefined(); // the home issuer's
      const rows = () => t.app.db.prepare('SELECT COUNT(*) AS n FROM txns').get();
      const before = rows();
      const e = await callError('sale.authorize', {
        cardToken: await t.card(PWD.pan),
        amountFen: 100,
        password: '246810',
      });
      expect(e.code).toBe('PIN_KEY_MISSING');
      expect(rows()).toEqual(before);
      expect(passwordState(other.ledger, PWD.pan)!.wrongTries).toBe(0);
      // The home issuer's own password card still works.
      expect(await sale(OVER.pan, 10_001, '135790')).toMatchObject({ status: 'approved' });
    } finally {
      await t.close();
      await home.close();
      await other.close();
      t = await startTestApp(); // for afterEach
    }
  });
});
