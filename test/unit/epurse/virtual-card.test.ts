/**
 * The virtual e-purse card and PSAM as state machines, driven with raw APDUs: the rules a terminal
 * must live with (6985 without INITIALIZE, 9302 wrong MAC, 9401 insufficient, 9406 not provable),
 * and a full purchase whose cryptograms are PBOC-EP.md's known-answer vector.
 */
import { describe, expect, it } from 'vitest';
import { fromHex, toHex } from '../../../src/drivers/ic/apdu';
import * as c from '../../../src/drivers/ic/epurse/codec';
import { VirtualEpurseCard } from '../../../src/drivers/ic/epurse/virtual-epurse';
import { VirtualPsam } from '../../../src/drivers/ic/epurse/virtual-psam';
import { DEMO_ISSUER_KEYS } from '../../../src/drivers/ic/epurse/demo-keys';
import { authorizeLoad } from '../../../src/drivers/ic/epurse/issuer-side';

const TN = fromHex('000000000001');
const D = fromHex('20251201');
const T = fromHex('101500');
const swOf = (r: Uint8Array) => toHex(r.subarray(r.length - 2));

function card(balanceFen = 1000, offlineSeq = 5) {
  const k = new VirtualEpurseCard({
    cardNumber: '88880200000000010',
    balanceFen,
    offlineSeq,
    onlineSeq: 3,
    random: () => fromHex('11223344'),
  });
  expect(swOf(k.respond(c.selectEpurse()))).toBe('9000');
  return k;
}

function psam(terminalSeq = 0x12345678) {
  const p = new VirtualPsam({ terminalNumber: '000000000001', terminalSeq });
  expect(swOf(p.respond(c.selectPsam()))).toBe('9000');
  return p;
}

function mac1For(p: VirtualPsam, init: c.InitPurchaseAnswer, amountFen: number) {
  const r = p.respond(
    c.psamMac1({
      random: init.random,
      offlineSeq: init.offlineSeq,
      amountFen,
      date: D,
      time: T,
      keyVersion: init.keyVersion,
      algId: init.algId,
      serial8: fromHex('8880200000000010'),
    }),
  );
  expect(toHex(r)).toBe('6108');
  const a = c.parsePsamMac1(p.respond(c.psamGetResponse()));
  if ('more' in a) throw new Error('61xx twice');
  return a;
}

describe('virtual e-purse card + PSAM', () => {
  it('runs the known-answer purchase: MAC1 341556CB, TAC ED6F5112, MAC2 93518CFE; balance and sequence move', () => {
    const k = card();
    const p = psam();
    expect(toHex(p.respond(c.readTerminalNumber()))).toBe('0000000000019000');
    const init = c.parseInitPurchase(k.respond(c.initializeForPurchase(1, 150, TN)));
    expect(init).toMatchObject({ balanceFen: 1000, offlineSeq: 5, keyVersion: 1, algId: 0 });
    const m = mac1For(p, init, 150);
    expect([toHex(m.terminalSeq), toHex(m.mac1)]).toEqual(['12345678', '341556CB']);
    expect(p.terminalSeq).toBe(0x12345679); // advanced on MAC1
    const d = c.parseDebit(k.respond(c.debitForPurchase(m.terminalSeq, D, T, m.mac1)));
    expect([toHex(d.tac), toHex(d.mac2)]).toEqual(['ED6F5112', '93518CFE']);
    expect(c.parsePsamVerifyMac2(p.respond(c.psamVerifyMac2(d.mac2)))).toBe(true);
    expect([k.balanceFen, k.offlineSeq]).toEqual([850, 6]);
    const proof = c.parseProve(k.respond(c.getTransactionProve(6, 5)));
    expect([toHex(proof.mac2), toHex(proof.tac)]).toEqual(['93518CFE', 'ED6F5112']);
    expect(swOf(k.respond(c.getTransactionProve(6, 6)))).toBe('9406');
    expect(c.parseTxnRecord(k.respond(c.readTxnRecord(1)))).toMatchObject({
      seq: 5,
      amountFen: 150,
      txnType: 6,
    });
    expect(swOf(k.respond(c.readTxnRecord(2)))).toBe('6A83');
  });

  it('refuses DEBIT without INITIALIZE (6985), also when another command came in between', () => {
    const k = card();
    expect(swOf(k.respond(c.debitForPurchase(fromHex('00000001'), D, T, fromHex('00000000'))))).toBe('6985');
    k.respond(c.initializeForPurchase(1, 150, TN));
    k.respond(c.getBalance());
    expect(swOf(k.respond(c.debitForPurchase(fromHex('00000001'), D, T, fromHex('00000000'))))).toBe('6985');
    k.respond(c.initializeForPurchase(1, 150, TN));
    k.reset();
    k.respond(c.selectEpurse());
    expect(swOf(k.respond(c.debitForPurchase(fromHex('00000001'), D, T, fromHex('00000000'))))).toBe('6985');
    expect(k.balanceFen).toBe(1000);
  });

  it('refuses a wrong MAC1 (9302), consumes nothing and cancels the INITIALIZE', () => {
    const k = card();
    const p = psam();
    const init = c.parseInitPurchase(k.respond(c.initializeForPurchase(1, 150, TN)));
    const m = mac1For(p, init, 150);
    const bad = m.mac1.map((x, i) => (i === 0 ? x ^ 1 : x));
    expect(swOf(k.respond(c.debitForPurchase(m.terminalSeq, D, T, bad)))).toBe('9302');
    expect([k.balanceFen, k.offlineSeq]).toEqual([1000, 5]);
    expect(swOf(k.respond(c.debitForPurchase(m.terminalSeq, D, T, m.mac1)))).toBe('6985');
  });

  it('refuses a purchase above the balance (9401)', () => {
    const k = card(100);
    expect(swOf(k.respond(c.initializeForPurchase(1, 101, TN)))).toBe('9401');
    expect(swOf(k.respond(c.initializeForPurchase(1, 100, TN)))).toBe('9000');
  });

  it('PSAM: MAC2 of another session is refused (9302), verify without MAC1 is 6985, T=1 style answers at once', () => {
    const p = psam();
    expect(swOf(p.respond(c.psamVerifyMac2(fromHex('93518CFE'))))).toBe('6985');
    const k = card();
    const init = c.parseInitPurchase(k.respond(c.initializeForPurchase(1, 150, TN)));
    mac1For(p, init, 150);
    expect(swOf(p.respond(c.psamVerifyMac2(fromHex('93518CFF'))))).toBe('9302');
    const t1 = new VirtualPsam({ terminalNumber: '000000000002', answerAtOnce: true });
    t1.respond(c.selectPsam());
    const r = c.parsePsamMac1(
      t1.respond(
        c.psamMac1({
          random: init.random,
          offlineSeq: 5,
          amountFen: 1,
          date: D,
          time: T,
          keyVersion: 1,
          algId: 0,
          serial8: new Uint8Array(8),
        }),
      ),
    );
    expect('mac1' in r).toBe(true);
  });

  it('loads with the issuer MAC2, refuses a wrong one (9302), proves the load', () => {
    const k = card();
    const init = c.parseInitLoad(k.respond(c.initializeForLoad(1, 5000, TN)));
    expect(init).toMatchObject({ balanceFen: 1000, onlineSeq: 3 });
    const mac2 = authorizeLoad(DEMO_ISSUER_KEYS, {
      serial8: fromHex('8880200000000010'),
      alg: '3des',
      random: init.random,
      onlineSeq: 3,
      balanceBeforeFen: 1000,
      amountFen: 5000,
      terminalNumber: TN,
      mac1: init.mac1,
      date: D,
      time: T,
    });
    expect(
      swOf(
        k.respond(
          c.creditForLoad(
            D,
            T,
            mac2.map((x) => x ^ 0xff),
          ),
        ),
      ),
    ).toBe('9302');
    expect(swOf(k.respond(c.creditForLoad(D, T, mac2)))).toBe('6985'); // the failed CREDIT cancelled it
    c.parseInitLoad(k.respond(c.initializeForLoad(1, 5000, TN)));
    const tac = c.parseCredit(k.respond(c.creditForLoad(D, T, mac2))).tac;
    expect([k.balanceFen, k.onlineSeq]).toEqual([6000, 4]);
    expect(toHex(c.parseProve(k.respond(c.getTransactionProve(2, 3))).tac)).toBe(toHex(tac));
  });

  it('answers a deposit balance request with 6A81 and unknown instructions with 6D00', () => {
    const k = card();
    expect(swOf(k.respond(fromHex('805C000104')))).toBe('6A81');
    expect(swOf(k.respond(fromHex('80FF000000')))).toBe('6D00');
    expect(swOf(new VirtualEpurseCard({ cardNumber: '1', balanceFen: 0 }).respond(c.getBalance()))).toBe(
      '6A82',
    );
  });
});
