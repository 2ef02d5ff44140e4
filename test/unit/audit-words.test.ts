/**
 * Audit actions and details in words and yuan (issue 11 item 17): every action the code records
 * has words in both languages, and no detail shows a figure in fen or an English-only phrase.
 */
import { describe, it, expect } from 'vitest';
import fs from 'node:fs';
import path from 'node:path';
import { AUDIT_ACTION_WORDS, auditActionWords, auditDetailWords } from '../../src/shared/audit-words';
import { ERROR_WORDS } from '../../src/shared/errors';

/** Every `action: '…'` of an audit.record call under src/main, plus the templated ones expanded. */
function recordedActions(): string[] {
  const out = new Set<string>();
  const walk = (d: string) => {
    for (const f of fs.readdirSync(d, { withFileTypes: true })) {
      const p = path.join(d, f.name);
      if (f.isDirectory()) walk(p);
      else if (p.endsWith('.ts')) {
        const src = fs.readFileSync(p, 'utf8');
        if (!/audit\.record\(|\.record\(\{/.test(src)) continue;
        // action: 'a.b' | action: x ? 'a.b' : 'c.d' | action: x.y === 'z' ? 'a.b' : 'c.d'
        for (const m of src.matchAll(
          /action:\s*(?:[\w.]+(?:\s*===\s*'[^']*')?\s*\?\s*)?'([a-z]+\.[\w.-]+)'(?:\s*:\s*'([a-z]+\.[\w.-]+)')?/g,
        ))
          for (const a of [m[1], m[2]]) if (a) out.add(a);
      }
    }
  };
  walk('src/main');
  // Templated: report.export.${format}, audit.export.${format}, override.${action}, txn.${void|refund}.
  for (const f of ['csv', 'pdf']) out.add(`report.export.${f}`).add(`audit.export.${f}`);
  for (const a of ['void', 'refund', 'manual_entry', 'offline_over_limit', 'z_reprint', 'force_close'])
    out.add(`override.${a}`);
  return [...out].sort();
}

describe('audit words', () => {
  it('every action the code records has words in 简体中文 and English', () => {
    const actions = recordedActions();
    expect(actions).toEqual(
      expect.arrayContaining(['shift.open', 'report.z.reprint', 'auth.sign-in', 'txn.void']),
    );
    const missing = actions.filter((a) => !AUDIT_ACTION_WORDS[a]);
    expect(missing).toEqual([]);
    for (const w of Object.values(AUDIT_ACTION_WORDS)) {
      expect(w.zh).toMatch(/[\u4e00-\u9fff]/);
      expect(w.en).toMatch(/^[A-Z]/);
    }
    expect(auditActionWords('report.z.reprint', 'zh')).toBe('重印 Z 报表（副本）');
  });

  it('amounts in yuan, never fen; phrases in words', () => {
    const cases: Array<[string, string, string]> = [
      ['float 50000', '备用金 ¥500.00', 'Float ¥500.00'],
      ['variance -100; journal ok', '差异 -¥1.00；日志校验通过', 'Variance -¥1.00; journal verified'],
      [
        'variance 0; journal ok; forced with 1 unsent',
        '差异 ¥0.00；日志校验通过；强制结班，1 笔离线交易未上送',
        'Variance ¥0.00; journal verified; forced with 1 offline sale(s) unsent',
      ],
      ['variance -7000: 找零多给', '差异 -¥70.00，说明：找零多给', 'Variance -¥70.00, note: 找零多给'],
      [
        'refund of 3 500 fen 888801******0017',
        '退货（原流水 3），¥5.00，888801******0017',
        'Refund of 3, ¥5.00, 888801******0017',
      ],
      [
        'void of 12 1250 fen 888801******0017',
        '撤销原流水 12，¥12.50，888801******0017',
        'Void of 12, ¥12.50, 888801******0017',
      ],
      // Since the void of a card load the kind is named; a refused one says what is left.
      [
        'void of sale 12 1250 fen 888801******0017',
        '撤销消费原流水 12，¥12.50，888801******0017',
        'Void of sale 12, ¥12.50, 888801******0017',
      ],
      [
        'void of activate 7 50000 fen 888801******0090 VOID_VALUE_SPENT balance left 48750 fen',
        '撤销售卡原流水 7，¥500.00，888801******0090 卡内已消费部分金额，不能撤销售卡或充值（余额见下），余额 ¥487.50',
        'Void of card sold 7, ¥500.00, 888801******0090 Part of the value was already spent: the card sale or top-up cannot be voided (the balance left is shown), balance left ¥487.50',
      ],
      [
        'batch 1: settled, 0 discrepancies, 1 carried to next batch',
        '批次 1：已平账，差错 0 笔，1 笔结转下批',
        'Batch 1: settled, 0 discrepancies, 1 carried to the next batch',
      ],
      // Several issuers: the batch names its issuer.
      [
        'batch 2 (iso-demo): settled, 0 discrepancies',
        '批次 2（iso-demo）：已平账，差错 0 笔',
        'Batch 2 (iso-demo): settled, 0 discrepancies',
      ],
      // Card life (card-life.ts, card-batch.ts): the kind, the value, the card, how it was paid.
      [
        'activate 10000 fen 888801******0116 cash',
        '售卡 ¥100.00，888801******0116，现金',
        'Card sold ¥100.00, 888801******0116, cash',
      ],
      [
        'batch 2/10 activate 100000 fen 888801******9026 bank_transfer id 1101**********1234 CARD_ALREADY_ACTIVE',
        `批量 2/10 售卡 ¥1,000.00，888801******9026，银行转账，证件 1101**********1234，${ERROR_WORDS.CARD_ALREADY_ACTIVE.zh}`,
        `Batch 2/10: Card sold ¥1,000.00, 888801******9026, bank transfer, ID 1101**********1234, ${ERROR_WORDS.CARD_ALREADY_ACTIVE.en}`,
      ],
      [
        'topup 2000 fen 888801******0124 cash',
        '充值 ¥20.00，888801******0124，现金',
        'Top-up ¥20.00, 888801******0124, cash',
      ],
      ['blind count by 1001 by denomination', '1001 盲点（按面额）', 'Blind count by 1001, by note and coin'],
      ['manual', '主动退出', 'signed out'],
      ['close with unsent offline advices', '有未上送的离线交易时结班', 'close with unsent offline sales'],
      [
        'override by 2001 refused: BAD_PIN',
        '2001 的授权被拒：密码错误',
        'override by 2001 refused: Wrong PIN',
      ],
      ['Z report of shift 3', '班次 3 的 Z 报表', 'Z report of shift 3'],
      ['something 250 fen else', 'something ¥2.50 else', 'something ¥2.50 else'],
    ];
    for (const [raw, zh, en] of cases) {
      expect(auditDetailWords(raw, 'zh')).toBe(zh);
      expect(auditDetailWords(raw, 'en')).toBe(en);
    }
    expect(auditDetailWords(null, 'zh')).toBe('');
    // The offline rules an over-limit override broke, in words.
    expect(auditDetailWords('OFFLINE_FLOOR_LIMIT', 'zh')).toMatch(/[\u4e00-\u9fff]/);
    expect(auditDetailWords('OFFLINE_FLOOR_LIMIT', 'zh')).not.toContain('OFFLINE_FLOOR_LIMIT');
  });
});
