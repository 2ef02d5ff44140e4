/**
 * The buyer's ID of a card-life transaction (实名登记, src/shared/card-rules.ts needsBuyerId) and
 * how it was paid (cash, or a bank transfer and its reference — the non-cash rule).
 *
 * The name and ID number are SM4-sealed under the terminal's data key, bound to the row's STAN
 * (AAD), and written in the pending row's own SQLite transaction (RunRequest.withPending): the row
 * and its buyer exist together or not at all. Nothing else keeps them in clear: the row, the
 * journal body, the audit log and every answer to the cashier carry the masked forms only; the
 * clear ID is opened only for a manager's export (`card.buyers`), which is itself audited.
 */
import type { Db, Migration } from '../store/sqlite';
import { openSm4, sealSm4 } from '../crypto';
import type { BuyerKind, CardPayment } from '../../shared/card-rules';
import { formatMoney } from '../../shared/money';
import type { ReceiptLine } from '../../shared/receipt-doc';
import type { RunRequest } from './runner';

export const CARD_LIFE_MIGRATIONS: Migration[] = [
  {
    id: 'cardlife/001-buyers',
    sql: `
  CREATE TABLE card_buyers (
    -- deferred: written in the same transaction as its txns row, just before that row's INSERT
    stan INTEGER PRIMARY KEY REFERENCES txns(stan) DEFERRABLE INITIALLY DEFERRED,
    buyer_kind TEXT NOT NULL CHECK (buyer_kind IN ('person','organisation')),
    -- masked forms only; the clear name and ID number are in id_enc (SM4, AAD = stan)
    name_masked TEXT,
    id_masked TEXT,
    id_enc BLOB,
    paid_by TEXT NOT NULL CHECK (paid_by IN ('cash','bank_transfer')),
    transfer_ref TEXT,
    created_at TEXT NOT NULL
  );`,
  },
];

export interface BuyerId {
  name: string;
  idNumber: string;
}

export interface BuyerRecord {
  buyerKind: BuyerKind;
  paidBy: CardPayment;
  transferRef?: string;
  id?: BuyerId;
}

/** A load's payment and buyer as checkLoadRules (card-life.ts) judged them, for the whole order. */
export interface LoadOrder {
  buyerKind: BuyerKind;
  paidBy: CardPayment;
  /** The bank transfer's reference (bank_transfer only). */
  transferRef?: string;
  id?: BuyerId;
}

/**
 * How one card's load carries its order into the runner — the same for a single sale or top-up
 * (card-life.ts) and for each card of a batch (card-batch.ts): the cash in the pending row (the
 * drawer counts it when approved; 0 for a transfer), the transfer amount and the ID flag in the
 * issuer command, and the buyer sealed for this STAN in the pending row's own transaction.
 */
export function loadRun(
  buyers: CardBuyers | undefined,
  o: LoadOrder,
  valueFen: number,
): Pick<RunRequest, 'otherTenderFen' | 'cardLife' | 'withPending'> {
  const cash = o.paidBy === 'cash';
  return {
    otherTenderFen: cash ? valueFen : 0,
    cardLife: { ...(cash ? {} : { transferFen: valueFen }), ...(o.id ? { buyerId: true } : {}) },
    withPending: buyers
      ? (stan) =>
          buyers.record(stan, {
            buyerKind: o.buyerKind,
            paidBy: o.paidBy,
            ...(cash ? {} : { transferRef: o.transferRef!.trim() }),
            ...(o.id ? { id: o.id } : {}),
          })
      : undefined,
  };
}

export type MaskedBuyer = NonNullable<ReturnType<CardBuyers['masked']>>;

/** The receipt's lines of how it was paid and who bought (masked): a single load's and a batch's customer copy. */
export function buyerLines(m: MaskedBuyer | undefined, transferFen: number): ReceiptLine[] {
  if (!m) return [];
  return [
    ...(m.paidBy === 'bank_transfer'
      ? [
          { type: 'pair' as const, left: '银行转账 TRANSFER', right: formatMoney(transferFen) },
          { type: 'pair' as const, left: '转账流水 REF', right: m.transferRef ?? '-' },
        ]
      : []),
    ...(m.idMasked
      ? [{ type: 'pair' as const, left: '购卡人 BUYER', right: `${m.nameMasked ?? '*'} ${m.idMasked}` }]
      : []),
  ];
}

const enc = new TextEncoder();
const dec = new TextDecoder();
const aad = (stan: number) => enc.encode(`cardtill:buyer-id:v1:${stan}`);

/** 张三 → 张*; Zhang San → Z********. */
export function maskName(name: string): string {
  const chars = [...name.trim()];
  return chars.length <= 1 ? '*' : chars[0] + '*'.repeat(chars.length - 1);
}

/** 110101199003071234 → 110***********1234 (first 3, last 4, as ID numbers are shown in China). */
export function maskIdNumber(id: string): string {
  const s = id.trim();
  if (s.length <= 7) return '*'.repeat(s.length);
  return s.slice(0, 3) + '*'.repeat(s.length - 7) + s.slice(-4);
}

export class CardBuyers {
  constructor(
    private readonly db: Db,
    private readonly dataKey: Uint8Array,
    private readonly now: () => Date,
  ) {}

  /** Inside the pending row's transaction (RunRequest.withPending). */
  record(stan: number, b: BuyerRecord): void {
    const sealed = b.id
      ? Buffer.from(sealSm4(this.dataKey, enc.encode(JSON.stringify(b.id)), aad(stan)))
      : null;
    this.db
      .prepare(
        `INSERT INTO card_buyers (stan, buyer_kind, name_masked, id_masked, id_enc, paid_by, transfer_ref, created_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
      )
      .run(
        stan,
        b.buyerKind,
        b.id ? maskName(b.id.name) : null,
        b.id ? maskIdNumber(b.id.idNumber) : null,
        sealed,
        b.paidBy,
        b.transferRef ?? null,
        this.now().toISOString(),
      );
  }

  /** The masked view (what the cashier and the receipt may show). */
  masked(
    stan: number,
  ): { nameMasked?: string; idMasked?: string; paidBy: CardPayment; transferRef?: string } | undefined {
    const r = this.db.prepare('SELECT * FROM card_buyers WHERE stan = ?').get(stan) as Row | undefined;
    if (!r) return undefined;
    return {
      ...(r.name_masked ? { nameMasked: r.name_masked } : {}),
      ...(r.id_masked ? { idMasked: r.id_masked } : {}),
      paidBy: r.paid_by,
      ...(r.transfer_ref ? { transferRef: r.transfer_ref } : {}),
    };
  }

  /** The clear IDs of a STAN range (rows that recorded one), for a manager's export only (the caller checks the role and audits it). */
  exportRange(fromStan: number, toStan: number): Array<BuyerExportRow> {
    const rows = this.db
      .prepare(
        `SELECT b.*, t.type, t.amount_fen, t.masked, t.status FROM card_buyers b JOIN txns t ON t.stan = b.stan
          WHERE b.stan BETWEEN ? AND ? AND b.id_enc IS NOT NULL ORDER BY b.stan`,
      )
      .all(fromStan, toStan) as Array<
      Row & { type: string; amount_fen: number; masked: string; status: string }
    >;
    return rows.map((r) => {
      const id = r.id_enc
        ? (JSON.parse(dec.decode(openSm4(this.dataKey, r.id_enc, aad(r.stan)))) as BuyerId)
        : undefined;
      return {
        stan: r.stan,
        type: r.type,
        status: r.status,
        amountFen: r.amount_fen,
        card: r.masked,
        buyerKind: r.buyer_kind,
        paidBy: r.paid_by,
        ...(r.transfer_ref ? { transferRef: r.transfer_ref } : {}),
        ...(id ? { name: id.name, idNumber: id.idNumber } : {}),
        time: r.created_at,
      };
    });
  }
}

export interface BuyerExportRow {
  stan: number;
  type: string;
  status: string;
  amountFen: number;
  card: string;
  buyerKind: BuyerKind;
  paidBy: CardPayment;
  transferRef?: string;
  name?: string;
  idNumber?: string;
  time: string;
}

interface Row {
  stan: number;
  buyer_kind: BuyerKind;
  name_masked: string | null;
  id_masked: string | null;
  id_enc: Buffer | null;
  paid_by: CardPayment;
  transfer_ref: string | null;
  created_at: string;
}
