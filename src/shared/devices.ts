/**
 * What the drivers hand the terminal core. Every driver — real or simulated — emits only these.
 * Track data and chip data stay in memory: a CardPresented lives for one transaction.
 */
import { z } from 'zod';

export const DeviceKind = z.enum(['magstripe', 'barcode', 'ic', 'printer', 'wedge', 'psam']);
export type DeviceKind = z.infer<typeof DeviceKind>;

/** Health of one device as the technician sees it. */
export const DeviceState = z.enum(['connected', 'disconnected', 'error', 'unavailable', 'busy']);
export type DeviceState = z.infer<typeof DeviceState>;

/** How a card reached us; decides which fields are present and how the issuer is told. */
export const EntryMode = z.enum(['swipe', 'chip', 'contactless', 'scan', 'manual', 'wedge']);
export type EntryMode = z.infer<typeof EntryMode>;

/** A card as read. `pan` is the full number and must never be logged or stored in clear. */
export interface CardPresented {
  pan: string;
  entryMode: EntryMode;
  /** YYMM where the medium carries it (track 2, chip EF15). */
  expiry?: string;
  holderName?: string;
  serviceCode?: string;
  /** e-card QR: time-based dynamic code the issuer checks. */
  dynamicCode?: string;
  /** GS1 gift card: GTIN (AI 01) + serial (AI 21). */
  gtin?: string;
  /** Chip: the balance the card itself reports, fen. Informational; the issuer's ledger rules. */
  chipBalanceFen?: number;
  /**
   * The card carries a PBOC e-purse application (电子钱包) and its reader can still talk to it:
   * a sale may be paid on the chip (src/main/terminal/chip-purchase.ts).
   */
  epurse?: boolean;
  /** Chip diagnostics (not card data): ATR and UID hex. */
  atr?: string;
  uid?: string;
}

export const DeviceErrorCode = z.enum([
  'SWIPE_UNREADABLE', // partial or garbled swipe: ask to swipe again
  'SCAN_UNREADABLE', // malformed scan payload
  'CARD_REMOVED', // card pulled away mid-read
  'CARD_UNSUPPORTED', // card of another kind (no such application)
  'CARD_ERROR', // status word other than 9000
  'READER_GONE', // reader unplugged
  'PRINTER_PAPER_OUT',
  'PRINTER_COVER_OPEN',
  'PRINTER_OFFLINE',
  'DEVICE_UNAVAILABLE', // stack missing (e.g. no pcscd / libpcsclite)
  'IO_ERROR',
]);
export type DeviceErrorCode = z.infer<typeof DeviceErrorCode>;

export type DeviceEvent =
  | { type: 'card'; deviceId: string; at: number; card: CardPresented }
  | { type: 'error'; deviceId: string; at: number; code: DeviceErrorCode; detail?: string }
  | { type: 'state'; deviceId: string; at: number; state: DeviceState; detail?: string }
  /** A CardTill receipt QR (`CTR1…`) read by a scanner: passed on as text, verified by the dispute desk. */
  | { type: 'receipt'; deviceId: string; at: number; text: string; symbology?: string };

/**
 * The last event of a device as data (the masked card and entry mode, the error code, the new
 * state), so each screen words it in its language; `lastEvent` is the same as one English log line.
 */
export const DeviceEventSummary = z.object({
  type: z.enum(['card', 'error', 'state', 'receipt']),
  entryMode: EntryMode.optional(),
  masked: z.string().optional(),
  code: z.string().optional(),
  state: DeviceState.optional(),
});
export type DeviceEventSummary = z.infer<typeof DeviceEventSummary>;

/** What the UI and CLI see of a device (no card data). */
export const DeviceInfo = z.object({
  id: z.string(),
  kind: DeviceKind,
  transport: z.string(), // serial | tcp | pcsc | hid | sim
  path: z.string(),
  state: DeviceState,
  simulated: z.boolean(),
  lastEvent: z.string().optional(),
  lastEventSummary: DeviceEventSummary.optional(),
  lastEventAt: z.number().optional(),
  detail: z.string().optional(),
});
export type DeviceInfo = z.infer<typeof DeviceInfo>;
