/**
 * The lines beside an issuer's sales in its Z box (ReportCard.tsx IssuerSettlement): every other
 * X/Z line that moved money in its batch — voids, refunds, cards sold, top-ups, cash-outs … — so
 * its card net adds up on screen ("3 sales ¥65.50 · net card -¥42.50" alone hid the ¥100.00 card
 * sold that the net takes off). Lines at zero are left out. Pure: the unit test drives it.
 */
import { TXN_KINDS } from '../../../shared/txn-kinds';
import { WORDS, type WordKey } from '../../i18n';

type Line = { count: number; amountFen?: number };

/** The words of a line: the manager's (voids, refunds) or card life's (./i18n/card-money.ts). */
function wordOf(bucket: string): WordKey | null {
  if (bucket === 'voids') return 'voidsLabel';
  if (bucket === 'refunds') return 'refundsLabel';
  return `line_${bucket}` in WORDS ? (`line_${bucket}` as WordKey) : null;
}

export function issuerOtherLines(totals: object): Array<{ word: WordKey; count: number; amountFen: number }> {
  const lines = totals as Record<string, Line | undefined>;
  return TXN_KINDS.totalsLines.flatMap((l) => {
    const line = lines[l.bucket];
    const word = wordOf(l.bucket);
    if (l.bucket === 'sales' || !word || !line || !line.count || line.amountFen === undefined) return [];
    return [{ word, count: line.count, amountFen: line.amountFen }];
  });
}
