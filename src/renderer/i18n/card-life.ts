/**
 * Words of a card's life at the till (售卡 / 充值 / 退卡 / 换卡 and the rules behind them):
 * src/renderer/components/CardLifePanel.tsx, the recent list's kind labels, the void of a load.
 */
export const CARD_LIFE_WORDS = {
  clOpen: { zh: '售卡 / 充值 / 退卡 / 换卡', en: 'Sell / top up / cash out / replace' },
  clActivate: { zh: '售卡', en: 'Sell card' },
  clTopup: { zh: '充值', en: 'Top up' },
  clCashout: { zh: '退卡', en: 'Cash out' },
  clReplace: { zh: '换卡', en: 'Replace' },
  clValue: { zh: '卡面值 / 充值金额', en: 'Value to load' },
  clTender: { zh: '收到现金（元，可不填）', en: 'Cash handed over (yuan, optional)' },
  clNeedCard: { zh: '请先刷卡或输入卡号', en: 'Present the card first' },
  clCashOnly: {
    zh: '收现金或银行转账：储值卡不能用来购买或充值另一张卡',
    en: 'Cash or bank transfer: a stored-value card can never pay for another card',
  },
  clPayBy: { zh: '付款方式', en: 'Paid by' },
  clPayCash: { zh: '现金', en: 'Cash' },
  clPayTransfer: { zh: '银行转账', en: 'Bank transfer' },
  clTransferRef: { zh: '转账流水号', en: 'Transfer reference' },
  clBuyerKind: { zh: '购卡人', en: 'Buyer' },
  clBuyerPerson: { zh: '个人', en: 'Person' },
  clBuyerOrg: { zh: '单位', en: 'Organisation' },
  clBuyerName: { zh: '姓名 / 单位名称', en: 'Name / organisation' },
  clBuyerId: { zh: '证件号码', en: 'ID number' },
  clIdHint: {
    zh: '记名卡售卡、充值，或一次购买不记名卡满¥10,000.00，须登记身份证件',
    en: "A registered card sold or topped up, or ¥10,000.00+ of anonymous cards at once, needs the buyer's ID",
  },
  clGoActivate: { zh: '收款并售卡', en: 'Charge · sell' },
  clGoTopup: { zh: '收款并充值', en: 'Charge · top up' },
  clGoCashout: { zh: '店长授权并退卡', en: 'Manager approves: cash out' },
  clGoReplace: { zh: '店长授权并换卡', en: 'Manager approves: replace' },
  clSold: {
    zh: '售卡成功：卡 {card}，余额 {balance}，可充额度 {cap}',
    en: 'Card sold: {card}, balance {balance}, cap left {cap}',
  },
  clToppedUp: {
    zh: '充值成功：卡 {card}，余额 {balance}，可充额度 {cap}',
    en: 'Topped up: {card}, balance {balance}, cap left {cap}',
  },
  clBuyerRecorded: { zh: '已登记购卡人：{name} {id}', en: 'Buyer recorded: {name} {id}' },
  clChange: { zh: '找零 {amount}', en: 'Give change {amount}' },
  clHandBack: { zh: '请将现金退还顾客：{amount}', en: 'Hand the cash back: {amount}' },
  clFailed: { zh: '未成功：{why}', en: 'Not done: {why}' },
  clCashoutHint: {
    zh: '退还卡内全部余额（现金），卡片注销。记名卡，或余额不超过 {max} 的不记名卡',
    en: 'Pays the whole balance out in cash and closes the card. Registered cards, or anonymous ones holding at most {max}',
  },
  clCashedOut: {
    zh: '退卡成功：卡 {card} 已注销，请付给顾客现金 {amount}',
    en: 'Cashed out: card {card} closed — pay the customer {amount} in cash',
  },
  clReplaceHint: {
    zh: '记名卡挂失或损坏：输入原卡号，再刷新卡（未激活），余额全部转入新卡',
    en: 'A registered card lost or damaged: type the old card number, then present the new (unsold) card; the whole balance moves',
  },
  clOldCard: { zh: '原卡号', en: 'Old card number' },
  clReason: { zh: '原因', en: 'Reason' },
  clLost: { zh: '挂失', en: 'Lost' },
  clDamaged: { zh: '损坏', en: 'Damaged' },
  clReplaced: {
    zh: '换卡成功：{amount} 已转入新卡 {card}',
    en: 'Replaced: {amount} moved onto the new card {card}',
  },
  clRules: { zh: '售卡规则', en: 'Card rules' },
  clRulesLine: {
    zh: '记名卡上限 {reg}，不记名卡上限 {anon}；单位满 {org}、个人满 {person} 不收现金；不记名卡满 {id} 须登记证件；不记名卡余额不超过 {cashout} 可退卡',
    en: 'Caps: registered {reg}, anonymous {anon}; no cash from {org} (organisation) or {person} (person); ID from {id} of anonymous cards; anonymous cards cashed out up to {cashout}',
  },
  clCardsSold: { zh: '售卡', en: 'Cards sold' },
  clTopups: { zh: '充值', en: 'Top-ups' },
  // The recent list's label of each kind (Cashier.tsx); sale and inquiry show none.
  txnKind_activate: { zh: '售卡', en: 'Card sold' },
  txnKind_topup: { zh: '充值', en: 'Top-up' },
  txnKind_cashout: { zh: '退卡', en: 'Cash-out' },
  txnKind_replace: { zh: '换卡', en: 'Replaced' },
  txnKind_void_load: { zh: '撤销售卡/充值', en: 'Load voided' },
  act_cashout: { zh: '退卡', en: 'Cash out' },
  act_replace: { zh: '换卡', en: 'Replace' },
  voidSpent: { zh: '{why}：卡内剩余 {balance}', en: '{why}: {balance} left on the card' },
} as const;
