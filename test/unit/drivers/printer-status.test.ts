import { describe, expect, it } from 'vitest';
import { holdReason, isStatusByte, parseStatus, statusBytesFor } from '../../../src/drivers/printer/status';

describe('DLE EOT status bytes (ESC/POS "DLE EOT")', () => {
  it('recognises status bytes by their fixed bits (1 and 4 set, 0 and 7 clear)', () => {
    expect(isStatusByte(0x12)).toBe(true);
    expect(isStatusByte(0x7e)).toBe(true);
    expect(isStatusByte(0x00)).toBe(false);
    expect(isStatusByte(0x92)).toBe(false);
    expect(isStatusByte(0x13)).toBe(false);
  });
  it('n=1 bit 3 offline; n=2 bit 2 cover open, bit 5 paper-end stop; n=4 bits 2,3 near end, bits 5,6 paper end', () => {
    expect(parseStatus({ printer: 0x12, offlineCause: 0x12, paperSensor: 0x12 })).toEqual({
      online: true,
      paperOut: false,
      paperNearEnd: false,
      coverOpen: false,
    });
    expect(parseStatus({ printer: 0x1a, offlineCause: 0x16, paperSensor: 0x12 })).toEqual({
      online: false,
      paperOut: false,
      paperNearEnd: false,
      coverOpen: true,
    });
    expect(parseStatus({ printer: 0x1a, offlineCause: 0x32, paperSensor: 0x7e })).toEqual({
      online: false,
      paperOut: true,
      paperNearEnd: true,
      coverOpen: false,
    });
    expect(parseStatus({ printer: 0x12, offlineCause: 0x12, paperSensor: 0x1e })).toMatchObject({
      online: true,
      paperNearEnd: true,
      paperOut: false,
    });
  });
  it('hold reasons: cover before paper before offline; near end still prints', () => {
    const st = (c: Parameters<typeof statusBytesFor>[0]) => {
      const b = statusBytesFor(c);
      return parseStatus({ printer: b[1], offlineCause: b[2], paperSensor: b[4] });
    };
    expect(holdReason(st({}))).toBeUndefined();
    expect(holdReason(st({ paperNearEnd: true }))).toBeUndefined();
    expect(holdReason(st({ paperOut: true }))).toBe('PRINTER_PAPER_OUT');
    expect(holdReason(st({ coverOpen: true, paperOut: true }))).toBe('PRINTER_COVER_OPEN');
    expect(holdReason(st({ offline: true }))).toBe('PRINTER_OFFLINE');
  });
});
