/**
 * Issue 11 item 21 on real parts: the issuer-sim over HTTP behind a loopback proxy that goes down
 * (connection refused) and comes back, a real SQLite file, the app's composition. Offline sales
 * during an outage are not link failures of their own: they must not push the forwarder's next
 * probe back, so the queue drains at the first probe after the link returns (docs/offline.md).
 * The clock is the app's injected one, so "the probe is due" needs no waiting.
 */
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import fs from 'node:fs';
import path from 'node:path';
import { startIssuerSim, type IssuerSim } from '../../src/issuer-sim/server';
import { demoCard } from '../../src/issuer-sim/demo-cards';
import { LinkFaultProxy } from '../fault/link-proxy';
import { startTestApp, tempDir, type TestApp } from '../helpers/app';

const ACTIVE = demoCard('active').pan;
const PROBE_MIN_MS = 1000;

let dir: string;
let sim: IssuerSim;
let proxy: LinkFaultProxy;
let t: TestApp;
let now = Date.parse('2026-12-01T10:00:00Z');

beforeAll(async () => {
  dir = tempDir('cardtill-probe-');
  sim = await startIssuerSim({ dataDir: path.join(dir, 'issuer'), enrolToken: 'demo-enrol-token' });
  proxy = new LinkFaultProxy(sim.port, Math.random);
  await proxy.start();
  t = await startTestApp({
    dataDir: path.join(dir, 'terminal'),
    clock: () => new Date(now),
    forwardMs: 3_600_000, // the test ticks the forwarder itself
    config: {
      issuer: {
        url: proxy.url,
        publicKey: sim.publicKeyHex,
        enrolToken: 'demo-enrol-token',
        timeoutMs: 1000,
        attempts: 1,
      },
      offline: {
        probeMinMs: PROBE_MIN_MS,
        probeMaxMs: 60_000,
        perCardDailyCount: 100,
        velocityCount: 100,
      },
    } as never,
  });
  await t.app.jobs.idle();
});

afterAll(async () => {
  await t?.close();
  await proxy?.close();
  await sim?.close();
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
});

const swipe = () => t.app.terminal.present({ pan: ACTIVE, entryMode: 'swipe', expiry: '3012' }).cardToken;

describe('forwarder probe after a burst of offline sales', () => {
  it('offline sales do not push the probe back: the first probe after the link returns drains the queue', async () => {
    const f = t.app.ctx.offline.forwarder;
    expect((await t.app.terminal.inquiry({ cardToken: swipe() })).status).toBe('approved');
    expect(f.linkState()).toBe('online');

    await proxy.setDown(true);
    // The forwarder finds the link down first (its hot-card refresh fails): the probe is scheduled.
    await f.forwardNow();
    expect(f.linkState()).toBe('offline');
    const probeAt = f.status().nextProbeAt;
    expect(probeAt).not.toBeNull();
    for (let i = 0; i < 9; i++) {
      now += 50;
      const r = await t.app.terminal.sale({ cardToken: swipe(), amountFen: 100 + i });
      expect(r).toMatchObject({ status: 'approved', offline: true });
    }
    expect(f.status()).toMatchObject({ count: 9, nextProbeAt: probeAt });

    // The link returns; the probe that was due one backoff step after the first failure drains it.
    await proxy.setDown(false);
    now = Date.parse(probeAt!) + 1;
    await f.tick();
    expect(f.status()).toMatchObject({ count: 0, link: 'online' });
  });
});
