/**
 * A `txns` row edited on disk with plain SQL (an approved ¥10.05 sale lowered to ¥0.01), on real
 * parts: the app with its SQLite file, the issuer-sim over HTTP, the real CLI. Before: `journal
 * verify` passed, the receipt was re-signed from the edited row, and the dispute desk,
 * `verify-receipt` and the issuer's code check all called that ¥0.01 receipt genuine. Now:
 *   - `cardtill journal verify` names the STAN and the column;
 *   - the receipt is REFUSED with JOURNAL_MISMATCH (never signed from an edited row);
 *   - a receipt made from the edited row (as the old code printed it) is not genuine at the
 *     dispute desk (journal-mismatch), FORGED at `verify-receipt`, invalid at the issuer;
 *   - the X names the row, the close is refused JOURNAL_CHECK_FAILED until a manager acknowledges.
 */
import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../helpers/app';
import { demoCard } from '../../src/issuer-sim/demo-cards';
import { createReceiptExtras } from '../../src/main/receipt/signed-receipt';
import type { TxnRow } from '../../src/main/terminal/txn-store';
import type { ReceiptDoc } from '../../src/shared/receipt-doc';

const run = promisify(execFile);
const CLI = path.resolve('bin/cardtill.mjs');
const ACTIVE = demoCard('active');
const MANAGER = { operatorId: '2001', pin: '8888' };

async function cli(args: string[]): Promise<{ code: number; out: string }> {
  try {
    const r = await run(process.execPath, [CLI, ...args], {
      env: { ...process.env, CARDTILL_KEY_PASSPHRASE: 'test-passphrase' },
    });
    return { code: 0, out: r.stdout };
  } catch (e) {
    const err = e as { code: number; stdout: string; stderr: string };
    return { code: err.code, out: `${err.stdout}${err.stderr}` };
  }
}

const qrOf = (doc: ReceiptDoc) => {
  const q = doc.lines.find((l) => l.type === 'qr');
  return q && q.type === 'qr' ? q.data : '';
};
const codeOf = (doc: ReceiptDoc) => {
  const c = doc.lines.find((l) => l.type === 'pair' && l.left.includes('CODE'));
  return c && c.type === 'pair' ? c.right : '';
};

let t: TestApp;
let stan: number;
let otherStan: number;
let genuineQr: string;

beforeAll(async () => {
  t = await startTestApp();
  await t.signIn('2001', '8888');
  await t.call('shift.open', { openingFloatFen: 0 });
  otherStan = (await t.call('sale.authorize', { cardToken: await t.card(ACTIVE.pan), amountFen: 300 })).stan;
  const r = await t.call('sale.authorize', { cardToken: await t.card(ACTIVE.pan), amountFen: 1005 });
  expect(r.status).toBe('approved');
  stan = r.stan;
  genuineQr = qrOf((await t.call('receipt.get', { stan })).doc);
  // Plain SQL on the file, from another connection: no trigger guards txns.
  const db = new Database(path.join(t.dataDir, 'terminal.db'));
  expect(db.prepare('UPDATE txns SET amount_fen = 1 WHERE stan = ?').run(stan).changes).toBe(1);
  db.close();
});
afterAll(async () => {
  await t.close();
});

describe('a txns row edited on disk', () => {
  it('cardtill journal verify names that STAN and column (exit 1)', async () => {
    const r = await cli(['journal', 'verify', '--data-dir', t.dataDir]);
    expect(r.code).toBe(1);
    expect(r.out).toContain(`STAN ${String(stan).padStart(6, '0')}`);
    expect(r.out).toMatch(/amount_fen 1 on disk, 1005 signed/);
  });

  it('the receipt is refused with JOURNAL_MISMATCH, never re-signed from the edited row', async () => {
    const e = await t.callError('receipt.get', { stan });
    expect(e.code).toBe('JOURNAL_MISMATCH');
    expect(e.detail).toContain('amount_fen');
    expect((await t.callError('receipt.print', { stan })).code).toBe('JOURNAL_MISMATCH');
    // The other sale's receipt is unaffected.
    expect((await t.call('receipt.get', { stan: otherStan })).doc.lines.length).toBeGreaterThan(0);
  });

  it('a receipt made from the edited row (as before the fix) is not genuine: dispute desk, verify-receipt, issuer code check', async () => {
    const row = t.app.db.prepare('SELECT * FROM txns WHERE stan = ?').get(stan) as TxnRow;
    expect(row.amount_fen).toBe(1);
    const extras = createReceiptExtras(t.app.keys, t.app.config.terminalId, t.app.config.merchantId)(row);
    const doc = { lines: extras.lines } as unknown as ReceiptDoc;
    const forgedQr = qrOf(doc);

    const desk = await t.call('dispute.verifyReceipt', { text: forgedQr });
    expect(desk).toMatchObject({ genuine: false, reason: 'journal-mismatch', stan });
    // The receipt printed before the edit still says what was signed: genuine.
    const g = await t.call('dispute.verifyReceipt', { text: genuineQr });
    expect(g).toMatchObject({
      genuine: true,
      details: { amountFen: 1005 },
    });

    const c = await cli(['verify-receipt', '--data-dir', t.dataDir, forgedQr]);
    expect(c.code).toBe(1);
    expect(c.out).toContain('FORGED');
    expect(c.out).toContain('edited row');
    expect((await cli(['verify-receipt', '--data-dir', t.dataDir, genuineQr])).code).toBe(0);

    const check = async (amountFen: number, code: string) => {
      const res = await fetch(`${t.app.issuerSim!.url}/admin/receipt-check`, {
        method: 'POST',
        body: JSON.stringify({
          terminalId: t.app.config.terminalId,
          stan,
          type: 'sale',
          status: 'approved',
          amountFen,
          balanceFen: row.balance_fen,
          time: row.updated_at,
          code,
        }),
      });
      return ((await res.json()) as { valid: boolean }).valid;
    };
    expect(await check(1, codeOf(doc))).toBe(false);
  });

  it('the X report names the row; the close is refused until a manager acknowledges', async () => {
    const x = await t.call('report.x', {});
    expect(x.report.journal).toMatchObject({ ok: false });
    expect(x.report.journal!.problem).toContain(`STAN ${String(stan).padStart(6, '0')}`);
    const e = await t.callError('shift.close', { countedFen: 0 });
    expect(e.code).toBe('JOURNAL_CHECK_FAILED');
    expect(e.detail).toContain('amount_fen');
    const z = (await t.call('shift.close', { countedFen: 0, journalAck: MANAGER })).report;
    expect(z.journal).toMatchObject({ ok: false, acknowledgedBy: '2001' });
  });

  it('row and record edited together: the receipt is still refused (the record’s signature no longer holds)', async () => {
    const db = new Database(path.join(t.dataDir, 'terminal.db'));
    db.exec('DROP TRIGGER IF EXISTS journal_no_update');
    db.prepare('UPDATE txns SET amount_fen = 1 WHERE stan = ?').run(otherStan);
    const edited = db
      .prepare(`UPDATE journal SET body = replace(body, '"amountFen":300,', '"amountFen":1,') WHERE stan = ?`)
      .run(otherStan);
    expect(edited.changes).toBe(1);
    db.close();
    const e = await t.callError('receipt.get', { stan: otherStan });
    expect(e.code).toBe('JOURNAL_MISMATCH');
    expect(e.detail).toContain('signature does not verify');
  });
});
