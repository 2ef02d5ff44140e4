/**
 * Barcode/QR scanner over a real serial stack: serialport on a socat pty pair (HARDWARE.md).
 * Card, e-card and receipt scans, garbage, unplug (kill socat), replug, scan again.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DeviceRegistry } from '../../src/drivers/registry';
import type { ReceiptScanEvent } from '../../src/drivers/serial/driver-base';
import type { DeviceEvent } from '../../src/shared/devices';
import { SOCAT_MISSING, findSocat, startPtyPair, type PtyPair } from '../helpers/pty';

const PAN = '6228480402564890018';
const socat = findSocat();

if (!socat && process.env.CI) {
  describe('serial barcode (socat pty)', () => {
    it('needs socat', () => {
      throw new Error(`${SOCAT_MISSING} — required when CI is set`);
    });
  });
} else if (!socat) {
  describe.skip(`serial barcode (socat pty) — skipped: ${SOCAT_MISSING}`, () => {
    it('skipped', () => {});
  });
} else {
  describe('serial barcode (socat pty)', () => {
    let pty: PtyPair;
    let reg: DeviceRegistry;
    const events: DeviceEvent[] = [];
    const scans: ReceiptScanEvent[] = [];
    const lines: string[] = [];

    async function next(
      pred: (e: DeviceEvent) => boolean,
      from: number,
      timeoutMs = 4000,
    ): Promise<DeviceEvent> {
      const t0 = Date.now();
      for (;;) {
        const hit = events.slice(from).find(pred);
        if (hit) return hit;
        if (Date.now() - t0 > timeoutMs)
          throw new Error(`no matching event in ${timeoutMs} ms; got ${JSON.stringify(events.slice(from))}`);
        await new Promise((r) => setTimeout(r, 10));
      }
    }

    beforeAll(async () => {
      pty = await startPtyPair('scanner');
      reg = new DeviceRegistry(
        [
          {
            id: 'scanner',
            kind: 'barcode',
            spec: `serial:${pty.appPath}?baud=115200`,
            options: { framing: 'plain' },
          },
        ],
        { log: (l) => lines.push(l) },
      );
      reg.onEvent((e) => events.push(e));
      reg.onScan((e) => scans.push(e));
      await reg.start();
      await next((e) => e.type === 'state' && e.state === 'connected', 0);
    });

    afterAll(async () => {
      await reg?.stop();
      await pty?.close();
    });

    it('card number, e-card QR (AIM ]Q1, CR LF) and a receipt QR', async () => {
      let from = events.length;
      pty.write(`${PAN}\r`);
      expect(await next((x) => x.type === 'card', from)).toMatchObject({
        card: { pan: PAN, entryMode: 'scan' },
      });
      from = events.length;
      pty.write(`]Q1CT1:${PAN}:29000000:123456\r\n`);
      expect(await next((x) => x.type === 'card', from)).toMatchObject({
        card: { pan: PAN, dynamicCode: '29000000:123456' },
      });
      pty.write(']Q1CTR1.eyJ0IjoxfQ.c2ln\r');
      for (let i = 0; i < 200 && scans.length === 0; i++) await new Promise((r) => setTimeout(r, 10));
      expect(scans).toMatchObject([{ deviceId: 'scanner', text: 'CTR1.eyJ0IjoxfQ.c2ln', symbology: 'qr' }]);
    });

    it('garbage → SCAN_UNREADABLE, and the scanner still works after', async () => {
      let from = events.length;
      pty.write('\x07\x1b[2J junk\r');
      expect(await next((x) => x.type !== 'state', from)).toMatchObject({
        type: 'error',
        code: 'SCAN_UNREADABLE',
      });
      from = events.length;
      pty.write(']C1010950110153000321GC12345\r');
      expect(await next((x) => x.type !== 'state', from)).toMatchObject({
        type: 'card',
        card: { pan: 'GC12345', gtin: '09501101530003' },
      });
    });

    it('unplug → disconnected within ~1 s; replug → connected, and a scan works again', async () => {
      let from = events.length;
      const t0 = Date.now();
      await pty.unplug();
      await next((e) => e.type === 'state' && e.state === 'disconnected', from, 2000);
      expect(Date.now() - t0).toBeLessThan(1500);
      from = events.length;
      await pty.replug();
      await next((e) => e.type === 'state' && e.state === 'connected', from, 5000);
      from = events.length;
      pty.write(`${PAN}\n`);
      expect(await next((x) => x.type === 'card', from)).toMatchObject({ card: { pan: PAN } });
    });

    it('nothing the driver logged carries the card number', () => {
      expect(lines.join('\n')).not.toContain(PAN);
    });
  });
}
