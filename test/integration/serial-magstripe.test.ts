/**
 * Magstripe reader over a real serial stack: serialport on a socat pty pair (HARDWARE.md).
 * Swipe, garbage, unplug (kill socat), replug (new socat, same link names), swipe again.
 */
import { expect, it } from 'vitest';
import { DeviceRegistry } from '../../src/drivers/registry';
import { swipeBytes } from '../../src/drivers/magstripe/driver';
import { MSR_FRAMINGS } from '../../src/drivers/magstripe/framings';
import type { DeviceEvent } from '../../src/shared/devices';
import { startPtyPair } from '../helpers/pty';
import { describeOnPty, usePtyReader } from '../helpers/pty-reader';

const PAN = '6228480402564890018';

describeOnPty('serial magstripe (socat pty)', () => {
  const rig = usePtyReader('msr', (appPath) => ({
    id: 'msr',
    kind: 'magstripe',
    spec: `serial:${appPath}?baud=9600&framing=plain`,
  }));
  const { events, lines, next } = rig;

  it('a swipe arriving in two reads becomes one card event', async () => {
    const from = events.length;
    const bytes = swipeBytes({ pan: PAN, name: 'ZHANG/SAN' }, MSR_FRAMINGS.plain);
    rig.pty.write(bytes.subarray(0, 17));
    await new Promise((r) => setTimeout(r, 30));
    rig.pty.write(bytes.subarray(17));
    const e = await next((x) => x.type === 'card', from);
    expect(e).toMatchObject({
      deviceId: 'msr',
      card: { pan: PAN, entryMode: 'swipe', holderName: 'ZHANG/SAN', expiry: '4912' },
    });
  });

  it('garbage → SWIPE_UNREADABLE, and the reader still works after', async () => {
    let from = events.length;
    rig.pty.write('\x00\xffnot a card at all\r');
    expect(await next((x) => x.type !== 'state', from)).toMatchObject({
      type: 'error',
      code: 'SWIPE_UNREADABLE',
    });
    from = events.length;
    rig.pty.write(swipeBytes({ pan: PAN, garbled: true }, MSR_FRAMINGS.plain));
    expect(await next((x) => x.type !== 'state', from)).toMatchObject({
      type: 'error',
      code: 'SWIPE_UNREADABLE',
    });
    from = events.length;
    rig.pty.write(';9000123456789016'); // a half swipe with no terminator: reported after the idle timeout
    expect(await next((x) => x.type !== 'state', from)).toMatchObject({
      type: 'error',
      code: 'SWIPE_UNREADABLE',
    });
    from = events.length;
    rig.pty.write(swipeBytes({ pan: PAN }, MSR_FRAMINGS.plain));
    expect(await next((x) => x.type !== 'state', from)).toMatchObject({ type: 'card', card: { pan: PAN } });
  });

  it('unplug → disconnected within ~1 s; replug → connected, and a swipe works again', async () => {
    let from = events.length;
    const t0 = Date.now();
    await rig.pty.unplug();
    await next((e) => e.type === 'state' && e.state === 'disconnected', from, 2000);
    expect(Date.now() - t0).toBeLessThan(1500);
    expect(rig.reg.list()[0]!.state).toBe('disconnected');

    from = events.length;
    await rig.pty.replug();
    await next((e) => e.type === 'state' && e.state === 'connected', from, 5000);
    expect(rig.reg.list()[0]!.state).toBe('connected');

    from = events.length;
    rig.pty.write(swipeBytes({ pan: PAN }, MSR_FRAMINGS.plain));
    expect(await next((x) => x.type === 'card', from)).toMatchObject({ card: { pan: PAN } });
  });

  it('a reader absent at start is picked up when it appears', async () => {
    const late = new DeviceRegistry(
      [
        {
          id: 'late',
          kind: 'magstripe',
          spec: `serial:/tmp/cardtill-late-${process.pid}-app?framing=plain`,
        },
      ],
      { reconnect: { backoffInitialMs: 50, backoffMaxMs: 200 } },
    );
    const got: DeviceEvent[] = [];
    late.onEvent((e) => got.push(e));
    await late.start();
    expect(late.list()[0]!.state).toBe('disconnected');
    const p2 = await startPtyPair('late');
    try {
      for (let i = 0; i < 300 && late.list()[0]!.state !== 'connected'; i++)
        await new Promise((r) => setTimeout(r, 10));
      expect(late.list()[0]!.state).toBe('connected');
      p2.write(swipeBytes({ pan: PAN }, MSR_FRAMINGS.plain));
      for (let i = 0; i < 300 && !got.some((e) => e.type === 'card'); i++)
        await new Promise((r) => setTimeout(r, 10));
      expect(got.find((e) => e.type === 'card')).toMatchObject({ card: { pan: PAN } });
    } finally {
      await late.stop();
      await p2.close();
    }
  });

  it('nothing the driver logged carries the card number', () => {
    expect(lines.join('\n')).not.toContain(PAN);
    expect(JSON.stringify(rig.reg.list())).not.toContain(PAN);
  });
});
