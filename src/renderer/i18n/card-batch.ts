/** Words of batch activation (批量售卡): src/renderer/components/BatchActivatePanel.tsx. */
export const CARD_BATCH_WORDS = {
  cbOpen: { zh: '批量售卡', en: 'Batch card sale' },
  cbScanMode: { zh: '逐张扫码', en: 'Scan one by one' },
  cbRangeMode: { zh: '连号段', en: 'Number range' },
  cbScan: {
    zh: '逐张刷卡、挥卡或扫码；也可输入卡号后回车',
    en: 'Swipe, tap or scan each card; or type its number and press Enter',
  },
  cbFrom: { zh: '首张卡号', en: 'First card number' },
  cbTo: { zh: '末张卡号', en: 'Last card number' },
  cbValue: { zh: '每张面值（元）', en: 'Value per card (yuan)' },
  cbSummary: { zh: '{n} 张 × {value} = {total}', en: '{n} cards × {value} = {total}' },
  cbRemove: { zh: '删除', en: 'Remove' },
  cbBadNumber: { zh: '卡号格式不正确', en: 'Not a card number' },
  cbGo: { zh: '收现金并批量售卡', en: 'Take cash and sell all' },
  cbGoTransfer: { zh: '按银行转账批量售卡', en: 'Sell all, paid by bank transfer' },
  cbNeedTransfer: {
    zh: '本单金额不能收现金：请银行转账并填写流水号',
    en: 'This order cannot be paid in cash: take a bank transfer and enter its reference',
  },
  cbNeedId: {
    zh: '本单金额须登记购卡人姓名和证件号码（实名登记）',
    en: "This order needs the buyer's name and ID number",
  },
  cbRecordBuyer: { zh: '登记购卡人证件', en: "Record the buyer's ID" },
  cbPaidTransfer: {
    zh: '银行转账 {amount}，流水号 {ref}',
    en: 'Bank transfer {amount}, reference {ref}',
  },
  cbTransferRefund: {
    zh: '未激活卡的转账款 {amount} 须经银行退还购卡人（不从钱箱退现金）',
    en: 'The transfer for cards not activated, {amount}, is refunded to the buyer by the bank (no cash from the drawer)',
  },
  cbApproved: { zh: '已激活', en: 'Activated' },
  cbDeclined: { zh: '未激活：{why}', en: 'Not activated: {why}' },
  cbNotSent: { zh: '未发送（线路故障，请稍后再售）', en: 'Not sent (link down, sell it later)' },
  cbDone: {
    zh: '已激活 {ok}/{n} 张，实收 {paid}',
    en: 'Activated {ok} of {n} cards, paid {paid}',
  },
  cbGiveBack: {
    zh: '请退还顾客 {amount}（找零 {change}，未激活卡退款 {handBack}）',
    en: 'Give the customer back {amount} (change {change}, cards not activated {handBack})',
  },
  cbPrint: { zh: '打印顾客联', en: 'Print customer copy' },
  cbPrinted: { zh: '已打印', en: 'Printed' },
  cbNew: { zh: '新的一批', en: 'New batch' },
} as const;
