/**
 * Online sales over ISO 8583 against the JSON link, in the same run (issue 13): one terminal with
 * two issuer entries on the same simulator ledger — `cardtill-json` (signed JSON over loopback
 * HTTP, SM2 both ways) for IIN 888801 and `iso8583-cup` (0200 / 0210 over loopback TCP, 3DES MAC)
 * for IIN 888802 — and the same number of sequential sales through the terminal's one runner on
 * each (every sale: pending row, exchange, final row + signed journal record). Reported: sales/s
 * and the p99 latency of one sale, ISO as "ours", JSON as the reference.
 *
 * What to expect: on a disk where a commit costs milliseconds the ISO sale is the slower one — it
 * makes two more terminal commits (the request written before it is sent, and its answer's 37 /
 * 38 / 13, src/main/issuer/iso8583/store.ts: what a restart needs to reverse or void it) against
 * the JSON link's SM2 signing and verifying; with the host's fsyncs off it is the other way round.
 *
 *   npm run bench -- iso8583          (ISO_BENCH_SALES=N, default 1000 per link)
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startIssuerSim } from '../src/issuer-sim/server';
import { startIso8583Sim } from '../src/issuer-sim/iso8583/server';
import { KEYSETS } from '../src/main/issuer/iso8583/keysets';
import { storeTmk } from '../src/main/issuer/iso8583/tmk';
import { fromHex, toHex } from '../src/shared/crypto';
import { bootCore, enrolCore, newKeyHex, type Core } from '../test/fault/core';
import type { BenchRow } from './run';

const N = Number(process.env.ISO_BENCH_SALES ?? 1000);
const TMK_HEX = '00112233445566778899AABBCCDDEEFF';
const JSON_PAN = '8888010000009027';
const ISO_PAN = '8888020000009026';

async function sales(core: Core, pan: string, n: number): Promise<{ rate: number; p99: number }> {
  const ms: number[] = [];
  const t0 = performance.now();
  for (let i = 0; i < n; i++) {
    const token = core.terminal.present({ pan, entryMode: 'swipe', expiry: '3012' }).cardToken;
    const s = performance.now();
    const r = await core.terminal.sale({ cardToken: token, amountFen: 100 });
    ms.push(performance.now() - s);
    if (r.status !== 'approved') throw new Error(`bench sale ${pan}: ${r.status} ${r.declineCode ?? ''}`);
  }
  const rate = n / ((performance.now() - t0) / 1000);
  ms.sort((a, b) => a - b);
  return { rate, p99: ms[Math.min(ms.length - 1, Math.floor(ms.length * 0.99))]! };
}

export async function run(): Promise<BenchRow[]> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cardtill-bench-iso-'));
  const sim = await startIssuerSim({ dataDir: path.join(dir, 'issuer'), enrolToken: 'demo-enrol-token' });
  const ks = KEYSETS['3des'];
  const iso = await startIso8583Sim({ ledger: sim.ledger, keySet: ks, tmk: fromHex(TMK_HEX.toLowerCase()) });
  for (const pan of [JSON_PAN, ISO_PAN])
    sim.ledger.upsertCard({ pan, status: 'active', balanceFen: 1_000_000_000, expiry: '3012' });
  const check = toHex(ks.pikCheck(fromHex(TMK_HEX.toLowerCase()))).toUpperCase();
  const keys = newKeyHex();
  const dataDir = path.join(dir, 'TBENCHIS');
  await enrolCore({ issuerUrl: sim.url, terminalId: 'TBENCHIS', ...keys });
  storeTmk(dataDir, fromHex(keys.dataKeyHex), 'cup', ks, TMK_HEX, check);
  const core = await bootCore({
    dataDir,
    terminalId: 'TBENCHIS',
    issuerUrl: sim.url,
    issuerPublicKeyHex: sim.publicKeyHex,
    ...keys,
    crypto: 'production',
    timeoutMs: 30_000,
    attempts: 1,
    moreIssuers: [
      {
        id: 'cup',
        name: 'bench CUP host',
        protocol: 'iso8583-cup',
        url: `tcp://127.0.0.1:${iso.port}`,
        iso8583: { keySet: '3des', tmkCheck: check },
        attempts: 1,
        timeoutMs: 30_000,
        cardRanges: ['888802'],
      },
    ],
  });
  try {
    // Warm both links (sign-on, HTTP keep-alive, SM2 tables) before measuring.
    await sales(core, JSON_PAN, 20);
    await sales(core, ISO_PAN, 20);
    const json = await sales(core, JSON_PAN, N);
    const isoR = await sales(core, ISO_PAN, N);
    return [
      {
        name: `online sales over ISO 8583 vs JSON (${N} each, sequential)`,
        ours: isoR.rate,
        reference: json.rate,
        unit: 'sales/s',
        ratio: isoR.rate / json.rate,
        note: 'ours: iso8583-cup over loopback TCP (3DES MAC); reference: cardtill-json over loopback HTTP (SM2 signatures); same runner, store and ledger',
      },
      {
        name: 'p99 latency of one sale, ISO 8583 vs JSON',
        ours: isoR.p99,
        reference: json.p99,
        unit: 'ms',
        ratio: json.p99 / isoR.p99,
      },
    ];
  } finally {
    await core.close();
    await iso.close();
    await sim.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
