/**
 * A third party with only OpenSSL 3 and our exported public keys checks every journal signature:
 * `cardtill journal export` → for each line, signedBytes and signature to files →
 * `openssl pkeyutl -verify -rawin -digest sm3 -pkeyopt distid:1234567812345678` with the PEM from
 * `cardtill keys public --version N`. Also the chain, recomputed with `openssl dgst -sm3`.
 */
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeJournalFixture, type JournalFixture } from '../helpers/journal-fixture';
import { requireSystem } from '../helpers/require-system';
import type { JournalExportLine } from '../../src/main/journal/export';

const run = promisify(execFile);
const CLI = path.resolve('bin/cardtill.mjs');
const OPENSSL =
  ['/usr/bin/openssl', '/usr/local/bin/openssl'].find((p) => fs.existsSync(p)) ?? '/usr/bin/openssl';
const haveOpenssl = requireSystem('OpenSSL 3 CLI', [OPENSSL], 'openssl');

let f: JournalFixture;
let work: string;
beforeAll(() => {
  f = makeJournalFixture(9, { rotateAt: 5 });
  f.db.pragma('wal_checkpoint(TRUNCATE)');
  work = fs.mkdtempSync(path.join(os.tmpdir(), 'cardtill-export-'));
});
afterAll(() => {
  f.close();
  fs.rmSync(work, { recursive: true, force: true });
});

describe.runIf(haveOpenssl)('journal export checked with the openssl CLI alone', () => {
  it('every exported record verifies with OpenSSL; an altered one does not', async () => {
    const out = (
      await run(process.execPath, [CLI, 'journal', 'export', '--data-dir', f.dataDir], {
        maxBuffer: 64 << 20,
      })
    ).stdout;
    const lines = out
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as JournalExportLine);
    expect(lines.map((l) => l.seq)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(new Set(lines.map((l) => l.keyVersion))).toEqual(new Set([1, 2]));
    expect(lines[0]).toMatchObject({
      stan: 1,
      type: expect.any(String),
      amountFen: expect.any(Number),
      time: expect.any(String),
      prevHash: '0'.repeat(64),
    });
    expect(out).not.toMatch(/8888010000\d{6}/); // card numbers only masked / sealed
    for (const v of [1, 2]) {
      const pem = (
        await run(process.execPath, [CLI, 'keys', 'public', '--version', String(v), '--data-dir', f.dataDir])
      ).stdout;
      expect(pem).toMatch(/^-----BEGIN PUBLIC KEY-----/);
      fs.writeFileSync(path.join(work, `v${v}.pem`), pem);
      // OpenSSL itself reads it as an SM2 key.
      const text = (
        await run(OPENSSL, ['pkey', '-pubin', '-in', path.join(work, `v${v}.pem`), '-text', '-noout'])
      ).stdout;
      expect(text).toMatch(/SM2/);
    }
    let script = 'set -u\n';
    for (const l of lines) {
      fs.writeFileSync(path.join(work, `m${l.seq}.bin`), Buffer.from(l.signedBytes, 'base64'));
      fs.writeFileSync(path.join(work, `s${l.seq}.der`), Buffer.from(l.signature, 'base64'));
      const altered = Buffer.from(l.signedBytes, 'base64');
      altered[10]! ^= 1;
      fs.writeFileSync(path.join(work, `x${l.seq}.bin`), altered);
      const verify = (m: string) =>
        `${OPENSSL} pkeyutl -verify -pubin -inkey v${l.keyVersion}.pem -rawin -digest sm3 -pkeyopt distid:1234567812345678 -in ${m} -sigfile s${l.seq}.der >/dev/null 2>&1`;
      script += `if ${verify(`m${l.seq}.bin`)}; then echo "${l.seq} OK"; else echo "${l.seq} FAIL"; fi\n`;
      script += `if ${verify(`x${l.seq}.bin`)}; then echo "x${l.seq} OK"; else echo "x${l.seq} FAIL"; fi\n`;
      // chain: SM3(prevHash bytes ‖ signedBytes)
      const prevBytes = l.prevHash.replace(/../g, '\\x$&');
      script += `{ printf '${prevBytes}'; cat m${l.seq}.bin; } | ${OPENSSL} dgst -sm3 -r | cut -d' ' -f1\n`;
    }
    const res = (await run('bash', ['-c', script], { cwd: work, maxBuffer: 16 << 20 })).stdout
      .trim()
      .split('\n');
    for (let i = 0; i < lines.length; i++) {
      const l = lines[i]!;
      expect(res[i * 3]).toBe(`${l.seq} OK`);
      expect(res[i * 3 + 1]).toBe(`x${l.seq} FAIL`);
      expect(res[i * 3 + 2]).toBe(l.chainHash);
      if (i > 0) expect(l.prevHash).toBe(lines[i - 1]!.chainHash);
    }
  });
});
