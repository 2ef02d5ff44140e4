/**
 * The issuer simulator's ISO 8583 face over real loopback TCP, driven by a small terminal built
 * from the shared codec (src/shared/iso8583) and key code: sign-on with working keys (both key
 * sets), purchase debited once when sent twice, a bad MAC refused `A0` and not recorded, a
 * reversal restoring the balance and refusing the late original, void, refund, advice, balance,
 * settlement totals, and the host demanding a new sign-on. The ledger is the real SQLite
 * IssuerLedger the JSON face uses.
 */
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  CUP_PROFILE as P,
  FrameReader,
  decodeFrame,
  encodeFrame,
  formatField48,
  formatField60,
  formatField61,
  makeHeader,
  makeTpdu,
  parseField48,
  parseField54,
  parseField60,
  processingRequirement,
  pinBlockFormat0,
  type IsoFields,
  type IsoMessage,
} from '../../src/shared/iso8583';
import { KEYSETS, type KeySet } from '../../src/main/issuer/iso8583/keysets';
import {
  encodeWithMac,
  unwrapWorkingKeys,
  type WorkingKeys,
} from '../../src/main/issuer/iso8583/working-keys';
import { IssuerLedger } from '../../src/issuer-sim/ledger';
import { startIso8583Sim, type Iso8583Sim } from '../../src/issuer-sim/iso8583/server';
import { demoCard } from '../../src/issuer-sim/demo-cards';
import { passwordState, setCardPassword } from '../../src/issuer-sim/handlers-password';

const TMK = new Uint8Array(Buffer.from('00112233445566778899AABBCCDDEEFF', 'hex'));
const ACTIVE = demoCard('active').pan;

/** One TCP connection; one request and its answer at a time, as the page says. */
class Wire {
  private readonly reader = new FrameReader(P);
  private waiting: ((f: Uint8Array | 'closed') => void) | undefined;
  private constructor(private readonly socket: net.Socket) {
    socket.on('data', (chunk) => {
      for (const f of this.reader.push(new Uint8Array(chunk))) this.waiting?.(f);
    });
    socket.on('close', () => this.waiting?.('closed'));
  }
  static connect(port: number): Promise<Wire> {
    return new Promise((resolve, reject) => {
      const s = net.connect(port, '127.0.0.1', () => resolve(new Wire(s)));
      s.once('error', reject);
    });
  }
  send(frame: Uint8Array): Promise<Uint8Array | 'closed'> {
    return new Promise((resolve) => {
      this.waiting = resolve;
      this.socket.write(frame);
    });
  }
  close(): void {
    this.socket.destroy();
  }
}

/** The smallest terminal that follows the page: signs on, MACs, keeps a STAN and a batch. */
class TestTerminal {
  stan = 0;
  batch = 0;
  keys: WorkingKeys | undefined;
  constructor(
    private readonly wire: Wire,
    readonly ks: KeySet,
    readonly tid = 'T0000001',
  ) {}

  msg(mti: string, fields: IsoFields): IsoMessage {
    return {
      tpdu: makeTpdu(P, 1, 0),
      header: makeHeader(P),
      mti,
      fields: { 41: this.tid, 42: 'M000000000001', ...fields },
    };
  }

  async exchange(m: IsoMessage, mac = true): Promise<IsoMessage> {
    const frame = mac
      ? encodeWithMac(P, this.ks, this.keys!.mak, m)
      : encodeFrame(P, m, { keySet: this.ks.name });
    const answer = await this.wire.send(frame);
    if (answer === 'closed') throw new Error('connection closed');
    return decodeFrame(P, answer, { keySet: this.ks.name });
  }

  async signOn(): Promise<IsoMessage> {
    const a = await this.exchange(
      this.msg('0800', {
        11: this.nextStan(),
        60: formatField60({ typeCode: '00', batch: this.batch, networkCode: this.ks.networkCode }),
        63: '001',
      }),
      false,
    );
    this.keys = unwrapWorkingKeys(this.ks, TMK, a.fields[62] as Uint8Array);
    this.batch = parseField60(a.fields[60] as string).batch;
    return a;
  }

  nextStan(): string {
    this.stan = (this.stan + 1) % 1_000_000;
    return String(this.stan).padStart(6, '0');
  }

  /** A refund 0220 of `sale` (as sent), answered `sa`: 61 = its batch, STAN and the answer's 13. */
  refundMsg(sale: IsoMessage, sa: IsoMessage, fen: number): IsoMessage {
    return this.msg('0220', {
      2: sale.fields[2],
      3: '200000',
      4: String(fen).padStart(12, '0'),
      11: this.nextStan(),
      22: '021',
      25: '00',
      37: sa.fields[37],
      49: '156',
      60: formatField60({ typeCode: '25', batch: this.batch }),
      61: formatField61({ batch: this.batch, stan: Number(sale.fields[11]), date: sa.fields[13] as string }),
    });
  }

  purchaseMsg(pan: string, fen: number, extra: IsoFields = {}, typeCode = '22', proc = '000000'): IsoMessage {
    return this.msg('0200', {
      2: pan,
      3: proc,
      4: String(fen).padStart(12, '0'),
      11: this.nextStan(),
      22: '021',
      25: '00',
      49: '156',
      60: formatField60({ typeCode, batch: this.batch }),
      ...extra,
    });
  }
}

const balanceOf = (ledger: IssuerLedger, pan: string) => ledger.card(pan)!.balance_fen;

describe.each(['3des', 'sm4'] as const)('ISO 8583 issuer-sim, %s key set', (ksName) => {
  let dir: string;
  let ledger: IssuerLedger;
  let sim: Iso8583Sim;
  let wire: Wire;
  let t: TestTerminal;

  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'iso-sim-'));
    ledger = new IssuerLedger(path.join(dir, 'issuer.db'));
    ledger.seedDemoCards();
    sim = await startIso8583Sim({
      ledger,
      keySet: KEYSETS[ksName],
      tmk: TMK,
    });
    // The same password store as the JSON face (src/issuer-sim/password-check.ts).
    setCardPassword(ledger, demoCard('gift').pan, '246810');
    wire = await Wire.connect(sim.port);
    t = new TestTerminal(wire, KEYSETS[ksName]);
  });
  afterAll(async () => {
    wire.close();
    await sim.close();
    ledger.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it("a MAC'd request before any sign-on is A0 with header nibble 3, not recorded", async () => {
    t.keys = { pik: new Uint8Array(16), mak: new Uint8Array(16) };
    const a = await t.exchange(t.purchaseMsg(ACTIVE, 100));
    expect(a.fields[39]).toBe('A0');
    expect(processingRequirement(P, a.header)).toBe(3);
    expect(ledger.entries(ACTIVE)).toHaveLength(0);
  });

  it('signs on: 0810, working keys whose check values match, the batch to use, no MAC', async () => {
    const a = await t.signOn();
    expect(a.mti).toBe('0810');
    expect(a.fields[39]).toBe('00');
    expect(a.fields[64]).toBeUndefined();
    expect(t.batch).toBe(1);
    expect(a.tpdu).toEqual(makeTpdu(P, 0, 1)); // addresses swapped
  });

  it('echo answers 0830 00', async () => {
    const a = await t.exchange(
      t.msg('0820', {
        11: t.nextStan(),
        60: formatField60({ typeCode: '00', batch: t.batch, networkCode: '301' }),
      }),
      false,
    );
    expect([a.mti, a.fields[39]]).toEqual(['0830', '00']);
  });

  it('a purchase sent twice is debited exactly once and answered the same', async () => {
    const before = balanceOf(ledger, ACTIVE);
    const m = t.purchaseMsg(ACTIVE, 1250);
    const a1 = await t.exchange(m);
    const a2 = await t.exchange(m);
    expect(a1.mti).toBe('0210');
    expect(a1.fields[39]).toBe('00');
    expect(a2.fields).toEqual(a1.fields);
    expect(parseField54(a1.fields[54] as string)).toBe(before - 1250);
    expect(balanceOf(ledger, ACTIVE)).toBe(before - 1250);
    expect(ledger.entries(ACTIVE).filter((e) => e.kind === 'sale')).toHaveLength(1);
    // Another amount under the same key is 94.
    const other = { ...m, fields: { ...m.fields, 4: '000000000999' } };
    expect((await t.exchange(other)).fields[39]).toBe('94');
  });

  it('a request with a bad MAC is refused A0 and nothing is applied', async () => {
    const before = balanceOf(ledger, ACTIVE);
    const frame = encodeWithMac(P, t.ks, t.keys!.mak, t.purchaseMsg(ACTIVE, 500));
    frame[frame.length - 1] ^= 0x01;
    const raw = await wire.send(frame);
    const a = decodeFrame(P, raw as Uint8Array, { keySet: t.ks.name });
    expect(a.fields[39]).toBe('A0');
    expect(balanceOf(ledger, ACTIVE)).toBe(before);
    expect(ledger.request(`iso8583:${t.tid}`, t.batch * 1e6 + t.stan)).toBeUndefined();
  });

  it('a reversal 0400 of a purchase restores the balance; the original again is 12', async () => {
    const before = balanceOf(ledger, ACTIVE);
    const m = t.purchaseMsg(ACTIVE, 3000);
    expect((await t.exchange(m)).fields[39]).toBe('00');
    expect(balanceOf(ledger, ACTIVE)).toBe(before - 3000);
    const rev = t.msg('0400', { ...m.fields, 39: '98' });
    const r1 = await t.exchange(rev);
    expect([r1.mti, r1.fields[39]]).toEqual(['0410', '00']);
    expect(balanceOf(ledger, ACTIVE)).toBe(before);
    // Repeated until answered: a second 0410, nothing undone twice.
    expect((await t.exchange(rev)).fields[39]).toBe('00');
    expect(balanceOf(ledger, ACTIVE)).toBe(before);
    expect((await t.exchange(m)).fields[39]).toBe('12');
    expect(balanceOf(ledger, ACTIVE)).toBe(before);
  });

  it('a reversal of an unknown STAN is 00 and refuses the late original with 12', async () => {
    const before = balanceOf(ledger, ACTIVE);
    const m = t.purchaseMsg(ACTIVE, 700);
    expect((await t.exchange(t.msg('0400', { ...m.fields, 39: '98' }))).fields[39]).toBe('00');
    expect((await t.exchange(m)).fields[39]).toBe('12');
    expect(balanceOf(ledger, ACTIVE)).toBe(before);
  });

  it('declines with the page codes, 54 whenever the card is known', async () => {
    const low = await t.exchange(t.purchaseMsg(demoCard('low').pan, 5000));
    expect(low.fields[39]).toBe('51');
    expect(parseField54(low.fields[54] as string)).toBe(800);
    expect(low.fields[38]).toBeUndefined();
    expect((await t.exchange(t.purchaseMsg(demoCard('lost').pan, 100))).fields[39]).toBe('41');
    expect((await t.exchange(t.purchaseMsg(demoCard('frozen').pan, 100))).fields[39]).toBe('62');
    expect((await t.exchange(t.purchaseMsg(demoCard('expired').pan, 100))).fields[39]).toBe('54');
    expect((await t.exchange(t.purchaseMsg(demoCard('inactive').pan, 100))).fields[39]).toBe('78');
    const unknown = await t.exchange(t.purchaseMsg('8888010000000082', 100));
    expect(unknown.fields[39]).toBe('14');
    expect(unknown.fields[54]).toBeUndefined();
    // A missing field and amount 0 are format errors.
    const noAmount = t.purchaseMsg(ACTIVE, 100);
    expect(
      (await t.exchange({ ...noAmount, fields: { ...noAmount.fields, 4: '000000000000' } })).fields[39],
    ).toBe('30');
  });

  it('password: wrong, wrong, wrong → 55, 55, 75, then 75 even for the right one', async () => {
    const gift = demoCard('gift').pan;
    const withPin = (pin: string) => {
      const clear = pinBlockFormat0(pin, gift);
      const block =
        t.ks.pinBlockBytes === 16 ? Uint8Array.of(...clear, ...new Uint8Array(8).fill(0xff)) : clear;
      return { 26: '06', 52: t.ks.encrypt(t.keys!.pik, block), 53: t.ks.securityControl };
    };
    expect((await t.exchange(t.purchaseMsg(gift, 100))).fields[39]).toBe('55'); // needs one
    expect(passwordState(ledger, gift)!.wrongTries).toBe(0); // asking is not a try
    expect((await t.exchange(t.purchaseMsg(gift, 100, withPin('246810')))).fields[39]).toBe('00');
    expect((await t.exchange(t.purchaseMsg(gift, 100, withPin('111111')))).fields[39]).toBe('55');
    expect((await t.exchange(t.purchaseMsg(gift, 100, withPin('111111')))).fields[39]).toBe('55');
    expect((await t.exchange(t.purchaseMsg(gift, 100, withPin('111111')))).fields[39]).toBe('75');
    expect((await t.exchange(t.purchaseMsg(gift, 100, withPin('246810')))).fields[39]).toBe('75');
    // Locked in the one store both faces check.
    expect(passwordState(ledger, gift)).toMatchObject({ wrongTries: 3, locked: true });
  });

  it('balance inquiry, void, refund and offline advice', async () => {
    const bal = await t.exchange(
      t.msg('0200', {
        2: ACTIVE,
        3: '310000',
        11: t.nextStan(),
        22: '021',
        25: '00',
        49: '156',
        60: formatField60({ typeCode: '01', batch: t.batch }),
      }),
    );
    expect(bal.fields[39]).toBe('00');
    const start = parseField54(bal.fields[54] as string);
    expect(start).toBe(balanceOf(ledger, ACTIVE));

    // A sale, then its void (61 = batch, STAN; 37 and 38 as answered).
    const sale = t.purchaseMsg(ACTIVE, 2000);
    const sa = await t.exchange(sale);
    const saleStan = Number(sale.fields[11]);
    const voidMsg = t.purchaseMsg(
      ACTIVE,
      2000,
      { 37: sa.fields[37], 38: sa.fields[38], 61: formatField61({ batch: t.batch, stan: saleStan }) },
      '23',
      '200000',
    );
    const va = await t.exchange(voidMsg);
    expect(va.fields[39]).toBe('00');
    expect(balanceOf(ledger, ACTIVE)).toBe(start);
    // The void of a voided sale is 12.
    const again = t.purchaseMsg(
      ACTIVE,
      2000,
      { 37: sa.fields[37], 38: sa.fields[38], 61: formatField61({ batch: t.batch, stan: saleStan }) },
      '23',
      '200000',
    );
    expect((await t.exchange(again)).fields[39]).toBe('12');

    // A sale, then a partial refund and one over the rest (61 = batch, STAN, the answer's 13).
    const sale2 = t.purchaseMsg(ACTIVE, 1000);
    const s2 = await t.exchange(sale2);
    const ref = (fen: number) => t.refundMsg(sale2, s2, fen);
    const r1 = await t.exchange(ref(400));
    expect([r1.mti, r1.fields[39]]).toEqual(['0230', '00']);
    expect((await t.exchange(ref(601))).fields[39]).toBe('61');
    expect(balanceOf(ledger, ACTIVE)).toBe(start - 1000 + 400);

    // An offline advice: 0220, accepted, no 38 or 54 in its answer.
    const adv = await t.exchange(
      t.msg('0220', {
        2: ACTIVE,
        3: '000000',
        4: '000000000300',
        11: t.nextStan(),
        12: '101010',
        13: '1201',
        22: '021',
        25: '00',
        49: '156',
        60: formatField60({ typeCode: '22', batch: t.batch }),
      }),
    );
    expect([adv.mti, adv.fields[39], adv.fields[38], adv.fields[54]]).toEqual([
      '0230',
      '00',
      undefined,
      undefined,
    ]);
    expect(balanceOf(ledger, ACTIVE)).toBe(start - 1000 + 400 - 300);
  });

  it("settlement: the host's totals in 48, balanced when the terminal's match", async () => {
    const host = sim.host.totals(t.tid, t.batch);
    const settle = (totals: typeof host) =>
      t.exchange(
        t.msg('0500', {
          11: t.nextStan(),
          48: formatField48({ ...totals, result: 0 }),
          49: '156',
          60: formatField60({ typeCode: '00', batch: t.batch, networkCode: '201' }),
          63: '001',
        }),
        false,
      );
    // Sales: 1250 (the repeated one, once) + the password sale 100 + 1000 + advice 300; the voided
    // and reversed ones count for nothing. Credits: the 400 refund.
    expect(host).toEqual({ saleCount: 4, saleFen: 1250 + 100 + 1000 + 300, creditCount: 1, creditFen: 400 });
    const ok = await settle(host);
    expect(ok.mti).toBe('0510');
    expect(parseField48(ok.fields[48] as string)).toEqual({ ...host, result: 1 });
    const off = await settle({ ...host, saleFen: host.saleFen + 1 });
    expect(parseField48(off.fields[48] as string)).toEqual({ ...host, result: 2 });
  });

  it('reversal edges: a declined original is 00 with nothing undone; other 2/3/4/60.1 than the original is 25', async () => {
    const low = demoCard('low').pan;
    const declined = t.purchaseMsg(low, 5000);
    expect((await t.exchange(declined)).fields[39]).toBe('51');
    expect((await t.exchange(t.msg('0400', { ...declined.fields, 39: '98' }))).fields[39]).toBe('00');
    expect(balanceOf(ledger, low)).toBe(800);
    const before = balanceOf(ledger, ACTIVE);
    const sale = t.purchaseMsg(ACTIVE, 100);
    expect((await t.exchange(sale)).fields[39]).toBe('00');
    const wrong = await t.exchange(t.msg('0400', { ...sale.fields, 4: '000000000099', 39: '98' }));
    expect(wrong.fields[39]).toBe('25');
    expect(balanceOf(ledger, ACTIVE)).toBe(before - 100);
    expect((await t.exchange(t.msg('0400', { ...sale.fields, 39: '98' }))).fields[39]).toBe('00');
    expect(balanceOf(ledger, ACTIVE)).toBe(before);
  });

  it('a refund (0220) sent again is answered its first answer and credited once; a 0400 naming a refund is 25', async () => {
    if (!t.keys) await t.signOn();
    const sale = t.purchaseMsg(ACTIVE, 1000);
    const sa = await t.exchange(sale);
    const before = balanceOf(ledger, ACTIVE);
    const refund = t.refundMsg(sale, sa, 300);
    const first = await t.exchange(refund);
    const repeat = await t.exchange(refund); // the terminal lost the first answer
    expect(first.fields[39]).toBe('00');
    expect([repeat.fields[37], repeat.fields[38], repeat.fields[39]]).toEqual([
      first.fields[37],
      first.fields[38],
      '00',
    ]);
    expect(balanceOf(ledger, ACTIVE)).toBe(before + 300);
    // The dialect reverses 0200s only: a 0400 with the refund's 3 / 60.1 undoes nothing.
    const rev = await t.exchange(t.msg('0400', { ...refund.fields, 39: '98' }));
    expect(rev.fields[39]).toBe('25');
    expect(balanceOf(ledger, ACTIVE)).toBe(before + 300);
    // A refusal is answered the same on a repeat (61: over what is left of the original).
    const over = t.msg('0220', { ...refund.fields, 4: '000000000800', 11: t.nextStan() });
    expect((await t.exchange(over)).fields[39]).toBe('61');
    expect((await t.exchange(over)).fields[39]).toBe('61');
    expect(balanceOf(ledger, ACTIVE)).toBe(before + 300);
  });

  it('activation, top-up and cash-out: the purchase fields with their codes; never voided; activation reversed', async () => {
    const inactive = demoCard('inactive').pan;
    const act = t.purchaseMsg(inactive, 5000, {}, '40', '220000');
    const a = await t.exchange(act);
    expect(a.fields[39]).toBe('00');
    expect(ledger.card(inactive)).toMatchObject({ status: 'active', balance_fen: 5000 });
    // Activating an active card is 12.
    expect((await t.exchange(t.purchaseMsg(ACTIVE, 5000, {}, '40', '220000'))).fields[39]).toBe('12');
    const top = await t.exchange(t.purchaseMsg(inactive, 1000, {}, '41', '210000'));
    expect(parseField54(top.fields[54] as string)).toBe(6000);
    const cashMsg = t.purchaseMsg(inactive, 500, {}, '42', '010000');
    const cash = await t.exchange(cashMsg);
    expect(parseField54(cash.fields[54] as string)).toBe(5500);
    const voidCash = t.purchaseMsg(
      inactive,
      500,
      {
        37: cash.fields[37],
        38: cash.fields[38],
        61: formatField61({ batch: t.batch, stan: Number(cashMsg.fields[11]) }),
      },
      '23',
      '200000',
    );
    expect((await t.exchange(voidCash)).fields[39]).toBe('12');
    // Reverse the cash-out, then the activation's reversal leaves the card not activated again.
    expect((await t.exchange(t.msg('0400', { ...cashMsg.fields, 39: '98' }))).fields[39]).toBe('00');
    expect(balanceOf(ledger, inactive)).toBe(6000);
    // A top-up already spent cannot be reversed: 51, nothing taken back.
    const top2Msg = t.purchaseMsg(inactive, 2000, {}, '41', '210000');
    expect((await t.exchange(top2Msg)).fields[39]).toBe('00');
    expect((await t.exchange(t.purchaseMsg(inactive, 7000))).fields[39]).toBe('00');
    expect((await t.exchange(t.msg('0400', { ...top2Msg.fields, 39: '98' }))).fields[39]).toBe('51');
    expect(balanceOf(ledger, inactive)).toBe(1000);
    expect((await t.exchange(t.purchaseMsg(inactive, 1000))).fields[39]).toBe('00');
    // Reversing the activation of an emptied card: 51 as well, and a repeat of it is answered the
    // same (any 0410 ends the repeats; the manager settles it at the issuer).
    const actRev = t.msg('0400', { ...act.fields, 39: '06' });
    expect((await t.exchange(actRev)).fields[39]).toBe('51');
    expect((await t.exchange(t.purchaseMsg(inactive, 5000, {}, '41', '210000'))).fields[39]).toBe('00');
    expect((await t.exchange(actRev)).fields[39]).toBe('51');
    expect(ledger.card(inactive)).toMatchObject({ status: 'active', balance_fen: 5000 });

    // An activation reversed while its balance is untouched: the card is not activated again.
    const fresh = '8888010000000090';
    ledger.upsertCard({ pan: fresh, status: 'not_activated', balanceFen: 0, expiry: '3012' });
    const act2 = t.purchaseMsg(fresh, 3000, {}, '40', '220000');
    expect((await t.exchange(act2)).fields[39]).toBe('00');
    expect((await t.exchange(t.msg('0400', { ...act2.fields, 39: '98' }))).fields[39]).toBe('00');
    expect(ledger.card(fresh)).toMatchObject({ status: 'not_activated', balance_fen: 0 });
  });

  it('activation and top-up within the card cap: the same rule as the JSON face, 61 one fen over', async () => {
    // Before, this face loaded any amount: an anonymous card could be activated with ¥1,000.01.
    const anon = demoCard('shelf-anon').pan;
    expect((await t.exchange(t.purchaseMsg(anon, 100_001, {}, '40', '220000'))).fields[39]).toBe('61');
    expect(ledger.card(anon)).toMatchObject({ status: 'not_activated', balance_fen: 0 });
    expect((await t.exchange(t.purchaseMsg(anon, 100_000, {}, '40', '220000'))).fields[39]).toBe('00');
    expect((await t.exchange(t.purchaseMsg(anon, 1, {}, '41', '210000'))).fields[39]).toBe('61');
    const near = demoCard('anon-near-cap').pan;
    expect((await t.exchange(t.purchaseMsg(near, 1_001, {}, '41', '210000'))).fields[39]).toBe('61');
    expect(balanceOf(ledger, near)).toBe(99_000);
    expect((await t.exchange(t.purchaseMsg(near, 1_000, {}, '41', '210000'))).fields[39]).toBe('00');
    expect(balanceOf(ledger, near)).toBe(100_000);
  });

  it('demands a new sign-on with header nibble 3 until the terminal signs on again', async () => {
    sim.host.requireSignOn();
    const a = await t.exchange(t.purchaseMsg(ACTIVE, 1));
    expect(processingRequirement(P, a.header)).toBe(3);
    await t.signOn();
    const b = await t.exchange(t.purchaseMsg(ACTIVE, 1));
    expect(processingRequirement(P, b.header)).toBe(0);
    expect(b.fields[39]).toBe('00');
  });

  it('an unparseable frame closes the connection', async () => {
    const bad = encodeWithMac(P, t.ks, t.keys!.mak, t.purchaseMsg(ACTIVE, 1));
    bad[15] |= 0x80; // bit 1: a secondary bitmap this profile has not
    expect(await wire.send(bad)).toBe('closed');
    wire = await Wire.connect(sim.port);
  });
});

describe('ISO 8583 issuer-sim idle close', () => {
  it('closes a connection that stays idle past its idle time (60 s in production)', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'iso-idle-'));
    const ledger = new IssuerLedger(path.join(dir, 'issuer.db'));
    const sim = await startIso8583Sim({ ledger, keySet: KEYSETS['3des'], tmk: TMK, idleMs: 100 });
    const socket = net.connect(sim.port, '127.0.0.1');
    // Waits on the event: the host, not the client, ends the idle connection.
    const ended = new Promise<boolean>((resolve) => socket.once('end', () => resolve(true)));
    await new Promise<void>((resolve) => socket.once('close', () => resolve()));
    expect(await ended).toBe(true); // the host's FIN, not a local error
    await sim.close();
    ledger.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });
});
