/**
 * `cardtill issuer-sim --protocol file-batch --dir D --once` as a child process: it publishes the
 * signed hot list and balance snapshot of the mart demo cards, applies a terminal's signed
 * transaction file (key given with --terminal-key) once and writes the signed acknowledgement;
 * run again, it applies nothing twice. A file signed by another key is left unapplied. Bad flags exit 2.
 */
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { tempDir } from '../helpers/app';
import { fromHex, sm2Signer, sm2Verifier, toHex } from '../../src/shared/crypto';
import { buildFile, FILE_NAMES, parseFile } from '../../src/shared/file-batch-format';
import { martCard } from '../../src/issuer-sim/file-batch/cards';

const run = promisify(execFile);
const dataDir = tempDir('cardtill-fb-cli-');
const exch = tempDir('cardtill-fb-cli-x-');
const terminal = sm2Signer(fromHex('5be1f1c2a0d4e6b8c9a7f3e2d1c0b9a8f7e6d5c4b3a2918070605040302010ff'));
afterAll(() => {
  fs.rmSync(dataDir, { recursive: true, force: true });
  fs.rmSync(exch, { recursive: true, force: true });
});

async function cli(...args: string[]) {
  try {
    const r = await run(process.execPath, [
      path.resolve('bin/cardtill.mjs'),
      'issuer-sim',
      '--data-dir',
      dataDir,
      '--protocol',
      'file-batch',
      ...args,
    ]);
    return { code: 0, lines: r.stdout.trim().split('\n') };
  } catch (e) {
    return { code: (e as { code: number }).code, lines: [] as string[] };
  }
}

const txnFile = (seq: number, sign: (b: Uint8Array) => Uint8Array) =>
  buildFile(
    'transactions',
    { issuer: 'mart', terminal: 'T0000001', version: seq, key: 1, createdAt: new Date().toISOString() },
    [
      {
        stan: 10 + seq,
        type: 'sale',
        time: new Date().toISOString(),
        pan: martCard('active').pan,
        amountFen: 1_234,
        origStan: null,
        authCode: 'FB000011',
      },
    ],
    sign,
  );

describe('cardtill issuer-sim --protocol file-batch', () => {
  it('publishes signed lists, applies a transaction file once and acknowledges it', async () => {
    fs.writeFileSync(
      path.join(exch, FILE_NAMES.transactions('T0000001', 1)),
      txnFile(1, (b) => terminal.sign(b)),
    );
    const keyArg = `T0000001:1:${toHex(terminal.publicKey)}`;
    const first = await cli('--dir', exch, '--terminal-key', keyArg, '--once');
    expect(first.code).toBe(0);
    const info = JSON.parse(first.lines[0]!) as { protocol: string; publicKey: string };
    expect(info.protocol).toBe('file-batch');
    const issuer = sm2Verifier(fromHex(info.publicKey));
    const bal = parseFile(
      fs.readFileSync(path.join(exch, FILE_NAMES.balances('mart', 1))),
      'balances',
      issuer,
    );
    expect(bal.records).toContainEqual({
      pan: martCard('active').pan,
      balanceFen: martCard('active').balanceFen,
    });
    const hot = parseFile(fs.readFileSync(path.join(exch, FILE_NAMES.hotlist('mart', 1))), 'hotlist', issuer);
    expect(hot.records).toEqual([{ pan: martCard('lost').pan }]);
    const ack = parseFile(fs.readFileSync(path.join(exch, FILE_NAMES.ack('T0000001', 1))), 'ack', issuer);
    expect(ack.records).toEqual([
      { stan: 11, result: 'accepted', code: null, balanceFen: martCard('active').balanceFen - 1_234 },
    ]);
    expect(JSON.parse(first.lines.at(-1)!)).toMatchObject({ acknowledged: [{ seq: 1, accepted: 1 }] });

    // Again, with a second file signed by a stranger: file 1 not applied twice, file 2 not applied.
    const stranger = sm2Signer(fromHex('1649ab77a00637bd5e2efe283fbf353534aa7f7cb89463f208ddbc2920bb0da0'));
    fs.writeFileSync(
      path.join(exch, FILE_NAMES.transactions('T0000001', 2)),
      txnFile(2, (b) => stranger.sign(b)),
    );
    const second = await cli('--dir', exch, '--terminal-key', keyArg, '--once');
    expect(JSON.parse(second.lines.at(-1)!)).toEqual({
      acknowledged: [],
      rejected: [{ file: FILE_NAMES.transactions('T0000001', 2), reason: 'bad-signature' }],
    });
    // The published snapshot (version 2 now) shows the sale taken once.
    const bal2 = parseFile(
      fs.readFileSync(path.join(exch, FILE_NAMES.balances('mart', 2))),
      'balances',
      issuer,
    );
    expect(bal2.header.reflects).toEqual({ T0000001: 1 });
    expect(bal2.records).toContainEqual({
      pan: martCard('active').pan,
      balanceFen: martCard('active').balanceFen - 1_234,
    });
  });

  it('bad flags exit 2', async () => {
    expect((await cli('--once')).code).toBe(2);
    expect((await cli('--dir', exch, '--terminal-key', 'nonsense', '--once')).code).toBe(2);
  });
});
