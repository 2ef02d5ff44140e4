/**
 * `cardtill print-test --device ID` — prints the test page (Chinese text in GB18030, ¥, a QR code,
 * a cut) through the same printer driver as the app, with its status checks before and after.
 * Exit 0 printed; 1 held (paper out / cover open / offline — the words say which) or no printer.
 */
import { VERSION } from '../../main/app';
import { testPageDoc } from '../../main/devices/test-page';
import { ERROR_WORDS } from '../../shared/errors';
import type { CliCommand } from '../command';
import { deviceSetup, pickDevice, registryFor } from './device-setup';

export const printTestCommand: CliCommand = {
  name: 'print-test',
  summary: 'print the test page (Chinese text + QR code) on --device ID',
  async run(ctx) {
    const setup = deviceSetup(ctx);
    const device = pickDevice(setup, ctx);
    if (typeof device === 'string' || device.kind !== 'printer') {
      process.stderr.write(
        `cardtill print-test: ${typeof device === 'string' ? device : `${device.id} is not a printer`}\n`,
      );
      return 1;
    }
    const reg = registryFor(setup, [device]);
    await reg.start();
    try {
      const printer = reg.printer(device.id);
      if (!printer) {
        process.stderr.write(`cardtill print-test: ${reg.list()[0]?.detail ?? 'printer unavailable'}\n`);
        return 1;
      }
      const now = new Date();
      const doc = testPageDoc({
        deviceId: device.id,
        terminalId: setup.terminalId,
        version: VERSION,
        time: now.toISOString(),
        width: setup.config.receipt.width,
      });
      const out = await printer.print(doc, `test-${now.getTime()}`);
      if (out.ok) {
        process.stdout.write(
          JSON.stringify({ deviceId: device.id, printed: true, jobId: out.jobId, bytes: out.bytes }) + '\n',
        );
        return 0;
      }
      process.stdout.write(
        JSON.stringify({
          deviceId: device.id,
          printed: false,
          reason: out.reason,
          words: ERROR_WORDS[out.reason],
        }) + '\n',
      );
      process.stderr.write('cardtill print-test: not printed — fix the printer and run again\n');
      return 1;
    } finally {
      await reg.stop();
    }
  },
};
