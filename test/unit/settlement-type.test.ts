import { describe, expect, it } from 'vitest';
import { settlementTypeWordKey } from '../../src/renderer/components/manager/settlement-type';
import { WORDS } from '../../src/renderer/i18n';

const zh = (type: string) => {
  const k = settlementTypeWordKey(type);
  return k ? WORDS[k].zh : undefined;
};

describe('a discrepancy type in the manager’s words', () => {
  it('names card-life buckets by their kind, never as a raw code', () => {
    expect(zh('activate')).toBe('售卡');
    expect(zh('topup')).toBe('充值');
    expect(zh('cashout')).toBe('退卡');
    expect(zh('loadvoid')).toBe('撤销售卡/充值');
    expect(zh('sale')).toBe(WORDS.txnType_sale.zh);
  });
  it('has no word for a type it does not know (the screen falls back to the title, then the code)', () => {
    expect(settlementTypeWordKey('no-such-bucket')).toBeUndefined();
  });
});
