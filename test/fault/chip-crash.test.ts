/**
 * The crash loop's chip purchases (issue 14): a terminal kill -9'd at the exact moments a chip
 * purchase is torn by a crash — before the card executes DEBIT, after it executed DEBIT but
 * before the answer was read (the grey record written, the row pending), after the PSAM verified
 * MAC2 — and restarted; at start it settles what it can from its grey records, and the card
 * presented again settles the rest. The card's state lives in a file (test/fault/chip-child.ts),
 * as a physical card outlives the till. Afterwards nothing is lost or doubled: the card's balance
 * and sequence match the approved chip rows exactly, nothing is pending, each row journaled once,
 * and the issuer's clearing accepts every TAC with a gap-free sequence.
 */
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import fs from 'node:fs';
import path from 'node:path';
import type { IssuerSim } from '../../src/issuer-sim/server';
import { openTerminalDb } from '../../src/main/store/terminal-db';
import { enrolCore, newKeyHex } from './core';
import { TxnStore } from '../../src/main/terminal/txn-store';
import { chipClearingItems } from '../../src/main/terminal/chip-clearing';
import { clearChip } from '../../src/issuer-sim/handlers-epurse';
import { fromHex } from '../../src/shared/crypto';
import { bundleChild, faultDir, runChild, startFaultSim } from './harness';

const ROUNDS = Number(process.env.CHIP_CRASH_ROUNDS ?? 12);
const PAN = '8888020000000010';
const START_FEN = 1_000_000;
const KILLS = ['debit-before', 'debit-after', 'mac2-after', 'none'] as const;

let bundle: string | undefined;
let dir: string;
let sim: IssuerSim;
let base: Record<string, unknown>;
const keys = newKeyHex();

beforeAll(async () => {
  bundle = await bundleChild('test/fault/chip-child.ts', 'chip-child', ['node-hid']);
  dir = faultDir('cardtill-chipcrash-');
  sim = await startFaultSim(dir);
  await enrolCore({ issuerUrl: sim.url, terminalId: 'TCHIP001', ...keys });
  fs.writeFileSync(
    path.join(dir, 'card.json'),
    JSON.stringify({ balanceFen: START_FEN, offlineSeq: 0, onlineSeq: 0, records: 0 }),
  );
  base = {
    dataDir: path.join(dir, 'terminal'),
    terminalId: 'TCHIP001',
    issuerUrl: sim.url,
    issuerPublicKeyHex: sim.publicKeyHex,
    ...keys,
    timeoutMs: 1000,
    attempts: 2,
    cardFile: path.join(dir, 'card.json'),
    reportFile: path.join(dir, 'reported.jsonl'),
    pan: PAN,
  };
});

afterAll(async () => {
  if (bundle) fs.rmSync(bundle, { force: true });
  await sim?.close();
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
});

/** One life of the chip child (chip-child.ts): it kills itself at `killAt`, or exits when done. */
const life = (mode: 'pay' | 'resolve', killAt: (typeof KILLS)[number], amountFen: number) =>
  runChild(bundle!, { CHIP_CHILD: JSON.stringify({ ...base, mode, killAt, amountFen }) });

describe('chip purchases under kill -9 (grey record ↔ DEBIT answer)', () => {
  it(`${ROUNDS} rounds, each killed at a tearing moment and restarted: the card, the rows and the issuer agree`, async () => {
    const killed: string[] = [];
    for (let i = 0; i < ROUNDS; i++) {
      const killAt = KILLS[i % KILLS.length]!;
      const pay = await life('pay', killAt, 100 + i);
      if (killAt === 'none') expect(pay, pay.stderr).toMatchObject({ code: 0 });
      else expect(pay.signal, pay.stderr).toBe('SIGKILL');
      killed.push(killAt);
      const res = await life('resolve', 'none', 0);
      expect(res, res.stderr).toMatchObject({ code: 0 });
    }
    const card = JSON.parse(fs.readFileSync(path.join(dir, 'card.json'), 'utf8')) as {
      balanceFen: number;
      offlineSeq: number;
    };
    const db = openTerminalDb(base.dataDir as string, { readonly: true });
    try {
      const rows = db
        .prepare("SELECT stan, status, amount_fen FROM txns WHERE type = 'chip_purchase' ORDER BY stan")
        .all() as Array<{ stan: number; status: string; amount_fen: number }>;
      expect(rows).toHaveLength(ROUNDS);
      expect(rows.filter((r) => r.status === 'pending')).toEqual([]);
      const approved = rows.filter((r) => r.status === 'approved');
      // Killed before DEBIT: never debited (declined); every other round debited once.
      expect(approved).toHaveLength(killed.filter((k) => k !== 'debit-before').length);
      // Nothing lost, nothing doubled: the card holds exactly what the approved rows say.
      expect(card.balanceFen).toBe(START_FEN - approved.reduce((s, r) => s + r.amount_fen, 0));
      expect(card.offlineSeq).toBe(approved.length);
      for (const r of rows) {
        const n = (
          db.prepare('SELECT COUNT(*) AS n FROM journal WHERE stan = ?').get(r.stan) as { n: number }
        ).n;
        expect(n, `stan ${r.stan}`).toBe(1);
      }
      // Clearing: every approved chip row's TAC verifies at the issuer, the card's sequence has no gap.
      const store = new TxnStore(db, fromHex(keys.dataKeyHex), null as never, 'TCHIP001', () => new Date());
      const items = chipClearingItems(store, { from_stan: 1, to_stan: 1_000_000 });
      expect(items.map((x) => x.seq)).toEqual(approved.map((_, i) => i));
      const cleared = clearChip(
        { ledger: sim.ledger, now: () => new Date(), cardKeySecret: new Uint8Array(32) },
        'TCHIP001',
        items,
      );
      expect(cleared).toEqual({ cleared: approved.length, discrepancies: [] });
    } finally {
      db.close();
    }
  }, 300_000);
});
