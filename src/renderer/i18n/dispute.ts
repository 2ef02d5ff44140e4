/** Words of the manager's dispute desk (receipt verification). */
export const DISPUTE_WORDS = {
  dispute: { zh: '争议核验', en: 'Disputes' },
  disputeTitle: { zh: '小票验真', en: 'Verify a receipt' },
  disputeHint: {
    zh: '用扫码枪扫描小票二维码，或粘贴二维码内容后按“核验”',
    en: 'Scan the receipt QR with the scanner, or paste its text and press Verify',
  },
  disputePaste: { zh: '二维码内容（CTR1…）', en: 'QR text (CTR1…)' },
  disputeVerify: { zh: '核验', en: 'Verify' },
  disputeGenuine: { zh: '真实小票：终端签名有效', en: 'Genuine: the terminal signature is valid' },
  disputeForged: { zh: '伪造或被篡改的小票', en: 'Forged or altered receipt' },
  dispute_malformed: {
    zh: '不是本系统的小票二维码，或已损坏',
    en: 'Not a CardTill receipt code, or damaged',
  },
  'dispute_unknown-terminal': {
    zh: '来自其他终端，本机无法担保',
    en: 'Names another terminal: not ours to vouch for',
  },
  'dispute_unknown-key': {
    zh: '签名密钥版本本终端从未使用过',
    en: 'Names a key version this terminal never had',
  },
  dispute_signature: { zh: 'SM2 签名不符', en: 'The SM2 signature does not match' },
  'dispute_journal-mismatch': {
    zh: '与本机签名日志记录不符（由被改动的交易记录生成）',
    en: 'Does not match the signed journal (made from an edited transaction record)',
  },
  'dispute_not-in-journal': {
    zh: '本机签名日志中没有这笔流水号',
    en: 'The signed journal has no such trace number',
  },
  disputeScanned: { zh: '已扫描（{device}）', en: 'Scanned ({device})' },
  disputeDetails: { zh: '交易明细（已解密）', en: 'Transaction (decrypted)' },
  disputeNoDetails: { zh: '无本店密钥，无法解密明细', en: 'No store key here: details cannot be decrypted' },
  disputeCode: { zh: '小票上应有的验证码', en: 'Verification code the receipt must show' },
  disputeKeyVersion: { zh: '密钥版本', en: 'Key version' },
  disputeMerchantIdLabel: { zh: '商户号', en: 'Merchant' },
  disputeTerminalIdLabel: { zh: '终端号', en: 'Terminal' },
  disputeTxnType: { zh: '类型', en: 'Type' },
  disputeCardLast4: { zh: '卡号', en: 'Card' },
  disputeTxnTime: { zh: '时间', en: 'Time' },
  disputeTxnAmount: { zh: '金额', en: 'Amount' },
  disputeTxnBalance: { zh: '余额', en: 'Balance' },
  disputeOfflineMark: { zh: '离线交易', en: 'Offline' },
  disputeOnlineMark: { zh: '在线交易', en: 'Online' },
} as const;
