/**
 * The terminal's configuration file (JSON; README "Configuration"). With no file the app runs in
 * demo mode: embedded issuer, simulated devices, demo operators.
 */
import fs from 'node:fs';
import { z } from 'zod';
import { OfflineConfig } from '../../offline-queue/config';
import { CardRulesConfig } from '../../shared/card-rules';
import { isTimeZone } from '../../shared/local-time';
import { Iso8583EntryOptions, tcpEndpoint } from '../issuer/iso8583/config';
import { FileBatchOptions } from '../issuer/file-batch/config';
import { ISSUER_OPERATIONS, operationsProblem } from '../issuer/operations';

export const DeviceConfig = z.object({
  id: z.string().min(1).max(40),
  kind: z.enum(['magstripe', 'barcode', 'ic', 'printer', 'psam']),
  /** serial:/dev/ttyUSB0?baud=9600 · pcsc:<reader name> · psam:<reader name> · tcp:host:9100 · hid:<vid>:<pid> · sim:<kind> */
  spec: z.string().min(1),
  options: z.record(z.string(), z.unknown()).optional(),
});
export type DeviceConfig = z.infer<typeof DeviceConfig>;

/**
 * A card range's digits: a PAN prefix ("622202", IIN/BIN) or an inclusive range of prefixes of one
 * length ("622200-622299"). "" matches every card.
 */
export const CardRangeDigits = z
  .string()
  .regex(/^(\d{0,19}|\d{1,19}-\d{1,19})$/, 'a PAN prefix or "low-high"')
  // A range whose ends differ in length, or run backwards, would never match a card: refused.
  .refine((r) => {
    const [lo, hi] = r.split('-');
    return hi === undefined || (lo!.length === hi.length && lo! <= hi);
  }, '"low-high": both ends of one length, low ≤ high');

/**
 * A card range an issuer accepts: its digits as a string (no Luhn check — every config written
 * before ranges had options), or `{ "range": "622202", "luhn": true }`: a card whose best-matching
 * range is this one must carry a right ISO/IEC 7812-1 check digit, or it is refused
 * CARD_NUMBER_INVALID before anything is written or sent (src/main/issuer/router.ts).
 */
export const CardRange = z.union([
  CardRangeDigits,
  z.object({ range: CardRangeDigits, luhn: z.boolean().default(false) }).strict(),
]);
export type CardRange = z.infer<typeof CardRange>;

/**
 * One issuer host the router can send a card to (src/main/issuer/router.ts), by its protocol:
 * `cardtill-json` (docs/issuer-protocol.md, signed JSON over HTTP) or `iso8583-cup` (the UnionPay
 * POS dialect of ISO 8583 over TCP, src/main/issuer/iso8583; loadConfig checks what each needs).
 */
const IssuerEntryFields = z.object({
  id: z.string().regex(/^[a-z0-9][a-z0-9_-]{0,31}$/),
  name: z.string().min(1).max(40),
  protocol: z.enum(['cardtill-json', 'iso8583-cup', 'file-batch']).default('cardtill-json'),
  /**
   * cardtill-json: the host's base URL; iso8583-cup: `tcp://host:port` of its listener; file-batch:
   * the exchange directory as a file: URL (file:///srv/mart).
   */
  url: z.string().url(),
  /**
   * The issuer's backup host (主+备通道), same key and same ledger as `url`: taken only when the
   * primary cannot have received a request (docs/issuer-protocol.md "Failover rules").
   */
  backupUrl: z.string().url().optional(),
  /**
   * The issuer's SM2 public key (04…): required for cardtill-json and file-batch; iso8583-cup has
   * none (its MAC keys come from the TMK).
   */
  publicKey: z
    .string()
    .regex(/^04[0-9a-fA-F]{128}$/)
    .optional(),
  /** Per-request deadline; for iso8583-cup the page's default answer timeout is 30 s (set 30000). */
  timeoutMs: z.number().int().min(500).max(60_000).default(8000),
  attempts: z.number().int().min(1).max(5).default(2),
  cardRanges: z.array(CardRange).min(1),
  /**
   * The operations (transaction kinds, src/shared/txn-kinds.ts) this issuer takes at this till.
   * Absent: all its protocol's adapter can do (src/main/issuer/operations.ts). Only narrows: a kind
   * the protocol cannot do is refused here, at load. Anything else is refused ISSUER_UNSUPPORTED.
   */
  operations: z.array(z.enum(ISSUER_OPERATIONS)).min(1).optional(),
  /** iso8583-cup only: key set, TMK check value, operator, TPDU (src/main/issuer/iso8583/config.ts). */
  iso8583: Iso8583EntryOptions.optional(),
  /**
   * Its cards carry a PBOC e-purse (电子钱包): a sale with such a card read by an IC reader is
   * paid on the chip with the PSAM, not online (src/main/terminal/chip-purchase.ts, issue 14).
   */
  epurse: z.boolean().optional(),
  /**
   * This issuer's own offline limits (src/offline-queue/config.ts), over the top-level `offline`
   * block: a field left out takes the top-level value (default: today's limits).
   */
  offline: OfflineConfig.partial().optional(),
  /** The one-time enrolment token this issuer gave the terminal (default: `issuer.enrolToken`). */
  enrolToken: z.string().min(1).optional(),
  /** `file-batch` only: its file ages (src/main/issuer/file-batch/config.ts); its limits are `offline`. */
  fileBatch: FileBatchOptions.optional(),
});
export const IssuerEntryConfig = IssuerEntryFields.superRefine((e, ctx) => {
  const problem = e.operations && operationsProblem(e.protocol, e.operations);
  if (problem) ctx.addIssue({ code: 'custom', path: ['operations'], message: problem });
});
export type IssuerEntryConfig = z.infer<typeof IssuerEntryConfig>;

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
  issuer: z
    .object({
      /** Base URL of the issuer host. Absent: the embedded issuer-sim (demo). */
      url: z.string().url().optional(),
      /** The issuer's backup host (docs/issuer-protocol.md "Failover rules"); only with url. */
      backupUrl: z.string().url().optional(),
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
  /**
   * Several issuers, each with its card ranges (README "Configuration"). Absent: the single
   * `issuer` block is the one entry, id 'default', for every card. Every entry is enrolled with,
   * has its own offline queue, hot-card list and limits, and its own batch per shift; the first is
   * the home issuer (its link carries the journal head; rows from before issuer ids are its).
   */
  issuers: z.array(IssuerEntryConfig).min(1).max(16).optional(),
  devices: z.array(DeviceConfig).optional(),
  receipt: z.object({ width: z.union([z.literal(32), z.literal(48)]).default(32) }).default({ width: 32 }),
  /**
   * The store's IANA time zone: report exports and audit times are in it (src/shared/local-time.ts),
   * and every time on the screens (src/renderer/format.ts, through SessionInfo.timeZone).
   */
  timeZone: z.string().refine(isTimeZone, 'an IANA time zone, e.g. Asia/Shanghai').default('Asia/Shanghai'),
  auth: z
    .object({
      maxPinAttempts: z.number().int().min(1).max(20).default(5),
      lockSeconds: z.number().int().min(1).default(300),
      idleSignOutSeconds: z.number().int().min(30).default(300),
    })
    .default({ maxPinAttempts: 5, lockSeconds: 300, idleSignOutSeconds: 300 }),
  /** Offline approval limits and forwarding (src/offline-queue/config.ts; issue 4 demo defaults). */
  offline: OfflineConfig.prefault({}),
  /** The prepaid-card rules' figures (src/shared/card-rules.ts; the regulations' by default). */
  cardRules: CardRulesConfig.prefault({}),
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
  if (config.issuer.backupUrl && !config.issuer.url)
    throw new ConfigError(`config ${file}: issuer.backupUrl needs issuer.url (the primary)`);
  const ids = (config.issuers ?? []).map((i) => i.id);
  if (new Set(ids).size !== ids.length) throw new ConfigError(`config ${file}: issuers ids must be unique`);
  for (const e of config.issuers ?? []) {
    if (e.protocol !== 'iso8583-cup' && !e.publicKey)
      throw new ConfigError(`config ${file}: issuer ${e.id} (${e.protocol}) needs publicKey`);
    if (e.protocol === 'iso8583-cup' && !tcpEndpoint(e.url))
      throw new ConfigError(`config ${file}: issuer ${e.id} is iso8583-cup: its url is tcp://host:port`);
    if (e.protocol === 'iso8583-cup' && e.backupUrl && !tcpEndpoint(e.backupUrl))
      throw new ConfigError(
        `config ${file}: issuer ${e.id} is iso8583-cup: its backupUrl is tcp://host:port`,
      );
  }
  // The home issuer enrols the terminal key, gives the receipt key and acknowledges the journal
  // head: only cardtill-json has those messages (docs/architecture.md, the issuer port).
  if (config.issuers && config.issuers[0]!.protocol === 'iso8583-cup')
    throw new ConfigError(
      `config ${file}: the first of issuers (the home issuer) cannot be iso8583-cup; put ${config.issuers[0]!.id} after it`,
    );
  // A file-batch issuer has no link: it cannot be the home issuer (enrolment, forwarding, settlement).
  const fileBatch = (config.issuers ?? []).filter((e) => e.protocol === 'file-batch');
  if (config.issuers?.[0]?.protocol === 'file-batch')
    throw new ConfigError(`config ${file}: the first issuer (the home issuer) cannot be file-batch`);
  for (const e of fileBatch)
    if (!e.url.startsWith('file:'))
      throw new ConfigError(
        `config ${file}: issuer ${e.id} is file-batch: its url is the directory as file:///…`,
      );
  return { config, demo: !config.issuer.url && !config.issuers };
}

/** The id of the entry the single `issuer` block becomes; rows written before issuer ids carry it. */
export const DEFAULT_ISSUER_ID = 'default';

/**
 * The issuer entries the router serves, with the home issuer first. `home` is the url and key
 * actually in use for the single block (the embedded simulator's in demo mode).
 */
export function issuerEntries(
  config: TerminalConfig,
  home: { url: string; publicKey: string },
): IssuerEntryConfig[] {
  if (config.issuers) return config.issuers;
  return [
    {
      id: DEFAULT_ISSUER_ID,
      name: 'default',
      protocol: 'cardtill-json',
      url: home.url,
      ...(config.issuer.backupUrl ? { backupUrl: config.issuer.backupUrl } : {}),
      publicKey: home.publicKey,
      timeoutMs: config.issuer.timeoutMs,
      attempts: config.issuer.attempts,
      cardRanges: [''],
    },
  ];
}
