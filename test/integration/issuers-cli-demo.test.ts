/**
 * `cardtill issuers` beside a terminal running in demo mode: the demo issuers are the simulator's
 * faces the app starts on ports of its own choosing, which no configuration names — the running
 * app says where in <data-dir>/run/demo-issuers.json (src/main/demo-issuers-file.ts), so the CLI
 * lists both demo issuers (JSON and ISO 8583) and echoes each. Its ISO echo goes without a
 * sign-on: one would replace the working keys the host holds for this terminal id, and the
 * running terminal's next ISO sale would be answered A0 (declined, and reversed for nothing).
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { startTestApp, TEST_KEY_SECRET, type TestApp } from '../helpers/app';
import { runCardtill } from '../helpers/cli';
import { demoCard } from '../../src/issuer-sim/demo-cards';
import { DEMO_ISO_ISSUER_ID } from '../../src/main/demo-iso-issuer';
import type { IssuerInfo } from '../../src/shared/contract/tech';

const ISO_CARD = demoCard('iso-active').pan;

let t: TestApp | undefined;
afterEach(async () => {
  await t?.close();
  t = undefined;
});

/** `cardtill issuers` on the data dir, the key passphrase from the environment as the app's. */
function issuersCli(dataDir: string, ...args: string[]) {
  // Demo mode still (no issuer url, no issuers); the file only names the key passphrase's variable.
  const cfg = path.join(dataDir, 'cli-config.json');
  fs.writeFileSync(cfg, JSON.stringify({ keyPassphraseEnv: 'CARDTILL_TEST_SECRET' }));
  return runCardtill(['issuers', '--data-dir', dataDir, '--config', cfg, ...args], {
    CARDTILL_TEST_SECRET: TEST_KEY_SECRET.secret,
  });
}

describe('cardtill issuers in demo mode', () => {
  it('echoes both demo issuers of the running app, and its ISO echo leaves the terminal’s keys alone', async () => {
    t = await startTestApp({ demoIsoIssuer: true, forwardMs: 3_600_000 });
    await t.app.jobs.idle();
    await t.signIn();
    // The terminal is signed on with the ISO host (its keys there) and sells.
    expect(
      (await t.call('sale.authorize', { cardToken: await t.card(ISO_CARD), amountFen: 100 })).status,
    ).toBe('approved');

    const json = await issuersCli(t.dataDir, '--json');
    expect(json.status, json.stderr + json.stdout).toBe(0);
    const list = JSON.parse(json.stdout) as IssuerInfo[];
    expect(list.map((i) => [i.issuerId, i.protocol, i.echo?.ok])).toEqual([
      ['default', 'cardtill-json', true],
      [DEMO_ISO_ISSUER_ID, 'iso8583-cup', true],
    ]);
    expect(list[0]!.endpoints[0]!.address).toBe(t.app.issuerSim!.url);
    expect(list[1]!.endpoints[0]!.address).toBe(`tcp://127.0.0.1:${t.app.isoSim!.port}`);
    expect(list[1]!.echo!.endpoints).toMatchObject([{ role: 'primary', ok: true }]);
    expect(list[1]!.lastSignOnAt).toBeTypeOf('string'); // the app's sign-on, from the terminal's table

    // The running terminal's working keys are still the host's: its next ISO sale is approved
    // (a sign-on from the CLI would have replaced them: A0, declined, a 0400 queued).
    const after = await t.call('sale.authorize', { cardToken: await t.card(ISO_CARD), amountFen: 100 });
    expect(after.status).toBe('approved');
    expect(t.app.db.prepare('SELECT COUNT(*) AS n FROM reversals').get()).toEqual({ n: 0 });

    const text = await issuersCli(t.dataDir);
    expect(text.status, text.stderr).toBe(0);
    expect(text.stdout).toContain(`发卡方 ISSUER ${DEMO_ISO_ISSUER_ID}`);
    expect(text.stdout).toMatch(/回响 ECHO\s+ok 正常/);
  });

  it('with no demo app running on the data dir: no echo, and it says why', async () => {
    t = await startTestApp({ forwardMs: 3_600_000 });
    const dataDir = t.dataDir;
    await t.app.close(); // the data dir stays; t.close() below only removes it
    expect(fs.existsSync(path.join(dataDir, 'run', 'demo-issuers.json'))).toBe(false);
    const r = await issuersCli(dataDir, '--json');
    expect(r.status).toBe(0);
    expect((JSON.parse(r.stdout) as IssuerInfo[]).map((i) => i.echo)).toEqual([null]);
    expect(r.stderr).toContain('no app running');
    t = { ...t, close: async () => fs.rmSync(dataDir, { recursive: true, force: true }) };
  });
});
