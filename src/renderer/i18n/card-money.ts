/**
 * Words of the X/Z lines on the manager's today screen (components/manager/TodayPanel.tsx,
 * DayCharts.tsx): one per line of src/shared/txn-kinds.ts TOTALS_LINE_DECLS that the screen shows
 * beside spending. A line added there shows its tile with no edit but these words.
 */
export const CARD_MONEY_WORDS = {
  line_sales: { zh: '消费', en: 'Spending' },
  line_cardsSold: { zh: '售卡', en: 'Cards sold' },
  line_topups: { zh: '充值', en: 'Top-ups' },
  line_cashouts: { zh: '退卡', en: 'Cash-outs' },
  line_replacements: { zh: '换卡', en: 'Replacements' },
  line_chipPurchases: { zh: '芯片消费', en: 'Chip purchases' },
  line_chipLoads: { zh: '圈存', en: 'Chip loads' },
  moneyByKind: { zh: '消费与售卡、充值', en: 'Spending, cards sold and top-ups' },
} as const;
