/**
 * Barcode/QR scanner over a real serial stack: serialport on a socat pty pair (HARDWARE.md).
 * Card, e-card and receipt scans, garbage, unplug (kill socat), replug, scan again.
 */
import { expect, it } from 'vitest';
import { describeOnPty, usePtyReader } from '../helpers/pty-reader';

const PAN = '6228480402564890018';

describeOnPty('serial barcode (socat pty)', () => {
  const rig = usePtyReader('scanner', (appPath) => ({
    id: 'scanner',
    kind: 'barcode',
    spec: `serial:${appPath}?baud=115200`,
    options: { framing: 'plain' },
  }));
  const { events, scans, lines, next } = rig;

  it('card number, e-card QR (AIM ]Q1, CR LF) and a receipt QR', async () => {
    let from = events.length;
    rig.pty.write(`${PAN}\r`);
    expect(await next((x) => x.type === 'card', from)).toMatchObject({
      card: { pan: PAN, entryMode: 'scan' },
    });
    from = events.length;
    rig.pty.write(`]Q1CT1:${PAN}:29000000:123456\r\n`);
    expect(await next((x) => x.type === 'card', from)).toMatchObject({
      card: { pan: PAN, dynamicCode: '29000000:123456' },
    });
    rig.pty.write(']Q1CTR1.eyJ0IjoxfQ.c2ln\r');
    for (let i = 0; i < 200 && scans.length === 0; i++) await new Promise((r) => setTimeout(r, 10));
    expect(scans).toMatchObject([{ deviceId: 'scanner', text: 'CTR1.eyJ0IjoxfQ.c2ln', symbology: 'qr' }]);
  });

  it('garbage → SCAN_UNREADABLE, and the scanner still works after', async () => {
    let from = events.length;
    rig.pty.write('\x07\x1b[2J junk\r');
    expect(await next((x) => x.type !== 'state', from)).toMatchObject({
      type: 'error',
      code: 'SCAN_UNREADABLE',
    });
    from = events.length;
    rig.pty.write(']C1010950110153000321GC12345\r');
    expect(await next((x) => x.type !== 'state', from)).toMatchObject({
      type: 'card',
      card: { pan: 'GC12345', gtin: '09501101530003' },
    });
  });

  it('unplug → disconnected within ~1 s; replug → connected, and a scan works again', async () => {
    let from = events.length;
    const t0 = Date.now();
    await rig.pty.unplug();
    await next((e) => e.type === 'state' && e.state === 'disconnected', from, 2000);
    expect(Date.now() - t0).toBeLessThan(1500);
    from = events.length;
    await rig.pty.replug();
    await next((e) => e.type === 'state' && e.state === 'connected', from, 5000);
    from = events.length;
    rig.pty.write(`${PAN}\n`);
    expect(await next((x) => x.type === 'card', from)).toMatchObject({ card: { pan: PAN } });
  });

  it('nothing the driver logged carries the card number', () => {
    expect(lines.join('\n')).not.toContain(PAN);
  });
});
