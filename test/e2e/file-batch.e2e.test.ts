/**
 * The manager is told, in real Chromium: a file-batch issuer's unsigned balance file is refused
 * and shown on the offline queue screen with its reason in words, the issuer's cards marked "not
 * taken now"; after the back office publishes signed lists and the manager presses 立即同步, the
 * lists are in use and the cards can be taken; a sale over the entry's per-sale limit is refused
 * and the cashier's screen offers the manager's override, which lets it through.
 */
import fs from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { keyAmount, override, signIn } from '../helpers/e2e-actions';
import { startE2E, CHROMIUM_PATHS, type E2E } from '../helpers/browser';
import { requireSystem } from '../helpers/require-system';
import { tempDir } from '../helpers/app';
import { startIssuerSim, type IssuerSim } from '../../src/issuer-sim/server';
import { IssuerLedger } from '../../src/issuer-sim/ledger';
import { FileBatchBackOffice } from '../../src/issuer-sim/file-batch/back-office';
import { martCard } from '../../src/issuer-sim/file-batch/cards';
import { sm2GenerateKeyPair, toHex } from '../../src/shared/crypto';
import { fileBody, FILE_NAMES } from '../../src/shared/file-batch-format';

const haveChromium = requireSystem('Chromium', CHROMIUM_PATHS, 'chromium');
let e: E2E | undefined;
let sim: IssuerSim | undefined;
let ledger: IssuerLedger | undefined;

describe.runIf(haveChromium)('file-batch issuer on the manager screen (Chromium)', () => {
  afterEach(async () => {
    await e?.close();
    await sim?.close();
    ledger?.close();
    e = sim = ledger = undefined;
  });

  it('a refused file is shown with its reason; signed lists after 立即同步 make the cards usable', async () => {
    sim = await startIssuerSim({ dataDir: tempDir('cardtill-home-'), enrolToken: 'demo-enrol-token' });
    const exch = tempDir('cardtill-exchange-');
    const key = sm2GenerateKeyPair();
    ledger = new IssuerLedger(path.join(tempDir('cardtill-mart-'), 'mart.db'));
    const bo = new FileBatchBackOffice({
      dir: exch,
      issuerId: 'mart',
      ledger,
      privateKeyHex: toHex(key.privateKey),
      terminalKey: () => undefined,
    });
    bo.seedMartCards();
    const now = Date.now();
    fs.writeFileSync(
      path.join(exch, FILE_NAMES.balances('mart', 5)),
      fileBody(
        'balances',
        {
          issuer: 'mart',
          version: 5,
          createdAt: new Date(now).toISOString(),
          validUntil: new Date(now + 3600_000).toISOString(),
          reflects: {},
        },
        [{ pan: martCard('active').pan, balanceFen: 1 }],
      ),
    );
    e = await startE2E({
      config: {
        issuers: [
          {
            id: 'home',
            name: 'Home',
            protocol: 'cardtill-json',
            url: sim.url,
            publicKey: sim.publicKeyHex,
            timeoutMs: 1500,
            attempts: 2,
            cardRanges: ['888801'],
          },
          {
            id: 'mart',
            name: '区域超市',
            protocol: 'file-batch',
            url: pathToFileURL(exch).href,
            publicKey: toHex(key.publicKey),
            timeoutMs: 1000,
            attempts: 1,
            cardRanges: ['888803'],
            // A per-sale limit of ¥10.00, for the manager's override below.
            offline: { floorLimitFen: 1000 },
          },
        ],
      } as never,
    });
    const p = e.page;
    await signIn(p, '2001', '8888');
    await p.getByTestId('screen-offline-queue').click();
    await p.getByTestId('fb-sync').click();
    const refusals = p.getByTestId('fb-refusals-mart');
    await expect.poll(() => refusals.textContent()).toContain('没有签名');
    expect(await refusals.textContent()).toContain(FILE_NAMES.balances('mart', 5));
    expect(await p.getByTestId('fb-usable-mart').textContent()).toContain('暂不能受理');
    expect(await p.getByTestId('file-batch').textContent()).not.toContain(martCard('active').pan);
    await e.shot('file-batch-01-refused-unsigned');

    bo.publishHotlist();
    bo.publishBalances();
    await p.getByTestId('fb-sync').click();
    await expect.poll(() => p.getByTestId('fb-usable-mart').textContent()).toContain('可以受理');
    expect(await p.getByTestId('fb-mart').textContent()).toContain('版本 1（3 张卡）');

    // Over the entry's per-sale limit: refused, and the cashier's screen offers the manager's
    // override as for an online issuer's offline sale; the PIN lets it through.
    await p.getByTestId('screen-checkout').click();
    await keyAmount(p, '1250');
    await e.t.card(martCard('active').pan);
    await expect.poll(() => p.getByTestId('card-status').textContent()).toContain('0015');
    await p.getByTestId('keypad').locator('[data-key="ok"]').click();
    await expect.poll(() => p.getByTestId('result').getAttribute('data-code')).toBe('OFFLINE_FLOOR_LIMIT');
    await p.getByTestId('offline-override').click();
    await override(p);
    await expect.poll(() => p.getByTestId('result').getAttribute('data-status')).toBe('approved');
    await e.shot('file-batch-02-override-over-limit');
    const stan = Number(
      await p
        .getByTestId('result-stan')
        .textContent()
        .then((x) => x!.replace(/\D/g, '')),
    );
    expect(
      e.t.app.db.prepare('SELECT override_by FROM filebatch_decisions WHERE stan = ?').get(stan),
    ).toEqual({ override_by: '2001' });
  });
});
