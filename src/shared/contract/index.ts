/**
 * THE contract between the renderer (or any program holding the web host's token) and the core.
 * Each area declares its methods in its own file; this file joins them. Both transports — Electron
 * IPC and the loopback web host — serve exactly this map, and the core validates every request
 * against it before acting (src/main/api/dispatch.ts).
 */
import { z } from 'zod';
import { sessionMethods } from './session';
import { saleMethods, TxnResult, CardSummary } from './sale';
import { deviceMethods } from './devices';
import { offlineMethods, offlineEvents } from './offline';
import { deviceIoMethods, deviceIoEvents } from './device-io';
import { techMethods, techEvents } from './tech';
import { managerMethods } from './manager';
import { disputeMethods } from './dispute';
import { jobMethods } from './jobs';
import { journalMethods } from './journal';
import { cardLifeMethods } from './card-life';
import { cardBatchMethods } from './card-batch';
import { fileBatchMethods, fileBatchEvents } from './file-batch';
import { passwordMethods } from './password';
import { chipMethods } from './chip';
import { DeviceInfo } from '../devices';
import { ErrorCode } from '../errors';
import { LinkState, SessionInfo } from './session';
import { Fen } from './common';

export * from './common';
export * from './session';
export * from './sale';
export * from './offline';
export * from './device-io';
export * from './tech';
export * from './manager';
export * from './jobs';
export * from './journal';
export * from './card-life';
export * from './card-batch';
export * from './file-batch';
export * from './chip';

export const methods = {
  ...sessionMethods,
  ...saleMethods,
  ...deviceMethods,
  ...offlineMethods,
  ...deviceIoMethods,
  ...techMethods,
  ...managerMethods,
  ...disputeMethods,
  ...jobMethods,
  ...journalMethods,
  ...cardLifeMethods,
  ...cardBatchMethods,
  ...fileBatchMethods,
  ...passwordMethods,
  ...chipMethods,
};
export type Methods = typeof methods;
export type MethodName = keyof Methods;
export type Req<M extends MethodName> = z.input<Methods[M]['req']>;
export type Res<M extends MethodName> = z.infer<Methods[M]['res']>;

/** Events the core pushes to every connected UI. */
export const events = {
  'card.presented': CardSummary,
  'card.cleared': z.object({}),
  'device.error': z.object({ deviceId: z.string(), code: ErrorCode }),
  'devices.changed': z.array(DeviceInfo),
  'txn.updated': TxnResult,
  'link.changed': z.object({ link: LinkState }),
  'session.changed': SessionInfo,
  /**
   * ECR asked to collect an amount: the screen prompts for a card; with `password`, the issuer asked
   * for the card's password and the screen opens its PIN pad (answered by sale.collectPassword).
   * null when done.
   */
  'collect.prompt': z
    .object({
      amountFen: Fen,
      password: z
        .object({
          stan: z.number().int().positive(),
          declineCode: z.enum(['PASSWORD_REQUIRED', 'PASSWORD_WRONG']),
        })
        .optional(),
    })
    .nullable(),
  ...offlineEvents,
  ...deviceIoEvents,
  ...techEvents,
  ...fileBatchEvents,
};
export type Events = typeof events;
export type EventName = keyof Events;
export type EventPayload<E extends EventName> = z.infer<Events[E]>;

export function isMethodName(name: string): name is MethodName {
  return Object.prototype.hasOwnProperty.call(methods, name);
}

/** What screens call: built over the preload's `window.till` (Electron) or the web host's WebSocket. */
export interface TillBridge {
  call<M extends MethodName>(method: M, params: Req<M>): Promise<Res<M>>;
  on<E extends EventName>(event: E, listener: (payload: EventPayload<E>) => void): () => void;
}

/** What travels on both transports. */
export const WireRequest = z.object({ id: z.number().int(), method: z.string(), params: z.unknown() });
export type WireResponse =
  | { id: number; ok: true; result: unknown }
  | { id: number; ok: false; error: { code: ErrorCode; message: string; detail?: string } };
export type WireEvent = { event: EventName; payload: unknown };

/**
 * What the Electron preload exposes as `window.till`. It answers with the wire answer and never
 * throws a typed error: the contextBridge copies an Error without its extra fields (the code, the
 * detail), so the renderer (src/renderer/bridge.ts) turns `{ok:false}` into its BridgeError itself.
 */
export type WireAnswer =
  { ok: true; result: unknown } | { ok: false; error: { code: ErrorCode; message: string; detail?: string } };
export interface PreloadTill {
  call(method: string, params: unknown): Promise<WireAnswer>;
  on(event: string, listener: (payload: unknown) => void): () => void;
}
