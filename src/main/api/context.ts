/**
 * What every area's handlers get from the app: the core pieces, already built. Areas that add
 * pieces (offline queue, shift, …) add a field here and build it in src/main/app.ts.
 */
import type { Terminal } from '../terminal/terminal';
import type { Operators } from '../auth/operators';
import type { TillSession } from './session';
import type { DeviceHub } from '../devices/device-hub';
import type { ReceiptPrinting } from '../devices/receipt-printing';
import type { IssuerLink } from '../issuer/link';
import type { Db } from '../store/sqlite';
import type { TerminalConfig } from '../config/config';
import type { TerminalKeys } from '../keys/terminal-keys';
import type { EventLog } from '../log';
import type { OverrideChecker } from '../auth/override';
import type { AuditLog } from '../audit/audit-log';
import type { ShiftService } from '../shift/shift-service';
import type { VoidRefund } from '../terminal/void-refund';
import type { OfflineStore } from '../../offline-queue/store';
import type { Forwarder } from '../../offline-queue/forwarder';
import type { OfflineLanes } from '../../offline-queue/lanes';
import type { IssuerRouter } from '../issuer/router';
import type { JobQueue } from '../jobs/queue';
import type { ChipPayments } from '../terminal/chip-purchase';
import type { EventName, EventPayload, SessionInfo } from '../../shared/contract';

export interface AppContext {
  dataDir: string;
  demo: boolean;
  config: TerminalConfig;
  db: Db;
  keys: TerminalKeys;
  terminal: Terminal;
  operators: Operators;
  /** Manager PIN overrides for privileged actions (src/main/auth/override.ts). */
  overrides: OverrideChecker;
  /** Append-only audit log of privileged actions and sign-ins (src/main/audit). */
  audit: AuditLog;
  /** Shifts, X/Z reports, blind count, settlement (src/main/shift). */
  shifts: ShiftService;
  /** Void and refund with a manager override (src/main/terminal/void-refund.ts). */
  voidRefund: VoidRefund;
  session: TillSession;
  devices: DeviceHub;
  /** Receipts and test pages to the printer; announces held jobs and their later printing. */
  printing: ReceiptPrinting;
  link: IssuerLink;
  /** Store-and-forward: the queue, hot cards, exceptions (store) and the forwarder (src/offline-queue). */
  offline: {
    /** The home issuer's store and forwarder (a single-issuer terminal's only ones). */
    store: OfflineStore;
    forwarder: Forwarder;
    /** Every issuer entry's store and forwarder (src/offline-queue/lanes.ts); the till-wide status. */
    lanes: OfflineLanes;
  };
  /** The issuer entries (card → entry), each with its port. */
  router: IssuerRouter;
  /** The home issuer's address in use (the embedded simulator's in demo mode). */
  issuerUrl?: string;
  /** The persistent job queue: reversals, advices, settlement, enrolment; its dead letters (src/main/jobs). */
  jobs: JobQueue;
  /** PBOC e-purse: sales paid on the chip with the PSAM, torn ones, exceptions (terminal/chip-purchase.ts). */
  chip?: ChipPayments;
  log: EventLog;
  clock: () => Date;
  sessionInfo(): SessionInfo;
  emit<E extends EventName>(name: E, payload: EventPayload<E>): void;
}
