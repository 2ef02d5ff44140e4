/**
 * The grey record (灰记录) and the tearing decision table — pure.
 *
 * Before DEBIT FOR PURCHASE (or CREDIT FOR LOAD) is sent, the terminal durably writes what it is
 * about to do: which card (application serial), the card's sequence for this transaction, the
 * balance it saw, the amount and the PSAM's terminal sequence. If the answer never comes (the card
 * left the field — 闪卡), the record stays "grey" until the same card is presented again and its
 * sequence and balance (from a fresh INITIALIZE, which commits nothing) tell what happened.
 */
export type GreyKind = 'purchase' | 'load';

export interface GreyRecord {
  kind: GreyKind;
  /** 20-digit application serial. */
  cardSerial: string;
  /** The offline (purchase) or online (load) sequence the INITIALIZE answered for this transaction. */
  seq: number;
  balanceBeforeFen: number;
  amountFen: number;
  /** Hex: the PSAM's terminal number and terminal sequence (purchase), date YYYYMMDD, time hhmmss. */
  terminalNumber: string;
  terminalSeq: string;
  date: string;
  time: string;
  algId: number;
}

/** What the card says now (public info + INITIALIZE of the same kind, amount 0). */
export interface CardSeen {
  cardSerial: string;
  seq: number;
  balanceFen: number;
}

export type TearDecision =
  /** The card did execute it: fetch the proof with GET TRANSACTION PROVE, count it once. */
  | { kind: 'done' }
  /** Nothing happened on the card: the grey record is void, the sale/load may be retried. */
  | { kind: 'not-done' }
  /** Another card: refuse, ask for the original card; the grey record stays. */
  | { kind: 'other-card' }
  /** The sequence moved by more than one, or balance and sequence disagree: the manager decides (the issuer at clearing). */
  | { kind: 'exception'; reason: 'sequence-jumped' | 'balance-mismatch' | 'not-provable' };

export function decideTear(grey: GreyRecord, seen: CardSeen): TearDecision {
  if (seen.cardSerial !== grey.cardSerial) return { kind: 'other-card' };
  const sign = grey.kind === 'purchase' ? -1 : 1;
  if (seen.seq === grey.seq) {
    return seen.balanceFen === grey.balanceBeforeFen
      ? { kind: 'not-done' }
      : { kind: 'exception', reason: 'balance-mismatch' };
  }
  if (seen.seq === ((grey.seq + 1) & 0xffff)) {
    return seen.balanceFen === grey.balanceBeforeFen + sign * grey.amountFen
      ? { kind: 'done' }
      : { kind: 'exception', reason: 'balance-mismatch' };
  }
  return { kind: 'exception', reason: 'sequence-jumped' };
}

/** The durable store of grey records (the terminal's SQLite in the app; a Map in unit tests). */
export interface GreyStore {
  /** Must be durable when it resolves: DEBIT is sent only after. */
  put(rec: GreyRecord): Promise<void>;
  /** The unresolved record of this card, if any. */
  get(cardSerial: string): Promise<GreyRecord | undefined>;
  /** Closes the record with how it ended (the proof's TAC when done). */
  resolve(cardSerial: string, outcome: GreyOutcome): Promise<void>;
}

export type GreyOutcome =
  | { kind: 'done'; tac: string; mac2: string; proved: boolean }
  | { kind: 'not-done'; why: string }
  | { kind: 'exception'; reason: string }
  | { kind: 'mac2-invalid'; tac: string; mac2: string };
