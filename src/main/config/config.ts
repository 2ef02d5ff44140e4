/**
 * The terminal's configuration file (JSON; README "Configuration"). With no file the app runs in
 * demo mode: embedded issuer, simulated devices, demo operators.
 */
import fs from 'node:fs';
import { z } from 'zod';
import { OfflineConfig } from '../../offline-queue/config';

export const DeviceConfig = z.object({
  id: z.string().min(1).max(40),
  kind: z.enum(['magstripe', 'barcode', 'ic', 'printer']),
  /** serial:/dev/ttyUSB0?baud=9600 · pcsc:<reader name> · tcp:host:9100 · hid:<vid>:<pid> · sim:<kind> */
  spec: z.string().min(1),
  options: z.record(z.string(), z.unknown()).optional(),
});
export type DeviceConfig = z.infer<typeof DeviceConfig>;

export const TerminalConfig = z.object({
  terminalId: z
    .string()
    .regex(/^[A-Za-z0-9]{1,16}$/)
    .default('T0000001'),
  merchantId: z
    .string()
    .regex(/^[A-Za-z0-9]{1,16}$/)
    .default('M000000000001'),
  merchantName: z.string().min(1).max(40).default('CardTill 演示商店'),
  /**
   * The store's IANA time zone: every time a person reads (screens, lock-out message) is shown in
   * it, whatever the machine's own zone (a till's OS is often left on UTC).
   */
  timeZone: z
    .string()
    .refine((tz) => {
      try {
        new Intl.DateTimeFormat('en', { timeZone: tz });
        return true;
      } catch {
        return false;
      }
    }, 'not an IANA time zone')
    .default('Asia/Shanghai'),
  issuer: z
    .object({
      /** Base URL of the issuer host. Absent: the embedded issuer-sim (demo). */
      url: z.string().url().optional(),
      /** The issuer's SM2 public key, uncompressed hex (04…). Required with url. */
      publicKey: z
        .string()
        .regex(/^04[0-9a-fA-F]{128}$/)
        .optional(),
      enrolToken: z.string().default('demo-enrol-token'),
      timeoutMs: z.number().int().min(500).max(60_000).default(8000),
      attempts: z.number().int().min(1).max(5).default(2),
    })
    .default({ enrolToken: 'demo-enrol-token', timeoutMs: 8000, attempts: 2 }),
  devices: z.array(DeviceConfig).optional(),
  receipt: z.object({ width: z.union([z.literal(32), z.literal(48)]).default(32) }).default({ width: 32 }),
  auth: z
    .object({
      maxPinAttempts: z.number().int().min(1).max(20).default(5),
      lockSeconds: z.number().int().min(1).default(300),
      idleSignOutSeconds: z.number().int().min(30).default(300),
    })
    .default({ maxPinAttempts: 5, lockSeconds: 300, idleSignOutSeconds: 300 }),
  /** Offline approval limits and forwarding (src/offline-queue/config.ts; issue 4 demo defaults). */
  offline: OfflineConfig.prefault({}),
  /** Environment variable holding the key passphrase (src/main/keys/secret.ts). */
  keyPassphraseEnv: z.string().default('CARDTILL_KEY_PASSPHRASE'),
});
export type TerminalConfig = z.infer<typeof TerminalConfig>;

export class ConfigError extends Error {}

export function loadConfig(file: string | undefined): { config: TerminalConfig; demo: boolean } {
  if (!file) return { config: TerminalConfig.parse({}), demo: true };
  let raw: unknown;
  try {
    raw = JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch (e) {
    throw new ConfigError(`cannot read config ${file}: ${(e as Error).message}`);
  }
  const parsed = TerminalConfig.safeParse(raw);
  if (!parsed.success)
    throw new ConfigError(
      `config ${file} is invalid:\n${parsed.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`).join('\n')}`,
    );
  const config = parsed.data;
  if (config.issuer.url && !config.issuer.publicKey)
    throw new ConfigError(`config ${file}: issuer.publicKey is required with issuer.url`);
  return { config, demo: !config.issuer.url };
}
