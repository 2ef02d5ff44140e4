/**
 * Every error and decline a person can see, declared once with its words in both languages.
 * Codes are stable: they travel on the wire (docs/api.md, docs/issuer-protocol.md) and into logs.
 */
import { z } from 'zod';

export const ErrorCode = z.enum([
  // request / contract
  'BAD_REQUEST',
  'UNKNOWN_METHOD',
  'UNAUTHORIZED',
  'FORBIDDEN',
  'NOT_SIGNED_IN',
  'BAD_PIN',
  'OPERATOR_LOCKED',
  'OVERRIDE_REQUIRED',
  'INTERNAL',
  'BUSY',
  'TOO_MANY_CONNECTIONS',
  'NO_CARD',
  'CARD_EXPIRED_TOKEN',
  // issuer declines (docs/issuer-protocol.md)
  'INSUFFICIENT_BALANCE',
  'CARD_LOST',
  'CARD_FROZEN',
  'CARD_EXPIRED',
  'CARD_NOT_ACTIVATED',
  'CARD_UNKNOWN',
  'ISSUER_UNREACHABLE',
  'ISSUER_BAD_SIGNATURE',
  'ISSUER_ERROR',
  'ISSUER_UNSUPPORTED',
  'DUPLICATE_STAN',
  'BAD_DYNAMIC_CODE',
  'NOT_FOUND',
  'ALREADY_REVERSED',
  'AMOUNT_EXCEEDS_ORIGINAL',
  // offline policy
  'OFFLINE_FLOOR_LIMIT',
  'OFFLINE_TOTAL_LIMIT',
  'OFFLINE_CARD_LIMIT',
  'OFFLINE_PASSWORD_CARD',
  'OFFLINE_TOO_OLD',
  'OFFLINE_HOT_CARD',
  'OFFLINE_BALANCE_UNKNOWN',
  'OFFLINE_VELOCITY',
  // devices
  'SWIPE_UNREADABLE',
  'SCAN_UNREADABLE',
  'CARD_REMOVED',
  'CARD_UNSUPPORTED',
  'CARD_ERROR',
  'READER_GONE',
  'PRINTER_PAPER_OUT',
  'PRINTER_COVER_OPEN',
  'PRINTER_OFFLINE',
  'PRINT_JOB_LOST',
  'DEVICE_UNAVAILABLE',
  'DEVICE_NOT_FOUND',
  'DEVICE_NOT_SIMULATED',
  'IO_ERROR',
  'SHIFT_NOT_OPEN',
  'SHIFT_ALREADY_OPEN',
  'INVALID_STATE',
  // shift, void/refund, reports (src/main/shift, src/main/terminal/void-refund.ts)
  'VARIANCE_NOT_ACKNOWLEDGED',
  'VARIANCE_NOTE_REQUIRED',
  'COUNT_REQUIRED',
  'DENOMINATION_SUM_MISMATCH',
  'DUPLICATE_DENOMINATION',
  'BATCH_HAS_UNSENT',
  'ALREADY_VOIDED',
  'VOID_NOT_ALLOWED',
  'OFFLINE_SALE_REFUSED',
  'REFUND_NEEDS_FORWARD',
  'NO_CJK_FONT',
  // transaction runner and issuer router (src/main/terminal/runner.ts, src/main/issuer/router.ts)
  'CARD_NOT_ACCEPTED',
  // the technician enters an ISO 8583 entry's terminal master key (src/main/issuer/iso8583/enter-tmk.ts)
  'TMK_CHECK_MISMATCH',
  'TMK_INVALID',
  'TMK_CHECK_REQUIRED',
  // the card's best range asks for a Luhn check and its check digit is wrong (router.ts)
  'CARD_NUMBER_INVALID',
  // primary + backup hosts (src/main/issuer/failover-hold.ts): a lost debit's reversal is waiting
  'CARD_REVERSAL_PENDING',
  'OUTCOME_UNKNOWN',
  'ALREADY_FINAL',
  // transaction kinds (src/shared/txn-kinds.ts)
  'UNKNOWN_TXN_KIND',
  // batch activation (src/shared/contract/card-batch.ts)
  'CARD_RANGE_INVALID',
  'CARD_BATCH_TOO_LARGE',
  'CARD_BATCH_DUPLICATE',
  // signed journal (src/main/journal): a row differs from its record, a failed check, a rollback
  'JOURNAL_MISMATCH',
  'JOURNAL_CHECK_FAILED',
  'TILL_BLOCKED_ROLLBACK',
  // card life: activation, top-up (src/shared/card-rules.ts, src/main/terminal/card-life.ts)
  'CARD_CAP_EXCEEDED',
  'CARD_ALREADY_ACTIVE',
  'TENDER_SHORT',
  // Card life (issue 12): cash-out, replace, void of a load, and the prepaid-card rules (src/shared/card-rules.ts).
  'BUYER_ID_REQUIRED',
  'CASH_NOT_ALLOWED',
  'TRANSFER_REF_REQUIRED',
  'CARD_TENDER_NOT_ALLOWED',
  'CARD_EMPTY',
  'CASHOUT_NOT_ALLOWED',
  'REPLACE_NOT_ALLOWED',
  'VOID_VALUE_SPENT',
  'CARD_BALANCE_CHANGED',
  'CARD_CLOSED',
  'CARD_REPLACED',
  // file-batch issuers (src/main/issuer/file-batch): a refused file, lists out of date, settlement by
  // file (an operation it has not is ISSUER_UNSUPPORTED, its detail naming the file interface)
  'FILE_BATCH_REFUSED',
  'FILE_BATCH_STALE',
  'FILE_BATCH_SETTLES_BY_FILE',
  // iso8583-cup: "settlement only when no reversal or advice is pending" (ISO8583-CUP.md)
  'SETTLE_PENDING_AT_ISSUER',
  // cardholder password (src/shared/pin-block.ts, src/main/terminal/password.ts)
  'PASSWORD_REQUIRED',
  'PASSWORD_WRONG',
  'PASSWORD_LOCKED',
  'PASSWORD_MISMATCH',
  'PASSWORD_FORMAT',
  'PASSWORD_CANCELED',
  'PIN_KEY_MISSING',
  'PASSWORD_CHANGE_AT_ISSUER',
  // PBOC e-purse on the chip (src/main/terminal/chip-purchase.ts, issue 14)
  'CHIP_TORN',
  'CHIP_CARD_CHANGED',
  'CHIP_GREY_PENDING',
  'CHIP_MAC2_INVALID',
  'CHIP_EXCEPTION',
  'CHIP_ERROR',
  'PSAM_UNAVAILABLE',
]);
export type ErrorCode = z.infer<typeof ErrorCode>;

export interface Words {
  zh: string;
  en: string;
}

/** What the cashier reads, in plain words, and what to do next. */
export const ERROR_WORDS: Record<ErrorCode, Words> = {
  BAD_REQUEST: { zh: '请求格式不正确', en: 'The request is malformed' },
  UNKNOWN_METHOD: { zh: '未知的操作', en: 'Unknown operation' },
  UNAUTHORIZED: { zh: '未授权：令牌无效', en: 'Not authorized: invalid token' },
  FORBIDDEN: { zh: '当前角色无权执行此操作', en: 'Your role may not do this' },
  NOT_SIGNED_IN: { zh: '请先登录', en: 'Please sign in first' },
  BAD_PIN: { zh: '密码错误', en: 'Wrong PIN' },
  OPERATOR_LOCKED: {
    zh: '密码错误次数过多，已锁定，请稍后再试',
    en: 'Too many wrong PINs: locked, try again later',
  },
  OVERRIDE_REQUIRED: { zh: '需要店长授权', en: 'Manager override required' },
  INTERNAL: { zh: '系统内部错误，交易未完成', en: 'Internal error: the transaction did not complete' },
  BUSY: { zh: '上一笔交易仍在处理中', en: 'The previous transaction is still in progress' },
  TOO_MANY_CONNECTIONS: {
    zh: '连接过多，请关闭不用的连接后重试',
    en: 'Too many connections: close unused ones and try again',
  },
  NO_CARD: { zh: '请刷卡、挥卡或扫码', en: 'Please swipe, tap or scan a card' },
  CARD_EXPIRED_TOKEN: { zh: '读卡已超时，请重新出示卡片', en: 'Card read timed out: present the card again' },
  INSUFFICIENT_BALANCE: { zh: '余额不足', en: 'Insufficient balance' },
  CARD_LOST: {
    zh: '此卡已挂失，请收回或联系发卡方',
    en: 'This card is reported lost: retain it or call the issuer',
  },
  CARD_FROZEN: { zh: '此卡已冻结，请联系发卡方', en: 'This card is frozen: contact the issuer' },
  CARD_EXPIRED: { zh: '此卡已过期', en: 'This card has expired' },
  CARD_NOT_ACTIVATED: { zh: '此卡未激活，请先激活', en: 'This card is not activated yet' },
  CARD_UNKNOWN: { zh: '无法识别此卡', en: 'Unknown card' },
  ISSUER_UNREACHABLE: {
    zh: '无法连接发卡系统，交易未扣款',
    en: 'Card issuer unreachable: nothing was charged',
  },
  ISSUER_BAD_SIGNATURE: {
    zh: '发卡系统应答签名无效，交易已拒绝',
    en: 'Issuer response not genuine: declined',
  },
  ISSUER_ERROR: { zh: '发卡系统错误', en: 'Card issuer error' },
  // The routed issuer entry does not take this operation (config `operations`, src/main/issuer/operations.ts).
  ISSUER_UNSUPPORTED: {
    zh: '此卡的发卡方不在本机受理此类交易',
    en: "This card's issuer does not take this kind of transaction at this till",
  },
  DUPLICATE_STAN: { zh: '流水号重复', en: 'Duplicate trace number' },
  BAD_DYNAMIC_CODE: {
    zh: '电子卡动态码无效或已过期，请刷新后重扫',
    en: 'E-card code invalid or expired: refresh and scan again',
  },
  NOT_FOUND: { zh: '未找到原交易', en: 'Original transaction not found' },
  ALREADY_REVERSED: { zh: '该交易已撤销', en: 'That transaction was already reversed' },
  AMOUNT_EXCEEDS_ORIGINAL: {
    zh: '退款金额超过原交易可退金额',
    en: 'Refund exceeds what remains of the original',
  },
  OFFLINE_FLOOR_LIMIT: { zh: '离线单笔金额超限', en: 'Over the offline per-sale limit' },
  OFFLINE_TOTAL_LIMIT: {
    zh: '离线累计金额超限，请待联网后再试',
    en: 'Offline total limit reached: wait for the link',
  },
  OFFLINE_CARD_LIMIT: { zh: '此卡今日离线交易已达上限', en: 'This card reached its offline limit for today' },
  OFFLINE_PASSWORD_CARD: {
    zh: '此卡设有密码，联机中断时无法验密，不能离线消费：请等联机恢复或改用其他支付方式',
    en: 'This card has a password, which cannot be checked while the link is down: no offline sale — wait for the link or take another tender',
  },
  OFFLINE_TOO_OLD: {
    zh: '离线交易积压过久，恢复联网前暂停离线交易',
    en: 'Offline backlog too old: offline sales paused until forwarded',
  },
  OFFLINE_HOT_CARD: { zh: '此卡在黑名单中', en: 'This card is on the hot-card list' },
  OFFLINE_BALANCE_UNKNOWN: { zh: '离线时无法确认此卡余额', en: 'Card balance cannot be confirmed offline' },
  OFFLINE_VELOCITY: {
    zh: '此卡短时间内使用过于频繁，请稍后再试',
    en: 'Card used too often just now: try later',
  },
  SWIPE_UNREADABLE: { zh: '请重新刷卡', en: 'Please swipe again' },
  SCAN_UNREADABLE: { zh: '无法识别的条码，请重新扫码', en: 'Unreadable code: scan again' },
  CARD_REMOVED: { zh: '读卡未完成，请将卡片放稳后重试', en: 'Card moved away: hold it still and try again' },
  CARD_UNSUPPORTED: { zh: '不支持此类卡片', en: 'This kind of card is not supported' },
  CARD_ERROR: { zh: '卡片读取错误，请重试', en: 'Card read error: try again' },
  READER_GONE: { zh: '读卡器已断开，请检查连接', en: 'Card reader disconnected: check the cable' },
  PRINTER_PAPER_OUT: {
    zh: '打印机缺纸，装纸后将自动打印',
    en: 'Printer out of paper: it will print once refilled',
  },
  PRINTER_COVER_OPEN: {
    zh: '打印机盖未关，关闭后将自动打印',
    en: 'Printer cover open: it will print once closed',
  },
  PRINTER_OFFLINE: {
    zh: '打印机未连接，连接后将自动打印',
    en: 'Printer offline: it will print once reconnected',
  },
  PRINT_JOB_LOST: {
    zh: '打印机设置已更改，待打小票未能转交，请按流水号重打',
    en: 'The printer settings changed and a held receipt could not be carried over: reprint it by STAN',
  },
  DEVICE_UNAVAILABLE: { zh: '设备不可用', en: 'Device unavailable' },
  DEVICE_NOT_FOUND: { zh: '没有这个设备', en: 'No such device' },
  DEVICE_NOT_SIMULATED: { zh: '该设备不是模拟设备，不能模拟操作', en: 'That device is not simulated' },
  IO_ERROR: { zh: '设备通信错误', en: 'Device communication error' },
  SHIFT_NOT_OPEN: { zh: '请先开班', en: 'Open a shift first' },
  SHIFT_ALREADY_OPEN: { zh: '班次已开', en: 'A shift is already open' },
  INVALID_STATE: { zh: '当前状态下不能执行此操作', en: 'Not possible in the current state' },
  CARD_NOT_ACCEPTED: { zh: '本店不受理此卡', en: 'This card is not accepted here' },
  TMK_CHECK_MISMATCH: {
    zh: '终端主密钥与发卡方的校验值不符（输入有误？），未保存任何内容',
    en: "The terminal master key does not match the issuer's check value (a typo?): nothing was stored",
  },
  TMK_INVALID: {
    zh: '终端主密钥应为 32 位十六进制（16 字节），未保存任何内容',
    en: 'A terminal master key is 32 hex digits (16 bytes): nothing was stored',
  },
  TMK_CHECK_REQUIRED: {
    zh: '此发卡方未配置密钥校验值（tmkCheck），无法核对，未保存任何内容',
    en: 'This issuer has no key check value configured (tmkCheck) to check against: nothing was stored',
  },
  CARD_NUMBER_INVALID: {
    zh: '卡号校验位错误，请重新刷卡或核对卡号',
    en: 'The card number’s check digit is wrong: swipe again or check the number',
  },
  CARD_REVERSAL_PENDING: {
    zh: '此卡上一笔交易正在冲正，请稍候',
    en: 'The previous transaction on this card is being reversed: please wait',
  },
  OUTCOME_UNKNOWN: {
    zh: '结果未知，将自动冲正，请勿重复刷卡',
    en: 'Outcome unknown — it will be reversed, do not retry',
  },
  ALREADY_FINAL: { zh: '该交易已有最终结果', en: 'That transaction already has its final outcome' },
  VARIANCE_NOT_ACKNOWLEDGED: {
    zh: '上一班次的差异尚未经店长确认',
    en: "The last shift's variance is not acknowledged yet",
  },
  VARIANCE_NOTE_REQUIRED: { zh: '差异较大，确认时请填写说明', en: 'A variance this large needs a note' },
  COUNT_REQUIRED: { zh: '请先清点钱箱（盲点）', en: 'Count the drawer first (blind count)' },
  DENOMINATION_SUM_MISMATCH: {
    zh: '点钞明细合计与总额不符',
    en: 'The counted notes and coins do not add up to the total',
  },
  DUPLICATE_DENOMINATION: {
    zh: '点钞明细中同一面额出现多次',
    en: 'The same note or coin is listed more than once',
  },
  BATCH_HAS_UNSENT: {
    zh: '仍有离线交易未上送，需店长授权强制结班',
    en: 'Offline advices still unsent: a manager must force the close',
  },
  ALREADY_VOIDED: { zh: '该交易已撤销', en: 'That sale was already voided' },
  VOID_NOT_ALLOWED: {
    zh: '只能撤销本班次未结算的消费，其余请做退货',
    en: 'Only sales of the open, unsettled batch can be voided: refund instead',
  },
  OFFLINE_SALE_REFUSED: {
    zh: '发卡方已拒绝这笔离线消费，钱未扣到：请在“离线队列→异常”处理',
    en: 'The issuer refused this offline sale, so nothing was taken: handle it under Offline queue → Exceptions',
  },
  REFUND_NEEDS_FORWARD: {
    zh: '这笔离线消费尚未上送发卡方，暂不能退货：请联网后上送离线队列，或改做撤销',
    en: 'This offline sale has not reached the issuer yet, so it cannot be refunded: forward the offline queue when the link is back, or void it instead',
  },
  NO_CJK_FONT: {
    zh: '未找到中文字体，无法生成PDF（请安装 fonts-wqy-microhei）',
    en: 'No CJK font found for the PDF (install fonts-wqy-microhei)',
  },
  CARD_CAP_EXCEEDED: {
    zh: '超过卡内余额上限（记名卡¥5,000.00，不记名卡¥1,000.00），不能售卡或充值',
    en: 'Over the card balance cap (registered ¥5,000.00, anonymous ¥1,000.00): cannot sell or top up',
  },
  CARD_ALREADY_ACTIVE: {
    zh: '此卡已激活，不能再次售卡，请改做充值',
    en: 'This card is already active: top it up instead',
  },
  TENDER_SHORT: { zh: '收取的现金少于卡面值', en: 'The cash taken is less than the card value' },
  BUYER_ID_REQUIRED: {
    zh: '需登记购卡人身份证件（姓名和证件号码）：记名卡售卡、充值，或一次购买不记名卡满¥10,000.00',
    en: "The buyer's ID (name and ID number) is needed: a registered card sold or topped up, or ¥10,000.00 or more of anonymous cards at once",
  },
  CASH_NOT_ALLOWED: {
    zh: '金额达到非现金购卡标准（单位¥5,000.00、个人¥50,000.00起），不能收现金，请用银行转账',
    en: 'At this amount (organisation ¥5,000.00, person ¥50,000.00 and up) cards cannot be paid in cash: use a bank transfer',
  },
  TRANSFER_REF_REQUIRED: { zh: '请输入银行转账流水号', en: 'Enter the bank transfer reference' },
  CARD_TENDER_NOT_ALLOWED: {
    zh: '储值卡不能用来购买或充值另一张储值卡：请收现金或银行转账',
    en: 'A stored-value card can never pay for another stored-value card: take cash or a bank transfer',
  },
  CARD_EMPTY: { zh: '卡内没有余额，无需退卡', en: 'The card holds nothing to cash out' },
  CASHOUT_NOT_ALLOWED: {
    zh: '不记名卡余额超过可退额度，不能退卡：只有记名卡或小额不记名卡可以退卡',
    en: 'This anonymous card holds more than may be cashed out: only registered cards or small anonymous balances',
  },
  REPLACE_NOT_ALLOWED: {
    zh: '只有记名卡可以换卡，且新卡必须是另一张未激活的卡',
    en: 'Only a registered card can be replaced, onto another card not yet activated',
  },
  VOID_VALUE_SPENT: {
    zh: '卡内已消费部分金额，不能撤销售卡或充值（余额见下）',
    en: 'Part of the value was already spent: the card sale or top-up cannot be voided (the balance left is shown)',
  },
  CARD_BALANCE_CHANGED: {
    zh: '卡内余额刚刚变动，请重新操作',
    en: 'The card balance just changed: start again',
  },
  CARD_CLOSED: { zh: '此卡已退卡注销', en: 'This card was cashed out and closed' },
  CARD_REPLACED: { zh: '此卡已换卡，请使用新卡', en: 'This card was replaced: use the new card' },
  CARD_RANGE_INVALID: {
    zh: '卡号范围无效：首尾卡号须长度相同、校验位一致，且末号不小于首号',
    en: 'Invalid card range: first and last must have the same length and kind of check digit, last not before first',
  },
  CARD_BATCH_TOO_LARGE: {
    zh: '一次批量售卡最多200张，请分批办理',
    en: 'At most 200 cards in one batch: split the order',
  },
  CARD_BATCH_DUPLICATE: {
    zh: '同一张卡在列表中出现了两次，请删去重复的卡',
    en: 'The same card is in the list twice: remove the duplicate',
  },
  FILE_BATCH_REFUSED: {
    zh: '发卡方文件未通过校验，已拒收：请通知店长',
    en: "The issuer's file failed its check and was refused: tell the manager",
  },
  FILE_BATCH_STALE: {
    zh: '此卡发卡方的黑名单或余额文件缺失或已过期，暂不能用此卡消费',
    en: "This card's issuer files (hot list or balances) are missing or out of date: the card cannot be used now",
  },
  FILE_BATCH_SETTLES_BY_FILE: {
    zh: '此发卡方不做联机结算：以每日交易文件及其确认文件对账（见离线队列→文件接口发卡方）',
    en: 'This issuer does not settle online: its daily transaction files and their acknowledgements are the settlement (Offline queue → File-batch issuers)',
  },
  SETTLE_PENDING_AT_ISSUER: {
    zh: '发卡方尚未应答本批次的冲正或退货/通知，暂不结算：恢复联网后重新结算（未应答的交易见下表）',
    en: 'The issuer has not yet answered a reversal, refund or advice of this batch, so it was not settled: settle again once the link is back (the unanswered ones are listed below)',
  },
  PASSWORD_REQUIRED: {
    zh: '此卡需要密码：请持卡人在密码键盘上输入6位卡密码',
    en: 'This card needs its password: the cardholder types the 6-digit password on the keypad',
  },
  PASSWORD_WRONG: {
    zh: '卡密码错误，请重新输入（连续错误3次将锁卡）',
    en: 'Wrong card password: try again (3 wrong in a row lock the card)',
  },
  PASSWORD_LOCKED: {
    zh: '密码错误次数过多，此卡已锁定：请联系发卡方解锁',
    en: 'Too many wrong passwords: the card is locked — contact the issuer to unlock it',
  },
  PASSWORD_MISMATCH: {
    zh: '两次输入的新密码不一致，请重新设置',
    en: 'The two new passwords differ: set it again',
  },
  PASSWORD_FORMAT: { zh: '卡密码须为6位数字', en: 'A card password is 6 digits' },
  PASSWORD_CANCELED: {
    zh: '持卡人未输入卡密码，交易未完成',
    en: 'The cardholder did not give the card password: the sale was not made',
  },
  // ISO8583-CUP.md has no message that sets or changes a password: the issuer does it itself.
  PASSWORD_CHANGE_AT_ISSUER: {
    zh: '此卡的发卡方不受理在收银台设置或修改卡密码：请持卡人到发卡方办理',
    en: "This card's issuer does not take password set or change at the till: the cardholder changes it with the issuer",
  },
  PIN_KEY_MISSING: {
    zh: '本机尚未从发卡方取得密码密钥，暂不能使用卡密码：请联系技术员',
    en: 'This till has no PIN key from the issuer yet, so card passwords cannot be used: call the technician',
  },
  CHIP_TORN: {
    zh: '扣款时卡片离开：请将同一张卡重新放回读卡器，切勿重复收款',
    en: 'The card left during the chip debit: present the same card again; do not charge again',
  },
  CHIP_CARD_CHANGED: {
    zh: '不是原来那张卡：请放回扣款时的那张卡',
    en: 'Not the same card: present the card that was being charged',
  },
  CHIP_GREY_PENDING: {
    zh: '该卡有一笔未完成的芯片交易：请先把卡放回读卡器以确认结果',
    en: 'This card has an unfinished chip transaction: present it again to settle it first',
  },
  CHIP_MAC2_INVALID: {
    zh: '卡片扣款证明（MAC2）校验失败：未收款，已通知店长',
    en: 'The card’s debit proof (MAC2) failed: not paid, the manager is alerted',
  },
  CHIP_EXCEPTION: {
    zh: '无法确认芯片交易结果：已转店长异常处理，切勿重复收款',
    en: 'The chip transaction could not be confirmed: sent to the manager’s exceptions; do not charge again',
  },
  CHIP_ERROR: {
    zh: '芯片卡操作失败，未扣款',
    en: 'The chip card refused the operation: nothing was debited',
  },
  PSAM_UNAVAILABLE: {
    zh: 'PSAM 安全模块不可用，不能在芯片上扣款',
    en: 'The PSAM (secure module) is not available: cannot pay on the chip',
  },
  UNKNOWN_TXN_KIND: {
    zh: '未知的交易类型：数据可能来自更新的版本或已被改动，请联系技术人员',
    en: 'Unknown transaction type: the data may come from a newer version or was altered; call the technician',
  },
  JOURNAL_MISMATCH: {
    zh: '交易记录与签名日志不符，不能出具凭条：请联系技术员',
    en: 'The transaction record differs from the signed journal, so no receipt is issued: call the technician',
  },
  JOURNAL_CHECK_FAILED: {
    zh: '签名日志校验失败：需店长输入密码确认后才能结班',
    en: 'The signed journal failed its check: a manager must acknowledge it with a PIN before the close',
  },
  TILL_BLOCKED_ROLLBACK: {
    zh: '本机数据可能被回退（流水号重复），已暂停收款：请联系技术员',
    en: 'This till’s data may have been rolled back (duplicate trace number): selling is stopped — call the technician',
  },
};

/** An error that crosses the contract: a stable code, words for people, optional detail. */
export const ApiErrorSchema = z.object({
  code: ErrorCode,
  message: z.string(),
  detail: z.string().optional(),
});
export type ApiErrorShape = z.infer<typeof ApiErrorSchema>;

export class TillError extends Error {
  readonly code: ErrorCode;
  readonly detail?: string;
  constructor(code: ErrorCode, detail?: string, options?: { cause?: unknown }) {
    super(`${code}: ${ERROR_WORDS[code].en}${detail ? ` (${detail})` : ''}`, options);
    this.name = 'TillError';
    this.code = code;
    this.detail = detail;
  }
  toApi(): ApiErrorShape {
    return {
      code: this.code,
      message: ERROR_WORDS[this.code].en,
      ...(this.detail ? { detail: this.detail } : {}),
    };
  }
}
