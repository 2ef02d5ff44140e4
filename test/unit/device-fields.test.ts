/**
 * The technician's device form (src/shared/device-fields.ts) offers exactly what the spec parser
 * and the drivers accept: every baud rate and framing it offers parses, and the framing lists are
 * the drivers' own.
 */
import { describe, it, expect } from 'vitest';
import { BAUD_RATES, FRAMINGS, deviceFields, specQuery, withSpecQuery } from '../../src/shared/device-fields';
import { parseDeviceSpec, DeviceConfig } from '../../src/drivers/device-spec';
import { MSR_FRAMINGS } from '../../src/drivers/magstripe/framings';
import { SCANNER_FRAMINGS } from '../../src/drivers/barcode/framings';

describe('device form fields', () => {
  it('framing lists are the drivers’ framings', () => {
    expect([...FRAMINGS.magstripe].sort()).toEqual(Object.keys(MSR_FRAMINGS).sort());
    expect([...FRAMINGS.barcode].sort()).toEqual(Object.keys(SCANNER_FRAMINGS).sort());
  });

  it('every offered spec setting parses, and a rate outside the list does not', () => {
    for (const kind of ['magstripe', 'barcode', 'printer'])
      for (const f of deviceFields(kind, 'serial').filter((x) => x.place === 'spec'))
        for (const v of f.choices ?? [])
          expect(parseDeviceSpec(`serial:/dev/ttyUSB0?${f.key}=${v}`).ok, `${kind} ${f.key}=${v}`).toBe(true);
    expect(BAUD_RATES).toContain(9600);
    expect(parseDeviceSpec('serial:/dev/ttyUSB0?baud=9601').ok).toBe(false);
    for (const v of deviceFields('barcode', 'hid')[0].choices ?? [])
      expect(parseDeviceSpec(`hid:0c2e:0b8f?mode=${v}`).ok).toBe(true);
  });

  it('every offered option fits the device options schema', () => {
    const sample = { text: 'x', number: 100, bool: true } as const;
    for (const [kind, transport] of [
      ['magstripe', 'serial'],
      ['barcode', 'serial'],
      ['printer', 'tcp'],
      ['ic', 'pcsc'],
    ] as const)
      for (const f of deviceFields(kind, transport).filter((x) => x.place === 'options')) {
        const value = f.type === 'select' ? f.choices![0] : sample[f.type as keyof typeof sample];
        expect(
          DeviceConfig.safeParse({ id: 'd', kind, spec: 'sim:ic', options: { [f.key]: value } }).success,
        ).toBe(true);
      }
  });

  it('reads and rewrites the spec query, dropping empty settings', () => {
    const q = specQuery('serial:/dev/ttyUSB0?baud=9600&framing=plain');
    expect([...q]).toEqual([
      ['baud', '9600'],
      ['framing', 'plain'],
    ]);
    q.set('baud', '19200');
    q.set('framing', '');
    q.set('parity', 'even');
    expect(withSpecQuery('serial:/dev/ttyUSB0?baud=9600&framing=plain', q)).toBe(
      'serial:/dev/ttyUSB0?baud=19200&parity=even',
    );
    expect(deviceFields('ic', 'sim')).toEqual([]);
  });
});
