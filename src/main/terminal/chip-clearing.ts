/**
 * What a batch uploads for clearing of its chip purchases and loads (PBOC e-purse, issue 14):
 * each approved chip row of the batch's STAN range with the card's proof from its grey record
 * (chip_txns: sequence, PSAM counter, date, time, TAC). The card serial is the row's sealed PAN,
 * opened only to be sent to the issuer (whose keys diversify from it), never logged.
 */
import { serialFromPan } from '../../drivers/ic/stored-value-app';
import type { ChipClearingItem } from '../../shared/issuer-epurse';
import type { ChipTxnRow } from './grey-store';
import type { TxnRow, TxnStore } from './txn-store';

export function chipClearingItems(
  store: TxnStore,
  b: { from_stan: number; to_stan: number },
  /** The `issuer_id`s of the batch's issuer (undefined: every row, one issuer entry). */
  issuerRows?: readonly string[],
): ChipClearingItem[] {
  const mine = issuerRows ? new Set(issuerRows) : undefined;
  const rows = store.db
    .prepare(
      `SELECT t.stan AS stan, t.pan_enc AS pan_enc, t.amount_fen AS amount_fen, t.balance_fen AS balance_fen, c.kind AS kind,
              c.seq AS seq, c.terminal_number AS terminal_number, c.terminal_seq AS terminal_seq, c.date AS date,
              c.time AS time, c.alg_id AS alg_id, c.tac AS tac, c.proved AS proved, t.issuer_id AS issuer_id
         FROM txns t JOIN chip_txns c ON c.stan = t.stan
        WHERE t.stan BETWEEN ? AND ? AND t.status = 'approved' AND c.state = 'done' AND c.tac IS NOT NULL
        ORDER BY t.stan`,
    )
    .all(b.from_stan, b.to_stan) as Array<
    Pick<TxnRow, 'stan' | 'pan_enc' | 'amount_fen' | 'balance_fen' | 'issuer_id'> &
      Pick<
        ChipTxnRow,
        'kind' | 'seq' | 'terminal_number' | 'terminal_seq' | 'date' | 'time' | 'alg_id' | 'tac' | 'proved'
      >
  >;
  const out: ChipClearingItem[] = [];
  for (const r of rows) {
    if (!r.pan_enc || r.tac === null || (mine && !mine.has(r.issuer_id))) continue;
    out.push({
      stan: r.stan,
      kind: r.kind,
      cardSerial: serialFromPan(store.openPan(r.pan_enc)),
      seq: r.seq,
      amountFen: r.amount_fen,
      balanceAfterFen: r.balance_fen ?? 0,
      terminalNumber: r.terminal_number,
      terminalSeq: r.terminal_seq,
      date: r.date,
      time: r.time,
      algId: r.alg_id,
      tac: r.tac,
      proved: r.proved === 1,
    });
  }
  return out;
}
