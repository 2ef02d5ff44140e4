/** Words of the technician's journal panel (head, rollback block and its acknowledgement). */
export const JOURNAL_WORDS = {
  journalPanel: { zh: '签名日志与回退检测', en: 'Signed journal and rollback check' },
  journalHeadLine: {
    zh: '日志头 #{seq}（头文件 #{file}，发卡方确认 #{ack}）',
    en: 'Journal head #{seq} (head file #{file}, issuer acknowledged #{ack})',
  },
  journalHeadOk: { zh: '与头文件一致', en: 'Matches the head file' },
  journalBlocked: {
    zh: '已暂停收款：本机数据可能被回退',
    en: 'Selling stopped: this till’s data may have been rolled back',
  },
  'journalBlock_duplicate-stan': {
    zh: '发卡方拒绝：流水号重复（本机流水号计数被回退）',
    en: 'The issuer declined a duplicate trace number (the STAN counter went back)',
  },
  'journalBlock_issuer-head': {
    zh: '发卡方确认过的日志头本机已没有（数据库被回退或替换）',
    en: 'The issuer acknowledged a journal head this till no longer has (database rolled back or replaced)',
  },
  'journalBlock_journal-head': {
    zh: '数据库日志落后于头文件（日志被截断或数据库被替换）',
    en: 'The database journal is behind its head file (journal cut short or database replaced)',
  },
  journalAckNote: { zh: '检查说明（必填）', en: 'What you checked (required)' },
  journalAck: { zh: '已检查，恢复收款', en: 'Checked — resume selling' },
  journalAcked: { zh: '已确认，收款已恢复', en: 'Acknowledged: selling resumed' },
  journalNone: { zh: '无', en: 'none' },
} as const;
