/**
 * Every word the screens show, in 简体中文 (default) and English. Error and decline words come from
 * src/shared/errors.ts so that the core and the screens can never disagree on a code's meaning.
 */
import { ERROR_WORDS, type ErrorCode } from '../shared/errors';

export type Lang = 'zh' | 'en';

export const WORDS = {
  appName: { zh: 'CardTill 收银终端', en: 'CardTill terminal' },
  signIn: { zh: '登录', en: 'Sign in' },
  signOut: { zh: '退出', en: 'Sign out' },
  operator: { zh: '操作员', en: 'Operator' },
  pin: { zh: '密码', en: 'PIN' },
  chooseOperator: { zh: '选择操作员', en: 'Choose operator' },
  enterPin: { zh: '输入密码后按确认', en: 'Enter your PIN, then OK' },
  ok: { zh: '确认', en: 'OK' },
  clear: { zh: '清除', en: 'Clear' },
  cancel: { zh: '取消', en: 'Cancel' },
  sale: { zh: '消费', en: 'Sale' },
  balance: { zh: '查询余额', en: 'Balance' },
  amount: { zh: '金额', en: 'Amount' },
  charge: { zh: '收款', en: 'Charge' },
  presentCard: { zh: '请刷卡、挥卡或扫码', en: 'Swipe, tap or scan the card' },
  cardRead: { zh: '已读卡', en: 'Card read' },
  wedgeLabel: { zh: '卡号（可扫码或手输）', en: 'Card number (scan or type)' },
  wedgePlaceholder: { zh: '扫描或输入卡号后回车', en: 'Scan or type, then Enter' },
  processing: { zh: '处理中，请稍候…', en: 'Processing…' },
  approved: { zh: '交易成功', en: 'Approved' },
  declined: { zh: '交易失败', en: 'Declined' },
  remaining: { zh: '卡内余额', en: 'Balance left' },
  cardBalance: { zh: '卡内余额', en: 'Card balance' },
  offline: { zh: '离线', en: 'Offline' },
  online: { zh: '在线', en: 'Online' },
  linkCut: { zh: '已断开', en: 'Cut' },
  link: { zh: '发卡系统', en: 'Issuer' },
  splitOffer: { zh: '分单支付：卡付 {card}，其余 {cash} 收现金', en: 'Split tender: card pays {card}, {cash} in cash' },
  splitConfirm: { zh: '确认分单支付', en: 'Confirm split' },
  cashDue: { zh: '请收现金', en: 'Collect cash' },
  newSale: { zh: '下一笔', en: 'Next sale' },
  receipt: { zh: '小票', en: 'Receipt' },
  printReceipt: { zh: '打印小票', en: 'Print receipt' },
  printed: { zh: '已打印', en: 'Printed' },
  recent: { zh: '最近交易', en: 'Recent' },
  simulator: { zh: '设备模拟器（演示）', en: 'Device simulator (demo)' },
  swipe: { zh: '刷卡', en: 'Swipe' },
  tap: { zh: '挥卡', en: 'Tap' },
  scan: { zh: '扫码', en: 'Scan' },
  garbled: { zh: '刷卡失败', en: 'Bad swipe' },
  cutLink: { zh: '断开发卡系统', en: 'Cut issuer link' },
  restoreLink: { zh: '恢复发卡系统', en: 'Restore issuer link' },
  devices: { zh: '设备', en: 'Devices' },
  language: { zh: 'English', en: '中文' },
  stan: { zh: '流水号', en: 'STAN' },
  keysHint: { zh: '键盘：数字输入金额 · Enter 收款 · Esc 清除 · F1 消费 · F2 查询', en: 'Keys: digits amount · Enter charge · Esc clear · F1 sale · F2 balance' },
  disconnected: { zh: '与终端核心的连接已断开，正在重连…', en: 'Connection to the terminal core lost, reconnecting…' },
  noToken: { zh: '缺少访问令牌：请使用启动时打印的完整地址打开', en: 'No access token: open the full URL printed at start' },
  collectPrompt: { zh: '收银机请求收款 {amount}，请刷卡', en: 'Till asks to collect {amount}: present a card' },
  role_cashier: { zh: '收银员', en: 'Cashier' },
  role_manager: { zh: '店长', en: 'Manager' },
  role_technician: { zh: '技术员', en: 'Technician' },
  checkout: { zh: '收银', en: 'Checkout' },
  state_connected: { zh: '已连接', en: 'Connected' },
  state_disconnected: { zh: '已断开', en: 'Disconnected' },
  state_error: { zh: '错误', en: 'Error' },
  state_unavailable: { zh: '不可用', en: 'Unavailable' },
  state_busy: { zh: '忙', en: 'Busy' },
} as const;

export type WordKey = keyof typeof WORDS;

export function t(lang: Lang, key: WordKey, vars: Record<string, string> = {}): string {
  let s: string = WORDS[key][lang];
  for (const [k, v] of Object.entries(vars)) s = s.replace(`{${k}}`, v);
  return s;
}

export function errorWords(lang: Lang, code: ErrorCode | string): string {
  const w = ERROR_WORDS[code as ErrorCode];
  return w ? w[lang] : code;
}
