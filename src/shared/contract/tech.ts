/**
 * The field technician's screen: devices with their configuration, self-tests, the live event
 * log, device settings and the diagnostics bundle. Role technician only.
 */
import { z } from 'zod';
import { method } from './common';
import { DeviceInfo, EntryMode } from '../devices';
import { ErrorCode } from '../errors';
import { PrintAnswer } from './device-io';

const TECH = ['technician'] as const;

/** A device's configuration as edited on the screen (validated again by the driver layer). */
export const TechDeviceConfig = z
  .object({
    id: z.string().regex(/^[A-Za-z0-9_.-]{1,64}$/),
    kind: z.enum(['magstripe', 'barcode', 'ic', 'printer', 'psam']),
    /** serial:/dev/ttyUSB0 · pcsc:<reader> · tcp:host:9100 · hid:<vid>:<pid> · usblp:/dev/usb/lp0 · sim:<kind> */
    spec: z.string().min(1).max(300),
    options: z.record(z.string(), z.unknown()).optional(),
  })
  .strict();
export type TechDeviceConfig = z.infer<typeof TechDeviceConfig>;

export const PcscStatus = z.object({
  available: z.boolean(),
  detail: z.string(),
  install: z.string().optional(),
});

export const TechDevice = DeviceInfo.extend({ config: TechDeviceConfig.optional() });
export type TechDevice = z.infer<typeof TechDevice>;

export const ReadTestResult = z.object({
  outcome: z.enum(['card', 'receipt', 'error', 'timeout']),
  deviceId: z.string(),
  /** One masked line (as the event log shows it). */
  description: z.string().optional(),
  masked: z.string().optional(),
  entryMode: EntryMode.optional(),
  expiry: z.string().optional(),
  chipBalanceFen: z.number().int().optional(),
  atr: z.string().optional(),
  uid: z.string().optional(),
  code: ErrorCode.optional(),
  detail: z.string().optional(),
  symbology: z.string().optional(),
});
export type ReadTestResult = z.infer<typeof ReadTestResult>;

/** One endpoint's answer to the technician's Echo: the primary and the backup are each echoed. */
export const EndpointEchoResult = z.object({
  role: z.enum(['primary', 'backup']),
  address: z.string(),
  /** The one the terminal sends to after this echo. */
  inUse: z.boolean(),
  ok: z.boolean(),
  /** Round trip of this echo, answered or not. */
  rttMs: z.number(),
  /** Why it failed: ISSUER_UNREACHABLE (nothing or no answer came back in time), … */
  code: ErrorCode.optional(),
  detail: z.string().optional(),
});
export type EndpointEchoResult = z.infer<typeof EndpointEchoResult>;

/**
 * One issuer entry's echo (tech.echo): ok when every endpoint answered; rttMs the endpoint in
 * use's; code and detail the first failing endpoint's (detail names it). `endpoints` has each
 * endpoint's own (empty for an entry with no host to reach: file-batch).
 */
export const EchoResult = z.object({
  issuerId: z.string(),
  name: z.string(),
  ok: z.boolean(),
  rttMs: z.number(),
  code: ErrorCode.optional(),
  detail: z.string().optional(),
  endpoints: z.array(EndpointEchoResult),
});
export type EchoResult = z.infer<typeof EchoResult>;

/** One address of an issuer host: its primary, or the backup it fails over to. */
export const IssuerEndpoint = z.object({
  role: z.enum(['primary', 'backup']),
  /** URL or host:port (no secret in it). */
  address: z.string(),
  /** The one the terminal sends to now. */
  inUse: z.boolean(),
  /** When the terminal last signed on with this host (ISO 8583: each host its own working keys). */
  signedOnAt: z.string().optional(),
});
export type IssuerEndpoint = z.infer<typeof IssuerEndpoint>;

/** One issuer entry as the technician sees it (tech.issuers, `cardtill issuers`). */
export const IssuerInfo = z.object({
  issuerId: z.string(),
  name: z.string(),
  /** 'cardtill-json', 'iso8583-cup', 'file-batch', … */
  protocol: z.string(),
  /** The first entry: rows from before issuer ids are its; its link carries the journal head. */
  home: z.boolean(),
  cardRanges: z.array(z.string()),
  /** The same ranges with whether each asks for a Luhn check digit (config `{ range, luhn }`). */
  ranges: z.array(z.object({ range: z.string(), luhn: z.boolean() })),
  /** The operations (transaction kinds) it takes at this till: config `operations`, else its protocol's. */
  operations: z.array(z.string()),
  endpoints: z.array(IssuerEndpoint),
  /** Whether this protocol enrols the terminal's key (cardtill-json). */
  enrols: z.boolean(),
  /** The terminal key version this issuer acknowledged (null: not yet, or the protocol does not enrol). */
  enrolledKeyVersion: z.number().int().nullable(),
  /** When the terminal last signed on with it (ISO), null if never recorded. */
  lastSignOnAt: z.string().nullable(),
  /** Its forwarder's link state (null from the CLI: no forwarder runs there). */
  link: z.enum(['online', 'offline', 'cut']).nullable(),
  /** An echo sent now through its port, with its round-trip time (null when not asked). */
  echo: EchoResult.nullable(),
  /**
   * iso8583-cup only: its terminal master key — whether one is stored (sealed), its check value
   * and when it was entered, and the check value the config names (both public; never the key).
   */
  tmk: z
    .object({
      stored: z.boolean(),
      check: z.string().optional(),
      enteredAt: z.string().optional(),
      expectedCheck: z.string().optional(),
    })
    .optional(),
});
export type IssuerInfo = z.infer<typeof IssuerInfo>;

export const techMethods = {
  'tech.devices': method({
    req: z.object({}).strict(),
    res: z.object({
      devices: z.array(TechDevice),
      pcsc: PcscStatus,
      /** Settings saved by the technician are in <data-dir>/devices.json. */
      overlayFile: z.string(),
    }),
    roles: TECH,
  }),
  /**
   * What is plugged in now: serial ports, PC/SC readers, HID POS scanners — and notes on what
   * could not be asked (udevadm missing: the /dev fallback was used; pcscd not answering).
   */
  'tech.discover': method({
    req: z.object({}).strict(),
    res: z.object({
      devices: z.array(
        z.object({
          spec: z.string(),
          kind: z.string().optional(),
          detail: z.string(),
          appeared: z.boolean().optional(),
          configuredAs: z.string().optional(),
        }),
      ),
      notes: z.array(
        z.object({
          code: z.enum(['serial-fallback', 'serial-failed', 'pcsc-unavailable']),
          detail: z.string(),
        }),
      ),
    }),
    roles: TECH,
  }),
  /** Prints the test page (Chinese text, ¥, a QR code, a cut). */
  'tech.printTest': method({
    req: z.object({ deviceId: z.string().optional() }).strict(),
    res: PrintAnswer,
    roles: TECH,
  }),
  /** Waits for the next swipe / tap / scan (or read error) on one device. */
  'tech.readTest': method({
    req: z
      .object({ deviceId: z.string().min(1), timeoutSeconds: z.number().int().min(1).max(120).optional() })
      .strict(),
    res: ReadTestResult,
    roles: TECH,
  }),
  /**
   * An `Echo` to every issuer entry through its port — to each of its endpoints (primary and
   * backup), each with its round-trip time. The top level is the summary: ok when every entry
   * answered; rttMs is the home issuer's; code and detail are the first failing entry's.
   */
  'tech.echo': method({
    req: z.object({}).strict(),
    res: z.object({
      ok: z.boolean(),
      rttMs: z.number(),
      code: ErrorCode.optional(),
      detail: z.string().optional(),
      issuers: z.array(EchoResult),
    }),
    roles: TECH,
  }),
  /**
   * Every issuer entry: protocol, card ranges, endpoints and which one is in use, enrolment and
   * last sign-on, link state — and with `echo`, an Echo to each at once with its round-trip time.
   */
  'tech.issuers': method({
    req: z.object({ echo: z.boolean().optional() }).strict(),
    res: z.object({ issuers: z.array(IssuerInfo) }),
    roles: TECH,
  }),
  /**
   * The technician enters an iso8583-cup entry's terminal master key (the same path as `cardtill
   * keys tmk`, src/main/issuer/iso8583/enter-tmk.ts): checked against the entry's `tmkCheck`,
   * sealed under the data key, then the entry signs on with it again. Refused with
   * TMK_CHECK_MISMATCH / TMK_INVALID / TMK_CHECK_REQUIRED, nothing stored. A key already stored
   * is replaced only with `replace: true` (the screen asks first: INVALID_STATE without it). The
   * answer never carries the key: its check value and whether the sign-on went through.
   */
  'tech.enterTmk': method({
    req: z
      .object({
        issuerId: z.string().min(1).max(64),
        // Checked by enterTmk (TMK_INVALID): a schema refusal would be a vaguer BAD_REQUEST.
        tmkHex: z.string().max(64),
        replace: z.boolean().optional(),
      })
      .strict(),
    res: z.object({
      issuerId: z.string(),
      check: z.string(),
      replaced: z.boolean(),
      /** The sign-on with the new key: ok, or why not (the key stays stored; the next request retries). */
      signOn: z.object({ ok: z.boolean(), detail: z.string().optional() }),
    }),
    roles: TECH,
  }),
  /** The most recent event-log lines (masked); new lines arrive as `log.line` events. */
  'tech.log': method({
    req: z.object({ limit: z.number().int().min(1).max(1000) }).strict(),
    res: z.array(z.string()),
    roles: TECH,
  }),
  /**
   * Saves a device's settings to <data-dir>/devices.json (used at every start, by the app and the
   * CLI) and applies them now by restarting that device's driver.
   */
  'tech.setDevice': method({
    req: z.object({ config: TechDeviceConfig }).strict(),
    res: DeviceInfo,
    roles: TECH,
  }),
  /** The diagnostics bundle as a JSON document for the browser to download. */
  'tech.diagnostics': method({
    req: z.object({}).strict(),
    res: z.object({ fileName: z.string(), json: z.string() }),
    roles: TECH,
  }),
};

export const techEvents = {
  /** One new event-log line (already masked) for the technician's live log. */
  'log.line': z.object({ line: z.string() }),
};
