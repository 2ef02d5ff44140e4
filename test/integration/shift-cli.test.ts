/** `cardtill shift report` and `cardtill archive` on a real data directory, as separate processes. */
import { describe, it, expect } from 'vitest';
import fs from 'node:fs';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import { startTestApp, tempDir } from '../helpers/app';
import { demoCard } from '../../src/issuer-sim/demo-cards';

const cli = (args: string[]) =>
  spawnSync(process.execPath, ['bin/cardtill.mjs', ...args], { encoding: 'utf8', timeout: 60_000 });

describe('cardtill shift report / archive', () => {
  it('prints the X of the open shift and the Z of the last closed one; archives a consistent copy', async () => {
    const dataDir = tempDir();
    const t = await startTestApp({ dataDir });
    await t.signIn('2001', '8888');
    await t.call('shift.open', { openingFloatFen: 5000 });
    await t.call('sale.authorize', { cardToken: await t.card(demoCard('active').pan), amountFen: 1234 });
    await t.call('shift.close', { countedFen: 5000 });
    await t.call('shift.open', { openingFloatFen: 5000 });
    await t.call('sale.authorize', {
      cardToken: await t.card(demoCard('active').pan),
      amountFen: 99,
      otherTenderFen: 1,
    });
    await t.app.close();
    try {
      const x = cli(['shift', 'report', '--data-dir', dataDir]);
      expect(x.status).toBe(0);
      expect(x.stdout).toContain('X 班中报表 X REPORT');
      expect(x.stdout).toMatch(/消费 SALES ×1\s+¥0\.99/);
      const z = cli(['shift', 'report', '--data-dir', dataDir, '--last-z', '--csv']);
      expect(z.status).toBe(0);
      expect(z.stdout).toContain('type,sale,1,1234,12.34');
      const out = path.join(dataDir, 'archive-2026.db');
      const a = cli(['archive', '--data-dir', dataDir, '--out', out]);
      expect(a.status, a.stderr).toBe(0);
      expect(a.stdout).toMatch(/journal 2 records/);
      expect(a.stdout).toMatch(/shifts 2, batches 1/);
      expect(cli(['archive', '--data-dir', dataDir, '--out', out]).status).toBe(2); // never overwritten
      expect(fs.statSync(out).size).toBeGreaterThan(0);
    } finally {
      fs.rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
