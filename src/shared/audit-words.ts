/**
 * What each audit action and its detail say to a person, in 简体中文 and English — the audit
 * panel, the audit CSV and the audit PDF all read them here (like ERROR_WORDS in ./errors.ts, so
 * the core and the screens never disagree). The audit log itself keeps its stable action keys and
 * its detail as recorded (append-only, five years): this module only turns them into words, and
 * every amount into yuan — a detail never shows fen to a person.
 * test/unit/audit-words.test.ts checks that every action the code records has words here.
 */
import { formatMoney } from './money';
import { ERROR_WORDS, type ErrorCode } from './errors';
import { TXN_KINDS } from './txn-kinds';

/** A kind's receipt title as a word in a sentence ("消费" / "sale "), or nothing when absent or unknown. */
function kindWord(type: string | undefined, l: 'zh' | 'en'): string {
  if (!type || !TXN_KINDS.types.includes(type as never)) return '';
  const t = TXN_KINDS.get(type).title;
  return l === 'zh' ? t.zh : `${t.en.toLowerCase()} `;
}

export type AuditLang = 'zh' | 'en';
type Words = { zh: string; en: string };

export const AUDIT_ACTION_WORDS: Record<string, Words> = {
  'auth.sign-in': { zh: '登录', en: 'Sign-in' },
  'auth.override-pin': { zh: '授权密码校验', en: 'Override PIN check' },
  'auth.signOut': { zh: '退出登录', en: 'Sign-out' },
  'override.void': { zh: '店长授权：撤销', en: 'Override: void' },
  'override.refund': { zh: '店长授权：退货', en: 'Override: refund' },
  'override.manual_entry': { zh: '店长授权：手输卡号', en: 'Override: manual card entry' },
  'override.offline_over_limit': { zh: '店长授权：超限离线交易', en: 'Override: offline sale over limit' },
  'override.z_reprint': { zh: '店长授权：重印 Z 报表', en: 'Override: Z report reprint' },
  'override.force_close': { zh: '店长授权：强制结班', en: 'Override: forced close' },
  'txn.void': { zh: '撤销', en: 'Void' },
  'txn.refund': { zh: '退货', en: 'Refund' },
  'txn.activate': { zh: '售卡', en: 'Card sold' },
  'txn.topup': { zh: '充值', en: 'Top-up' },
  'txn.cashout': { zh: '退卡', en: 'Card cashed out' },
  'txn.replace': { zh: '换卡', en: 'Card replaced' },
  'txn.void_load': { zh: '撤销售卡/充值', en: 'Card sale or top-up voided' },
  'override.cashout': { zh: '店长授权：退卡', en: 'Override: card cash-out' },
  'override.replace': { zh: '店长授权：换卡', en: 'Override: card replacement' },
  'card.buyers.export': { zh: '导出购卡人身份信息', en: "Buyers' IDs exported" },
  'txn.password': { zh: '设置卡密码', en: 'Card password' },
  'shift.open': { zh: '开班', en: 'Shift opened' },
  'shift.count': { zh: '点钞', en: 'Drawer counted' },
  'shift.close': { zh: '结班', en: 'Shift closed' },
  'shift.acknowledge': { zh: '确认差异', en: 'Variance acknowledged' },
  'journal.acknowledge': { zh: '确认日志校验失败后结班', en: 'Journal check failure acknowledged at close' },
  'till.unblock': { zh: '技术员解除停止收款', en: 'Till unblocked by the technician' },
  'jobs.ackDeadLetter': {
    zh: '确认死信（永久失败的后台任务）',
    en: 'Dead letter acknowledged (a background job that failed for good)',
  },
  'batch.settle': { zh: '对账', en: 'Settlement' },
  'report.x': { zh: '查看 X 报表', en: 'X report viewed' },
  'report.x.print': { zh: '打印 X 报表', en: 'X report printed' },
  'report.z.print': { zh: '打印 Z 报表', en: 'Z report printed' },
  'report.z.reprint': { zh: '重印 Z 报表（副本）', en: 'Z report reprinted (copy)' },
  'report.export.csv': { zh: '导出报表 CSV', en: 'Report exported (CSV)' },
  'report.export.pdf': { zh: '导出报表 PDF', en: 'Report exported (PDF)' },
  'audit.export.csv': { zh: '导出审计日志 CSV', en: 'Audit log exported (CSV)' },
  'audit.export.pdf': { zh: '导出审计日志 PDF', en: 'Audit log exported (PDF)' },
  'keys.tmk.enter': { zh: '录入终端主密钥', en: 'Terminal master key entered' },
  'keys.tmk.replace': { zh: '更换终端主密钥', en: 'Terminal master key replaced' },
  'operator.add': { zh: '新增操作员', en: 'Operator added' },
  'operator.disable': { zh: '停用操作员', en: 'Operator disabled' },
  'operator.enable': { zh: '启用操作员', en: 'Operator enabled' },
  'operator.reset-pin': { zh: '重置密码', en: 'PIN reset' },
};

export const AUDIT_OUTCOME_WORDS: Record<'ok' | 'denied' | 'failed', Words> = {
  ok: { zh: '成功', en: 'OK' },
  denied: { zh: '拒绝', en: 'Denied' },
  failed: { zh: '失败', en: 'Failed' },
};

/** The action in words; an action without words yet shows its key (never blank). */
export function auditActionWords(action: string, lang: AuditLang): string {
  return AUDIT_ACTION_WORDS[action]?.[lang] ?? action;
}

const money = (fen: string) => formatMoney(Number(fen.replace(/\s/g, '')));
const signedMoney = (fen: string) => {
  const n = Number(fen);
  return n < 0 ? `-${formatMoney(-n)}` : n > 0 ? `+${formatMoney(n)}` : formatMoney(0);
};
const STATUS: Record<string, Words> = {
  settled: { zh: '已平账', en: 'settled' },
  unmatched: { zh: '不平', en: 'not matched' },
  unreachable: { zh: '未送达发卡方', en: 'issuer not reached' },
  refused: { zh: '发卡方拒绝对账', en: 'refused by the issuer' },
  bad_answer: { zh: '发卡方应答无效', en: 'issuer answer not valid' },
};
const ROLE: Record<string, Words> = {
  cashier: { zh: '收银员', en: 'cashier' },
  manager: { zh: '店长', en: 'manager' },
  technician: { zh: '技术员', en: 'technician' },
};
const PAID_BY: Record<string, Words> = {
  cash: { zh: '现金', en: 'cash' },
  bank_transfer: { zh: '银行转账', en: 'bank transfer' },
};
const w = (m: Record<string, Words>, k: string, lang: AuditLang) => m[k]?.[lang] ?? k;

/** The detail texts the code records (src/main/shift, terminal/void-refund, api handlers), as words. */
const RULES: Array<[RegExp, (m: RegExpMatchArray, lang: AuditLang) => string]> = [
  [/^float (\d+)$/, (m, l) => (l === 'zh' ? `备用金 ${money(m[1])}` : `Float ${money(m[1])}`)],
  [
    /^blind count by (\S+)( by denomination)?$/,
    (m, l) =>
      l === 'zh'
        ? `${m[1]} 盲点${m[2] ? '（按面额）' : ''}`
        : `Blind count by ${m[1]}${m[2] ? ', by note and coin' : ''}`,
  ],
  [
    /^variance (-?\d+); journal (ok|FAILED.*?)(?:; forced with (\d+) unsent)?$/,
    (m, l) => {
      const ok = m[2] === 'ok';
      return l === 'zh'
        ? `差异 ${signedMoney(m[1])}；日志校验${ok ? '通过' : `失败 ${m[2].slice(7)}`}${m[3] ? `；强制结班，${m[3]} 笔离线交易未上送` : ''}`
        : `Variance ${signedMoney(m[1])}; journal ${ok ? 'verified' : `check FAILED ${m[2].slice(7)}`}${m[3] ? `; forced with ${m[3]} offline sale(s) unsent` : ''}`;
    },
  ],
  [
    /^variance (-?\d+)(?:: ([\s\S]*))?$/,
    (m, l) =>
      (l === 'zh' ? `差异 ${signedMoney(m[1])}` : `Variance ${signedMoney(m[1])}`) +
      (m[2] ? (l === 'zh' ? `，说明：${m[2]}` : `, note: ${m[2]}`) : ''),
  ],
  [
    // With several issuers the batch names its issuer: "batch 2 (iso-demo): settled, …".
    /^batch (\d+)(?: \(([^)]+)\))?: (\w+), (\d+) discrepancies(?:, (\d+) carried to next batch)?$/,
    (m, l) =>
      l === 'zh'
        ? `批次 ${m[1]}${m[2] ? `（${m[2]}）` : ''}：${w(STATUS, m[3], l)}，差错 ${m[4]} 笔${m[5] ? `，${m[5]} 笔结转下批` : ''}`
        : `Batch ${m[1]}${m[2] ? ` (${m[2]})` : ''}: ${w(STATUS, m[3], l)}, ${m[4]} discrepanc${m[4] === '1' ? 'y' : 'ies'}${m[5] ? `, ${m[5]} carried to the next batch` : ''}`,
  ],
  [
    // card-life.ts / card-batch.ts / chip-purchase.ts: "[batch i/n ]<kind> <fen> fen <card>[ cash|bank_transfer][ id <masked>][ <decline>]".
    new RegExp(
      `^(?:batch (\\d+)/(\\d+) )?(${TXN_KINDS.types.join('|')}) ([\\d ]+) fen (\\S+)(?: (cash|bank_transfer))?(?: id (\\S+))?(?: ([A-Z_]+))?$`,
    ),
    (m, l) => {
      const sep = l === 'zh' ? '，' : ', ';
      const title = TXN_KINDS.get(m[3]).title;
      return [
        (m[1] ? (l === 'zh' ? `批量 ${m[1]}/${m[2]} ` : `Batch ${m[1]}/${m[2]}: `) : '') +
          `${l === 'zh' ? title.zh : title.en.charAt(0) + title.en.slice(1).toLowerCase()} ${money(m[4])}`,
        m[5],
        ...(m[6] ? [w(PAID_BY, m[6], l)] : []),
        ...(m[7] ? [`${l === 'zh' ? '证件' : 'ID'} ${m[7]}`] : []),
        ...(m[8] ? [ERROR_WORDS[m[8] as ErrorCode]?.[l] ?? m[8]] : []),
      ].join(sep);
    },
  ],
  [
    /^void of offline sale (\d+) ([\d ]+) fen (\S+) \(queued behind its advice\)$/,
    (m, l) =>
      l === 'zh'
        ? `撤销离线消费 ${m[1]}，${money(m[2])}，${m[3]}（随离线队列上送）`
        : `Void of offline sale ${m[1]}, ${money(m[2])}, ${m[3]} (queued behind its advice)`,
  ],
  [
    // void-refund.ts: "void of <kind> <stan> <fen> fen <card>[ <decline>[ balance left <fen> fen]]"
    // (the kind since the void of a card sale or top-up; older entries have none).
    /^void of (?:([a-z_]+) )?(\d+) ([\d ]+) fen (\S+)(?: (\S+))?(?: balance left ([\d ]+) fen)?$/,
    (m, l) =>
      (l === 'zh'
        ? `撤销${kindWord(m[1], l)}原流水 ${m[2]}，${money(m[3])}，${m[4]}`
        : `Void of ${kindWord(m[1], l)}${m[2]}, ${money(m[3])}, ${m[4]}`) +
      (m[5] ? ` ${ERROR_WORDS[m[5] as ErrorCode]?.[l] ?? m[5]}` : '') +
      (m[6] ? (l === 'zh' ? `，余额 ${money(m[6])}` : `, balance left ${money(m[6])}`) : ''),
  ],
  [
    /^(?:refund of (\d+)|unlinked refund) ([\d ]+) fen (\S+)(?: (\S+))?$/,
    (m, l) =>
      (m[1]
        ? l === 'zh'
          ? `退货（原流水 ${m[1]}）`
          : `Refund of ${m[1]}`
        : l === 'zh'
          ? '无原单退货'
          : 'Unlinked refund') +
      `${l === 'zh' ? '，' : ', '}${money(m[2])}${l === 'zh' ? '，' : ', '}${m[3]}${m[4] ? ` ${m[4]}` : ''}`,
  ],
  // Override notes (src/main/api/handlers, terminal/offline-sale.ts: the offline rules broken).
  [
    /^close with unsent offline advices$/,
    (_m, l) => (l === 'zh' ? '有未上送的离线交易时结班' : 'close with unsent offline sales'),
  ],
  [
    /^Z report of shift (\d+)$/,
    (m, l) => (l === 'zh' ? `班次 ${m[1]} 的 Z 报表` : `Z report of shift ${m[1]}`),
  ],
  [
    /^override by (\S+) refused: ([A-Z_]+)$/,
    (m, l) =>
      l === 'zh'
        ? `${m[1]} 的授权被拒：${ERROR_WORDS[m[2] as ErrorCode]?.zh ?? m[2]}`
        : `override by ${m[1]} refused: ${ERROR_WORDS[m[2] as ErrorCode]?.en ?? m[2]}`,
  ],
  [/^unlinked$/, (_m, l) => (l === 'zh' ? '无原单退货' : 'unlinked refund')],
  [/^manual card entry$/, (_m, l) => (l === 'zh' ? '手输卡号' : 'manual card entry')],
  [
    /^([A-Z_]+(?:,[A-Z_]+)*)$/,
    (m, l) =>
      m[1]
        .split(',')
        .map((c) => ERROR_WORDS[c as ErrorCode]?.[l] ?? c)
        .join(l === 'zh' ? '；' : '; '),
  ],
  [
    /^issuer (\S+) check ([0-9A-F]{8})$/,
    (m, l) => (l === 'zh' ? `发卡方 ${m[1]}，校验值 ${m[2]}` : `issuer ${m[1]}, check value ${m[2]}`),
  ],
  [/^manual$/, (_m, l) => (l === 'zh' ? '主动退出' : 'signed out')],
  [/^idle$/, (_m, l) => (l === 'zh' ? '空闲超时自动退出' : 'idle timeout')],
  [/^(\d+) entries$/, (m, l) => (l === 'zh' ? `${m[1]} 条` : `${m[1]} entries`)],
  [/^(X|Z)$/, (m, l) => (l === 'zh' ? `${m[1]} 报表` : `${m[1]} report`)],
  [/^(\d+) (cashier|manager|technician)$/, (m, l) => `${m[1]}${l === 'zh' ? '，' : ', '}${w(ROLE, m[2], l)}`],
];

/**
 * The detail in words and yuan. A detail no rule knows is shown as recorded, with any
 * "<n> fen" in it turned into yuan.
 */
export function auditDetailWords(detail: string | null | undefined, lang: AuditLang): string {
  if (!detail) return '';
  for (const [re, f] of RULES) {
    const m = detail.match(re);
    if (m) return f(m, lang);
  }
  return detail.replace(/(-?\d[\d ]*\d|\d) fen\b/g, (_, n: string) => money(n));
}
