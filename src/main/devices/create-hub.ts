/** Builds the device registry from configuration, or the simulated set in demo mode. */
import { DeviceRegistry, createDemoDevices, type DeviceConfig } from '../../drivers/registry';
import type { TerminalConfig } from '../config/config';
import type { DeviceHub } from './device-hub';
import { applyOverlay, readDeviceOverlay } from './overlay';

/**
 * The devices the app and the CLI use: the config file's list (or the demo simulators when it
 * names none), with the technician's `<data-dir>/devices.json` overlay applied.
 */
export function effectiveDeviceConfigs(
  config: TerminalConfig,
  demo: boolean,
  dataDir: string | undefined,
  log: (line: string) => void = () => {},
): DeviceConfig[] {
  const base = (config.devices as DeviceConfig[] | undefined) ?? (demo ? createDemoDevices() : []);
  return dataDir ? applyOverlay(base, readDeviceOverlay(dataDir, log)) : base;
}

export async function createDeviceHub(
  config: TerminalConfig,
  demo: boolean,
  log: (line: string) => void,
  clock: () => Date,
  dataDir?: string,
): Promise<DeviceHub> {
  return new DeviceRegistry(effectiveDeviceConfigs(config, demo, dataDir, log), {
    clock: () => clock().getTime(),
    log,
  });
}
