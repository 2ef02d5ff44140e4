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
  simEpurse: { zh: '电子钱包卡 ¥100（芯片）', en: 'E-purse ¥100 (chip)' },
  simTearDebit: { zh: '扣款时拿走', en: 'Pull away at debit' },
  simRemove: { zh: '拿走卡片', en: 'Take card away' },
} as const;
