/** Words of the cardholder password (密码支付): src/renderer/components/PinPad.tsx and its users. */
export const PASSWORD_WORDS = {
  pinTitleSale: { zh: '请持卡人输入卡密码', en: 'Cardholder: type the card password' },
  pinTitleOld: { zh: '请输入原密码', en: 'Type the current password' },
  pinTitleNew: { zh: '请输入新密码（6位数字）', en: 'Type the new password (6 digits)' },
  pinTitleConfirm: { zh: '请再次输入新密码', en: 'Type the new password again' },
  pinHint: {
    zh: '密码只显示为圆点，收银员请回避',
    en: 'Shown as dots only — cashier, please look away',
  },
  pinAmount: { zh: '金额 {amount}', en: 'Amount {amount}' },
  pinNeedSix: { zh: '请输入6位数字', en: 'Type all 6 digits' },
  pinCancel: { zh: '取消', en: 'Cancel' },
  pinNoOld: { zh: '此卡尚无密码', en: 'No password yet' },
  pwOpen: { zh: '卡密码 设置/修改', en: 'Card password: set / change' },
  pwNeedCard: { zh: '请先刷卡或输入卡号', en: 'Present the card first' },
  pwStart: { zh: '持卡人输入密码', en: 'Cardholder types the password' },
  pwDone: { zh: '卡 {card} 的密码已设置', en: 'Password set for card {card}' },
  pwFailed: { zh: '未成功：{why}', en: 'Not done: {why}' },
  pwNotTaken: {
    zh: '密码未修改：发卡方没有应答，这次修改已作废，原密码仍然有效。请重试',
    en: 'The password was not changed: the issuer did not answer, so this change is undone and the old password still holds. Please try again',
  },
} as const;
