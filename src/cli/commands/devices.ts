/**
 * `cardtill devices` — every configured device with its state, as JSON, using the same drivers and
 * configuration as the app. Says plainly when PC/SC is unavailable and which Debian packages to
 * install. `--discover` adds what is plugged in (serial ports, PC/SC readers, HID POS scanners).
 */
import { pcscStatus } from '../../main/devices/pcsc-status';
import { flag, type CliCommand } from '../command';
import { deviceSetup, registryFor, sleep } from './device-setup';

export const devicesCommand: CliCommand = {
  name: 'devices',
  summary: 'list devices with their state as JSON (--discover, --wait MS, --verbose)',
  async run(ctx) {
    const setup = deviceSetup(ctx);
    const reg = registryFor(setup, setup.devices);
    await reg.start();
    // Readers report their state asynchronously (a PC/SC reader appears within about a second).
    await sleep(Number(flag(ctx.args, 'wait') ?? 1500));
    const devices = reg.list();
    const report = ctx.args.includes('--discover') ? await reg.discoverReport() : undefined;
    await reg.stop();
    const pcsc = await pcscStatus();
    const out = {
      demo: setup.demo,
      devices,
      pcsc,
      ...(report ? { discovered: report.devices, discoveryNotes: report.notes } : {}),
    };
    process.stdout.write(JSON.stringify(out, null, 2) + '\n');
    // Without udevadm the serial list comes from /dev directly: say so where a person reads it.
    for (const n of report?.notes ?? [])
      if (n.code !== 'pcsc-unavailable') process.stderr.write(`discover: ${n.code}: ${n.detail}\n`);
    if (!pcsc.available) process.stderr.write(`${pcsc.detail}\n(Debian: apt-get install ${pcsc.install})\n`);
    return 0;
  },
};
