/**
 * `devices.simulate` through the real web host: a call that cannot do anything says why with a
 * typed error (it used to answer `{}`, so a mistyped device id looked like an unnoticed swipe).
 */
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import path from 'node:path';
import { startTestApp, type TestApp } from '../helpers/app';
import { startWebHost, type WebHost } from '../../src/main/hosts/web-host';
import { demoCard } from '../../src/issuer-sim/demo-cards';
import { createDemoDevices } from '../../src/drivers/registry';

let t: TestApp;
let host: WebHost;

async function api(method: string, params: unknown): Promise<{ status: number; body: any }> {
  const r = await fetch(`http://127.0.0.1:${host.port}/api/v1/${method}`, {
    method: 'POST',
    body: JSON.stringify(params),
    headers: { authorization: `Bearer ${host.token}`, 'content-type': 'application/json' },
  });
  return { status: r.status, body: await r.json() };
}

beforeAll(async () => {
  // The demo set plus one real (not simulated) printer on a port nobody listens on.
  t = await startTestApp({
    config: {
      devices: [...createDemoDevices(), { id: 'real-printer', kind: 'printer', spec: 'tcp:127.0.0.1:9' }],
    },
  });
  host = await startWebHost(t.app, { port: 0, staticDir: path.resolve('dist/renderer') });
  expect((await api('auth.signIn', { operatorId: '1001', pin: '1234' })).body.ok).toBe(true);
});
afterAll(async () => {
  await host.close();
  await t.close();
});

const swipe = { action: 'swipe', pan: demoCard('active').pan, expiry: '3012' };

describe('devices.simulate answers what it did', () => {
  it('a missing device is DEVICE_NOT_FOUND, naming the id', async () => {
    const r = await api('devices.simulate', { deviceId: 'no-such-reader', input: swipe });
    expect(r.body.ok).toBe(false);
    expect(r.body.error).toMatchObject({ code: 'DEVICE_NOT_FOUND', detail: 'no-such-reader' });
  });

  it('a real device cannot be simulated: DEVICE_NOT_SIMULATED', async () => {
    const r = await api('devices.simulate', { deviceId: 'real-printer', input: swipe });
    expect(r.body.ok).toBe(false);
    expect(r.body.error.code).toBe('DEVICE_NOT_SIMULATED');
  });

  it('a simulated reader still takes the swipe', async () => {
    const msr = t.app.devices.list().find((d) => d.kind === 'magstripe' && d.simulated)!;
    const r = await api('devices.simulate', { deviceId: msr.id, input: swipe });
    expect(r.body).toMatchObject({ ok: true, result: {} });
  });
});
