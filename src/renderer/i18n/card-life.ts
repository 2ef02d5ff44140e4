/** Words of selling and topping up cards (售卡 / 充值): src/renderer/components/CardLifePanel.tsx. */
export const CARD_LIFE_WORDS = {
  clOpen: { zh: '售卡 / 充值', en: 'Sell card / Top up' },
  clActivate: { zh: '售卡', en: 'Sell card' },
  clTopup: { zh: '充值', en: 'Top up' },
  clValue: { zh: '卡面值 / 充值金额', en: 'Value to load' },
  clTender: { zh: '收到现金（元，可不填）', en: 'Cash handed over (yuan, optional)' },
  clNeedCard: { zh: '请先刷卡或输入卡号', en: 'Present the card first' },
  clCashOnly: {
    zh: '只收现金：储值卡不能用来购买或充值另一张卡',
    en: 'Cash only: a stored-value card can never pay for another card',
  },
  clGoActivate: { zh: '收现金并售卡', en: 'Take cash and sell' },
  clGoTopup: { zh: '收现金并充值', en: 'Take cash and top up' },
  clSold: {
    zh: '售卡成功：卡 {card}，余额 {balance}，可充额度 {cap}',
    en: 'Card sold: {card}, balance {balance}, cap left {cap}',
  },
  clToppedUp: {
    zh: '充值成功：卡 {card}，余额 {balance}，可充额度 {cap}',
    en: 'Topped up: {card}, balance {balance}, cap left {cap}',
  },
  clChange: { zh: '找零 {amount}', en: 'Give change {amount}' },
  clHandBack: { zh: '请将现金退还顾客：{amount}', en: 'Hand the cash back: {amount}' },
  clFailed: { zh: '未成功：{why}', en: 'Not done: {why}' },
  clCardsSold: { zh: '售卡', en: 'Cards sold' },
  clTopups: { zh: '充值', en: 'Top-ups' },
} as const;
