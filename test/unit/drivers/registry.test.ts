import { describe, expect, it } from 'vitest';
import { DeviceRegistry, createDemoDevices, type DriverFactories } from '../../../src/drivers/registry';
import type { DeviceEvent, DeviceInfo } from '../../../src/shared/devices';
import type { PrinterDriver, SimulatedDriver } from '../../../src/drivers/types';
import type { ReceiptScanEvent } from '../../../src/drivers/serial/driver-base';
import { SimMagstripeDriver } from '../../../src/drivers/magstripe/driver';
import { SimScannerDriver } from '../../../src/drivers/barcode/driver';
import { MSR_FRAMINGS } from '../../../src/drivers/magstripe/framings';

const PAN = '6228480402564890018';

/** Minimal stand-ins for the IC and printer drivers, which have their own tests. */
function fakeDriver(id: string, kind: 'ic' | 'printer', simulated: boolean): SimulatedDriver & PrinterDriver {
  let state: DeviceInfo['state'] = 'disconnected';
  const ls = new Set<(e: DeviceEvent) => void>();
  return {
    id,
    kind: kind as 'printer',
    start: async () => {
      state = 'connected';
      ls.forEach((l) => l({ type: 'state', deviceId: id, at: 1, state }));
    },
    stop: async () => {
      state = 'disconnected';
    },
    info: () => ({ id, kind, transport: simulated ? 'sim' : 'tcp', path: id, state, simulated }),
    onEvent: (l) => (ls.add(l), () => ls.delete(l)),
    simulate: () => {},
    print: async (_doc, jobId) => ({ ok: true, jobId, bytes: 0 }),
    reprintLast: async () => undefined,
    onPrinted: () => () => {},
    status: async () => ({ online: true, paperOut: false, paperNearEnd: false, coverOpen: false }),
    heldJobs: () => [],
  };
}
const factories: Partial<DriverFactories> = {
  simIcReader: (id) => fakeDriver(id, 'ic', true),
  pcscReader: (c) => fakeDriver(c.id, 'ic', false),
  simPrinter: (id) => fakeDriver(id, 'printer', true),
  printer: (c) => fakeDriver(c.id, 'printer', false),
  listPcscReaders: async () => ['Virtual PCD 00 00'],
};

describe('DeviceRegistry', () => {
  it('demo devices start, swipes and scans flow through, last events are masked', async () => {
    const lines: string[] = [];
    let t = 1000;
    const reg = new DeviceRegistry(createDemoDevices(), {
      clock: () => ++t,
      log: (l) => lines.push(l),
      factories,
    });
    const events: DeviceEvent[] = [];
    const scans: ReceiptScanEvent[] = [];
    reg.onEvent((e) => events.push(e));
    reg.onScan((e) => scans.push(e));
    expect(reg.list().map((d) => d.state)).toEqual([
      'disconnected',
      'disconnected',
      'disconnected',
      'disconnected',
      'disconnected',
    ]);
    await reg.start();
    expect(reg.list().map((d) => [d.id, d.state])).toEqual([
      ['sim-msr', 'connected'],
      ['sim-scanner', 'connected'],
      ['sim-ic', 'connected'],
      ['sim-printer', 'connected'],
      ['sim-psam', 'connected'],
    ]);

    expect(reg.simulate('sim-msr', { action: 'swipe', pan: PAN, name: 'ZHANG/SAN' })).toEqual({ ok: true });
    expect(events.at(-1)).toMatchObject({
      type: 'card',
      deviceId: 'sim-msr',
      card: { pan: PAN, entryMode: 'swipe', holderName: 'ZHANG/SAN', expiry: '4912' },
    });
    reg.simulate('sim-msr', { action: 'swipe', pan: PAN, garbled: true });
    expect(events.at(-1)).toMatchObject({ type: 'error', deviceId: 'sim-msr', code: 'SWIPE_UNREADABLE' });
    reg.simulate('sim-msr', { action: 'swipe', pan: PAN });
    expect(events.at(-1)).toMatchObject({ type: 'card' });

    reg.simulate('sim-scanner', { action: 'scan', payload: `CT1:${PAN}:29000000:654321` });
    expect(events.at(-1)).toMatchObject({
      type: 'card',
      card: { pan: PAN, entryMode: 'scan', dynamicCode: '29000000:654321' },
    });
    reg.simulate('sim-scanner', { action: 'scan', payload: 'CTR1.abc' });
    expect(scans).toMatchObject([{ type: 'scan', deviceId: 'sim-scanner', text: 'CTR1.abc' }]);
    reg.simulate('sim-scanner', { action: 'scan', payload: 'nonsense' });
    expect(events.at(-1)).toMatchObject({ type: 'error', code: 'SCAN_UNREADABLE' });

    const msr = reg.list().find((d) => d.id === 'sim-msr')!;
    expect(msr.lastEvent).toBe('card swipe 622848*********0018');
    expect(msr.lastEventAt).toBeGreaterThan(1000);
    const all = JSON.stringify(reg.list()) + lines.join('\n');
    expect(all).not.toContain(PAN);

    expect(reg.simulate('nope', { action: 'scan', payload: 'x' })).toEqual({
      ok: false,
      reason: 'NO_SUCH_DEVICE',
    });
    expect(reg.printer()?.id).toBe('sim-printer');
    expect(reg.printer('sim-msr')).toBeUndefined();
    await reg.stop();
    expect(reg.list()[0]!.state).toBe('disconnected');
  });

  it('a bad config or spec shows up as an error device, the others still work', async () => {
    const reg = new DeviceRegistry(
      [
        { id: 'bad-spec', kind: 'magstripe', spec: 'serial:' },
        { id: 'wrong-kind', kind: 'ic', spec: 'tcp:1.2.3.4:9100' },
        { id: 'bad-framing', kind: 'barcode', spec: 'serial:/dev/null-no-such?framing=zigzag' },
        { id: 'sim-msr', kind: 'magstripe', spec: 'sim:magstripe' },
        { id: 'sim-msr', kind: 'magstripe', spec: 'sim:magstripe' },
      ],
      { factories },
    );
    await reg.start();
    const byId = Object.fromEntries(reg.list().map((d) => [d.id, d]));
    expect(Object.keys(byId)).toEqual(['bad-spec', 'wrong-kind', 'bad-framing', 'sim-msr']);
    expect(byId['bad-spec']).toMatchObject({ state: 'error', detail: expect.stringContaining('BAD_PATH') });
    expect(byId['wrong-kind']).toMatchObject({ state: 'error' });
    expect(byId['bad-framing']).toMatchObject({ state: 'error', detail: expect.stringContaining('zigzag') });
    expect(byId['sim-msr']!.state).toBe('connected');
    expect(reg.simulate('bad-spec', { action: 'swipe', pan: PAN })).toEqual({
      ok: false,
      reason: 'NOT_SIMULATED',
    });
    await reg.stop();
  });

  it('a serial reader whose port is absent is disconnected, not an exception', async () => {
    const reg = new DeviceRegistry(
      [{ id: 'msr', kind: 'magstripe', spec: 'serial:/tmp/cardtill-no-such-tty' }],
      {
        factories,
        reconnect: { backoffInitialMs: 20, backoffMaxMs: 40 },
      },
    );
    // 'disconnected' is also the state before anything ran: wait for the failed open itself.
    const failed = new Promise<DeviceEvent>((resolve) =>
      reg.onEvent((e) => e.type === 'state' && e.detail?.startsWith('cannot open') && resolve(e)),
    );
    await reg.start(); // does not throw for the absent port
    expect(await failed).toMatchObject({ deviceId: 'msr', state: 'disconnected' });
    expect(reg.list()[0]).toMatchObject({
      state: 'disconnected',
      transport: 'serial',
      path: '/tmp/cardtill-no-such-tty',
      detail: expect.stringContaining('cannot open /tmp/cardtill-no-such-tty'),
    });
    await reg.stop();
  });

  it('discover() lists what it can and diffs against the previous call', async () => {
    const lines: string[] = [];
    let readers = ['Virtual PCD 00 00'];
    const reg = new DeviceRegistry([{ id: 'ic', kind: 'ic', spec: 'pcsc:Virtual PCD 00 00' }], {
      log: (l) => lines.push(l),
      factories: { ...factories, listPcscReaders: async () => readers },
    });
    const first = await reg.discover();
    expect(first).toContainEqual({
      spec: 'pcsc:Virtual PCD 00 00',
      kind: 'ic',
      detail: 'PC/SC reader',
      configuredAs: 'ic',
    });
    readers = ['Virtual PCD 00 01'];
    const second = await reg.discover();
    expect(second).toContainEqual(
      expect.objectContaining({ spec: 'pcsc:Virtual PCD 00 01', appeared: true }),
    );
    expect(lines).toContain('discover: appeared pcsc:Virtual PCD 00 01');
    expect(lines).toContain('discover: disappeared pcsc:Virtual PCD 00 00');
  });
});

describe('DeviceRegistry with the real IC and printer modules', () => {
  it('demo devices: all five start, a tap and a print go through', async () => {
    const reg = new DeviceRegistry(createDemoDevices());
    const events: DeviceEvent[] = [];
    /** Resolves once `pred` holds, checked now and on every device event. */
    const when = (pred: () => boolean) =>
      new Promise<void>((resolve) => {
        if (pred()) return resolve();
        const off = reg.onEvent(() => pred() && (off(), resolve()));
      });
    reg.onEvent((e) => events.push(e));
    await reg.start();
    try {
      await when(() => reg.list().every((d) => d.state === 'connected'));
      expect(reg.list().map((d) => [d.id, d.state, d.simulated])).toEqual([
        ['sim-msr', 'connected', true],
        ['sim-scanner', 'connected', true],
        ['sim-ic', 'connected', true],
        ['sim-printer', 'connected', true],
        ['sim-psam', 'connected', true],
      ]);
      expect(reg.simulate('sim-ic', { action: 'tap', pan: PAN, balanceFen: 1000 })).toEqual({ ok: true });
      await when(() => events.some((e) => e.type === 'card'));
      expect(events.find((e) => e.type === 'card')).toMatchObject({ deviceId: 'sim-ic', card: { pan: PAN } });
      const printer = reg.printer();
      expect(printer?.id).toBe('sim-printer');
      const out = await printer!.print(
        { width: 32, lines: [{ type: 'text', text: 'hello' }, { type: 'cut' }] },
        'job-1',
      );
      expect(out).toMatchObject({ ok: true, jobId: 'job-1' });
    } finally {
      await reg.stop();
    }
  });
});

describe('simulators', () => {
  it('the magstripe simulator sends real track bytes, with LRCs when its protocol has them', async () => {
    const sim = new SimMagstripeDriver('sim-msr', MSR_FRAMINGS['plain-lrc']);
    const events: DeviceEvent[] = [];
    sim.onEvent((e) => events.push(e));
    sim.simulate({ action: 'swipe', pan: PAN }); // not started: ignored
    await sim.start();
    sim.simulate({ action: 'swipe', pan: PAN, expiry: '3011' });
    sim.simulate({ action: 'tap', pan: PAN }); // not a magstripe action: ignored
    expect(events.map((e) => e.type)).toEqual(['state', 'card']);
    expect(events[1]).toMatchObject({ card: { expiry: '3011' } });
  });

  it('the scanner simulator runs the payload through the codec (two lines → two scans)', async () => {
    const sim = new SimScannerDriver();
    const events: DeviceEvent[] = [];
    sim.onEvent((e) => events.push(e));
    await sim.start();
    sim.simulate({ action: 'scan', payload: `${PAN}\n9000123456789016` });
    expect(events.filter((e) => e.type === 'card').map((e) => e.type === 'card' && e.card.pan)).toEqual([
      PAN,
      '9000123456789016',
    ]);
  });
});
