/**
 * What the fault tests share, beside core.ts (the terminal), link-proxy.ts (the faulty link) and
 * reconcile*.ts (the verdict): the seeded chance, the issuer-sim in a temp dir, the ISO face, the
 * link-fault terminals and their sales workload, and the crash loops' bundled child, its kill loop
 * and the check that every approval it reported was journaled. Each test keeps its own specifics
 * (cards, fault mix, phases, what it asserts); these are only the parts they used to copy.
 */
import { expect } from 'vitest';
import { spawn } from 'node:child_process';
import { build } from 'esbuild';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startIssuerSim, type IssuerSim } from '../../src/issuer-sim/server';
import { startIso8583Sim, type Iso8583Sim } from '../../src/issuer-sim/iso8583/server';
import { KEYSETS } from '../../src/main/issuer/iso8583/keysets';
import { fromHex, toHex } from '../../src/shared/crypto';
import type { Db } from '../../src/shared/store/sqlite';
import { bootCore, enrolCore, newKeyHex, keysFromHex, type Core, type CoreSpec } from './core';
import type { FaultMix, LinkFaultProxy } from './link-proxy';

// ---- chance and waiting ----

/** A seeded LCG: every fault test's one source of chance, so a seed replays the same choices. */
export function seededRandom(seed: number): () => number {
  let s = seed;
  return () => (s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32;
}

/** Resolves once the condition holds (a phase follows the sales' progress, not the clock). */
export function until(cond: () => boolean): Promise<void> {
  return new Promise((resolve) => {
    const t = setInterval(() => {
      if (cond()) {
        clearInterval(t);
        resolve();
      }
    }, 5);
  });
}

// ---- the issuer side ----

/** The link-fault tests' storm: some of every fault the proxy can make. */
export const STORM: FaultMix = {
  drop: 0.02,
  resetMidResponse: 0.02,
  blackhole: 0.006,
  latency: 0.2,
  latencyMs: [1, 40],
};

/** Offline limits wide enough that the workload keeps approving offline for the whole run. */
export const WIDE_OFFLINE_LIMITS = {
  totalLimitFen: 1_000_000_000,
  perCardDailyCount: 1_000_000,
  perCardDailyFen: 1_000_000_000,
  velocityCount: 1_000_000,
};

/** A fresh temp dir for one test's issuer and terminals. */
export function faultDir(prefix: string): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), prefix));
}

/**
 * The issuer-sim on loopback with its ledger in `dir`/issuer. `linkOnly`: the test is about the
 * link, not power loss (the crash loops cover durability): WAL with synchronous=NORMAL is still
 * atomic and crash-safe for the process, and spares thousands of fsyncs.
 */
export async function startFaultSim(dir: string, o: { linkOnly?: boolean } = {}): Promise<IssuerSim> {
  const sim = await startIssuerSim({ dataDir: path.join(dir, 'issuer'), enrolToken: 'demo-enrol-token' });
  if (o.linkOnly) sim.ledger.db.pragma('synchronous = NORMAL');
  return sim;
}

/** Active cards with a balance no workload spends. */
export function seedActiveCards(sim: IssuerSim, pans: readonly string[], balanceFen = 1_000_000_000): void {
  for (const pan of pans) sim.ledger.upsertCard({ pan, status: 'active', balanceFen, expiry: '3012' });
}

/** The fault tests' terminal master key for the ISO face (3DES keyset). */
export const TMK_HEX = '00112233445566778899AABBCCDDEEFF';
export const ISO_KEYSET = KEYSETS['3des'];

/** The simulator's ISO 8583 face over the same ledger, and the TMK check value a terminal stores. */
export async function startIsoFace(sim: IssuerSim): Promise<{ iso: Iso8583Sim; check: string }> {
  const tmk = fromHex(TMK_HEX.toLowerCase());
  const iso = await startIso8583Sim({ ledger: sim.ledger, keySet: ISO_KEYSET, tmk });
  return { iso, check: toHex(ISO_KEYSET.pikCheck(tmk)).toUpperCase() };
}

/**
 * The `iso8583-cup` issuer entry a terminal adds for the ISO face at `port` (the 888802 cards),
 * its stored TMK named by `check`; `more` adds what a test sets beyond (e.g. an offline floor).
 */
export function cupEntry(
  port: number,
  check: string,
  o: { name: string; timeoutMs: number } & Record<string, unknown>,
): NonNullable<CoreSpec['moreIssuers']>[number] {
  return {
    id: 'cup',
    protocol: 'iso8583-cup',
    url: `tcp://127.0.0.1:${port}`,
    iso8583: { keySet: '3des', tmkCheck: check },
    attempts: 2,
    cardRanges: ['888802'],
    ...o,
  };
}

// ---- link-fault terminals ----

export interface FaultTerminal {
  id: string;
  keys: ReturnType<typeof newKeyHex>;
  core: Core;
}

/**
 * `count` terminals, ids `${idPrefix}0`…, each enrolled at the sim's own URL and booted with the
 * link-fault tests' short timeouts (`spec` says where it sends and what else differs); `prepare`
 * runs before boot (e.g. to store a TMK in the data dir). Each is pushed to `terms` as it boots, so
 * the test's afterAll closes those booted before a failure.
 */
export async function bootFaultTerminals(
  terms: FaultTerminal[],
  o: {
    count: number;
    idPrefix: string;
    dir: string;
    sim: IssuerSim;
    spec: Pick<CoreSpec, 'issuerUrl'> & Partial<CoreSpec>;
    prepare?: (dataDir: string, keys: ReturnType<typeof newKeyHex>) => void;
  },
): Promise<void> {
  for (let i = 0; i < o.count; i++) {
    const id = `${o.idPrefix}${i}`;
    const keys = newKeyHex();
    const dataDir = path.join(o.dir, id);
    await enrolCore({ issuerUrl: o.sim.url, terminalId: id, ...keys });
    o.prepare?.(dataDir, keys);
    const core = await bootCore({
      dataDir,
      terminalId: id,
      issuerPublicKeyHex: o.sim.publicKeyHex,
      ...keys,
      crypto: 'production',
      timeoutMs: 300,
      attempts: 2,
      ...o.spec,
    });
    core.db.pragma('synchronous = NORMAL'); // as the sim's: the link is under test
    terms.push({ id, keys, core });
  }
}

/** An inquiry on every card, so a terminal has seen each online and may approve it offline later. */
export async function seeEveryCard(core: Core, pans: readonly string[]): Promise<void> {
  for (const pan of pans)
    await core.terminal.inquiry({ cardToken: core.terminal.present({ pan, entryMode: 'swipe' }).cardToken });
}

type SaleAnswer = Awaited<ReturnType<Core['terminal']['sale']>>;

/** The sales every worker shares: `started` counts up to `total` across all of them. */
export interface SaleRun {
  started: number;
  readonly total: number;
}

/**
 * One terminal's random sales until the run's total has started, each answer handed to `onAnswer`;
 * after each, by chance, a forwarder tick (`tickRate`, none when absent) and a reversal drain.
 */
export async function sellRandom(
  t: FaultTerminal,
  run: SaleRun,
  o: {
    pans: readonly string[];
    rnd: () => number;
    onAnswer: (r: SaleAnswer) => void;
    tickRate?: number;
    drainRate: number;
  },
): Promise<void> {
  while (run.started < run.total) {
    run.started++;
    const pan = o.pans[Math.floor(o.rnd() * o.pans.length)];
    const token = t.core.terminal.present({ pan, entryMode: 'swipe', expiry: '3012' }).cardToken;
    o.onAnswer(await t.core.terminal.sale({ cardToken: token, amountFen: 1 + Math.floor(o.rnd() * 5000) }));
    if (o.tickRate !== undefined && o.rnd() < o.tickRate) void t.core.forwarder.tick();
    if (o.rnd() < o.drainRate) await t.core.jobs.drain('reversal');
  }
}

/**
 * With the link back for good, every terminal settles what it owes: reversals drained and (with
 * `forward`) offline advices forwarded, until nothing is left or 100 rounds have passed.
 */
export async function settleTerminals(terms: FaultTerminal[], o: { forward: boolean }): Promise<void> {
  for (const t of terms) {
    for (let i = 0; i < 100; i++) {
      const left = await t.core.jobs.drain('reversal');
      if (!o.forward) {
        if (left === 0) break;
        continue;
      }
      await t.core.forwarder.forwardNow();
      if (left === 0 && t.core.offline.openCount() === 0) break;
    }
  }
}

/** Each terminal's reconcile report (reconcile.ts or reconcile-iso.ts), named by terminal id. */
export function reconcileTerminals<R>(
  terms: FaultTerminal[],
  check: (db: Db, terminalId: string, keys: ReturnType<typeof keysFromHex>) => R,
): Array<R & { id: string }> {
  return terms.map((t) => ({
    id: t.id,
    ...check(t.core.db, t.id, keysFromHex(t.keys.privateKeyHex, t.keys.dataKeyHex, 'production')),
  }));
}

/**
 * The failover tests' outages, cycle after cycle of `period` sales until the run's total has
 * started: a storm on both hosts, then the primary down (the backup takes over), both down, the
 * primary back with the backup still down, both up — each step at the sale count `at` gives
 * within the cycle.
 */
export async function failoverPhases(o: {
  primary: LinkFaultProxy;
  backup: LinkFaultProxy;
  storm: FaultMix;
  run: SaleRun;
  period: number;
  at: { primaryDown: number; bothDown: number; primaryBack: number; bothUp: number };
}): Promise<void> {
  const { primary, backup, run, period } = o;
  const at = (from: number) => () => run.started % period >= from || run.started >= run.total;
  while (run.started < run.total) {
    primary.mix = backup.mix = o.storm;
    await until(at(o.at.primaryDown));
    await primary.setDown(true); // the backup takes new requests
    await until(at(o.at.bothDown));
    await backup.setDown(true); // both down: the offline policy
    await until(at(o.at.primaryBack));
    await primary.setDown(false); // the primary back, the backup gone
    await until(at(o.at.bothUp));
    await backup.setDown(false); // both up
    await until(() => run.started % period < o.at.primaryDown || run.started >= run.total);
  }
}

/** Every reversal went to the host its original went to (docs/issuer-protocol.md "Failover rules"), and was answered. */
export function expectReversalsOnTheirHosts(terms: FaultTerminal[]): void {
  for (const t of terms) {
    expect(
      t.core.db
        .prepare(
          'SELECT COUNT(*) AS n FROM reversals r JOIN txns t ON t.stan = r.orig_stan WHERE r.endpoint != t.endpoint',
        )
        .get(),
    ).toEqual({ n: 0 });
    expect(t.core.db.prepare('SELECT COUNT(*) AS n FROM reversals WHERE sent_at IS NULL').get()).toEqual({
      n: 0,
    });
  }
}

export async function closeTerminals(terms: FaultTerminal[]): Promise<void> {
  for (const t of terms) await t.core.close();
}

// ---- the crash loops' child ----

/**
 * Bundles a child entry once with esbuild, so a restart costs ~0.2 s. The bundle lives inside
 * node_modules (so the external native packages resolve) and per run: helpers sharing one
 * node_modules must not overwrite each other's bundle. Native packages stay outside the bundle;
 * the child never opens a device it has not got.
 */
export async function bundleChild(entry: string, name: string, moreExternal: string[] = []): Promise<string> {
  const outfile = path.resolve(`node_modules/.cache/cardtill-fault/${name}-${process.pid}.mjs`);
  await build({
    entryPoints: [entry],
    bundle: true,
    platform: 'node',
    format: 'esm',
    external: ['better-sqlite3', 'serialport', '@serialport/*', 'nfc-pcsc', 'pdfkit', ...moreExternal],
    outfile,
    banner: {
      js: "import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);",
    },
    logLevel: 'warning',
  });
  return outfile;
}

export interface ChildExit {
  code: number | null;
  signal: string | null;
  stderr: string;
  ready: boolean;
}

/** When to kill a child: `afterMs` after it said ready (or after spawn when `early`). */
export interface ChildKill {
  afterMs: number;
  early: boolean;
  /** Counts from the first stdout that contains this instead of "ready": a phase the child announces. */
  marker?: string;
}

/** Runs the bundled child with `env` added; kills it as `kill` says, or lets it exit. */
export function runChild(bundle: string, env: Record<string, string>, kill?: ChildKill): Promise<ChildExit> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [bundle], {
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    let ready = false;
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    let armed = false;
    const arm = () => {
      if (!kill || armed) return;
      armed = true;
      setTimeout(() => child.kill('SIGKILL'), kill.afterMs);
    };
    child.stdout.on('data', (d: Buffer) => {
      const out = d.toString();
      if (out.includes('ready')) ready = true;
      if (kill && !kill.early && ready && (kill.marker === undefined || out.includes(kill.marker))) arm();
    });
    if (kill?.early) arm();
    child.on('exit', (code, signal) => resolve({ code, signal, stderr, ready }));
  });
}

/**
 * `kills` lives of the child, each kill -9'd at a random moment: one in ten before it is ready,
 * the rest 10–310 ms after (CRASH_LIFE fixes the life; `longLife(i)` makes life i last 2 s).
 * The child never stops by itself: anything but our SIGKILL is a crash of the code under test.
 */
export async function crashLives(o: {
  kills: number;
  rnd: () => number;
  life: (i: number, kill: ChildKill) => Promise<ChildExit>;
  longLife?: (i: number) => boolean;
}): Promise<{ killed: number; killedBeforeReady: number }> {
  let killed = 0;
  let killedBeforeReady = 0;
  for (let i = 0; i < o.kills; i++) {
    const early = o.rnd() < 0.1;
    const r = await o.life(i, {
      afterMs: process.env.CRASH_LIFE
        ? Number(process.env.CRASH_LIFE)
        : early
          ? Math.floor(o.rnd() * 500)
          : o.longLife?.(i)
            ? 2000
            : 10 + Math.floor(o.rnd() * 300),
      early,
    });
    if (process.env.CRASH_DEBUG) console.log(r.stderr);
    expect(r.signal, r.stderr).toBe('SIGKILL');
    killed++;
    if (!r.ready) killedBeforeReady++;
  }
  return { killed, killedBeforeReady };
}

/**
 * The crash loops' run of crash-child.ts (its spec `base`, in CRASH_CHILD): one life without a
 * kill first (it warms the issuer's tables: its first answers are slow), then `kills` lives
 * kill -9'd as crashLives says, then one drain life; the first and last must exit 0.
 */
export async function crashChildRun(o: {
  bundle: string;
  base: Record<string, unknown>;
  kills: number;
  rnd: () => number;
  longLife?: (i: number) => boolean;
}): Promise<{ killed: number; killedBeforeReady: number }> {
  const life = (mode: 'work' | 'drain', seed: number, kill?: ChildKill) =>
    runChild(o.bundle, { CRASH_CHILD: JSON.stringify({ ...o.base, mode, seed }) }, kill);
  const warm = await life('drain', 424242);
  expect(warm.code, warm.stderr).toBe(0);
  const lives = await crashLives({
    kills: o.kills,
    rnd: o.rnd,
    life: (i, kill) => life('work', i + 1, kill),
    longLife: o.longLife,
  });
  const done = await life('drain', 999_999);
  expect(done.code, done.stderr).toBe(0);
  return lives;
}

/** One approval the crash child reported to the cashier (its report file, one JSON a line). */
export interface ReportedApproval {
  stan: number;
  type: string;
  offline: boolean;
  amountFen: number;
  otherTenderFen?: number;
}

export function readReported<T extends ReportedApproval>(file: string): T[] {
  if (!fs.existsSync(file)) return [];
  return fs
    .readFileSync(file, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as T);
}

/** The reported approvals the journal lacks, or holds otherwise (kind, status, offline, amounts). */
export function unjournaled<T extends ReportedApproval>(
  db: Db,
  reported: T[],
  types: readonly string[],
): T[] {
  const journaled = new Map(
    (
      db
        .prepare(`SELECT body FROM journal WHERE type IN (${types.map(() => '?').join(',')})`)
        .all(...types) as Array<{
        body: string;
      }>
    ).map((r) => {
      const b = JSON.parse(r.body) as Required<ReportedApproval> & { status: string };
      return [b.stan, b];
    }),
  );
  return reported.filter((p) => {
    const j = journaled.get(p.stan);
    return (
      !j ||
      j.type !== p.type ||
      j.status !== 'approved' ||
      j.offline !== p.offline ||
      j.amountFen !== p.amountFen ||
      (p.otherTenderFen !== undefined && j.otherTenderFen !== p.otherTenderFen)
    );
  });
}

/** Declined sales by decline code, for the run's summary line. */
export function saleDeclineCodes(db: Db): Record<string, number> {
  const codes: Record<string, number> = {};
  for (const r of db
    .prepare(
      "SELECT decline_code AS c, COUNT(*) AS n FROM txns WHERE type = 'sale' AND status = 'declined' GROUP BY c",
    )
    .all() as Array<{ c: string; n: number }>)
    codes[r.c] = r.n;
  return codes;
}
