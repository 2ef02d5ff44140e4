import { describe, expect, it, vi } from 'vitest';
import type { DeviceEvent } from '../../../src/shared/devices';

vi.mock('../../../src/drivers/ic/pcsc-stack', async (orig) => {
  const real = await orig<typeof import('../../../src/drivers/ic/pcsc-stack')>();
  return { ...real, loadNfcPcsc: vi.fn(async () => undefined) };
});

const { createPcscReader, createSimIcReader, listPcscReaders, PCSC_UNAVAILABLE } =
  await import('../../../src/drivers/ic');

const flush = () => new Promise((r) => setTimeout(r, 20));

describe('PC/SC driver without nfc-pcsc', () => {
  it('is unavailable with the install hint, never throws', async () => {
    const d = createPcscReader({ id: 'ic', readerName: '*' });
    const events: DeviceEvent[] = [];
    d.onEvent((e) => events.push(e));
    await d.start();
    expect(d.info()).toMatchObject({
      state: 'unavailable',
      detail: PCSC_UNAVAILABLE,
      transport: 'pcsc',
      simulated: false,
    });
    expect(events.map((e) => e.type)).toEqual(['state', 'error']);
    expect(await listPcscReaders()).toEqual({ unavailable: PCSC_UNAVAILABLE });
    await d.stop();
  });
});

describe('simulated IC reader', () => {
  it('a tap runs the virtual card through the codec', async () => {
    const d = createSimIcReader('sim-ic');
    const events: DeviceEvent[] = [];
    d.onEvent((e) => events.push(e));
    await d.start();
    d.simulate({ action: 'tap', pan: '8888000012345674', expiry: '2812', balanceFen: 4200 });
    await flush();
    const card = events.find((e) => e.type === 'card');
    expect(card).toMatchObject({
      card: {
        pan: '8888000012345674',
        entryMode: 'contactless',
        expiry: '2812',
        chipBalanceFen: 4200,
        uid: '04A1B2C3',
      },
    });
    expect(card?.type === 'card' && card.card.atr).toMatch(/^3B/);
  });
  it('removeEarly → CARD_REMOVED; bad input → CARD_ERROR; stopped → READER_GONE', async () => {
    const d = createSimIcReader('sim-ic');
    const events: DeviceEvent[] = [];
    d.onEvent((e) => events.push(e));
    d.simulate({ action: 'tap', pan: '8888000012345674' });
    await d.start();
    d.simulate({ action: 'tap', pan: '8888000012345674', removeEarly: true });
    d.simulate({ action: 'tap', pan: '12', expiry: '2812' });
    d.simulate({ action: 'tap', pan: '8888000012345674', expiry: '2813' });
    await flush();
    expect(events.filter((e) => e.type === 'error').map((e) => e.type === 'error' && e.code)).toEqual([
      'READER_GONE',
      'CARD_ERROR',
      'CARD_ERROR',
      'CARD_REMOVED',
    ]);
    await d.stop();
    expect(d.info().state).toBe('disconnected');
  });
});
