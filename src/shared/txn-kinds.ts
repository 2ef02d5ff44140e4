/**
 * Transaction kinds as data: what each kind of transaction MEANS, declared once. Every place that
 * used to switch on a type string (totals, settlement, receipts and their QR code, overrides, the
 * audit log, offline eligibility, reversal on an unknown outcome, the issuer simulator's reverse)
 * reads this table instead, so a new kind is one declaration here plus its handlers and screens
 * (docs/architecture.md "Transaction kinds").
 *
 * Pure and dependency-free (only ./errors): imported by the core, the renderer and the issuer
 * simulator alike.
 *
 * Two guarantees:
 * - A kind forgotten in code is a compile error: `TxnType` is derived from the table, and code
 *   that must treat every value of a field switches over it with `assertNever` in the default.
 * - A kind string the table does not know (a row written by a newer version, an edited database)
 *   is a typed refusal: `kindOf` throws UNKNOWN_TXN_KIND — never a silent zero in a total.
 *
 * The production table is frozen and built once at load. Tests that need an extra kind build their
 * own table with `defineKinds({ ...TXN_KIND_DECLS, fake: {...} })` and hand it to the pure
 * functions that take a `kinds` parameter (the real table is their default); nothing can add a
 * kind to `TXN_KINDS` at run time.
 */
import { TillError } from './errors';

/**
 * What the kind does to the card's balance at the issuer.
 * `undo`: the opposite of the kind it reverses (a reversal); it never counts in the shift's net,
 * because the row it undoes was already declined at the till.
 * `move`: value moves from one card to another of the same issuer (replace, 换卡): nothing comes in
 * or goes out for the shop, so it never counts in the net either; its undo is the issuer's own.
 */
export type CardMoney = 'debit' | 'credit' | 'none' | 'undo' | 'move';
/** What the kind does to the cash drawer. */
export type DrawerMoney = 'in' | 'out' | 'none';
/**
 * A named line of the X/Z report (src/main/shift/totals.ts folds it, report-layout.ts prints it):
 * a kind names the line it is counted in (its `totals`), the line is declared here once with its
 * words. A new line is one entry below: the fold, the contract (src/shared/contract/manager.ts),
 * the report and the manager's screen all read this table.
 */
export interface TotalsLineDecl {
  readonly zh: string;
  readonly en: string;
  /**
   * How the amount prints under 按类型 BY TYPE: `plus` as it is, `minus` taken off the net (voids,
   * refunds), `count` the count only (inquiries), `none` no line there (reversals are listed among
   * the exceptions).
   */
  readonly print: 'plus' | 'minus' | 'count' | 'none';
  /**
   * The figures the line keeps — `count`; `amount`: count and amount; `cash`: count, amount and
   * the cash its rows moved in the drawer (a magnitude; in or out is the kinds' `drawer`).
   * Fixed per line: stored Z reports carry exactly these fields.
   */
  readonly figures: 'count' | 'amount' | 'cash';
  /**
   * On every report since the first release (always in the totals, always printed). A line added
   * later is absent from Z reports frozen before it, and is in the totals when a kind of the table
   * counts in it.
   */
  readonly firstRelease: boolean;
  /**
   * Printed (and shown on the manager's today screen) only when something was counted in it: a
   * till without a PSAM never pays on the chip, its reports carry no empty chip lines.
   */
  readonly quietWhenZero?: boolean;
}

/** The X/Z lines, in report order. */
export const TOTALS_LINE_DECLS = {
  sales: { zh: '消费', en: 'SALES', print: 'plus', figures: 'cash', firstRelease: true },
  voids: { zh: '撤销', en: 'VOIDS', print: 'minus', figures: 'cash', firstRelease: true },
  refunds: { zh: '退货', en: 'REFUNDS', print: 'minus', figures: 'amount', firstRelease: true },
  inquiries: { zh: '查询', en: 'INQUIRIES', print: 'count', figures: 'count', firstRelease: true },
  reversals: { zh: '冲正', en: 'REVERSALS', print: 'none', figures: 'amount', firstRelease: true },
  // Card life (issue 12): value loaded onto cards for cash, balances paid out, balances moved.
  cardsSold: { zh: '售卡', en: 'CARDS SOLD', print: 'plus', figures: 'cash', firstRelease: false },
  topups: { zh: '充值', en: 'TOP-UPS', print: 'plus', figures: 'cash', firstRelease: false },
  cashouts: { zh: '退卡', en: 'CASH-OUTS', print: 'plus', figures: 'cash', firstRelease: false },
  replacements: { zh: '换卡', en: 'REPLACEMENTS', print: 'plus', figures: 'amount', firstRelease: false },
  // PBOC e-purse (issue 14): paid on the chip, apart from the host's sales (cleared later by TAC).
  chipPurchases: {
    zh: '芯片消费',
    en: 'CHIP PURCHASES',
    print: 'plus',
    figures: 'cash',
    firstRelease: false,
    quietWhenZero: true,
  },
  chipLoads: {
    zh: '圈存',
    en: 'CHIP LOADS',
    print: 'plus',
    figures: 'cash',
    firstRelease: false,
    quietWhenZero: true,
  },
} as const satisfies Record<string, TotalsLineDecl>;

/** Where an approved row of the kind is counted on the X/Z report (src/main/shift/totals.ts). */
export type TotalsBucket = keyof typeof TOTALS_LINE_DECLS;
export const TOTALS_BUCKETS = Object.keys(TOTALS_LINE_DECLS) as TotalsBucket[];
/** The lines every report has had since the first release. */
export type FirstReleaseTotalsBucket = {
  [B in TotalsBucket]: (typeof TOTALS_LINE_DECLS)[B]['firstRelease'] extends true ? B : never;
}[TotalsBucket];

/**
 * Where it is counted in a batch settled with the issuer: the settle message's totals carry
 * `<bucket>Count` and `<bucket>Fen` for every bucket (BatchTotals, src/shared/issuer-settlement.ts,
 * docs/issuer-protocol.md "settle"). The first three are the first release's and always on the
 * wire; a bucket added later is 0 when absent, so older messages and stored batches still compare.
 */
export const SETTLEMENT_BUCKETS = [
  'sale',
  'void',
  'refund',
  'activate',
  'topup',
  'cashout',
  'replace',
  'loadvoid',
] as const;
export type SettlementBucket = (typeof SETTLEMENT_BUCKETS)[number];
export const FIRST_RELEASE_SETTLEMENT_BUCKETS: readonly SettlementBucket[] = ['sale', 'void', 'refund'];
/** The manager override a kind needs before it runs (src/main/auth/override.ts). */
export type KindOverrideAction = 'void' | 'refund' | 'cashout' | 'replace';

export interface TxnKindDecl {
  /** The online wire command the terminal sends (docs/issuer-protocol.md). */
  readonly wire: string;
  /**
   * Other names the issuer records this kind under: an offline sale reaches the issuer in an
   * advice batch and is recorded as `advice`.
   */
  readonly wireAliases: readonly string[];
  readonly card: CardMoney;
  /**
   * The drawer: `amount` is what happens to the row's amount_fen in cash (a future top-up paid in
   * cash is `in`, a cash-out `out`); `otherTender` to other_tender_fen, the cash part of a split
   * tender (a sale takes it in, a void of that sale gives it back).
   */
  readonly drawer: { readonly amount: DrawerMoney; readonly otherTender: DrawerMoney };
  /**
   * How an unknown outcome (answer lost, finalize failed, crash while pending) is undone: the kind
   * that reverses this one (queued by finalize), or null when there is nothing to undo (the kind
   * moves no money, or is itself the undo and is retried until acknowledged).
   */
  readonly reversedBy: string | null;
  /** May be approved offline and forwarded later as an advice (src/offline-queue). */
  readonly offline: boolean;
  /** The manager's override it needs, or null. */
  readonly override: KindOverrideAction | null;
  /**
   * The X/Z line it is counted in (TOTALS_LINE_DECLS, or the table's own lines), or null: then it
   * is in `byKind` and the net only.
   */
  readonly totals: string | null;
  /** Its settlement bucket (SETTLEMENT_BUCKETS, or the table's own), or null: not settled. */
  readonly settlement: string | null;
  /** Receipt title, Chinese first (printed as "zh EN"). */
  readonly title: { readonly zh: string; readonly en: string };
  /**
   * The kind's byte in the receipt QR (src/main/receipt/qr.ts). STABLE FOREVER: printed receipts
   * carry it, so a code is never reused or renumbered (0–4 are the codes of the first release,
   * which encoded the kinds by array position).
   */
  readonly qrCode: number;
  /** The audit log's action name for this kind. */
  readonly audit: string;
  /**
   * The customer pays the row's amount on the terminal (card life: activate, top-up):
   * other_tender_fen is that payment, not a second tender beside the card — the receipt prints it
   * as the cash taken, not added to a total.
   */
  readonly paidOnTerminal: boolean;
  /**
   * The kind that voids an approved row of this kind within the open batch (src/main/terminal/
   * void-refund.ts): `void` for a sale, `void_load` for a card sold or topped up. Absent: not voidable.
   */
  readonly voidedBy?: string;
  /**
   * Where the money moves. `issuer`: at the issuer, online. `chip`: on the card itself, with the
   * PSAM (PBOC e-purse, issue 14) — the runner sends it to a local port, its unknown outcome is
   * never reversed at the issuer (the issuer never saw it) but resolved from the card's grey
   * record (src/main/terminal/chip-purchase.ts), and the issuer clears it later from its TAC.
   */
  readonly executesOn: 'issuer' | 'chip';
  /**
   * The kind moves no money but changes something at the issuer a lost answer leaves in doubt
   * (the card's password): its unknown outcome is reversed like a money kind's, and the issuer's
   * reverse puts that state back (src/issuer-sim/handlers-password.ts). Absent: nothing to undo.
   */
  readonly changesIssuerState?: boolean;
}

export interface TxnKind<K extends string = string> extends TxnKindDecl {
  readonly type: K;
}

/** The declarations. Order is irrelevant (nothing depends on it — the QR code is explicit). */
export const TXN_KIND_DECLS = {
  sale: {
    wire: 'authorize',
    wireAliases: ['advice'],
    card: 'debit',
    drawer: { amount: 'none', otherTender: 'in' },
    reversedBy: 'reversal',
    offline: true,
    override: null,
    totals: 'sales',
    settlement: 'sale',
    title: { zh: '消费', en: 'SALE' },
    qrCode: 0,
    audit: 'txn.sale',
    paidOnTerminal: false,
    voidedBy: 'void',
    executesOn: 'issuer',
  },
  inquiry: {
    wire: 'inquiry',
    wireAliases: [],
    card: 'none',
    drawer: { amount: 'none', otherTender: 'none' },
    reversedBy: null,
    offline: false,
    override: null,
    totals: 'inquiries',
    settlement: null,
    title: { zh: '余额查询', en: 'BALANCE' },
    qrCode: 1,
    audit: 'txn.inquiry',
    paidOnTerminal: false,
    executesOn: 'issuer',
  },
  void: {
    wire: 'void',
    wireAliases: [],
    card: 'credit',
    // The void row copies the sale's cash part: it leaves the drawer again.
    drawer: { amount: 'none', otherTender: 'out' },
    reversedBy: 'reversal',
    // Only the void of an offline sale still in the queue (src/main/terminal/offline-void.ts).
    offline: true,
    override: 'void',
    totals: 'voids',
    settlement: 'void',
    title: { zh: '撤销', en: 'VOID' },
    qrCode: 2,
    audit: 'txn.void',
    paidOnTerminal: false,
    executesOn: 'issuer',
  },
  refund: {
    wire: 'refund',
    wireAliases: [],
    // Refunds credit the card: no cash leaves the drawer.
    card: 'credit',
    drawer: { amount: 'none', otherTender: 'none' },
    reversedBy: 'reversal',
    offline: false,
    override: 'refund',
    totals: 'refunds',
    settlement: 'refund',
    title: { zh: '退货', en: 'REFUND' },
    qrCode: 3,
    audit: 'txn.refund',
    paidOnTerminal: false,
    executesOn: 'issuer',
  },
  reversal: {
    wire: 'reverse',
    wireAliases: [],
    card: 'undo',
    drawer: { amount: 'none', otherTender: 'none' },
    // A reversal is retried until the issuer acknowledges it; it is never itself reversed.
    reversedBy: null,
    offline: false,
    override: null,
    totals: 'reversals',
    settlement: null,
    title: { zh: '冲正', en: 'REVERSAL' },
    qrCode: 4,
    audit: 'txn.reversal',
    paidOnTerminal: false,
    executesOn: 'issuer',
  },
  // Card life (issue 12). The customer pays the value in cash: the row's other_tender_fen is that
  // cash, recorded in the pending row BEFORE the issuer is asked (src/main/terminal/card-life.ts),
  // and it counts in the drawer only when the row ends approved — a decline or a lost answer
  // (reversed) means the cash is handed back. Never offline: value is created only online.
  activate: {
    wire: 'activate',
    wireAliases: [],
    card: 'credit',
    drawer: { amount: 'none', otherTender: 'in' },
    // The issuer's reverse debits the value back and returns the card to not_activated.
    reversedBy: 'reversal',
    offline: false,
    override: null,
    totals: 'cardsSold',
    settlement: 'activate',
    title: { zh: '售卡', en: 'CARD SOLD' },
    qrCode: 5,
    audit: 'txn.activate',
    paidOnTerminal: true,
    voidedBy: 'void_load',
    executesOn: 'issuer',
  },
  topup: {
    wire: 'topup',
    wireAliases: [],
    card: 'credit',
    drawer: { amount: 'none', otherTender: 'in' },
    reversedBy: 'reversal',
    offline: false,
    override: null,
    totals: 'topups',
    settlement: 'topup',
    title: { zh: '充值', en: 'TOP-UP' },
    qrCode: 6,
    audit: 'txn.topup',
    paidOnTerminal: true,
    voidedBy: 'void_load',
    executesOn: 'issuer',
  },
  // PBOC e-purse (issue 14): the chip's own balance, debited with the PSAM, no issuer round trip.
  // Never reversed by message: a torn DEBIT is resolved on the card (grey record, GET TRANSACTION
  // PROVE); the issuer learns of it at clearing, from its TAC in the settlement batch.
  chip_purchase: {
    wire: 'chip_purchase',
    wireAliases: [],
    card: 'debit',
    drawer: { amount: 'none', otherTender: 'in' },
    reversedBy: null,
    offline: false,
    override: null,
    totals: 'chipPurchases',
    settlement: null,
    title: { zh: '芯片消费', en: 'CHIP PURCHASE' },
    qrCode: 7,
    audit: 'txn.chip_purchase',
    paidOnTerminal: false,
    executesOn: 'chip',
  },
  // 圈存: a load onto the chip, paid in cash on the terminal; the issuer's MAC2 (online) allows it.
  chip_load: {
    wire: 'chip_load',
    wireAliases: [],
    card: 'credit',
    drawer: { amount: 'none', otherTender: 'in' },
    reversedBy: null,
    offline: false,
    override: null,
    totals: 'chipLoads',
    settlement: null,
    title: { zh: '圈存', en: 'CHIP LOAD' },
    qrCode: 8,
    audit: 'txn.chip_load',
    paidOnTerminal: true,
    executesOn: 'chip',
  },
  // Cardholder password set/change (issue 12, 密码支付): no money, but its own STAN, journaled and
  // signed like an inquiry — who changed a card's password, when, and the issuer's answer.
  // The PIN blocks are never in the row, the sealed command or the journal (runner.ts `pinBlocks`).
  // No money moves, but a lost answer leaves the card's password in doubt (old or new?): it is
  // reversed like every other kind, and the issuer's reverse puts the previous password and try
  // counter back — the reversal names only the STAN, the issuer keeps what it replaced. The
  // cashier is told the change did not take. QR byte 20: far from the card-life kinds' bytes.
  password: {
    wire: 'password',
    wireAliases: [],
    card: 'none',
    drawer: { amount: 'none', otherTender: 'none' },
    reversedBy: 'reversal',
    changesIssuerState: true,
    offline: false,
    override: null,
    totals: null,
    settlement: null,
    title: { zh: '设置卡密码', en: 'CARD PASSWORD' },
    qrCode: 20,
    audit: 'txn.password',
    paidOnTerminal: false,
    executesOn: 'issuer',
  },
  // Cash-out (退卡 / 回收): the card's whole remaining balance is debited and paid out of the
  // drawer in cash; the card ends `closed`. The row's amount is that balance, learnt online just
  // before (an inquiry in the same till lock), and the issuer refuses if it changed meanwhile.
  cashout: {
    wire: 'cashout',
    wireAliases: [],
    card: 'debit',
    drawer: { amount: 'out', otherTender: 'none' },
    // The issuer's reverse credits the balance back and reopens the card.
    reversedBy: 'reversal',
    offline: false,
    override: 'cashout',
    totals: 'cashouts',
    settlement: 'cashout',
    title: { zh: '退卡', en: 'CASH-OUT' },
    qrCode: 10,
    audit: 'txn.cashout',
    paidOnTerminal: false,
    executesOn: 'issuer',
  },
  // Replace (换卡): a registered card reported lost or damaged hands its whole balance to a new,
  // unsold card in one issuer message; the old card ends `replaced`. No money comes in or goes
  // out (the row's amount is 0: the issuer answers what moved); the issuer's reverse moves it back.
  replace: {
    wire: 'replace',
    wireAliases: [],
    card: 'move',
    drawer: { amount: 'none', otherTender: 'none' },
    reversedBy: 'reversal',
    offline: false,
    override: 'replace',
    totals: 'replacements',
    settlement: 'replace',
    title: { zh: '换卡', en: 'CARD REPLACED' },
    qrCode: 11,
    audit: 'txn.replace',
    paidOnTerminal: false,
    executesOn: 'issuer',
  },
  // Void of a card sale or top-up within the open batch: the value comes off the card again (the
  // issuer refuses when part of it was spent) and its cash — the original's other tender, copied —
  // goes back out of the drawer. An activation voided returns the card to not_activated.
  void_load: {
    wire: 'voidload',
    wireAliases: [],
    card: 'debit',
    drawer: { amount: 'none', otherTender: 'out' },
    reversedBy: 'reversal',
    offline: false,
    override: 'void',
    totals: null,
    settlement: 'loadvoid',
    title: { zh: '撤销售卡/充值', en: 'VOID CARD LOAD' },
    qrCode: 12,
    audit: 'txn.void_load',
    // Its other tender is the load's payment given back, not a second tender: printed as such.
    paidOnTerminal: true,
    executesOn: 'issuer',
  },
} as const satisfies Record<
  string,
  TxnKindDecl & { totals: TotalsBucket | null; settlement: SettlementBucket | null }
>;

/** Every kind's name: the one union of transaction types (src/shared/contract/sale.ts uses it). */
export type TxnType = keyof typeof TXN_KIND_DECLS;

export interface KindTable<K extends string = string> {
  /** Every kind, in declaration order. */
  readonly list: ReadonlyArray<TxnKind<K>>;
  readonly types: readonly [K, ...K[]];
  has(type: string): type is K;
  /** The kind, or UNKNOWN_TXN_KIND. */
  get(type: string): TxnKind<K>;
  /** The kind the issuer records under this wire command (or alias), undefined when none. */
  byWire(command: string): TxnKind<K> | undefined;
  /** The kind whose receipt-QR byte this is, undefined when none. */
  byQrCode(code: number): TxnKind<K> | undefined;
  /** Kinds counted in this settlement bucket / totals bucket. */
  inSettlement(bucket?: string): Array<TxnKind<K>>;
  inTotals(bucket?: string): Array<TxnKind<K>>;
  /** The X/Z lines, in report order, each with whether a kind of this table counts in it. */
  readonly totalsLines: ReadonlyArray<TotalsLineDecl & { readonly bucket: string; readonly used: boolean }>;
  /** The settlement buckets, first-release ones first (BatchTotals' `<bucket>Count`/`<bucket>Fen`). */
  readonly settlementBuckets: readonly string[];
}

/**
 * The lines and buckets a table counts in. The production ones by default; a test that declares a
 * kind with a line or bucket of its own passes them extended.
 */
export interface KindBuckets {
  readonly totals: Readonly<Record<string, TotalsLineDecl>>;
  readonly settlement: readonly string[];
}
export const KIND_BUCKETS: KindBuckets = { totals: TOTALS_LINE_DECLS, settlement: SETTLEMENT_BUCKETS };

/**
 * Builds a frozen, checked table: QR codes are bytes and unique, wire commands unique, every
 * `reversedBy` names a kind of the table that is itself not reversible. Throws on a bad
 * declaration (a programming error, found at load time or by the unit tests).
 */
export function defineKinds<K extends string>(
  decls: Readonly<Record<K, TxnKindDecl>>,
  buckets: KindBuckets = KIND_BUCKETS,
): KindTable<K> {
  const list = (Object.keys(decls) as K[]).map((type): TxnKind<K> =>
    deepFreeze({ ...decls[type], type, wireAliases: [...decls[type].wireAliases] }),
  );
  if (list.length === 0) throw new Error('defineKinds: no kinds');
  const byType = new Map<string, TxnKind<K>>(list.map((k) => [k.type, k]));
  const byWire = new Map<string, TxnKind<K>>();
  const byQr = new Map<number, TxnKind<K>>();
  for (const k of list) {
    if (!/^[a-z][a-z0-9_]*$/.test(k.type)) throw new Error(`defineKinds: bad kind name ${k.type}`);
    if (!Number.isInteger(k.qrCode) || k.qrCode < 0 || k.qrCode > 255)
      throw new Error(`defineKinds: ${k.type} qrCode must be a byte`);
    if (byQr.has(k.qrCode)) throw new Error(`defineKinds: qrCode ${k.qrCode} used twice`);
    byQr.set(k.qrCode, k);
    for (const w of [k.wire, ...k.wireAliases]) {
      if (byWire.has(w)) throw new Error(`defineKinds: wire command ${w} used twice`);
      byWire.set(w, k);
    }
    if (k.reversedBy !== null) {
      const r = byType.get(k.reversedBy);
      if (!r) throw new Error(`defineKinds: ${k.type} is reversed by unknown kind ${k.reversedBy}`);
      if (r.reversedBy !== null || r.card !== 'undo')
        throw new Error(`defineKinds: ${k.reversedBy} must be an undo kind that is not itself reversed`);
    }
    if (k.card === 'none' && k.drawer.amount === 'none' && k.reversedBy !== null && !k.changesIssuerState)
      throw new Error(`defineKinds: ${k.type} moves no money and changes no issuer state but has a reversal`);
    if (k.totals !== null && !Object.hasOwn(buckets.totals, k.totals))
      throw new Error(`defineKinds: ${k.type} counts in undeclared X/Z line ${k.totals}`);
    if (k.settlement !== null && !buckets.settlement.includes(k.settlement))
      throw new Error(`defineKinds: ${k.type} settles in undeclared bucket ${k.settlement}`);
  }
  for (const k of list)
    if (k.voidedBy !== undefined && byType.get(k.voidedBy)?.override !== 'void')
      throw new Error(
        `defineKinds: ${k.type} is voided by ${k.voidedBy}, not a kind needing the void override`,
      );
  for (const b of [...Object.keys(buckets.totals), ...buckets.settlement])
    if (!/^[a-z][a-zA-Z0-9]{0,30}$/.test(b)) throw new Error(`defineKinds: bad bucket name ${b}`);
  const totalsLines = Object.entries(buckets.totals).map(([bucket, line]) =>
    deepFreeze({ ...line, bucket, used: list.some((k) => k.totals === bucket) }),
  );
  const table: KindTable<K> = {
    list: Object.freeze(list),
    types: Object.freeze(list.map((k) => k.type)) as unknown as readonly [K, ...K[]],
    has: (type: string): type is K => byType.has(type),
    get(type) {
      const k = byType.get(type);
      if (!k) throw new TillError('UNKNOWN_TXN_KIND', JSON.stringify(String(type)).slice(0, 80));
      return k;
    },
    byWire: (command) => byWire.get(command),
    byQrCode: (code) => byQr.get(code),
    inSettlement: (bucket) => list.filter((k) => (bucket ? k.settlement === bucket : k.settlement !== null)),
    inTotals: (bucket) => list.filter((k) => (bucket ? k.totals === bucket : k.totals !== null)),
    totalsLines: Object.freeze(totalsLines),
    settlementBuckets: Object.freeze([...buckets.settlement]),
  };
  return Object.freeze(table);
}

function deepFreeze<T>(o: T): T {
  if (o && typeof o === 'object' && !Object.isFrozen(o)) {
    Object.freeze(o);
    for (const v of Object.values(o)) deepFreeze(v);
  }
  return o;
}

/** THE table. */
export const TXN_KINDS: KindTable<TxnType> = defineKinds(TXN_KIND_DECLS);

/** Every transaction type, for z.enum (src/shared/contract/sale.ts). */
export const TXN_TYPES: readonly [TxnType, ...TxnType[]] = TXN_KINDS.types;

/** The kind of a type string, or a typed refusal (UNKNOWN_TXN_KIND) for a string no table declares. */
export function kindOf<K extends string = TxnType>(
  type: string,
  kinds: KindTable<K> = TXN_KINDS as unknown as KindTable<K>,
): TxnKind<K> {
  return kinds.get(type);
}

/** For the default of an exhaustive switch: a value the types say cannot exist. */
export function assertNever(x: never, what = 'value'): never {
  throw new Error(`unexpected ${what}: ${String(x)}`);
}

/**
 * Sign of the kind's amount in the shift's net card takings: a debit of the card brings money in,
 * a credit gives it back; `undo` counts nowhere (what it undoes was already declined at the till).
 */
export function cardSign(card: CardMoney): 1 | -1 | 0 {
  switch (card) {
    case 'debit':
      return 1;
    case 'credit':
      return -1;
    case 'none':
    case 'undo':
    case 'move':
      return 0;
    default:
      return assertNever(card, 'card direction');
  }
}

/** Sign of a cash flow in the drawer. */
export function drawerSign(d: DrawerMoney): 1 | -1 | 0 {
  switch (d) {
    case 'in':
      return 1;
    case 'out':
      return -1;
    case 'none':
      return 0;
    default:
      return assertNever(d, 'drawer direction');
  }
}

/** Whether the kind moves money at all (card or drawer): its receipt shows the amount. */
export function movesMoney(k: TxnKindDecl): boolean {
  // A move between two cards (replace) is shown by what moved, not as an amount the shop took.
  const card = k.card !== 'none' && k.card !== 'move';
  return card || k.drawer.amount !== 'none' || k.drawer.otherTender !== 'none';
}

/** Whether a row of this kind whose outcome is unknown must be reversed at the issuer. */
export function needsReversal(type: string, kinds: KindTable = TXN_KINDS): boolean {
  return kindOf(type, kinds).reversedBy !== null;
}

/**
 * Whether a row whose outcome is unknown (answer lost, crash while pending) gets a reversal queued.
 * A type no table declares is reversed too, on purpose: a reversal of a STAN that moved nothing is
 * answered and harmless, money left moved is not — and recovery must not stop on one odd row.
 */
export function reverseOnUnknownOutcome(type: string, kinds: KindTable = TXN_KINDS): boolean {
  return kinds.has(type) ? kinds.get(type).reversedBy !== null : true;
}

/** The same, for the wire command of a pending request (`authorize`, `void`, …). */
export function reverseOnUnknownWire(command: string, kinds: KindTable = TXN_KINDS): boolean {
  const k = kinds.byWire(command);
  return k ? k.reversedBy !== null : true;
}

/** The kind that reverses this one (its wire command is what a queued reversal sends), or null. */
export function reverserOf<K extends string = TxnType>(
  type: string,
  kinds: KindTable<K> = TXN_KINDS as unknown as KindTable<K>,
): TxnKind<K> | null {
  const by = kinds.get(type).reversedBy;
  return by === null ? null : kinds.get(by);
}

/** The issuer-side undo of a kind's card movement: what the reversal does to the card. */
export function undoOf(card: CardMoney): 'credit' | 'debit' | 'none' {
  switch (card) {
    case 'debit':
      return 'credit';
    case 'credit':
      return 'debit';
    case 'none':
    case 'undo':
    // The issuer undoes a move itself (src/issuer-sim/handlers-card-life.ts): two cards change.
    case 'move':
      return 'none';
    default:
      return assertNever(card, 'card direction');
  }
}

/** The receipt title line, "消费 SALE". */
export function receiptTitle(k: Pick<TxnKindDecl, 'title'>): string {
  return `${k.title.zh} ${k.title.en}`;
}

/**
 * The words for a discrepancy's `type` (src/main/shift/reconcile.ts): a settlement bucket (what
 * both sides name a batch's transaction by: `activate`, `loadvoid`) or a kind (chip clearing's
 * `chip_load`), as the receipt title of the kind that counts in it — "撤销售卡/充值 VOID CARD LOAD",
 * not the bucket's code. Undefined for a name no kind of the table has.
 */
export function settlementTypeTitle(type: string, kinds: KindTable = TXN_KINDS): string | undefined {
  const k = kinds.inSettlement(type)[0] ?? (kinds.has(type) ? kinds.get(type) : undefined);
  return k ? receiptTitle(k) : undefined;
}

/** Whether the kind runs on the card (executesOn 'chip'); an unknown type does not. */
export function runsOnChip(type: string, kinds: KindTable = TXN_KINDS): boolean {
  return kinds.has(type) && kinds.get(type).executesOn === 'chip';
}

/** The kinds that may be approved offline (the offline queue's `kind` column). */
export type OfflineTxnType = {
  [K in TxnType]: (typeof TXN_KIND_DECLS)[K]['offline'] extends true ? K : never;
}[TxnType];

/**
 * Their names, for z.enum (src/shared/contract/offline.ts). A new offline kind also needs the
 * offline queue's CHECK (kind IN …) widened by a migration (src/offline-queue/schema.ts).
 */
export const OFFLINE_TXN_TYPES = TXN_KINDS.list
  .filter((k) => k.offline)
  .map((k) => k.type) as unknown as readonly [OfflineTxnType, ...OfflineTxnType[]];
