/** Words of paying on the chip (PBOC e-purse, 电子钱包): result panel, torn-card prompt, simulator. */
export const CHIP_WORDS = {
  chipPaid: { zh: '芯片扣款', en: 'Paid on chip' },
  chipBalance: { zh: '芯片余额', en: 'Chip balance' },
  chipPresentAgain: {
    zh: '请将同一张卡重新放到读卡器上（流水 {stan}），系统将确认是否已扣款',
    en: 'Present the same card again (STAN {stan}): the till will find out whether it was debited',
  },
  chipResolving: { zh: '正在确认芯片交易…', en: 'Checking the chip transaction…' },
  kind_psam: { zh: 'PSAM 安全模块', en: 'PSAM secure module' },
  txnkind_chip_purchase: { zh: '芯片消费', en: 'Chip purchase' },
  txnkind_chip_load: { zh: '圈存', en: 'Chip load' },
  kind_chip_bad_tac: { zh: '芯片TAC无效', en: 'Chip TAC invalid' },
  kind_chip_sequence_gap: { zh: '芯片序号缺口', en: 'Chip sequence gap' },
  kind_chip_duplicate: { zh: '芯片交易重复', en: 'Chip duplicate' },
  mgrChip: { zh: '芯片交易异常', en: 'Chip exceptions' },
  chipExceptionsTitle: { zh: '待处理的芯片交易', en: 'Chip transactions to settle' },
  chipExceptionsNone: { zh: '没有待处理的芯片交易', en: 'No chip transaction waiting' },
  chipTodoGrey: {
    zh: '扣款时卡片离开，结果未知：请顾客将原卡放回读卡器，收银台自动确认；切勿重复收款',
    en: 'The card left during the debit, outcome unknown: have the customer present the same card, the till settles it; do not charge again',
  },
  chipTodoException: {
    zh: '卡片无法证明结果（可能已在别处使用）：切勿重复收款；结算时由发卡方按卡内记录核实，如确已扣款即视为已付',
    en: 'The card cannot prove the outcome (used elsewhere since?): do not charge again; the issuer decides from the card’s records at clearing — if debited, it is paid',
  },
  chipTodoMac2: {
    zh: '卡片扣款证明（MAC2）无效：未收款，疑似伪卡；请保留卡号与流水号并联系发卡方',
    en: 'The card’s debit proof (MAC2) was invalid: not paid, possibly a fake card; keep the card number and STAN and call the issuer',
  },
  chipAbandon: { zh: '顾客已离开，不再等待', en: 'Customer left: stop waiting' },
  simEpurse: { zh: '电子钱包卡 ¥100（芯片）', en: 'E-purse ¥100 (chip)' },
  simTearDebit: { zh: '扣款时拿走', en: 'Pull away at debit' },
  simRemove: { zh: '拿走卡片', en: 'Take card away' },
} as const;
