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
import { spawn } from 'node:child_process';
import { build } from 'esbuild';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startIssuerSim, type IssuerSim } from '../../src/issuer-sim/server';
import { openTerminalDb } from '../../src/main/store/terminal-db';
import { enrolCore, newKeyHex } from './core';
import { TxnStore } from '../../src/main/terminal/txn-store';
import { chipClearingItems } from '../../src/main/terminal/chip-clearing';
import { clearChip } from '../../src/issuer-sim/handlers-epurse';
import { fromHex } from '../../src/shared/crypto';

const ROUNDS = Number(process.env.CHIP_CRASH_ROUNDS ?? 12);
const BUNDLE = path.resolve(`node_modules/.cache/cardtill-fault/chip-child-${process.pid}.mjs`);
const PAN = '8888020000000010';
const START_FEN = 1_000_000;
const KILLS = ['debit-before', 'debit-after', 'mac2-after', 'none'] as const;

let dir: string;
let sim: IssuerSim;
let base: Record<string, unknown>;
const keys = newKeyHex();

beforeAll(async () => {
  await build({
    entryPoints: ['test/fault/chip-child.ts'],
    bundle: true,
    platform: 'node',
    format: 'esm',
    external: ['better-sqlite3', 'serialport', '@serialport/*', 'nfc-pcsc', 'pdfkit', 'node-hid'],
    outfile: BUNDLE,
    banner: {
      js: "import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);",
    },
    logLevel: 'warning',
  });
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cardtill-chipcrash-'));
  sim = await startIssuerSim({ dataDir: path.join(dir, 'issuer'), enrolToken: 'demo-enrol-token' });
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
  fs.rmSync(BUNDLE, { force: true });
  await sim?.close();
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
});

function runChild(
  mode: 'pay' | 'resolve',
  killAt: (typeof KILLS)[number],
  amountFen: number,
): Promise<{ code: number | null; signal: string | null; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [BUNDLE], {
      env: { ...process.env, CHIP_CHILD: JSON.stringify({ ...base, mode, killAt, amountFen }) },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('exit', (code, signal) => resolve({ code, signal, stderr }));
  });
}

describe('chip purchases under kill -9 (grey record ↔ DEBIT answer)', () => {
  it(`${ROUNDS} rounds, each killed at a tearing moment and restarted: the card, the rows and the issuer agree`, async () => {
    const killed: string[] = [];
    for (let i = 0; i < ROUNDS; i++) {
      const killAt = KILLS[i % KILLS.length]!;
      const pay = await runChild('pay', killAt, 100 + i);
      if (killAt === 'none') expect(pay, pay.stderr).toMatchObject({ code: 0 });
      else expect(pay.signal, pay.stderr).toBe('SIGKILL');
      killed.push(killAt);
      const res = await runChild('resolve', 'none', 0);
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
