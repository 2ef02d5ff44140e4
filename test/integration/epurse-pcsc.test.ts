/**
 * The chip purchase through the real stack: flow.ts → nfc-pcsc → libpcsclite → pcscd → vpcd, with
 * the virtual e-purse card on "Virtual PCD 00 00" and the virtual PSAM on "Virtual PCD 00 01"
 * (test/helpers/vpcd-epurse.ts). pcscd is owned through test/helpers/pcscd.ts (its cross-process
 * lock keeps the other PC/SC test file off the vpcd ports meanwhile).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fromHex } from '../../src/drivers/ic/apdu';
import { bcdDateTime, cardSerial8 } from '../../src/drivers/ic/epurse/crypto';
import { DEMO_ISSUER_KEYS } from '../../src/drivers/ic/epurse/demo-keys';
import { isEpurseError } from '../../src/drivers/ic/epurse/errors';
import { openPsam, resolveTear, runPurchase } from '../../src/drivers/ic/epurse/flow';
import { purchaseTacValid } from '../../src/drivers/ic/epurse/issuer-side';
import { openPcscChannels, type PcscChannels } from '../../src/drivers/ic/epurse/pcsc-channels';
import { VirtualEpurseCard, type EpurseCardProfile } from '../../src/drivers/ic/epurse/virtual-epurse';
import { VirtualPsam } from '../../src/drivers/ic/epurse/virtual-psam';
import { createPcscPsam } from '../../src/drivers/ic/epurse/psam-driver';
import { startTestApp } from '../helpers/app';
import type { CardSummary } from '../../src/shared/contract';
import { ensurePcscd, portOpen, sleep, type PcscdHandle } from '../helpers/pcscd';
import { MemoryGreyStore } from '../helpers/epurse-rig';
import { READER_CARD, READER_PSAM, VPCD_CARD_PORT, VPCD_PSAM_PORT, VpcdApplet } from '../helpers/vpcd-epurse';

const env = await ensurePcscd();
const skip = 'skip' in env ? env.skip : undefined;
if (skip) console.warn(`[epurse-pcsc] skipped: ${skip}`);

const CARD = '88880200000000010';
const now = bcdDateTime({ y: 2025, mo: 12, d: 1, h: 10, mi: 15, s: 0 });
const profile = (extra: Partial<EpurseCardProfile> = {}): EpurseCardProfile => ({
  cardNumber: CARD,
  balanceFen: 1000,
  offlineSeq: 5,
  random: () => fromHex('11223344'),
  ...extra,
});

describe.skipIf(!!skip)('e-purse purchase through pcscd + vpcd (card and PSAM on two readers)', () => {
  const pcscd = env as PcscdHandle;
  let ch: PcscChannels;
  let psam: VpcdApplet;
  let terminalNumber: Uint8Array;
  const psamApplet = new VirtualPsam({ terminalNumber: '000000000001', terminalSeq: 0x12345678 });

  async function present(card: VirtualEpurseCard): Promise<VpcdApplet> {
    await ch.cardAbsent('card');
    const a = await VpcdApplet.insert(card, VPCD_CARD_PORT);
    await ch.cardPresent('card');
    return a;
  }
  async function takeAway(a: VpcdApplet): Promise<void> {
    await a.remove();
    await ch.cardAbsent('card');
  }

  beforeAll(async () => {
    // a pcscd this process started opens vpcd's second port with the first; wait for it to listen
    while (pcscd.mode === 'child' && !(await portOpen(VPCD_PSAM_PORT))) await sleep(50);
    ch = await openPcscChannels({ card: READER_CARD, psam: READER_PSAM });
    psam = await VpcdApplet.insert(psamApplet, VPCD_PSAM_PORT);
    await ch.cardPresent('psam');
    terminalNumber = await openPsam(ch.transmit);
  });
  afterAll(async () => {
    await psam?.remove();
    ch?.close();
    await pcscd.stop();
    pcscd.release();
  });

  it('pays on the chip with exactly the APDUs of the page (the known-answer vector on the wire)', async () => {
    const card = new VirtualEpurseCard(profile());
    const a = await present(card);
    psam.apdus.length = 0;
    const store = new MemoryGreyStore();
    const r = await runPurchase({ transmit: ch.transmit, store, terminalNumber, amountFen: 150, now });
    await takeAway(a);
    expect(a.apdus).toEqual([
      '00A4040009A0000000038698070100',
      '00B095001E',
      '805C000204',
      '805001020B' + '01' + '00000096' + '000000000001' + '0F',
      '805401000F' + '12345678' + '20251201' + '101500' + '341556CB' + '08',
    ]);
    expect(psam.apdus).toEqual([
      '807000001C' +
        '11223344' +
        '0005' +
        '00000096' +
        '06' +
        '20251201101500' +
        '01' +
        '00' +
        '8880200000000010',
      '00C0000008',
      '8072000004' + '93518CFE',
    ]);
    expect(r).toMatchObject({
      balanceAfterFen: 850,
      tac: 'ED6F5112',
      mac2: '93518CFE',
      terminalSeq: '12345678',
    });
    expect(card.balanceFen).toBe(850);
  });

  it('a card that does not accept this PSAM’s MAC1 refuses the DEBIT (9302): nothing debited', async () => {
    const card = new VirtualEpurseCard(
      profile({ keys: { ...DEMO_ISSUER_KEYS, purchase: fromHex('11'.repeat(16)) } }),
    );
    const a = await present(card);
    const store = new MemoryGreyStore();
    let code: string | undefined;
    let sw: number | undefined;
    try {
      await runPurchase({ transmit: ch.transmit, store, terminalNumber, amountFen: 150, now });
    } catch (e) {
      if (!isEpurseError(e)) throw e;
      code = e.code;
      sw = e.sw;
    }
    await takeAway(a);
    expect([code, sw]).toEqual(['EP_MAC_INVALID', 0x9302]);
    expect(a.apdus.at(-1)?.slice(0, 4)).toBe('8054');
    expect(card.balanceFen).toBe(1000);
    expect(store.open.size).toBe(0);
  });

  it('a card replaying a fixed MAC2: the PSAM refuses it (9302), the purchase is not paid and flagged', async () => {
    const card = new VirtualEpurseCard(
      profile({ replayMac2: '93518CFE', random: () => fromHex('55667788') }),
    );
    const a = await present(card);
    const store = new MemoryGreyStore();
    let code: string | undefined;
    try {
      await runPurchase({ transmit: ch.transmit, store, terminalNumber, amountFen: 150, now });
    } catch (e) {
      if (!isEpurseError(e)) throw e;
      code = e.code;
    }
    await takeAway(a);
    expect(code).toBe('EP_MAC2_INVALID');
    expect(psam.apdus.at(-1)).toBe('8072000004' + '93518CFE');
    expect(store.closed.at(-1)?.outcome.kind).toBe('mac2-invalid');
  });

  it('a card pulled away right after it executed DEBIT: re-presented, proved once, never debited twice', async () => {
    const card = new VirtualEpurseCard(profile());
    const a = await present(card);
    a.tearAfter = (apdu) => apdu[1] === 0x54;
    const store = new MemoryGreyStore();
    let code: string | undefined;
    try {
      await runPurchase({ transmit: ch.transmit, store, terminalNumber, amountFen: 150, now });
    } catch (e) {
      if (!isEpurseError(e)) throw e;
      code = e.code;
    }
    expect(code).toBe('EP_TORN');
    await a.gone;
    await ch.cardAbsent('card');
    expect(card.balanceFen).toBe(850); // the card did debit
    const grey = store.open.get(CARD.padStart(20, '0'))!;
    expect(grey).toMatchObject({ seq: 5, amountFen: 150, balanceBeforeFen: 1000 });

    const again = await present(card);
    const res = await resolveTear(ch.transmit, store, grey);
    await takeAway(again);
    expect(res.kind).toBe('done');
    expect(again.apdus.slice(3)).toEqual([
      '805001020B' + '01' + '00000000' + '000000000001' + '0F',
      '805A000602000508',
    ]);
    expect(
      purchaseTacValid(DEMO_ISSUER_KEYS, { ...grey, serial8: cardSerial8(CARD), alg: '3des', tac: res.tac! }),
    ).toBe(true);
    expect(card.balanceFen).toBe(850);
    expect(card.records).toHaveLength(1);
    expect(store.open.size).toBe(0);
  });

  it('the PSAM as a device, psam:<reader name>: connected with the terminal number read from it, its counter shown after a purchase', async () => {
    const device = createPcscPsam('psam', READER_PSAM);
    await device.start();
    try {
      expect(device.info()).toMatchObject({
        kind: 'psam',
        transport: 'psam',
        path: READER_PSAM,
        state: 'connected',
      });
      expect(device.status().terminalNumber).toBe('000000000001');
      const via = device.channel()!;
      const card = new VirtualEpurseCard(profile({ random: () => fromHex('99887766') }));
      const a = await present(card);
      const store = new MemoryGreyStore();
      const before = psamApplet.terminalSeq;
      const r = await runPurchase({
        transmit: (to, apdu) => (to === 'psam' ? via(apdu) : ch.transmit(to, apdu)),
        store,
        terminalNumber,
        amountFen: 100,
        now,
      });
      await takeAway(a);
      expect(r.balanceAfterFen).toBe(900);
      expect(device.status().counter).toBe(before);
      expect(device.info().detail).toBe(
        `PSAM 终端号 00 00 00 00 00 01 · 交易序号 ${before} / PSAM terminal no. 00 00 00 00 00 01 · counter ${before}`,
      );
    } finally {
      await device.stop();
    }
    expect(device.info().state).toBe('disconnected');
  });

  it('at the till on the real stack (pcsc: card reader, psam: PSAM): paid on the chip, torn at DEBIT, presented again, counted once', async () => {
    const t = await startTestApp({
      config: {
        devices: [
          { id: 'ic', kind: 'ic', spec: `pcsc:${READER_CARD}` },
          { id: 'psam', kind: 'psam', spec: `psam:${READER_PSAM}` },
        ],
      } as never,
    });
    try {
      await t.signIn();
      const card = new VirtualEpurseCard({ cardNumber: '8888020000000010', balanceFen: 10_000 });
      const presentToTill = async () => {
        const seen = new Promise<CardSummary>((r) => t.app.terminal.once('card.presented', r));
        const applet = await present(card);
        return { applet, summary: await seen };
      };
      const first = await presentToTill();
      const r = await t.call('sale.authorize', { cardToken: first.summary.cardToken, amountFen: 1_500 });
      expect(r).toMatchObject({ type: 'chip_purchase', status: 'approved', balanceFen: 8_500 });
      await takeAway(first.applet);

      const torn = await presentToTill();
      torn.applet.tearAfter = (apdu) => apdu[1] === 0x54;
      const e = await t.callError('sale.authorize', { cardToken: torn.summary.cardToken, amountFen: 2_000 });
      expect(e.code).toBe('CHIP_TORN');
      await torn.applet.gone;
      await ch.cardAbsent('card');
      expect(card.balanceFen).toBe(6_500); // the card did debit; the till does not know yet
      const stan = Number(/stan (\d+)/.exec(e.detail ?? '')![1]);

      const again = await presentToTill();
      const settled = await t.call('chip.resolve', { cardToken: again.summary.cardToken, stan });
      await takeAway(again.applet);
      expect(settled).toMatchObject({ stan, status: 'approved', balanceFen: 6_500 });
      expect(card.balanceFen).toBe(6_500);
      expect(card.records).toHaveLength(2);
    } finally {
      await t.close();
    }
  });
});
