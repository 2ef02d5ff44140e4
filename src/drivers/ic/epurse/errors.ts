/**
 * The one error type of the e-purse layer. Every code has its words in 简体中文 and English here
 * (the driver layer has no i18n of its own; the transaction runner maps these to TillErrors when
 * it plugs the e-purse in). `sw` is the card's or PSAM's status word when one answered.
 */
export const EPURSE_WORDS = {
  EP_BAD_ANSWER: { zh: '卡片应答长度或格式错误', en: 'malformed answer from the card or PSAM' },
  EP_STATUS: { zh: '卡片返回错误状态', en: 'the card or PSAM answered an error status' },
  EP_INSUFFICIENT: { zh: '芯片余额不足', en: 'insufficient chip balance' },
  EP_MAC_INVALID: { zh: 'MAC 校验失败', en: 'MAC verification failed' },
  EP_CONDITIONS: { zh: '使用条件不满足', en: 'conditions of use not satisfied' },
  EP_NOT_PROVABLE: { zh: '该交易无法取得交易认证', en: 'no proof for that transaction on the card' },
  EP_ALG_UNSUPPORTED: { zh: '不支持的算法标识', en: 'unsupported algorithm id' },
  EP_BAD_INPUT: { zh: '交易参数错误', en: 'bad transaction parameter' },
  EP_MAC2_INVALID: {
    zh: '卡片 MAC2 校验失败，交易未确认',
    en: 'card MAC2 rejected by the PSAM: not confirmed',
  },
  EP_TORN: { zh: '交易中卡片离开，请重新放卡', en: 'card left the field mid-transaction: present it again' },
  EP_CARD_CHANGED: { zh: '不是同一张卡，请放回原卡', en: 'another card: present the original card' },
  EP_SEQUENCE_JUMP: { zh: '卡片交易序号跳变，交由经理处理', en: 'card sequence jumped: manager exception' },
  EP_GREY_PENDING: { zh: '该卡有未完成的灰记录', en: 'an unresolved grey record exists for this card' },
} as const;

export type EpurseErrorCode = keyof typeof EPURSE_WORDS;

export class EpurseError extends Error {
  readonly code: EpurseErrorCode;
  readonly sw?: number;
  readonly detail?: string;
  /** With EP_INSUFFICIENT: what the chip holds, for split tender. */
  readonly chipBalanceFen?: number;

  constructor(
    code: EpurseErrorCode,
    detail?: string,
    options?: { sw?: number; cause?: unknown; chipBalanceFen?: number },
  ) {
    const w = EPURSE_WORDS[code];
    super(
      `${code}: ${w.zh} / ${w.en}${detail ? ` (${detail})` : ''}`,
      options?.cause === undefined ? undefined : { cause: options.cause },
    );
    this.name = 'EpurseError';
    this.code = code;
    if (detail !== undefined) this.detail = detail;
    if (options?.sw !== undefined) this.sw = options.sw;
    if (options?.chipBalanceFen !== undefined) this.chipBalanceFen = options.chipBalanceFen;
  }
}

export function isEpurseError(e: unknown, code?: EpurseErrorCode): e is EpurseError {
  return e instanceof EpurseError && (code === undefined || e.code === code);
}
