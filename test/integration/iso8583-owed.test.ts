/**
 * What an ISO 8583 host still owes the terminal (issue 13, ISO details): a refund (退货, a 0220)
 * whose answer is lost, and a settlement (0500) while a reversal is unanswered. The app's own core
 * (test/fault/core.ts bootCore: store, runner, job queue, shift service) with an `iso8583-cup`
 * entry that reaches the simulator's ISO face over loopback TCP only through link-proxy.ts, which
 * loses answers on purpose (the host decides; the terminal never sees the answer).
 *
 *  - A refund whose answer is lost is final at the till as approved, resent with the same STAN
 *    until the host answers, applied once (the host answers a repeat with its first answer): no
 *    reversal, no dead letter, terminal and host ledgers reconcile.
 *  - A refund the host truly refuses after its answer was lost is an exception the manager sees,
 *    in words (退货, the host's reason).
 *  - A close with an unanswered reversal sends the 0400 first, then the 0500, and the host's totals
 *    match; with the host unreachable for it, the batch is not settled and the close lists it.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { IssuerSim } from '../../src/issuer-sim/server';
import type { Iso8583Sim } from '../../src/issuer-sim/iso8583/server';
import { storeTmk } from '../../src/main/issuer/iso8583/tmk';
import { readDeadLetters } from '../../src/main/jobs/dead-letters';
import { fromHex } from '../../src/shared/crypto';
import { ERROR_WORDS, type ErrorCode } from '../../src/shared/errors';
import { FAULT_MANAGER, bootCore, enrolCore, newKeyHex, prepareTill, type Core } from '../fault/core';
import { LinkFaultProxy } from '../fault/link-proxy';
import {
  ISO_KEYSET,
  TMK_HEX,
  cupEntry,
  faultDir,
  seedActiveCards,
  startFaultSim,
  startIsoFace,
} from '../fault/harness';

const TID = 'TISOOWE1';
const PAN = '8888020000009001';
const CASHIER = { id: '1001', role: 'cashier' };
const MANAGER = { id: FAULT_MANAGER.operatorId, role: 'manager' } as never;

let dir: string;
let sim: IssuerSim;
let iso: Iso8583Sim;
let proxy: LinkFaultProxy;
let c: Core;
/** How this test's terminal boots (again, for a restart on the same data directory). */
let spec: Parameters<typeof bootCore>[0];
/** MTIs of the requests that reached the host, in order. */
let mtis: string[];

beforeEach(async () => {
  dir = faultDir('cardtill-isoowed-');
  sim = await startFaultSim(dir);
  seedActiveCards(sim, [PAN], 100_000);
  const face = await startIsoFace(sim);
  iso = face.iso;
  proxy = new LinkFaultProxy(iso.port, () => 0.5);
  mtis = [];
  // len(2) | TPDU(5) | header(6) | MTI(2, BCD): one request per chunk on loopback.
  proxy.onRequest = (chunk) => mtis.push(chunk.subarray(13, 15).toString('hex'));
  await proxy.start();
  const keys = newKeyHex();
  const dataDir = path.join(dir, TID);
  await enrolCore({ issuerUrl: sim.url, terminalId: TID, ...keys });
  storeTmk(dataDir, fromHex(keys.dataKeyHex), 'cup', ISO_KEYSET, TMK_HEX, face.check);
  spec = {
    dataDir,
    terminalId: TID,
    issuerUrl: sim.url,
    issuerPublicKeyHex: sim.publicKeyHex,
    ...keys,
    timeoutMs: 2_000,
    attempts: 2,
    // Online or declined: no offline approval muddles what the host owes.
    moreIssuers: [
      cupEntry(proxy.port, face.check, {
        name: 'CUP host behind the proxy',
        timeoutMs: 2_000,
        offline: { floorLimitFen: 0 },
      }),
    ],
  };
  c = await bootCore(spec);
  prepareTill(c);
  await c.jobs.idle();
}, 60_000);

afterEach(async () => {
  await c?.close();
  await proxy?.close();
  await iso?.close();
  await sim?.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

const sale = async (amountFen: number) =>
  c.terminal.sale({
    cardToken: c.terminal.present({ pan: PAN, entryMode: 'swipe', expiry: '3012' }).cardToken,
    amountFen,
  });
const refund = (origStan: number, amountFen: number) =>
  c.voids.refund({ origStan, amountFen, override: FAULT_MANAGER }, CASHIER);
const row = (stan: number) =>
  c.db.prepare('SELECT type, status, decline_code FROM txns WHERE stan = ?').get(stan) as {
    type: string;
    status: string;
    decline_code: string | null;
  };
const owed = () =>
  c.db.prepare('SELECT stan, awaiting FROM iso8583_sent WHERE awaiting IS NOT NULL').all() as Array<{
    stan: number;
    awaiting: string;
  }>;
const reversalsOf = (stan: number) =>
  c.db.prepare('SELECT stan, sent_at FROM reversals WHERE orig_stan = ?').all(stan) as Array<{
    stan: number;
    sent_at: string | null;
  }>;
/** The ISO face's own record of this terminal's (batch, STAN). */
const hostRow = (stan: number) =>
  sim.ledger.db
    .prepare('SELECT name, rc, state, refunded_fen FROM iso8583_txns WHERE terminal_id = ? AND stan = ?')
    .get(TID, stan % 1_000_000) as
    { name: string; rc: string; state: string; refunded_fen: number } | undefined;
const cupStatus = () => c.core.ctx.offline.lanes.status().issuers!.find((i) => i.issuerId === 'cup')!;

/**
 * The terminal's approved ISO rows against the host's ledger: every approved sale and refund is one
 * applied, unreversed request at the host (its key: 60.2 × 1,000,000 + 11), the host kept nothing
 * the terminal did not approve, and the money the host moved is the terminal's (refunds less sales).
 */
function reconcile(batch = 1): string[] {
  const problems: string[] = [];
  const rows = c.db
    .prepare(
      "SELECT stan, type, status, amount_fen FROM txns WHERE issuer_id = 'cup' AND type IN ('sale','refund')",
    )
    .all() as Array<{ stan: number; type: string; status: string; amount_fen: number }>;
  const applied = new Map(sim.ledger.applied(`iso8583:${TID}`).map((a) => [a.stan, a]));
  const key = (stan: number) => batch * 1e6 + (stan % 1e6);
  let terminalFen = 0;
  const approved = new Set<number>();
  for (const r of rows) {
    if (r.status !== 'approved') continue;
    approved.add(key(r.stan));
    terminalFen += r.type === 'refund' ? r.amount_fen : -r.amount_fen;
    const a = applied.get(key(r.stan));
    const type = r.type === 'sale' ? 'authorize' : 'refund';
    if (!a || a.type !== type || a.result !== 'approved' || a.reversed || a.amountFen !== r.amount_fen)
      problems.push(`approved ${r.type} ${r.stan} not applied once at the host: ${JSON.stringify(a)}`);
  }
  for (const a of applied.values())
    if (a.result === 'approved' && !a.reversed && !approved.has(a.stan))
      problems.push(`host kept ${a.type} ${a.stan} the terminal did not approve`);
  const moved = (
    sim.ledger.db
      .prepare('SELECT COALESCE(SUM(delta_fen), 0) AS d FROM entries WHERE terminal_id = ?')
      .get(`iso8583:${TID}`) as { d: number }
  ).d;
  if (moved !== terminalFen) problems.push(`host moved ${moved} fen, terminal approved ${terminalFen} fen`);
  return problems;
}

describe('a refund (0220) whose answer is lost', () => {
  it('one answer lost: resent with the same STAN in the same exchange, the host’s first answer, applied once', async () => {
    const s = await sale(5_000);
    expect(s.status).toBe('approved');
    proxy.loseAnswers = 1;
    const r = await refund(s.stan, 1_200);
    expect(r.result.status).toBe('approved');
    expect(mtis.filter((m) => m === '0220')).toHaveLength(2); // sent, lost, resent
    expect(hostRow(r.result.stan)).toMatchObject({ name: 'refund', rc: '00' });
    expect(hostRow(s.stan)!.refunded_fen).toBe(1_200);
    expect(owed()).toEqual([]);
    expect(reversalsOf(r.result.stan)).toEqual([]);
    expect(readDeadLetters(c.db).items).toEqual([]);
    expect(reconcile()).toEqual([]);
    expect(sim.ledger.card(PAN)!.balance_fen).toBe(100_000 - 5_000 + 1_200);
  });

  it('every answer lost: final as approved at the till, resent until the host answers, applied once — no reversal, no dead letter', async () => {
    const s = await sale(5_000);
    // Both sends of the exchange reach the host and lose their answers (the host applied the
    // first and answered the repeat with the same answer).
    proxy.loseAnswers = 2;
    const r = await refund(s.stan, 2_000);
    // The cashier's outcome: the refund stands (the customer's card gets it, once).
    expect(r.result.status).toBe('approved');
    expect(r.receipt).not.toBeNull();
    expect(row(r.result.stan)).toMatchObject({ type: 'refund', status: 'approved' });
    expect(owed()).toEqual([{ stan: r.result.stan, awaiting: 'answer' }]);
    expect(reversalsOf(r.result.stan)).toEqual([]);
    expect(hostRow(s.stan)!.refunded_fen).toBe(2_000); // the host applied it already

    // The link answers again: before the next request, the owed refund goes once more (same
    // STAN and fields) and the host answers it with its first answer.
    const before = mtis.length;
    const next = await sale(100);
    expect(next.status).toBe('approved');
    expect(mtis.slice(before)).toEqual(['0220', '0200']);
    expect(owed()).toEqual([]);
    expect(hostRow(s.stan)!.refunded_fen).toBe(2_000); // applied once, not twice
    expect(sim.ledger.entries(PAN).filter((e) => e.kind === 'refund')).toHaveLength(1);

    await c.jobs.drain('reversal');
    expect(reversalsOf(r.result.stan)).toEqual([]);
    expect(readDeadLetters(c.db).items).toEqual([]);
    expect(cupStatus().exceptions).toEqual([]);
    expect(reconcile()).toEqual([]);
    expect(sim.ledger.card(PAN)!.balance_fen).toBe(100_000 - 5_000 + 2_000 - 100);
  });

  it('owed across a restart: the restarted terminal resends it before its first request, applied once', async () => {
    const s = await sale(5_000);
    proxy.loseAnswers = 2;
    const r = await refund(s.stan, 700);
    expect(r.result.status).toBe('approved');
    await c.close();
    const before = mtis.length;
    c = await bootCore(spec);
    await c.jobs.idle();
    expect((await sale(100)).status).toBe('approved');
    // A new process signs on (no working keys), then the owed 0220 goes — by the start's link
    // probe or before the sale, whichever comes first — once, before the sale's 0200.
    const after = mtis.slice(before);
    expect(after[0]).toBe('0800');
    expect(after.filter((m) => m === '0220')).toHaveLength(1);
    expect(after.indexOf('0220')).toBeLessThan(after.indexOf('0200'));
    expect(owed()).toEqual([]);
    expect(sim.ledger.entries(PAN).filter((e) => e.kind === 'refund')).toHaveLength(1);
    await c.jobs.drain('reversal');
    expect(readDeadLetters(c.db).items).toEqual([]);
    expect(reconcile()).toEqual([]);
  });

  it('a host malfunction (96) on the resend is no decision: still owed, then applied once', async () => {
    const s = await sale(5_000);
    proxy.loseAnswers = 2;
    const r = await refund(s.stan, 900);
    expect(r.result.status).toBe('approved');
    // The host fails on the next request it takes (the resend, answered from its record): 96,
    // nothing recorded.
    const busy = vi.spyOn(sim.ledger, 'idempotent');
    busy.mockImplementationOnce(() => {
      throw new Error('host database busy');
    });
    expect((await sale(100)).status).toBe('approved');
    expect(owed()).toEqual([{ stan: r.result.stan, awaiting: 'answer' }]);
    expect(cupStatus().exceptions).toEqual([]);
    busy.mockRestore();
    expect((await sale(200)).status).toBe('approved');
    expect(owed()).toEqual([]);
    expect(sim.ledger.entries(PAN).filter((e) => e.kind === 'refund')).toHaveLength(1);
    expect(cupStatus().exceptions).toEqual([]);
    expect(reconcile()).toEqual([]);
  });

  it('the host truly refuses it (its answer was lost): the manager sees a refund exception in words, nothing is credited', async () => {
    const s = await sale(3_000);
    // A host-side difference the till cannot know: the host holds the sale as refunded already.
    sim.ledger.db
      .prepare('UPDATE iso8583_txns SET refunded_fen = amount_fen WHERE terminal_id = ? AND stan = ?')
      .run(TID, s.stan % 1_000_000);
    proxy.loseAnswers = 2;
    const r = await refund(s.stan, 1_000);
    expect(r.result.status).toBe('approved');
    expect(hostRow(r.result.stan)).toMatchObject({ name: 'refund', rc: '61' });

    // The next turn (the forwarder's, here a balance check) resends it: the host's answer is 61.
    const before = mtis.length;
    await c.terminal.inquiry({
      cardToken: c.terminal.present({ pan: PAN, entryMode: 'swipe', expiry: '3012' }).cardToken,
    });
    expect(mtis.slice(before, before + 1)).toEqual(['0220']);
    expect(owed()).toEqual([]);
    const ex = cupStatus().exceptions;
    expect(ex).toHaveLength(1);
    expect(ex[0]).toMatchObject({
      stan: r.result.stan,
      kind: 'refund',
      code: 'AMOUNT_EXCEEDS_ORIGINAL',
      amountFen: 1_000,
    });
    expect(ex[0]!.masked).not.toContain(PAN);
    // The words the queue screen shows for it (退货, and the host's reason in both languages).
    expect(ERROR_WORDS[ex[0]!.code as ErrorCode]).toEqual({
      zh: '退款金额超过原交易可退金额',
      en: 'Refund exceeds what remains of the original',
    });
    // A refusal is an exception, not a reversal or a dead letter; the host credited nothing.
    await c.jobs.drain('reversal');
    expect(reversalsOf(r.result.stan)).toEqual([]);
    expect(readDeadLetters(c.db).items).toEqual([]);
    expect(sim.ledger.card(PAN)!.balance_fen).toBe(100_000 - 3_000);
  });

  it('a refund the host refuses in its answer is declined for the cashier, in words, and nothing is owed', async () => {
    const s = await sale(3_000);
    sim.ledger.db
      .prepare('UPDATE iso8583_txns SET refunded_fen = amount_fen WHERE terminal_id = ? AND stan = ?')
      .run(TID, s.stan % 1_000_000);
    const r = await refund(s.stan, 1_000);
    expect(r.result).toMatchObject({ status: 'declined', declineCode: 'AMOUNT_EXCEEDS_ORIGINAL' });
    expect(owed()).toEqual([]);
    expect(cupStatus().exceptions).toEqual([]);
    expect(reversalsOf(r.result.stan)).toEqual([]);
  });
});

describe('settlement only when nothing is pending', () => {
  /** A sale of 1,000, then one of 4,200 whose answer is lost; the job queue sends no reversal. */
  async function saleThenLostSale() {
    await sale(1_000);
    // The job queue sends no reversal in these tests: the adapter must, before its 0500.
    c.jobs.stop();
    proxy.loseAnswers = 1;
    const lost = await sale(4_200);
    expect(lost.status).toBe('declined');
    return lost;
  }

  it('a close with an unanswered reversal sends the 0400 first, then the 0500, and the totals match the host', async () => {
    const lost = await saleThenLostSale();
    expect(hostRow(lost.stan)).toMatchObject({ rc: '00', state: 'ok' }); // the host applied it
    expect(owed()).toEqual([{ stan: lost.stan, awaiting: 'reversal' }]);

    const before = mtis.length;
    const report = await c.core.ctx.shifts.close(MANAGER, { countedFen: 0 });
    const cup = report.issuers!.find((i) => i.issuerId === 'cup')!.settlement!;
    expect(mtis.slice(before)).toEqual(['0400', '0500']);
    expect(hostRow(lost.stan)?.state).toBe('reversed');
    expect(cup.status).toBe('settled');
    expect(cup.issuerTotals).toMatchObject({ saleCount: 1, saleFen: 1_000, refundCount: 0 });
    expect(iso.host.totals(TID, 1)).toMatchObject({ saleCount: 1, saleFen: 1_000, creditCount: 0 });
    expect(owed()).toEqual([]);
    expect(reconcile()).toEqual([]);
  });

  it('the host unreachable for the owed 0400: no 0500, the close lists what is unanswered; settled once it answers', async () => {
    const lost = await saleThenLostSale();
    await proxy.setDown(true);
    const report = await c.core.ctx.shifts.close(MANAGER, { countedFen: 0 });
    const cup = report.issuers!.find((i) => i.issuerId === 'cup')!;
    expect(cup.settlement).toMatchObject({ status: 'unreachable', issuerCode: 'SETTLE_PENDING_AT_ISSUER' });
    expect(cup.settlement!.discrepancies).toEqual([
      expect.objectContaining({
        kind: 'unanswered_at_issuer',
        stan: lost.stan,
        type: 'sale',
        terminalFen: 4_200,
      }),
    ]);
    expect(mtis).not.toContain('0500');
    // Not settled, so the batch did not move on.
    const link = () =>
      (c.db.prepare("SELECT batch FROM iso8583_link WHERE issuer_id = 'cup'").get() as { batch: number })
        .batch;
    expect(link()).toBe(1);

    await proxy.setDown(false);
    const batch = c.db.prepare("SELECT * FROM batches WHERE issuer_id = 'cup'").get() as never;
    const again = await c.core.ctx.shifts.settleBatch(batch);
    expect(again.status).toBe('settled');
    expect(mtis.slice(-2)).toEqual(['0400', '0500']);
    expect(link()).toBe(2);
    expect(reconcile()).toEqual([]);
  });
});
