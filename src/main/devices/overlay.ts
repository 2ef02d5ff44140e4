/**
 * The technician's device settings: `<data-dir>/devices.json`, an overlay on the configuration
 * file's `devices` list. Each entry replaces the configured device with the same id (or adds one).
 * Written by `tech.setDevice` (which also hot-applies the change by restarting that one driver in
 * the registry) and read at every start by the app and by the `cardtill` CLI, so both see the same
 * devices. The configuration file itself is never rewritten: a store's provisioning tool may own it.
 */
import fs from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { DeviceConfig } from '../../drivers/device-spec';

export const OVERLAY_FILE = 'devices.json';

const Overlay = z.object({ version: z.literal(1), devices: z.array(DeviceConfig) });

export function overlayPath(dataDir: string): string {
  return path.join(dataDir, OVERLAY_FILE);
}

/** The overlay's entries, or [] when there is none. A damaged file is reported and ignored. */
export function readDeviceOverlay(dataDir: string, log: (line: string) => void = () => {}): DeviceConfig[] {
  const file = overlayPath(dataDir);
  if (!fs.existsSync(file)) return [];
  try {
    const parsed = Overlay.safeParse(JSON.parse(fs.readFileSync(file, 'utf8')));
    if (parsed.success) return parsed.data.devices;
    log(
      `devices.json ignored: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`,
    );
  } catch (e) {
    log(`devices.json ignored: ${(e as Error).message}`);
  }
  return [];
}

/** Configured devices with the overlay applied (same id replaced in place, new ids appended). */
export function applyOverlay(base: DeviceConfig[], overlay: DeviceConfig[]): DeviceConfig[] {
  const out = base.map((d) => overlay.find((o) => o.id === d.id) ?? d);
  for (const o of overlay) if (!out.some((d) => d.id === o.id)) out.push(o);
  return out;
}

/** Records one device's settings in the overlay (atomically: write a temp file, then rename). */
export function saveDeviceSetting(dataDir: string, config: DeviceConfig): void {
  const devices = applyOverlay(readDeviceOverlay(dataDir), [config]);
  const file = overlayPath(dataDir);
  const tmp = `${file}.tmp`;
  fs.writeFileSync(tmp, JSON.stringify({ version: 1, devices }, null, 2) + '\n', { mode: 0o600 });
  fs.renameSync(tmp, file);
}
