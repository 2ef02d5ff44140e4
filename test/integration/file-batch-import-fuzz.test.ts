/**
 * Fuzzed inbound files through the terminal's real import (src/main/issuer/file-batch/sync.ts)
 * on a real SQLite file and a real directory: garbage, flipped bytes of a genuine list, and
 * genuinely signed lists whose text was mutated before signing (so every check behind the
 * signature is reached). Each file is either taken into use whole — a newer version, its card
 * count equal to the rows stored — or refused with a reason and recorded, with the list in use
 * unchanged. Nothing else is thrown; no log line carries a card number.
 */
import fs from 'node:fs';
import path from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { tempDir } from '../helpers/app';
import { openDatabase } from '../../src/shared/store/sqlite';
import { TERMINAL_MIGRATIONS } from '../../src/main/store/terminal-db';
import { FileBatchAdapter } from '../../src/main/issuer/file-batch/adapter';
import { DEFAULT_FILE_BATCH_OPTIONS } from '../../src/main/issuer/file-batch/config';
import { DEFAULT_OFFLINE_CONFIG } from '../../src/offline-queue/config';
import { fromHex, sm2Signer } from '../../src/shared/crypto';
import { buildFile, fileBody } from '../../src/shared/file-batch-format';

const issuer = sm2Signer(fromHex('1649ab77a00637bd5e2efe283fbf353534aa7f7cb89463f208ddbc2920bb0da0'));
const dir = tempDir('cardtill-fb-fuzz-');
const db = openDatabase(path.join(tempDir(), 'terminal.db'), TERMINAL_MIGRATIONS);
const logs: string[] = [];
const now = new Date('2026-12-01T12:00:00.000Z');
const adapter = new FileBatchAdapter({
  id: 'mart',
  name: 'Mart',
  dir,
  issuerPublicKey: issuer.publicKey,
  options: DEFAULT_FILE_BATCH_OPTIONS,
});
adapter.attach({
  db,
  dataKey: fromHex('a1'.repeat(32)),
  terminalId: 'T0000001',
  keyVersion: 1,
  sign: () => new Uint8Array(),
  openPan: () => '',
  offlineBase: DEFAULT_OFFLINE_CONFIG,
  clock: () => now,
  log: (l) => logs.push(l),
});
afterAll(() => db.close());

const header = (version: number) => ({
  issuer: 'mart',
  version,
  createdAt: '2026-12-01T11:00:00.000Z',
  validUntil: '2026-12-02T11:00:00.000Z',
  reflects: {},
});
const count = (t: string) => (db.prepare(`SELECT COUNT(*) AS n FROM ${t}`).get() as { n: number }).n;
const state = () => ({
  version: adapter.store!.current('balances')?.version ?? 0,
  rows: count('filebatch_balances'),
  refusals: count('filebatch_refusals'),
});

let n = 0;
/** Puts one file in the directory, syncs, removes it; returns what changed. */
function feed(bytes: Uint8Array) {
  const before = state();
  const name = `balances-mart-${String(++n).padStart(8, '0')}.ctfb`;
  fs.writeFileSync(path.join(dir, name), bytes);
  const report = adapter.sync();
  fs.rmSync(path.join(dir, name));
  const after = state();
  if (report.imported.length) {
    expect(after.version).toBeGreaterThan(before.version);
    expect(after.rows).toBe(adapter.store!.current('balances')!.cards);
  } else {
    expect(after.version).toBe(before.version);
    expect(after.rows).toBe(before.rows);
    expect(report.refused.map((r) => r.file)).toEqual([name]);
    expect(after.refusals).toBe(before.refusals + 1);
  }
  return report;
}

describe('file-batch import fuzz (real SQLite, real directory)', () => {
  it('a genuine list is taken; garbage, flips and mutated signed lists are refused or taken whole', () => {
    const cards = [
      { pan: '8888030000000015', balanceFen: 50_000 },
      { pan: '8888030000000023', balanceFen: 1_000 },
    ];
    const good = buildFile('balances', header(5), cards, (b) => issuer.sign(b));
    expect(feed(good).imported).toEqual([{ kind: 'balances', version: 5 }]);
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), (b) => void feed(b)),
      { seed: 20261211, numRuns: 60 },
    );
    fc.assert(
      fc.property(fc.nat(), fc.integer({ min: 1, max: 255 }), (at, x) => {
        const f = Uint8Array.from(good);
        f[at % f.length] ^= x;
        expect(feed(f).imported).toEqual([]);
      }),
      { seed: 20261212, numRuns: 60 },
    );
    let version = 5;
    fc.assert(
      fc.property(
        fc.nat(),
        fc.integer({ min: 0, max: 6 }),
        fc.stringMatching(/^[ -~\n,=:;]{0,8}$/),
        (at, len, insert) => {
          version++;
          let body = Buffer.from(fileBody('balances', header(version), cards)).toString('latin1');
          const i = at % (body.length + 1);
          body = body.slice(0, i) + insert + body.slice(i + len);
          const bytes = Buffer.from(body, 'latin1');
          const sig = Buffer.from(issuer.sign(bytes)).toString('base64');
          feed(Buffer.concat([bytes, Buffer.from(`sig=${sig}\n`)]));
        },
      ),
      { seed: 20261213, numRuns: 150 },
    );
    for (const l of logs) expect(l).not.toMatch(/\d{12,19}/);
  });
});
