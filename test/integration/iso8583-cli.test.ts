/**
 * `cardtill issuer-sim --protocol iso8583 --keyset 3des --tmk HEX` run standalone as a child
 * process, with the demo cards, spoken to by the terminal's iso8583-cup adapter (a client that
 * follows ISO8583-CUP.md): sign-on, echo, a purchase and an inquiry on a demo card, the demo
 * password card's password in field 52. Bad flags exit 2.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Iso8583CupAdapter } from '../../src/main/issuer/iso8583/adapter';
import { KEYSETS } from '../../src/main/issuer/iso8583/keysets';
import { demoCard } from '../../src/issuer-sim/demo-cards';

const TMK_HEX = '0123456789ABCDEFFEDCBA9876543210';
let dir: string;
let child: ChildProcess;
let port: number;

function startCli(args: string[]): {
  child: ChildProcess;
  firstLine: Promise<string>;
  exit: Promise<number | null>;
} {
  const c = spawn(
    process.execPath,
    [path.resolve('bin/cardtill.mjs'), 'issuer-sim', '--data-dir', dir, ...args],
    {
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let out = '';
  const firstLine = new Promise<string>((resolve) => {
    c.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      if (out.includes('\n')) resolve(out.split('\n')[0]!);
    });
  });
  const exit = new Promise<number | null>((resolve) => c.once('exit', (code) => resolve(code)));
  return { child: c, firstLine, exit };
}

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'iso-cli-'));
  const run = startCli(['--protocol', 'iso8583', '--port', '0', '--keyset', '3des', '--tmk', TMK_HEX]);
  child = run.child;
  const line = JSON.parse(await run.firstLine) as { protocol: string; port: number; keySet: string };
  expect(line).toMatchObject({ protocol: 'iso8583', keySet: '3des' });
  port = line.port;
});
afterAll(async () => {
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGTERM');
  await exited;
  fs.rmSync(dir, { recursive: true, force: true });
});

describe('cardtill issuer-sim --protocol iso8583', () => {
  it('serves the demo cards to a terminal that follows the page', async () => {
    const adapter = new Iso8583CupAdapter({
      endpoint: { host: '127.0.0.1', port },
      terminalId: 'T0000009',
      merchantId: 'M000000000001',
      keySet: KEYSETS['3des'],
      tmk: new Uint8Array(Buffer.from(TMK_HEX, 'hex')),
      timeoutMs: 5_000,
    });
    const now = new Date().toISOString();
    const card = { pan: demoCard('active').pan, entryMode: 'swipe' };
    const echo = await adapter.exchange({ kind: 'echo', stan: 1, time: now, id: 'e1' }, 1);
    expect(echo).toMatchObject({ kind: 'answer', answer: { result: 'approved' } });
    const sale = await adapter.exchange(
      { kind: 'authorize', stan: 2, time: now, id: 's1', card, amountFen: 1250, otherTenderFen: 0 },
      3,
    );
    expect(sale).toMatchObject({
      kind: 'answer',
      answer: { result: 'approved', balanceFen: 100_000 - 1250 },
    });
    const inq = await adapter.exchange({ kind: 'inquire', stan: 3, time: now, id: 'i1', card }, 1);
    expect(inq).toMatchObject({ kind: 'answer', answer: { result: 'approved', balanceFen: 100_000 - 1250 } });
    // The demo password card: its password seeded in the ledger, checked in field 52.
    const pw = demoCard('iso-password');
    const pwCard = { pan: pw.pan, entryMode: 'swipe' };
    const pwSale = (stan: number, password?: string) =>
      adapter.exchange(
        {
          kind: 'authorize',
          stan,
          time: now,
          id: `p${stan}`,
          card: pwCard,
          amountFen: 100,
          otherTenderFen: 0,
          ...(password ? { password } : {}),
        },
        1,
      );
    expect(await pwSale(4)).toMatchObject({ answer: { result: 'declined', code: 'PASSWORD_REQUIRED' } });
    expect(await pwSale(5, pw.password!.pin)).toMatchObject({ answer: { result: 'approved' } });
    adapter.close();
  });

  it('--backup-port: a backup host on the same ledger, with sign-on sessions of its own', async () => {
    const run = startCli([
      '--protocol',
      'iso8583',
      '--port',
      '0',
      '--backup-port',
      '0',
      '--keyset',
      '3des',
      '--tmk',
      TMK_HEX,
    ]);
    try {
      const line = JSON.parse(await run.firstLine) as { port: number; backupPort: number };
      expect(line.backupPort).toBeTypeOf('number');
      expect(line.backupPort).not.toBe(line.port);
      const to = (p: number) =>
        new Iso8583CupAdapter({
          endpoint: { host: '127.0.0.1', port: p },
          terminalId: 'T0000008',
          merchantId: 'M000000000001',
          keySet: KEYSETS['3des'],
          tmk: new Uint8Array(Buffer.from(TMK_HEX, 'hex')),
          timeoutMs: 5_000,
        });
      const primary = to(line.port);
      const backup = to(line.backupPort);
      const now = new Date().toISOString();
      const card = { pan: demoCard('gift').pan, entryMode: 'swipe' };
      const before = await primary.exchange({ kind: 'inquire', stan: 1, time: now, id: 'b1', card }, 1);
      expect(before.kind).toBe('answer');
      const start = (before as { answer: { balanceFen: number } }).answer.balanceFen;
      // The same terminal id signs on with the backup too: the primary's keys stay the primary's.
      const sale = await backup.exchange(
        { kind: 'authorize', stan: 2, time: now, id: 's2', card, amountFen: 300, otherTenderFen: 0 },
        1,
      );
      expect(sale).toMatchObject({ kind: 'answer', answer: { result: 'approved', balanceFen: start - 300 } });
      // One ledger: the primary sees the backup's debit, and its MAC still checks (its own session).
      const after = await primary.exchange({ kind: 'inquire', stan: 3, time: now, id: 'b3', card }, 1);
      expect(after).toMatchObject({
        kind: 'answer',
        answer: { result: 'approved', balanceFen: start - 300 },
      });
      primary.close();
      backup.close();
    } finally {
      run.child.kill('SIGTERM');
      await run.exit;
    }
  });

  it('refuses a bad key set or TMK with exit code 2', async () => {
    const run = startCli(['--protocol', 'iso8583', '--keyset', 'aes', '--tmk', TMK_HEX]);
    expect(await run.exit).toBe(2);
    const run2 = startCli(['--protocol', 'iso8583', '--keyset', 'sm4', '--tmk', 'abc']);
    expect(await run2.exit).toBe(2);
    const run3 = startCli([
      '--protocol',
      'iso8583',
      '--keyset',
      '3des',
      '--tmk',
      TMK_HEX,
      '--backup-port',
      'x',
    ]);
    expect(await run3.exit).toBe(2);
  });
});
