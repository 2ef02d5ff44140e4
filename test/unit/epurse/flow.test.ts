/**
 * The purchase and the load over the virtual card and PSAM (test/helpers/epurse-rig.ts), and the
 * tearing test: the card torn away at every command boundary — the command never arriving, or
 * executed with its answer lost (after DEBIT executed, before its answer was read) — then presented
 * again and resolved. Afterwards the chip was debited (credited) exactly once, one grey record
 * closed as 'done' with a TAC the issuer accepts, none left open.
 */
import { describe, expect, it } from 'vitest';
import { fromHex } from '../../../src/drivers/ic/apdu';
import { bcdDateTime, cardSerial8, algFromId } from '../../../src/drivers/ic/epurse/crypto';
import { DEMO_ISSUER_KEYS } from '../../../src/drivers/ic/epurse/demo-keys';
import { isEpurseError, type EpurseErrorCode } from '../../../src/drivers/ic/epurse/errors';
import {
  openPsam,
  resolveTear,
  runLoad,
  runPurchase,
  type LoadAuthorizer,
} from '../../../src/drivers/ic/epurse/flow';
import { authorizeLoad, loadTacValid, purchaseTacValid } from '../../../src/drivers/ic/epurse/issuer-side';
import { VirtualEpurseCard } from '../../../src/drivers/ic/epurse/virtual-epurse';
import { EpurseRig, MemoryGreyStore } from '../../helpers/epurse-rig';

const CARD = '88880200000000010';
const SERIAL = CARD.padStart(20, '0');
const now = bcdDateTime({ y: 2025, mo: 12, d: 1, h: 10, mi: 15, s: 0 });

const issuer: LoadAuthorizer = async (r) =>
  authorizeLoad(DEMO_ISSUER_KEYS, { ...r, alg: algFromId(r.algId) });

async function setup(extra: Partial<ConstructorParameters<typeof VirtualEpurseCard>[0]> = {}) {
  const rig = new EpurseRig({ cardNumber: CARD, balanceFen: 1000, offlineSeq: 5, onlineSeq: 3, ...extra });
  const tn = await openPsam(rig.transmit);
  rig.log.length = 0;
  rig.sent = 0;
  return { rig, tn };
}

async function codeOf(p: Promise<unknown>): Promise<EpurseErrorCode | 'ok'> {
  try {
    await p;
    return 'ok';
  } catch (e) {
    if (!isEpurseError(e)) throw e;
    return e.code;
  }
}

describe('purchase', () => {
  it('sends exactly the page’s sequence and writes the grey record before DEBIT', async () => {
    const { rig, tn } = await setup();
    const r = await runPurchase({
      transmit: rig.transmit,
      store: rig.store,
      terminalNumber: tn,
      amountFen: 150,
      now,
    });
    expect(rig.log).toEqual([
      'card:00A4', // SELECT
      'card:00B0', // public info
      'card:805C', // balance
      'card:8050', // INITIALIZE FOR PURCHASE
      'psam:8070', // MAC1
      'psam:00C0', // GET RESPONSE (61 08)
      'grey:put',
      'card:8054', // DEBIT
      'psam:8072', // verify MAC2
      'grey:done',
    ]);
    expect(r).toMatchObject({
      cardSerial: SERIAL,
      balanceBeforeFen: 1000,
      balanceAfterFen: 850,
      offlineSeq: 5,
    });
    expect(rig.card.balanceFen).toBe(850);
    expect(purchaseTacValid(DEMO_ISSUER_KEYS, { ...r, serial8: cardSerial8(CARD), alg: '3des' })).toBe(true);
  });

  it('an SM4 card (algorithm 04): the same flow, the PSAM follows the card’s algorithm id', async () => {
    const sm4 = { ...DEMO_ISSUER_KEYS, alg: 'sm4' as const };
    const { rig, tn } = await setup({ keys: sm4 });
    const r = await runPurchase({
      transmit: rig.transmit,
      store: rig.store,
      terminalNumber: tn,
      amountFen: 150,
      now,
    });
    expect(r.algId).toBe(4);
    expect(rig.card.balanceFen).toBe(850);
    expect(purchaseTacValid(sm4, { ...r, serial8: cardSerial8(CARD), alg: 'sm4' })).toBe(true);
    expect(purchaseTacValid(DEMO_ISSUER_KEYS, { ...r, serial8: cardSerial8(CARD), alg: '3des' })).toBe(false);
  });

  it('a PSAM with other keys: the card refuses MAC1 (9302), nothing debited, grey record void', async () => {
    const { rig, tn } = await setup({ keys: { ...DEMO_ISSUER_KEYS, purchase: fromHex('11'.repeat(16)) } });
    expect(
      await codeOf(
        runPurchase({ transmit: rig.transmit, store: rig.store, terminalNumber: tn, amountFen: 150, now }),
      ),
    ).toBe('EP_MAC_INVALID');
    expect(rig.card.balanceFen).toBe(1000);
    expect(rig.store.open.size).toBe(0);
    expect(rig.store.closed.at(-1)?.outcome).toEqual({ kind: 'not-done', why: 'EP_MAC_INVALID' });
  });

  it('a card replaying a fixed MAC2: the PSAM refuses it, the sale is not paid and flagged', async () => {
    const { rig, tn } = await setup();
    const replay: typeof rig.transmit = async (to, apdu) => {
      const r = await rig.transmit(to, apdu);
      if (to === 'card' && apdu[1] === 0x54) r.set([0x93, 0x51, 0x8c, 0xfe], 4); // a MAC2 of another day
      return r;
    };
    expect(
      await codeOf(
        runPurchase({ transmit: replay, store: rig.store, terminalNumber: tn, amountFen: 150, now }),
      ),
    ).toBe('EP_MAC2_INVALID');
    expect(rig.store.closed.at(-1)?.outcome.kind).toBe('mac2-invalid');
  });

  it('insufficient chip balance is EP_INSUFFICIENT with the chip balance, before any grey record; the card refuses too (9401)', async () => {
    const { rig, tn } = await setup();
    expect(
      await codeOf(
        runPurchase({ transmit: rig.transmit, store: rig.store, terminalNumber: tn, amountFen: 1001, now }),
      ),
    ).toBe('EP_INSUFFICIENT');
    expect(rig.log).not.toContain('grey:put');
    expect(rig.log).not.toContain('card:8050');
    let err: unknown;
    await runPurchase({
      transmit: rig.transmit,
      store: rig.store,
      terminalNumber: tn,
      amountFen: 1001,
      now,
    }).catch((e: unknown) => (err = e));
    expect(isEpurseError(err, 'EP_INSUFFICIENT') && err.chipBalanceFen).toBe(1000);
    // a balance that dropped between GET BALANCE and INITIALIZE: the card's own 9401
    const racing: typeof rig.transmit = async (to, apdu) => {
      if (to === 'card' && apdu[1] === 0x50) rig.card.balanceFen = 100;
      return rig.transmit(to, apdu);
    };
    expect(
      await codeOf(
        runPurchase({ transmit: racing, store: rig.store, terminalNumber: tn, amountFen: 150, now }),
      ),
    ).toBe('EP_INSUFFICIENT');
    expect(rig.store.open.size).toBe(0);
  });

  it('refuses a new purchase while the card has an open grey record; another card does not resolve it', async () => {
    const { rig, tn } = await setup();
    rig.tear = { at: 6, when: 'after' }; // DEBIT executed, answer lost
    expect(
      await codeOf(
        runPurchase({ transmit: rig.transmit, store: rig.store, terminalNumber: tn, amountFen: 150, now }),
      ),
    ).toBe('EP_TORN');
    rig.represent();
    expect(
      await codeOf(
        runPurchase({ transmit: rig.transmit, store: rig.store, terminalNumber: tn, amountFen: 150, now }),
      ),
    ).toBe('EP_GREY_PENDING');
    const grey = rig.store.open.get(SERIAL)!;
    rig.other = new VirtualEpurseCard({ cardNumber: '88880200000000011', balanceFen: 850, offlineSeq: 6 });
    expect((await resolveTear(rig.transmit, rig.store, grey)).kind).toBe('other-card');
    expect(rig.store.open.has(SERIAL)).toBe(true);
    rig.other = undefined;
    rig.card.reset();
    const res = await resolveTear(rig.transmit, rig.store, grey);
    expect(res.kind).toBe('done');
    expect(rig.card.balanceFen).toBe(850);
  });

  it('a card that wants the next sequence in GET TRANSACTION PROVE is proved too; a card that cannot prove → exception', async () => {
    for (const proveWith of ['next', 'torn'] as const) {
      const { rig, tn } = await setup({ proveWith });
      rig.tear = { at: 6, when: 'after' };
      await codeOf(
        runPurchase({ transmit: rig.transmit, store: rig.store, terminalNumber: tn, amountFen: 150, now }),
      );
      rig.represent();
      const res = await resolveTear(rig.transmit, rig.store, rig.store.open.get(SERIAL)!);
      expect(res.kind).toBe('done');
      expect(rig.log.filter((l) => l === 'card:805A')).toHaveLength(proveWith === 'next' ? 2 : 1);
    }
    const { rig, tn } = await setup();
    rig.tear = { at: 6, when: 'after' };
    await codeOf(
      runPurchase({ transmit: rig.transmit, store: rig.store, terminalNumber: tn, amountFen: 150, now }),
    );
    rig.represent();
    const grey = rig.store.open.get(SERIAL)!;
    const noProof: typeof rig.transmit = async (to, apdu) =>
      to === 'card' && apdu[1] === 0x5a ? Uint8Array.of(0x94, 0x06) : rig.transmit(to, apdu);
    expect(await resolveTear(noProof, rig.store, grey)).toMatchObject({
      kind: 'exception',
      reason: 'not-provable',
    });
    expect(rig.store.closed.at(-1)?.outcome).toEqual({ kind: 'exception', reason: 'not-provable' });
  });

  it('a card used elsewhere before it came back: sequence jumped → exception for the manager', async () => {
    const { rig, tn } = await setup();
    rig.tear = { at: 6, when: 'after' };
    await codeOf(
      runPurchase({ transmit: rig.transmit, store: rig.store, terminalNumber: tn, amountFen: 150, now }),
    );
    const grey = rig.store.open.get(SERIAL)!;
    rig.represent();
    await runPurchase({
      transmit: rig.transmit,
      store: new MemoryGreyStore(),
      terminalNumber: tn,
      amountFen: 10,
      now,
    });
    rig.card.reset();
    const res = await resolveTear(rig.transmit, rig.store, grey);
    expect(res).toMatchObject({ kind: 'exception', reason: 'sequence-jumped' });
    expect(rig.store.closed.at(-1)?.outcome.kind).toBe('exception');
  });

  // 8 commands: SELECT, READ BINARY, GET BALANCE, INITIALIZE, MAC1, GET RESPONSE, DEBIT, VERIFY MAC2
  const cases = [0, 1, 2, 3, 4, 5, 6, 7].flatMap((at) =>
    (['before', 'after'] as const).map((when) => ({ at, when })),
  );
  it.each(cases)('torn at command $at ($when): debited exactly once, never lost', async (tear) => {
    const { rig, tn } = await setup();
    rig.tear = tear;
    const first = await codeOf(
      runPurchase({ transmit: rig.transmit, store: rig.store, terminalNumber: tn, amountFen: 150, now }),
    );
    expect(first).toBe('EP_TORN');
    rig.represent();
    const grey = rig.store.open.get(SERIAL);
    let paid = false;
    if (grey) {
      const res = await resolveTear(rig.transmit, rig.store, grey);
      expect(['done', 'not-done']).toContain(res.kind);
      paid = res.kind === 'done';
      if (paid)
        expect(
          purchaseTacValid(DEMO_ISSUER_KEYS, {
            ...grey,
            serial8: cardSerial8(CARD),
            alg: '3des',
            tac: res.tac!,
          }),
        ).toBe(true);
      // where the card really executed DEBIT, the decision must say so
      expect(paid).toBe(tear.at === 7 || (tear.at === 6 && tear.when === 'after'));
    }
    if (!paid) {
      rig.card.reset();
      await runPurchase({
        transmit: rig.transmit,
        store: rig.store,
        terminalNumber: tn,
        amountFen: 150,
        now,
      });
    }
    expect(rig.card.balanceFen).toBe(850);
    expect(rig.card.records.filter((r) => r.txnType === 6)).toHaveLength(1);
    expect(rig.store.closed.filter((c) => c.outcome.kind === 'done')).toHaveLength(1);
    expect(rig.store.open.size).toBe(0);
  });
});

describe('load', () => {
  it('INITIALIZE FOR LOAD → issuer MAC2 → CREDIT → TAC the issuer accepts', async () => {
    const { rig, tn } = await setup();
    const r = await runLoad({
      transmit: rig.transmit,
      store: rig.store,
      authorize: issuer,
      terminalNumber: tn,
      amountFen: 5000,
      now,
    });
    expect(rig.log).toEqual([
      'card:00A4',
      'card:00B0',
      'card:805C',
      'card:8050',
      'grey:put',
      'card:8052',
      'grey:done',
    ]);
    expect(r).toMatchObject({ balanceBeforeFen: 1000, balanceAfterFen: 6000, onlineSeq: 3 });
    expect(loadTacValid(DEMO_ISSUER_KEYS, { ...r, serial8: cardSerial8(CARD), alg: '3des' })).toBe(true);
    expect(rig.card.onlineSeq).toBe(4);
  });

  it('the issuer refuses a card whose MAC1 is not genuine (other keys)', async () => {
    const { rig, tn } = await setup({ keys: { ...DEMO_ISSUER_KEYS, load: fromHex('22'.repeat(16)) } });
    expect(
      await codeOf(
        runLoad({
          transmit: rig.transmit,
          store: rig.store,
          authorize: issuer,
          terminalNumber: tn,
          amountFen: 5000,
          now,
        }),
      ),
    ).toBe('EP_MAC_INVALID');
    expect(rig.card.balanceFen).toBe(1000);
  });

  const cases = [0, 1, 2, 3, 4].flatMap((at) => (['before', 'after'] as const).map((when) => ({ at, when })));
  it.each(cases)('torn at command $at ($when): credited exactly once', async (tear) => {
    const { rig, tn } = await setup();
    rig.tear = tear;
    expect(
      await codeOf(
        runLoad({
          transmit: rig.transmit,
          store: rig.store,
          authorize: issuer,
          terminalNumber: tn,
          amountFen: 5000,
          now,
        }),
      ),
    ).toBe('EP_TORN');
    rig.represent();
    const grey = rig.store.open.get(SERIAL);
    let loaded = false;
    if (grey) {
      const res = await resolveTear(rig.transmit, rig.store, grey);
      loaded = res.kind === 'done';
      expect(loaded).toBe(tear.at === 4 && tear.when === 'after');
      if (loaded)
        expect(
          loadTacValid(DEMO_ISSUER_KEYS, {
            ...grey,
            serial8: cardSerial8(CARD),
            alg: '3des',
            balanceAfterFen: 6000,
            onlineSeq: grey.seq,
            tac: res.tac!,
          }),
        ).toBe(true);
    }
    if (!loaded) {
      rig.card.reset();
      await runLoad({
        transmit: rig.transmit,
        store: rig.store,
        authorize: issuer,
        terminalNumber: tn,
        amountFen: 5000,
        now,
      });
    }
    expect(rig.card.balanceFen).toBe(6000);
    expect(rig.card.records.filter((r) => r.txnType === 2)).toHaveLength(1);
    expect(rig.store.open.size).toBe(0);
  });
});
