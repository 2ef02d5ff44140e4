/**
 * The issuer's chip clearing (src/issuer-sim/handlers-epurse.ts) on its real SQLite ledger: TACs
 * made by the virtual card with the demo keys, uploaded as a terminal would. Each rule: cleared,
 * bad TAC (not applied), a gap in the card's sequence (applied, reported), a duplicate (not counted
 * twice), the same upload twice (answered the same).
 */
import { describe, it, expect, beforeEach, afterEach } from 'vitest';
import fs from 'node:fs';
import path from 'node:path';
import { IssuerLedger } from '../../src/issuer-sim/ledger';
import { clearChip, chipShadow } from '../../src/issuer-sim/handlers-epurse';
import { tempDir } from '../helpers/app';
import { EpurseRig } from '../helpers/epurse-rig';
import { openPsam, runPurchase } from '../../src/drivers/ic/epurse/flow';
import type { ChipClearingItem } from '../../src/shared/issuer-epurse';
import type { HandlerCtx } from '../../src/issuer-sim/handlers';

const CARD = '8888020000000010';
let dir: string;
let ledger: IssuerLedger;
let ctx: HandlerCtx;
beforeEach(() => {
  dir = tempDir('cardtill-epclear-');
  ledger = new IssuerLedger(path.join(dir, 'issuer.db'));
  ctx = { ledger, now: () => new Date('2026-12-01T10:00:00Z'), cardKeySecret: new Uint8Array(32) };
});
afterEach(() => {
  ledger.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

/** Purchases on one virtual card, as clearing items with STANs from 100. */
async function purchases(amounts: number[], balanceFen = 10_000): Promise<ChipClearingItem[]> {
  const rig = new EpurseRig({ cardNumber: CARD, balanceFen });
  const tn = await openPsam(rig.transmit);
  const out: ChipClearingItem[] = [];
  for (const [i, amountFen] of amounts.entries()) {
    const r = await runPurchase({
      transmit: rig.transmit,
      store: rig.store,
      terminalNumber: tn,
      amountFen,
      now: { date: Uint8Array.of(0x20, 0x26, 0x12, 0x01), time: Uint8Array.of(0x10, 0x00, i) },
    });
    out.push({
      stan: 100 + i,
      kind: 'purchase',
      cardSerial: r.cardSerial,
      seq: r.offlineSeq,
      amountFen,
      balanceAfterFen: r.balanceAfterFen,
      terminalNumber: r.terminalNumber,
      terminalSeq: r.terminalSeq,
      date: r.date,
      time: r.time,
      algId: r.algId,
      tac: r.tac,
      proved: false,
    });
  }
  return out;
}

describe('chip clearing at the issuer', () => {
  it('clears valid TACs and keeps the shadow of balance and sequence', async () => {
    const items = await purchases([1_000, 2_000]);
    expect(clearChip(ctx, 'T1', items)).toEqual({ cleared: 2, discrepancies: [] });
    expect(chipShadow(ctx, CARD.padStart(20, '0'))).toMatchObject({
      balance_fen: 7_000,
      next_offline_seq: 2,
    });
    // The same settle sent again: answered the same, nothing counted twice.
    expect(clearChip(ctx, 'T1', items)).toEqual({ cleared: 2, discrepancies: [] });
    expect(chipShadow(ctx, CARD.padStart(20, '0'))).toMatchObject({
      balance_fen: 7_000,
      next_offline_seq: 2,
    });
  });

  it('a bad TAC is reported and not applied', async () => {
    const [a] = await purchases([1_000]);
    expect(clearChip(ctx, 'T1', [{ ...a!, amountFen: 100 }])).toEqual({
      cleared: 0,
      discrepancies: [{ stan: 100, kind: 'chip_bad_tac' }],
    });
    expect(chipShadow(ctx, CARD.padStart(20, '0'))).toBeUndefined();
  });

  it('a gap in the card’s sequence (one purchase never uploaded) is applied and reported with the expected sequence', async () => {
    const [a, , c] = await purchases([1_000, 2_000, 3_000]);
    clearChip(ctx, 'T1', [a!]);
    expect(clearChip(ctx, 'T1', [c!])).toEqual({
      cleared: 1,
      discrepancies: [{ stan: 102, kind: 'chip_sequence_gap', expectedSeq: 1 }],
    });
    expect(chipShadow(ctx, CARD.padStart(20, '0'))).toMatchObject({
      balance_fen: 4_000,
      next_offline_seq: 3,
    });
  });

  it('the same card and sequence uploaded under another STAN (or by another terminal) is a duplicate', async () => {
    const [a] = await purchases([1_000]);
    clearChip(ctx, 'T1', [a!]);
    expect(clearChip(ctx, 'T2', [{ ...a!, stan: 555 }])).toEqual({
      cleared: 0,
      discrepancies: [{ stan: 555, kind: 'chip_duplicate' }],
    });
    expect(chipShadow(ctx, CARD.padStart(20, '0'))).toMatchObject({
      balance_fen: 9_000,
      next_offline_seq: 1,
    });
  });
});
