/**
 * `cardtill read --device ID` — waits for one swipe, tap or scan on that device and prints the
 * decoded event as JSON, card number masked (a read error is printed the same way, with its words).
 * Exit code 0 read, 1 read error / bad device, 3 nothing within --timeout seconds (default 60).
 * The device must not be held open by a running app (serial ports are exclusive).
 */
import type { DeviceEvent } from '../../shared/devices';
import { flag, type CliCommand } from '../command';
import { deviceSetup, eventJson, pickDevice, registryFor } from './device-setup';

export const readCommand: CliCommand = {
  name: 'read',
  summary: 'wait for one swipe/tap/scan on --device ID, print it as JSON (card masked; --timeout S)',
  async run(ctx) {
    const setup = deviceSetup(ctx);
    const device = pickDevice(setup, ctx);
    if (typeof device === 'string') {
      process.stderr.write(`cardtill read: ${device}\n`);
      return 1;
    }
    const timeoutS = Number(flag(ctx.args, 'timeout') ?? 60);
    const reg = registryFor(setup, [device]);
    const got = new Promise<DeviceEvent | undefined>((resolve) => {
      const timer = setTimeout(() => resolve(undefined), timeoutS * 1000);
      reg.onEvent((e) => {
        if (e.type === 'state') {
          process.stderr.write(`${e.deviceId}: ${e.state}${e.detail ? ` (${e.detail})` : ''}\n`);
          return;
        }
        clearTimeout(timer);
        resolve(e);
      });
    });
    await reg.start();
    const info = reg.list()[0];
    process.stderr.write(
      `${device.id} (${device.spec}): ${info?.state ?? '?'} — 请刷卡、挥卡或扫码 / swipe, tap or scan now\n`,
    );
    const e = await got;
    await reg.stop();
    if (!e) {
      process.stderr.write(`cardtill read: nothing read within ${timeoutS} s\n`);
      return 3;
    }
    process.stdout.write(JSON.stringify(eventJson(e)) + '\n');
    return e.type === 'error' ? 1 : 0;
  },
};
