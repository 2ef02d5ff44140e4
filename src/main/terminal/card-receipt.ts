/**
 * The lines a card-life receipt carries beyond the row's own layout (issue 12: "card masked,
 * value, new balance, cap remaining, STAN, verification code and QR like a sale's"): what the cap
 * still allows after a card sale or top-up, who bought and how it was paid, "hand the cash back"
 * when a cash load did not go through, the cash paid out and "card closed" for a cash-out, the new
 * card, the reason and what moved for a replacement.
 *
 * Built from what is recorded for the STAN, never from the call that made it, so the receipt of
 * the operation, its preview, F4's print (receipt.get / receipt.print) and every reprint (重印
 * COPY) say the same. Terminal.receipt asks for them (TerminalOptions.kindLines) on every receipt.
 * The row itself is the signed journal's (journaledRow); the cap left is the issuer's answer,
 * kept beside it (card_cap_left, not journaled: it is not a figure of the transaction), written in
 * the final row's own commit (RunRequest.withAnswer) — one commit, never a final row without it.
 */
import type { Db, Migration } from '../store/sqlite';
import type { ReceiptLine } from '../../shared/receipt-doc';
import { formatMoney } from '../../shared/money';
import { maskPan } from '../../shared/card';
import type { IssuerAnswer, IssuerCommand } from '../issuer/port';
import { buyerLines, type CardBuyers } from './card-buyer';
import type { TxnRow } from './txn-store';

export const CARD_RECEIPT_MIGRATIONS: Migration[] = [
  {
    id: 'cardlife/002-cap-left',
    sql: `
  CREATE TABLE card_cap_left (
    -- what the card's cap still allowed after this approved card sale or top-up, as the issuer said
    stan INTEGER PRIMARY KEY REFERENCES txns(stan),
    cap_remaining_fen INTEGER NOT NULL CHECK (cap_remaining_fen >= 0),
    created_at TEXT NOT NULL
  );`,
  },
];

export class CardReceipts {
  constructor(
    private readonly o: {
      db: Db;
      buyers: CardBuyers;
      /** The STAN's sealed issuer command opened (txn-store.ts openCommand): the new card of a replacement. */
      openCommand: (sealed: Uint8Array) => IssuerCommand;
      now: () => Date;
    },
  ) {}

  /** After an approved card sale or top-up: what the issuer said the cap still allows. */
  recordCapLeft(stan: number, capRemainingFen: number): void {
    this.o.db
      .prepare('INSERT OR REPLACE INTO card_cap_left (stan, cap_remaining_fen, created_at) VALUES (?, ?, ?)')
      .run(stan, capRemainingFen, this.o.now().toISOString());
  }

  /**
   * RunRequest.withAnswer of a card sale, top-up or replacement: an approved answer's cap left,
   * kept in the final row's own commit (no second commit, and never a final row without it).
   */
  readonly keepCapLeft = (stan: number, a: IssuerAnswer): void => {
    const cap = a.extra.capRemainingFen;
    if (a.result === 'approved' && typeof cap === 'number' && Number.isInteger(cap) && cap >= 0)
      this.recordCapLeft(stan, cap);
  };

  capLeft(stan: number): number | undefined {
    const r = this.o.db.prepare('SELECT cap_remaining_fen FROM card_cap_left WHERE stan = ?').get(stan) as
      { cap_remaining_fen: number } | undefined;
    return r?.cap_remaining_fen;
  }

  /** The kind's own lines for this row (none for a kind that has none). */
  lines(row: TxnRow): ReceiptLine[] {
    const approved = row.status === 'approved';
    switch (row.type) {
      case 'activate':
      case 'topup': {
        const cap = approved ? this.capLeft(row.stan) : undefined;
        const buyer = this.o.buyers.masked(row.stan);
        // A load recorded before buyers were (or by a batch without them) was paid in cash.
        const cash = (buyer?.paidBy ?? 'cash') === 'cash';
        return [
          ...capLine(cap),
          ...buyerLines(buyer, row.amount_fen),
          ...(approved || !cash
            ? []
            : [{ type: 'text' as const, text: '请将现金退还顾客 Hand the cash back', bold: true }]),
        ];
      }
      case 'cashout':
        return approved
          ? [
              { type: 'pair', left: '付现金 CASH PAID', right: formatMoney(row.amount_fen), bold: true },
              { type: 'text', text: '卡已注销 Card closed' },
            ]
          : [{ type: 'text', text: '未付现金 Nothing paid out', bold: true }];
      case 'replace': {
        const cmd = row.request_enc ? this.o.openCommand(row.request_enc) : undefined;
        if (cmd?.kind !== 'replace') return [];
        const cap = approved ? this.capLeft(row.stan) : undefined;
        return [
          { type: 'pair', left: '新卡 NEW CARD', right: maskPan(cmd.newCard.pan) },
          { type: 'pair', left: '原因 REASON', right: cmd.reason === 'lost' ? '挂失 LOST' : '损坏 DAMAGED' },
          ...(approved
            ? [
                {
                  type: 'pair' as const,
                  left: '转入 MOVED',
                  right: formatMoney(row.balance_fen ?? 0),
                  bold: true,
                },
              ]
            : []),
          ...capLine(cap),
        ];
      }
      default:
        return [];
    }
  }
}

/** What the card's cap still allows, when the issuer said it. */
function capLine(capFen: number | undefined): ReceiptLine[] {
  return capFen === undefined
    ? []
    : [{ type: 'pair', left: '可充额度 CAP LEFT', right: formatMoney(capFen) }];
}
