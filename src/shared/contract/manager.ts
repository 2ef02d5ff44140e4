/**
 * The store manager's part of the contract: shifts, blind count, X/Z reports, settlement,
 * void and refund (with a manager override), the audit log, operators, the day at a glance.
 * Money is integer fen everywhere.
 */
import { z } from 'zod';
import { Fen, method, Empty, Override, Role, SELLERS, ALL_ROLES } from './common';
import { TxnResult, Receipt } from './sale';
import { ReceiptDoc } from '../receipt-doc';
import { freeText } from '../free-text';
import { TOTALS_BUCKETS, TOTALS_LINE_DECLS, type TotalsBucket, type TotalsLineDecl } from '../txn-kinds';

const MANAGER = ['manager'] as const;
const CountAmount = z.object({ count: z.number().int(), amountFen: z.number().int() });
/** One row of a count by denomination (点钞): a note or coin value in fen and how many of it. */
export const Denomination = z.object({ valueFen: Fen.min(1), count: z.number().int().min(0).max(100_000) });

/** An X/Z line's schema, by its declared figures (src/shared/txn-kinds.ts TOTALS_LINE_DECLS). */
const CountOnly = z.object({ count: z.number().int() });
const CashLine = CountAmount.extend({ cashFen: z.number().int() });
type LineSchema<F> = F extends 'count'
  ? typeof CountOnly
  : F extends 'amount'
    ? typeof CountAmount
    : typeof CashLine;
type LineDecls = typeof TOTALS_LINE_DECLS;
type LinesShape = {
  [B in TotalsBucket]: LineDecls[B]['firstRelease'] extends true
    ? LineSchema<LineDecls[B]['figures']>
    : z.ZodOptional<LineSchema<LineDecls[B]['figures']>>;
};
/**
 * The named lines, built from their one declaration: a first-release line is required, a later one
 * optional (absent from Z reports frozen before it, or when no kind counts in it).
 */
const linesShape = Object.fromEntries(
  TOTALS_BUCKETS.map((b) => {
    const d: TotalsLineDecl = TOTALS_LINE_DECLS[b];
    const line = d.figures === 'count' ? CountOnly : d.figures === 'amount' ? CountAmount : CashLine;
    return [b, d.firstRelease ? line : line.optional()];
  }),
) as unknown as LinesShape;

export const ShiftTotals = z.object({
  ...linesShape,
  /**
   * Every approved kind by type (src/shared/txn-kinds.ts), with the drawer cash it moved (signed).
   * Absent from Z reports frozen before kinds were data.
   */
  byKind: z.record(z.string(), CountAmount.extend({ cashFen: z.number().int() })).optional(),
  declined: z.object({ count: z.number().int(), byCode: z.record(z.string(), z.number().int()) }),
  pending: z.object({ count: z.number().int() }),
  online: CountAmount,
  offline: CountAmount,
  netCardFen: z.number().int(),
  netCashFen: z.number().int(),
  tender: z.object({ cardFen: z.number().int(), cashFen: z.number().int() }),
  byHour: z.array(z.object({ hour: z.string(), count: z.number().int(), amountFen: z.number().int() })),
});

export const VarianceInfo = z.object({
  expectedFen: z.number().int(),
  countedFen: z.number().int(),
  varianceFen: z.number().int(),
  status: z.enum(['balanced', 'over', 'short']),
  needsAck: z.boolean(),
  needsNote: z.boolean(),
  /** The counted notes and coins, largest first, when the count was made by denomination. */
  denominations: z.array(Denomination).optional(),
});

export const DiscrepancyKind = z.enum([
  'missing_at_issuer',
  'missing_at_terminal',
  'amount_differs',
  'in_offline_queue',
  'unanswered_at_issuer',
  'chip_bad_tac',
  'chip_sequence_gap',
  'chip_duplicate',
]);
export const Discrepancy = z.object({
  kind: DiscrepancyKind,
  stan: z.number().int(),
  type: z.string(),
  terminalFen: z.number().int().nullable(),
  issuerFen: z.number().int().nullable(),
  time: z.string(),
  action: z.object({ zh: z.string(), en: z.string() }),
});
export type Discrepancy = z.infer<typeof Discrepancy>;

export const SettlementInfo = z.object({
  batchNo: z.number().int(),
  /** The issuer entry this batch settles with ('default': the one issuer, before issuer ids). */
  issuerId: z.string().optional(),
  status: z.enum(['settled', 'unmatched', 'unreachable', 'refused', 'bad_answer']),
  /**
   * The issuer's code when it refused the settlement (status 'refused'); or why it was not sent
   * yet (status 'unreachable', SETTLE_PENDING_AT_ISSUER: the host still owes answers).
   */
  issuerCode: z.string().nullable().optional(),
  forced: z.boolean(),
  carriedIn: z.array(z.number().int()),
  carriedOut: z.array(z.number().int()),
  /** Of carriedOut, the STANs still in the offline queue now (the rest have reached the issuer since). */
  carriedOutUnsent: z.array(z.number().int()).optional(),
  terminalTotals: z.record(z.string(), z.number().int()),
  issuerTotals: z.record(z.string(), z.number().int()).nullable(),
  discrepancies: z.array(Discrepancy),
  attemptedAt: z.string(),
});
export type SettlementInfo = z.infer<typeof SettlementInfo>;

/**
 * One issuer's part of an X/Z on a terminal with more than one issuer entry: the same totals fold
 * run over that issuer's rows (src/main/shift/issuer-totals.ts), and on a Z its batch and that
 * batch's latest settlement.
 */
export const IssuerReportPart = z.object({
  issuerId: z.string(),
  name: z.string(),
  /** Its batch of this shift (Z only; null on an X, or when it had nothing to settle). */
  batchNo: z.number().int().nullable(),
  totals: ShiftTotals,
  settlement: SettlementInfo.nullable(),
});
export type IssuerReportPart = z.infer<typeof IssuerReportPart>;

export const ShiftReport = z.object({
  kind: z.enum(['X', 'Z']),
  shiftId: z.number().int(),
  terminalId: z.string(),
  merchantId: z.string(),
  merchantName: z.string(),
  openedAt: z.string(),
  openedBy: z.string(),
  closedAt: z.string().nullable(),
  closedBy: z.string().nullable(),
  fromStan: z.number().int(),
  toStan: z.number().int(),
  openingFloatFen: Fen,
  totals: ShiftTotals,
  expectedCashFen: z.number().int(),
  variance: VarianceInfo.nullable(),
  queue: z.object({ offlineUnsent: z.number().int(), reversalsUnsent: z.number().int() }),
  exceptions: z.object({
    beforeOpen: z.number().int(),
    declined: z.number().int(),
    pending: z.number().int(),
    reversals: z.number().int(),
  }),
  journal: z
    .object({
      ok: z.boolean(),
      checked: z.number().int(),
      lastSeq: z.number().int(),
      problem: z.string().optional(),
      /** The journal head at close (seq and SM3 chain hash of the last record), printed on the Z. */
      headSeq: z.number().int().optional(),
      headHash: z.string().optional(),
      /** The manager who acknowledged a failed check so the close could go ahead. */
      acknowledgedBy: z.string().optional(),
    })
    .nullable(),
  /** The home issuer's batch (the only one on a single-issuer terminal). */
  settlement: SettlementInfo.nullable(),
  /** Per issuer, home first — present only when more than one issuer entry is configured. */
  issuers: z.array(IssuerReportPart).optional(),
  generatedAt: z.string(),
});
export type ShiftReport = z.infer<typeof ShiftReport>;

export const ShiftSummary = z.object({
  id: z.number().int(),
  status: z.enum(['open', 'closed']),
  openedAt: z.string(),
  openedBy: z.string(),
  openingFloatFen: Fen,
  closedAt: z.string().nullable(),
  closedBy: z.string().nullable(),
  /** Whether a blind count has been recorded (never the figures to a cashier). */
  counted: z.boolean(),
  /** Manager-only fields; null for a cashier. */
  varianceFen: z.number().int().nullable(),
  acknowledged: z.boolean(),
  /** The shift's settlement: 'settled' when every issuer's batch is, else the first batch's that is not. */
  settlement: z.enum(['settled', 'unmatched', 'unreachable', 'refused', 'bad_answer']).nullable(),
  netCardFen: z.number().int().nullable(),
});
export type ShiftSummary = z.infer<typeof ShiftSummary>;

export const ReportDoc = z.object({
  report: ShiftReport,
  doc: ReceiptDoc,
  copy: z.boolean(),
  /** A Z's acknowledgement of its variance, once given (the screen shows it instead of the button). */
  ack: z.object({ by: z.string(), at: z.string(), note: z.string().nullable() }).nullable().optional(),
});

export const AuditEntry = z.object({
  id: z.number().int(),
  at: z.string(),
  operatorId: z.string().nullable(),
  operatorRole: z.string().nullable(),
  action: z.string(),
  outcome: z.enum(['ok', 'denied', 'failed']),
  stan: z.number().int().nullable(),
  shiftId: z.number().int().nullable(),
  approvedBy: z.string().nullable(),
  detail: z.string().nullable(),
});
export type AuditEntry = z.infer<typeof AuditEntry>;

export const OperatorDetail = z.object({
  id: z.string(),
  name: z.string(),
  role: Role,
  disabled: z.boolean(),
  lockedUntil: z.string().nullable(),
});
export type OperatorDetail = z.infer<typeof OperatorDetail>;

/** A file produced for download (CSV or PDF), base64 so both transports carry it as JSON. */
export const ExportFile = z.object({ filename: z.string(), mime: z.string(), base64: z.string() });

const pin = z.string().regex(/^\d{4,8}$/);
const stan = z.number().int().positive();
const VoidRefundResult = z.object({ result: TxnResult, receipt: Receipt.nullable() });

export const Dashboard = z.object({
  shift: ShiftSummary.nullable(),
  totals: ShiftTotals,
  queue: z.object({ offlineUnsent: z.number().int(), reversalsUnsent: z.number().int() }),
  exceptions: z.object({
    declined: z.number().int(),
    pending: z.number().int(),
    unsettledBatches: z.number().int(),
    unacknowledged: z.number().int(),
  }),
  limits: z.array(z.object({ key: z.string(), value: z.string() })),
});

export const managerMethods = {
  /** Void an approved sale of the open, unsettled batch (or the last sale). Manager override. */
  'txn.void': method({
    req: z.object({ origStan: stan, override: Override }).strict(),
    res: VoidRefundResult,
    roles: SELLERS,
  }),
  /** Refund: against origStan (partial allowed, never more than the original in total), or unlinked to a presented card. Manager override. */
  'txn.refund': method({
    req: z
      .object({
        origStan: stan.optional(),
        cardToken: z.string().min(1).max(64).optional(),
        amountFen: Fen.refine((v) => v > 0, 'amount must be positive'),
        override: Override,
      })
      .strict(),
    res: VoidRefundResult,
    roles: SELLERS,
  }),
  'shift.current': method({ req: Empty, res: ShiftSummary.nullable(), roles: ALL_ROLES, passive: true }),
  'shift.open': method({
    req: z.object({ openingFloatFen: Fen }).strict(),
    res: ShiftSummary,
    roles: MANAGER,
  }),
  /** Blind count: the answer never says what was expected. */
  'shift.count': method({
    req: z
      .object({
        countedFen: Fen,
        /** Must add up to countedFen (DENOMINATION_SUM_MISMATCH), each value once (DUPLICATE_DENOMINATION). */
        denominations: z.array(Denomination).max(30).optional(),
      })
      .strict(),
    res: z.object({ recorded: z.literal(true), countedAt: z.string() }),
    roles: SELLERS,
  }),
  /**
   * The open shift's latest blind count: who and when; the amount and breakdown only for a
   * manager (a cashier gets nulls). Null when no shift is open or nothing was counted yet.
   */
  'shift.countInfo': method({
    req: Empty,
    res: z
      .object({
        countedBy: z.string(),
        countedAt: z.string(),
        countedFen: z.number().int().nullable(),
        denominations: z.array(Denomination).nullable(),
      })
      .nullable(),
    roles: SELLERS,
  }),
  /** Close: verify the journal, freeze the Z report, settle with the issuer. `force` closes with unsent offline advices. */
  'shift.close': method({
    /** `journalAck`: a manager's PIN acknowledging a failed journal check (JOURNAL_CHECK_FAILED). */
    req: z
      .object({ countedFen: Fen.optional(), force: Override.optional(), journalAck: Override.optional() })
      .strict(),
    res: ReportDoc,
    roles: MANAGER,
  }),
  'shift.acknowledge': method({
    req: z.object({ shiftId: z.number().int().positive(), note: freeText({ max: 500 }).optional() }).strict(),
    res: Empty,
    roles: MANAGER,
  }),
  'shift.list': method({
    req: z.object({ limit: z.number().int().min(1).max(500) }).strict(),
    res: z.array(ShiftSummary),
    roles: MANAGER,
  }),
  /** Retry settlement of a closed batch (issuer unreachable at close, or after fixing a discrepancy). */
  /** Sends the shift's batches again (every issuer's; with issuerId, that issuer's only) and answers with its (the home's) settlement. */
  'shift.settle': method({
    req: z.object({ shiftId: z.number().int().positive(), issuerId: z.string().max(32).optional() }).strict(),
    res: SettlementInfo,
    roles: MANAGER,
  }),
  'report.x': method({ req: Empty, res: ReportDoc, roles: MANAGER }),
  /** The stored Z report. As printed next: a COPY once the original has printed. */
  'report.z': method({
    req: z.object({ shiftId: z.number().int().positive() }).strict(),
    res: ReportDoc,
    roles: MANAGER,
  }),
  /** Print X (any time) or Z (the first print is the original; later ones are copies and need an override). */
  'report.print': method({
    req: z
      .object({
        kind: z.enum(['X', 'Z']),
        shiftId: z.number().int().positive().optional(),
        override: Override.optional(),
      })
      .strict(),
    res: z.object({
      printed: z.boolean(),
      held: z.boolean(),
      copy: z.boolean(),
      reason: z.string().optional(),
    }),
    roles: MANAGER,
  }),
  'report.export': method({
    req: z
      .object({
        kind: z.enum(['X', 'Z']),
        shiftId: z.number().int().positive().optional(),
        format: z.enum(['csv', 'pdf']),
      })
      .strict(),
    res: ExportFile,
    roles: MANAGER,
  }),
  'audit.list': method({
    req: z
      .object({ limit: z.number().int().min(1).max(1000), beforeId: z.number().int().positive().optional() })
      .strict(),
    res: z.array(AuditEntry),
    roles: MANAGER,
  }),
  'audit.export': method({
    req: z.object({ format: z.enum(['csv', 'pdf']) }).strict(),
    res: ExportFile,
    roles: MANAGER,
  }),
  'operators.list': method({ req: Empty, res: z.array(OperatorDetail), roles: MANAGER }),
  'operators.add': method({
    req: z
      .object({ id: z.string().regex(/^\d{3,8}$/), name: freeText({ min: 1, max: 40 }), role: Role, pin })
      .strict(),
    res: OperatorDetail,
    roles: MANAGER,
  }),
  'operators.setDisabled': method({
    req: z.object({ id: z.string().min(1).max(32), disabled: z.boolean() }).strict(),
    res: OperatorDetail,
    roles: MANAGER,
  }),
  'operators.resetPin': method({
    req: z.object({ id: z.string().min(1).max(32), pin }).strict(),
    res: OperatorDetail,
    roles: MANAGER,
  }),
  'manager.dashboard': method({ req: Empty, res: Dashboard, roles: MANAGER, passive: true }),
};
