/**
 * `cardtill diagnose --out FILE` — writes the diagnostics bundle (the same one the technician's
 * screen downloads): versions, OS, configuration with secrets removed, devices with their state
 * and what is plugged in, PC/SC status, and the last log lines of <data-dir>/logs (masked).
 */
import fs from 'node:fs';
import { VERSION } from '../../main/app';
import { pcscStatus } from '../../main/devices/pcsc-status';
import { buildDiagnostics, diagnosticsFileName, tailLogFile } from '../../main/diagnostics';
import { flag, type CliCommand } from '../command';
import { deviceSetup, registryFor, sleep } from './device-setup';

export const diagnoseCommand: CliCommand = {
  name: 'diagnose',
  summary:
    'write the diagnostics bundle (versions, OS, config without secrets, devices, masked logs) to --out FILE',
  async run(ctx) {
    const setup = deviceSetup(ctx);
    const now = new Date();
    const out = flag(ctx.args, 'out') ?? diagnosticsFileName(setup.terminalId, now);
    const reg = registryFor(setup, setup.devices);
    await reg.start();
    await sleep(Number(flag(ctx.args, 'wait') ?? 1500));
    const devices = reg.list();
    const discovered = await reg.discover().catch(() => []);
    await reg.stop();
    const bundle = buildDiagnostics({
      appVersion: VERSION,
      terminalId: setup.terminalId,
      demo: setup.demo,
      config: setup.config,
      deviceConfigs: setup.devices,
      devices,
      discovered,
      pcsc: await pcscStatus(),
      logLines: tailLogFile(ctx.dataDir, 500),
      now,
    });
    fs.writeFileSync(out, JSON.stringify(bundle, null, 2) + '\n', { mode: 0o600 });
    process.stdout.write(`${out}\n`);
    return 0;
  },
};
