/**
 * A settlement type (a bucket of SETTLEMENT_BUCKETS, as a discrepancy names it) in the screen's
 * words: the kind that settles in that bucket — 'loadvoid' is the void of a card sale or top-up,
 * 撤销售卡/充值. Undefined when no word is here (the caller shows the kind's receipt title, then
 * the raw type): the manager's table used to show card-life types as raw codes.
 */
import { TXN_KINDS } from '../../../shared/txn-kinds';
import { WORDS, type WordKey } from '../../i18n';

export function settlementTypeWordKey(type: string): WordKey | undefined {
  if (type === 'sale' || type === 'void' || type === 'refund') return `txnType_${type}` as WordKey;
  const kind = TXN_KINDS.inSettlement(type)[0]?.type ?? type;
  const key = `txnKind_${kind}`;
  return key in WORDS ? (key as WordKey) : undefined;
}
