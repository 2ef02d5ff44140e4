/**
 * The issuer's side of the PBOC e-purse (issue 14): clearing the chip purchases and loads a
 * terminal uploads in its settle message. Each TAC is verified with the issuer's own keys (the
 * demo issuer's are the DEMO-ONLY keys of src/drivers/ic/epurse/demo-keys.ts, the same the
 * simulated PSAM holds); the issuer keeps a shadow of each card's chip balance and sequences and
 * reports, per transaction, a bad TAC, a gap in the card's sequence or a duplicate.
 *
 * Rules: an upload is decided once per (terminal, STAN) — a settle sent again answers the same.
 * A bad TAC is never applied. The same card, kind and sequence cleared before is a duplicate (not
 * counted twice). A sequence above the one expected is applied and reported as a gap (a
 * transaction between was never uploaded: torn elsewhere, or a grey record still open).
 */
import type { z } from 'zod';
import { registerHandler, type HandlerCtx } from './handlers';
import type { Decision } from './ledger';
import {
  ChipLoadAuthRequest,
  type ChipClearingAnswer,
  type ChipClearingItem,
  type ChipDiscrepancyKind,
} from '../shared/issuer-epurse';
import { capRemaining, passesCap } from '../shared/card-rules';
import { algFromId } from '../drivers/ic/epurse/crypto';
import { authorizeLoad, loadTacValid, purchaseTacValid } from '../drivers/ic/epurse/issuer-side';
import { DEMO_ISSUER_KEYS, type IssuerMasterKeys } from '../drivers/ic/epurse/demo-keys';
import { fromHex, toHex } from '../drivers/ic/apdu';

type Result = 'cleared' | ChipDiscrepancyKind;

interface Shadow {
  card_serial: string;
  balance_fen: number;
  next_offline_seq: number;
  next_online_seq: number;
}

function tacValid(keys: IssuerMasterKeys, c: ChipClearingItem): boolean {
  try {
    const alg = algFromId(c.algId);
    const serial8 = fromHex(c.cardSerial).slice(2);
    return c.kind === 'purchase'
      ? purchaseTacValid(keys, { serial8, alg, ...c })
      : loadTacValid(keys, { serial8, alg, onlineSeq: c.seq, ...c });
  } catch {
    return false; // an algorithm we do not hold keys for cannot be verified: not accepted
  }
}

/** Clears the uploaded chip transactions of one settle message (one ledger transaction). */
export function clearChip(
  ctx: HandlerCtx,
  terminalId: string,
  items: readonly ChipClearingItem[],
  keys: IssuerMasterKeys = DEMO_ISSUER_KEYS,
): ChipClearingAnswer {
  const db = ctx.ledger.db;
  const at = ctx.now().toISOString();
  const seen = db.prepare(
    'SELECT result, expected_seq FROM epurse_cleared WHERE terminal_id = ? AND stan = ?',
  );
  const dup = db.prepare(
    "SELECT 1 FROM epurse_cleared WHERE card_serial = ? AND kind = ? AND seq = ? AND result IN ('cleared','chip_sequence_gap') LIMIT 1",
  );
  const shadowOf = db.prepare('SELECT * FROM epurse_shadow WHERE card_serial = ?');
  const record = db.prepare(
    'INSERT INTO epurse_cleared (terminal_id, stan, card_serial, kind, seq, amount_fen, tac, result, expected_seq, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)',
  );
  const upsert = db.prepare(
    `INSERT INTO epurse_shadow (card_serial, balance_fen, next_offline_seq, next_online_seq, updated_at) VALUES (?, ?, ?, ?, ?)
     ON CONFLICT(card_serial) DO UPDATE SET balance_fen = excluded.balance_fen, next_offline_seq = excluded.next_offline_seq,
       next_online_seq = excluded.next_online_seq, updated_at = excluded.updated_at`,
  );
  return db.transaction((): ChipClearingAnswer => {
    const answer: ChipClearingAnswer = { cleared: 0, discrepancies: [] };
    for (const c of [...items].sort((a, b) => a.stan - b.stan)) {
      const before = seen.get(terminalId, c.stan) as
        { result: Result; expected_seq: number | null } | undefined;
      let result: Result;
      let expected: number | null = null;
      if (before) {
        result = before.result;
        expected = before.expected_seq;
      } else if (!tacValid(keys, c)) result = 'chip_bad_tac';
      else if (dup.get(c.cardSerial, c.kind, c.seq)) result = 'chip_duplicate';
      else {
        const s = shadowOf.get(c.cardSerial) as Shadow | undefined;
        const next = s ? (c.kind === 'purchase' ? s.next_offline_seq : s.next_online_seq) : c.seq;
        result = c.seq > next ? 'chip_sequence_gap' : 'cleared';
        if (result === 'chip_sequence_gap') expected = next;
        // The shadow follows the card forward; an older sequence arriving late changes nothing.
        const forward = c.seq >= next;
        const nextOffline = s?.next_offline_seq ?? 0;
        const nextOnline = s?.next_online_seq ?? 0;
        upsert.run(
          c.cardSerial,
          forward ? c.balanceAfterFen : (s?.balance_fen ?? c.balanceAfterFen),
          c.kind === 'purchase' && forward ? c.seq + 1 : nextOffline,
          c.kind === 'load' && forward ? c.seq + 1 : nextOnline,
          at,
        );
      }
      if (!before)
        record.run(terminalId, c.stan, c.cardSerial, c.kind, c.seq, c.amountFen, c.tac, result, expected, at);
      if (result === 'cleared' || result === 'chip_sequence_gap') answer.cleared++;
      if (result !== 'cleared')
        answer.discrepancies.push({
          stan: c.stan,
          kind: result,
          ...(expected !== null ? { expectedSeq: expected } : {}),
        });
    }
    return answer;
  })();
}

/** The issuer's shadow of one card (tests, the simulator's own checks). */
export function chipShadow(ctx: Pick<HandlerCtx, 'ledger'>, cardSerial: string): Shadow | undefined {
  return ctx.ledger.db.prepare('SELECT * FROM epurse_shadow WHERE card_serial = ?').get(cardSerial) as
    Shadow | undefined;
}

/**
 * Load (圈存) authorisation, online only: checks the card's MAC1 under the issuer's load key (a
 * card that does not know the key is not genuine) and the balance cap on the card's chip balance
 * (an e-purse card counts as anonymous here: the terminal has no holder file), then answers MAC2.
 * Idempotent by (terminal, STAN) like every money message: a retry is answered the same MAC2.
 */
function chipLoadAuth(
  _ctx: HandlerCtx,
  m: z.infer<typeof ChipLoadAuthRequest>,
): Decision & { extra?: Record<string, unknown> } {
  if (passesCap(m.balanceBeforeFen, m.amountFen, false))
    return {
      result: 'declined',
      code: 'CARD_CAP_EXCEEDED',
      balanceFen: m.balanceBeforeFen,
      extra: { capRemainingFen: capRemaining(m.balanceBeforeFen, false) },
    };
  let mac2: Uint8Array;
  try {
    mac2 = authorizeLoad(DEMO_ISSUER_KEYS, {
      serial8: fromHex(m.cardSerial).slice(2),
      alg: algFromId(m.algId),
      random: fromHex(m.random),
      onlineSeq: m.onlineSeq,
      balanceBeforeFen: m.balanceBeforeFen,
      amountFen: m.amountFen,
      terminalNumber: fromHex(m.terminalNumber),
      mac1: fromHex(m.mac1),
      date: fromHex(m.cardDate),
      time: fromHex(m.cardTime),
    });
  } catch {
    return { result: 'declined', code: 'CHIP_ERROR' };
  }
  const after = m.balanceBeforeFen + m.amountFen;
  return {
    result: 'approved',
    amountFen: m.amountFen,
    balanceFen: after,
    extra: { mac2: toHex(mac2), capRemainingFen: capRemaining(after, false) },
  };
}

registerHandler('chip-load-auth', {
  schema: ChipLoadAuthRequest as never,
  idempotent: true,
  handle: chipLoadAuth as never,
});
