/**
 * One zustand store made of typed slices; components read through narrow selectors
 * (`useTill((s) => s.cashier.amountFen)`). Tests call resetTill() between cases.
 */
import { create } from 'zustand';
import type { SessionInfo, CardSummary, TxnResult, Receipt, PrintJobNote } from '../../shared/contract';
import type { DeviceInfo } from '../../shared/devices';
import type { ApiErrorShape } from '../../shared/errors';
import type { Lang } from '../i18n';
import type { ConnectionState } from '../bridge';

export type CashierMode = 'sale' | 'inquiry';

export interface SessionSlice {
  info: SessionInfo | null;
  connection: ConnectionState;
}
export interface CashierSlice {
  amountFen: number;
  mode: CashierMode;
  card: CardSummary | null;
  busy: boolean;
  result: TxnResult | null;
  error: ApiErrorShape | null;
  receipt: Receipt | null;
  recent: TxnResult[];
  /** ECR "collect" prompt; `password` while the issuer asks for the card's password (the PIN pad). */
  collect: {
    amountFen: number;
    password?: { stan: number; declineCode: 'PASSWORD_REQUIRED' | 'PASSWORD_WRONG' };
  } | null;
  /** Split-tender part paid in cash after an approved split. */
  cashDueFen: number;
  printNote: string | null;
  /** The last reprint from the receipt search: which receipt, and what the printer said. */
  reprint: { stan: number; note: string } | null;
  /** Velocity decline: until when the card is blocked offline (ISO), once the core said. */
  blockedUntil: string | null;
  /** A chip purchase torn after DEBIT (CHIP_TORN): the next card presented settles it. */
  chipTorn: { stan: number } | null;
}
export interface DevicesSlice {
  list: DeviceInfo[];
  lastError: { deviceId: string; code: string; at: number } | null;
}
export interface UiSlice {
  lang: Lang;
}
/** Receipts the printer holds (paper out, cover open, offline) and the last one printed later. */
export interface PrinterSlice {
  held: PrintJobNote[];
  printedLater: PrintJobNote | null;
}

export interface TillState {
  session: SessionSlice;
  cashier: CashierSlice;
  devices: DevicesSlice;
  ui: UiSlice;
  printer: PrinterSlice;
  setSession(p: Partial<SessionSlice>): void;
  setCashier(p: Partial<CashierSlice>): void;
  setDevices(p: Partial<DevicesSlice>): void;
  setUi(p: Partial<UiSlice>): void;
  setPrinter(p: Partial<PrinterSlice>): void;
}

export const initialCashier: CashierSlice = {
  amountFen: 0,
  mode: 'sale',
  card: null,
  busy: false,
  result: null,
  error: null,
  receipt: null,
  recent: [],
  collect: null,
  cashDueFen: 0,
  printNote: null,
  reprint: null,
  blockedUntil: null,
  chipTorn: null,
};

function initialLang(): Lang {
  try {
    return (localStorage.getItem('cardtill.lang') as Lang) === 'en' ? 'en' : 'zh';
  } catch {
    return 'zh';
  }
}

const initial = () => ({
  session: { info: null, connection: 'connecting' as ConnectionState },
  cashier: { ...initialCashier },
  devices: { list: [], lastError: null },
  ui: { lang: initialLang() },
  printer: { held: [], printedLater: null },
});

export const useTill = create<TillState>()((set) => ({
  ...initial(),
  setSession: (p) => set((s) => ({ session: { ...s.session, ...p } })),
  setCashier: (p) => set((s) => ({ cashier: { ...s.cashier, ...p } })),
  setDevices: (p) => set((s) => ({ devices: { ...s.devices, ...p } })),
  setUi: (p) => set((s) => ({ ui: { ...s.ui, ...p } })),
  setPrinter: (p) => set((s) => ({ printer: { ...s.printer, ...p } })),
}));

export function resetTill(): void {
  useTill.setState(initial());
}

/**
 * Whoever signs out, by hand or for idleness (the core's sign-out arrives as session.changed), the
 * next operator must not find the last customer's amount, card or result (issue 11 #11).
 */
useTill.subscribe((s, prev) => {
  if (prev.session.info?.operator && !s.session.info?.operator)
    useTill.setState({ cashier: { ...initialCashier } });
});
