/**
 * The technician edits a device's settings in a form drawn from its kind and transport (baud,
 * framing, width…), not as raw JSON; saving writes the spec query and the options the drivers read.
 */
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { signIn } from '../helpers/e2e-actions';
import { startE2E, CHROMIUM_PATHS, type E2E } from '../helpers/browser';
import { requireSystem } from '../helpers/require-system';
import { createDemoDevices } from '../../src/drivers/registry';

const haveChromium = requireSystem('Chromium', CHROMIUM_PATHS, 'chromium');
let e: E2E;

describe.runIf(haveChromium)('technician device settings form (Chromium)', () => {
  beforeAll(async () => {
    e = await startE2E({
      config: {
        devices: [
          ...createDemoDevices(),
          {
            id: 'msr-serial',
            kind: 'magstripe',
            spec: 'serial:/dev/cardtill-no-tty?baud=9600&framing=plain',
          },
          { id: 'printer-lan', kind: 'printer', spec: 'tcp:127.0.0.1:9' },
        ],
      },
    });
    await signIn(e.page, '3001', '5555', 'tech');
  });
  afterAll(async () => {
    await e?.close();
  });

  it('a serial reader: baud and framing from the spec, reader options as fields', async () => {
    const p = e.page;
    await p.getByTestId('tech-settings-device').selectOption('msr-serial');
    expect(await p.getByTestId('tech-settings-spec').inputValue()).toBe('serial:/dev/cardtill-no-tty');
    expect(await p.getByTestId('tech-field-baud').inputValue()).toBe('9600');
    expect(await p.getByTestId('tech-field-framing').inputValue()).toBe('plain');
    expect(await p.getByTestId('tech-field-parity').inputValue()).toBe('');
    // No raw JSON to type.
    expect(await p.getByTestId('tech-settings-options').count()).toBe(0);
    // The escapes a reader's prefix/suffix take are shown as typed (not as control characters).
    const form = (await p.getByTestId('tech-settings').textContent()) ?? '';
    expect(form).toContain('前缀（如 \\x02）');
    expect(form).not.toMatch(/[\u0000-\u001f]/);
    await p.getByTestId('tech-field-baud').selectOption('19200');
    await p.getByTestId('tech-field-framing').selectOption('stx-etx');
    await p.getByTestId('tech-field-parity').selectOption('even');
    await p.getByTestId('tech-field-idleFlushMs').fill('200');
    await p.getByTestId('tech-field-trackLrc').selectOption('true');
    await e.shot('tech-settings-01-serial-form');
    await p.getByTestId('tech-settings-save').click();
    await expect.poll(() => p.getByTestId('tech-settings-note').textContent()).toContain('已保存');
    const saved = (await e.t.call('tech.devices', {})).devices.find((d) => d.id === 'msr-serial')!.config;
    expect(saved).toEqual({
      id: 'msr-serial',
      kind: 'magstripe',
      spec: 'serial:/dev/cardtill-no-tty?baud=19200&framing=stx-etx&parity=even',
      options: { idleFlushMs: 200, trackLrc: true },
    });
  });

  it('a network printer: line width as a choice; a simulated device has nothing to set', async () => {
    const p = e.page;
    await p.getByTestId('tech-settings-device').selectOption('printer-lan');
    expect(await p.getByTestId('tech-field-baud').count()).toBe(0); // no serial line on TCP
    await p.getByTestId('tech-field-width').selectOption('48');
    await p.getByTestId('tech-settings-save').click();
    await expect.poll(() => p.getByTestId('tech-settings-note').textContent()).toContain('已保存');
    const saved = (await e.t.call('tech.devices', {})).devices.find((d) => d.id === 'printer-lan')!.config;
    expect(saved).toMatchObject({ spec: 'tcp:127.0.0.1:9', options: { width: 48 } });

    await p.getByTestId('tech-settings-device').selectOption('sim-msr');
    expect(await p.getByTestId('tech-settings').textContent()).toContain('该设备没有可调的设置');
  });
});
