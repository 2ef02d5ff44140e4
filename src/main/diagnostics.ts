/**
 * The diagnostics bundle a field technician exports (technician's screen, `cardtill diagnose`):
 * app and driver library versions, OS, the configuration with secrets removed, the device list and
 * what is plugged in, and recent log lines. Card numbers are masked in every string (the log is
 * already masked when written; the whole bundle passes maskPansInText once more).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { maskPansInText } from '../shared/card';
import type { DeviceInfo } from '../shared/devices';
import type { DeviceConfig, DiscoveredDevice } from '../drivers/registry';

/** Libraries whose versions matter when a device misbehaves. */
export const DRIVER_PACKAGES = [
  'serialport',
  '@serialport/bindings-cpp',
  'nfc-pcsc',
  '@pokusew/pcsclite',
  'node-hid',
  'iconv-lite',
  'better-sqlite3',
  'electron',
];

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

/** Names of config fields whose values are secrets (the value is replaced, the field kept). */
const SECRET_FIELD = /token|secret|passw|passphrase(?!Env)|pin$|privatekey|apikey|credential/i;

export function packageVersion(name: string, root = ROOT): string {
  try {
    const pkg = JSON.parse(
      fs.readFileSync(path.join(root, 'node_modules', name, 'package.json'), 'utf8'),
    ) as { version?: string };
    return pkg.version ?? 'unknown';
  } catch {
    return 'not installed';
  }
}

/** A deep copy with every secret-looking field's value replaced by "[removed]". */
export function redactSecrets(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(redactSecrets);
  if (value && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value))
      out[k] = SECRET_FIELD.test(k) && v !== undefined ? '[removed]' : redactSecrets(v);
    return out;
  }
  return value;
}

export interface DiagnosticsInput {
  appVersion: string;
  terminalId: string;
  demo: boolean;
  config: unknown;
  deviceConfigs: DeviceConfig[];
  devices: DeviceInfo[];
  discovered?: DiscoveredDevice[];
  pcsc: { available: boolean; detail: string };
  logLines: string[];
  now: Date;
}

export interface DiagnosticsBundle {
  format: 'cardtill-diagnostics/1';
  createdAt: string;
  app: { name: 'CardTill'; version: string; terminalId: string; demo: boolean };
  versions: Record<string, string>;
  os: {
    platform: string;
    release: string;
    arch: string;
    hostname: string;
    cpus: number;
    memoryMb: number;
    uptimeSeconds: number;
  };
  config: unknown;
  deviceConfigs: unknown;
  devices: DeviceInfo[];
  discovered: DiscoveredDevice[];
  pcsc: { available: boolean; detail: string };
  log: string[];
}

export function buildDiagnostics(i: DiagnosticsInput): DiagnosticsBundle {
  const versions: Record<string, string> = { node: process.versions.node };
  if (process.versions.electron) versions['electron-runtime'] = process.versions.electron;
  for (const p of DRIVER_PACKAGES) versions[p] = packageVersion(p);
  const bundle: DiagnosticsBundle = {
    format: 'cardtill-diagnostics/1',
    createdAt: i.now.toISOString(),
    app: { name: 'CardTill', version: i.appVersion, terminalId: i.terminalId, demo: i.demo },
    versions,
    os: {
      platform: os.platform(),
      release: os.release(),
      arch: os.arch(),
      hostname: os.hostname(),
      cpus: os.cpus().length,
      memoryMb: Math.round(os.totalmem() / 2 ** 20),
      uptimeSeconds: Math.round(os.uptime()),
    },
    config: redactSecrets(i.config),
    deviceConfigs: redactSecrets(i.deviceConfigs),
    devices: i.devices,
    discovered: i.discovered ?? [],
    pcsc: i.pcsc,
    log: i.logLines,
  };
  // Belt and braces: whatever a driver or library put into a detail or a log line, no card number.
  return maskStrings(bundle) as DiagnosticsBundle;
}

/** maskPansInText over every string in a value (numbers such as millisecond times stay numbers). */
function maskStrings(value: unknown): unknown {
  if (typeof value === 'string') return maskPansInText(value);
  if (Array.isArray(value)) return value.map(maskStrings);
  if (value && typeof value === 'object')
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, maskStrings(v)]));
  return value;
}

export function diagnosticsFileName(terminalId: string, now: Date): string {
  return `cardtill-diagnostics-${terminalId}-${now.toISOString().replace(/[:.]/g, '-')}.json`;
}

/** The last n lines of the on-disk log (the CLI has no running app's ring buffer). */
export function tailLogFile(dataDir: string, n: number): string[] {
  try {
    const text = fs.readFileSync(path.join(dataDir, 'logs', 'cardtill.log'), 'utf8');
    return text.split('\n').filter(Boolean).slice(-n).map(maskPansInText);
  } catch {
    return [];
  }
}
