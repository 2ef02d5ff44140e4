/** Builds the device registry from configuration, or the simulated set in demo mode. */
import { DeviceRegistry, createDemoDevices } from '../../drivers/registry';
import type { TerminalConfig } from '../config/config';
import type { DeviceHub } from './device-hub';

export async function createDeviceHub(config: TerminalConfig, demo: boolean, log: (line: string) => void, clock: () => Date): Promise<DeviceHub> {
  const configs = config.devices ?? (demo ? createDemoDevices() : []);
  return new DeviceRegistry(configs, { clock: () => clock().getTime(), log });
}
