/**
 * What the device commands share: the same configuration and device list as the app (config file
 * or demo simulators, with the technician's <data-dir>/devices.json overlay), a registry of the
 * real drivers, and card-number-free JSON for the console.
 */
import { loadConfig } from '../../main/config/config';
import { effectiveDeviceConfigs } from '../../main/devices/create-hub';
import { DeviceRegistry, type DeviceConfig } from '../../drivers/registry';
import { maskPan, maskPansInText } from '../../shared/card';
import type { DeviceEvent } from '../../shared/devices';
import { ERROR_WORDS } from '../../shared/errors';
import { flag, type CliContext } from '../command';

export interface DeviceSetup {
  terminalId: string;
  demo: boolean;
  config: ReturnType<typeof loadConfig>['config'];
  devices: DeviceConfig[];
  /** Driver log lines go to stderr with --verbose (already masked by the registry). */
  log: (line: string) => void;
}

export function deviceSetup(ctx: CliContext): DeviceSetup {
  const { config, demo } = loadConfig(ctx.config);
  const verbose = ctx.args.includes('--verbose');
  const log = (line: string) => {
    if (verbose) process.stderr.write(`${maskPansInText(line)}\n`);
  };
  return {
    terminalId: config.terminalId,
    demo,
    config,
    devices: effectiveDeviceConfigs(config, demo, ctx.dataDir, log),
    log,
  };
}

/** The one configured device named by --device, or an error message. */
export function pickDevice(setup: DeviceSetup, ctx: CliContext): DeviceConfig | string {
  const id = flag(ctx.args, 'device');
  const ids = setup.devices.map((d) => d.id).join(', ') || 'none';
  if (!id) return `--device ID is required (configured: ${ids})`;
  return (
    setup.devices.find((d) => d.id === id) ?? `no device "${id}" in the configuration (configured: ${ids})`
  );
}

export function registryFor(setup: DeviceSetup, devices: DeviceConfig[]): DeviceRegistry {
  return new DeviceRegistry(devices, { log: setup.log });
}

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** A device event as console JSON: the card number masked, no track data, no dynamic code. */
export function eventJson(e: DeviceEvent): Record<string, unknown> {
  switch (e.type) {
    case 'card': {
      const c = e.card;
      return {
        deviceId: e.deviceId,
        type: 'card',
        at: new Date(e.at).toISOString(),
        masked: maskPan(c.pan),
        entryMode: c.entryMode,
        ...(c.expiry ? { expiry: c.expiry } : {}),
        ...(c.serviceCode ? { serviceCode: c.serviceCode } : {}),
        ...(c.gtin ? { gtin: c.gtin } : {}),
        ...(c.dynamicCode ? { dynamicCode: 'present' } : {}),
        ...(c.chipBalanceFen !== undefined ? { chipBalanceFen: c.chipBalanceFen } : {}),
        ...(c.atr ? { atr: c.atr } : {}),
        ...(c.uid ? { uid: c.uid } : {}),
      };
    }
    case 'receipt':
      return {
        deviceId: e.deviceId,
        type: 'receipt',
        at: new Date(e.at).toISOString(),
        text: e.text,
        ...(e.symbology ? { symbology: e.symbology } : {}),
      };
    case 'error':
      return {
        deviceId: e.deviceId,
        type: 'error',
        at: new Date(e.at).toISOString(),
        code: e.code,
        words: ERROR_WORDS[e.code] ?? undefined,
        ...(e.detail ? { detail: maskPansInText(e.detail) } : {}),
      };
    case 'state':
      return {
        deviceId: e.deviceId,
        type: 'state',
        state: e.state,
        ...(e.detail ? { detail: maskPansInText(e.detail) } : {}),
      };
  }
}
