/**
 * `cardtill queue list [--json]` — which offline advices wait (in the order they will be sent) and
 * which were forwarded lately, with attempts, the last upload error and the issuer's outcome: the
 * rows behind `queue status`'s counts, as the manager's 离线队列 screen lists them. A table with
 * 简体中文 + English headings, or JSON (`QueueItems`, docs/api.md `queue.items`) with --json.
 * The text form ends with the job queue's dead letters (reversals, settlements, enrolments the
 * issuer refused for good). Read-only (safe while the terminal runs); card numbers are the stored masks (first 6 / last 4).
 */
import { queueItems } from '../../offline-queue/items';
import { formatMoney } from '../../shared/money';
import { ERROR_WORDS, type ErrorCode } from '../../shared/errors';
import type { QueueItem, QueueItems, ForwardedItem } from '../../shared/contract';
import type { CliCommand } from '../command';
import { openQueueDb } from './queue';
import { readDeadLetters } from '../../main/jobs/dead-letters';
import type { DeadLetter } from '../../shared/contract/jobs';

/** Terminal columns a string takes: CJK and full-width forms take two (UAX #11 "W"/"F", roughly). */
export function displayWidth(s: string): number {
  let w = 0;
  for (const ch of s) {
    const c = ch.codePointAt(0) ?? 0;
    const wide =
      (c >= 0x1100 && c <= 0x115f) ||
      (c >= 0x2e80 && c <= 0xa4cf) ||
      (c >= 0xac00 && c <= 0xd7a3) ||
      (c >= 0xf900 && c <= 0xfaff) ||
      (c >= 0xfe30 && c <= 0xfe4f) ||
      (c >= 0xff00 && c <= 0xff60) ||
      (c >= 0xffe0 && c <= 0xffe6);
    w += wide ? 2 : 1;
  }
  return w;
}

function pad(s: string, width: number): string {
  return s + ' '.repeat(Math.max(0, width - displayWidth(s)));
}

/** Rows under a heading row, each column as wide as its widest cell. */
export function table(head: string[], rows: string[][]): string[] {
  const widths = head.map((h, i) => Math.max(displayWidth(h), ...rows.map((r) => displayWidth(r[i] ?? ''))));
  const line = (cells: string[]) =>
    cells
      .map((c, i) => (i === cells.length - 1 ? c : pad(c, widths[i])))
      .join('  ')
      .trimEnd();
  return [line(head), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)];
}

/** Local time of the machine running the command, as the screen shows it: YYYY-MM-DD HH:MM:SS. */
function localTime(iso: string): string {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  const p = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())} ${p(d.getHours())}:${p(d.getMinutes())}:${p(d.getSeconds())}`;
}

const stan = (n: number) => String(n).padStart(6, '0');

function kind(i: QueueItem): string {
  return i.kind === 'void'
    ? `撤销 Void ${i.origStan === null ? '' : stan(i.origStan)}`.trimEnd()
    : '消费 Sale';
}

function outcome(i: ForwardedItem): string {
  if (i.outcome === 'accepted') return '已入账 accepted';
  const code = i.issuerCode;
  const words = code ? ERROR_WORDS[code as ErrorCode] : undefined;
  return `被拒 refused${code ? ` ${code}` : ''}${words ? ` ${words.zh} / ${words.en}` : ''}`;
}

function showing(shown: number, total: number): string {
  return shown === total ? `${total}` : `${total}（显示 ${shown} 笔 / showing ${shown} of ${total}）`;
}

/** The human-readable form of `QueueItems`. */
export function queueItemsText(q: QueueItems): string {
  const out: string[] = [`待上送 Waiting: ${showing(q.waiting.length, q.waitingTotal)}`];
  if (q.waiting.length === 0) out.push('没有待上送的离线交易 / Nothing is waiting to be forwarded');
  else
    out.push(
      ...table(
        ['STAN', '类型 Type', '时间 Time', '卡号 Card', '金额 Amount', '尝试 Tries', '最近错误 Last error'],
        q.waiting.map((i) => [
          stan(i.stan),
          kind(i),
          localTime(i.time),
          i.masked,
          formatMoney(i.amountFen),
          String(i.attempts),
          i.lastError ?? '',
        ]),
      ),
    );
  out.push('', `最近上送 Recently forwarded: ${showing(q.forwarded.length, q.forwardedTotal)}`);
  if (q.forwarded.length === 0) out.push('尚无上送记录 / Nothing has been forwarded yet');
  else
    out.push(
      ...table(
        ['STAN', '类型 Type', '卡号 Card', '金额 Amount', '上送时间 Forwarded at', '结果 Outcome'],
        q.forwarded.map((i) => [
          stan(i.stan),
          kind(i),
          i.masked,
          formatMoney(i.amountFen),
          localTime(i.forwardedAt),
          outcome(i),
        ]),
      ),
    );
  return `${out.join('\n')}\n`;
}

const DEAD_KIND: Record<DeadLetter['kind'], string> = {
  reversal: '冲正 Reversal',
  settlement: '批次结算 Settlement',
  enrolment: '密钥签到 Enrolment',
  advice: '离线上送 Advice',
  filebatch: '文件接口 File batch',
};

/** The job queue's dead letters (src/main/jobs): what the issuer refused for good, acknowledged or not. */
export function deadLettersText(d: { items: DeadLetter[]; unacknowledged: number }): string {
  const out = [
    `后台任务失败清单 Dead letters: ${d.items.length}（未确认 unacknowledged ${d.unacknowledged}）`,
  ];
  if (d.items.length === 0) out.push('没有失败的后台任务 / No failed background jobs');
  else
    out.push(
      ...table(
        [
          '任务 Job',
          'STAN',
          '卡号 Card',
          '金额 Amount',
          '尝试 Tries',
          '移入时间 Set aside',
          '确认 Acknowledged',
          '原因 Why',
        ],
        d.items.map((x) => [
          DEAD_KIND[x.kind],
          x.stan === null ? x.ref : stan(x.stan),
          x.kind === 'reversal' ? x.summary : '',
          x.amountFen === null ? '' : formatMoney(x.amountFen),
          String(x.attempts),
          localTime(x.deadAt),
          x.acknowledgedAt ? `${x.acknowledgedBy ?? ''} ${localTime(x.acknowledgedAt)}` : '否 no',
          x.lastError ?? '',
        ]),
      ),
    );
  return `${out.join('\n')}\n`;
}

export const queueListCommand: CliCommand = {
  name: 'queue list',
  summary: 'list the waiting offline advices (STAN order) and the recently forwarded ones (--json)',
  async run(ctx) {
    const db = openQueueDb(ctx, 'queue list');
    if (typeof db === 'number') return db;
    try {
      const q = queueItems(db);
      process.stdout.write(
        ctx.args.includes('--json')
          ? `${JSON.stringify(q, null, 2)}\n`
          : `${queueItemsText(q)}\n${deadLettersText(readDeadLetters(db))}`,
      );
      return 0;
    } finally {
      db.close();
    }
  },
};
