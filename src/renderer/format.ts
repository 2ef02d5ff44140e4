/**
 * The one way the screens show a time: in the store's time zone (SessionInfo.timeZone, from the
 * config; Asia/Shanghai by default) and in the language's own format — never the machine's zone,
 * never a raw ISO/UTC stamp, never the US month/day order. Also the words for the machine values
 * the core sends (entry modes, transaction kinds and statuses, device transports and events), so
 * that no screen prints an enum as it travels on the wire.
 */
import { useEffect, useState } from 'react';
import { useTill } from './store';
import { call } from './actions';
import { t, errorWords, WORDS, type Lang, type WordKey } from './i18n';

export const DEFAULT_TIME_ZONE = 'Asia/Shanghai';

export type TimeStyle = 'datetime' | 'time' | 'date';

const LOCALE: Record<Lang, string> = { zh: 'zh-CN', en: 'en-GB' };
const cache = new Map<string, Intl.DateTimeFormat>();

function formatter(lang: Lang, timeZone: string, style: TimeStyle): Intl.DateTimeFormat {
  const key = `${lang}|${timeZone}|${style}`;
  let f = cache.get(key);
  if (!f) {
    // dateStyle 'medium': zh "2026年12月1日", en "1 Dec 2026" — neither can be read the US way.
    const opts: Intl.DateTimeFormatOptions =
      style === 'time'
        ? { timeStyle: 'medium', hourCycle: 'h23' }
        : style === 'date'
          ? { dateStyle: 'medium' }
          : { dateStyle: 'medium', timeStyle: 'medium', hourCycle: 'h23' };
    try {
      f = new Intl.DateTimeFormat(LOCALE[lang], { ...opts, timeZone });
    } catch {
      f = new Intl.DateTimeFormat(LOCALE[lang], { ...opts, timeZone: DEFAULT_TIME_ZONE });
    }
    cache.set(key, f);
  }
  return f;
}

/** A time as a person in the store reads it. Accepts ISO text, epoch milliseconds or a Date. */
export function formatTime(
  at: string | number | Date,
  lang: Lang,
  timeZone: string = DEFAULT_TIME_ZONE,
  style: TimeStyle = 'datetime',
): string {
  const d = at instanceof Date ? at : new Date(at);
  if (Number.isNaN(d.getTime())) return String(at);
  return formatter(lang, timeZone, style).format(d);
}

const ISO_IN_TEXT = /\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})/g;

/**
 * The detail of a typed error as a person reads it: ISO stamps become store-local times, and the
 * details the core words in English for its log get their words here (e.g. the lock-out's
 * "until <ISO>").
 */
export function errorDetail(lang: Lang, code: string, detail: string | undefined, timeZone?: string): string {
  if (!detail) return '';
  const until = /^until (\S+)$/.exec(detail);
  if (code === 'OPERATOR_LOCKED' && until)
    return t(lang, 'lockedUntilAt', { t: formatTime(until[1], lang, timeZone, 'time') });
  const left = /^(\d+) attempts? left$/.exec(detail);
  if (code === 'BAD_PIN' && left) return t(lang, 'attemptsLeft', { n: left[1] });
  return detail.replace(ISO_IN_TEXT, (iso) => formatTime(iso, lang, timeZone));
}

/** Words for a value the core sends as an enum; the key is `<prefix><value>`, or the value itself. */
function enumWord(lang: Lang, prefix: string, value: string): string {
  const key = `${prefix}${value}`;
  // An enum value with no words yet shows as it is rather than breaking the screen.
  return Object.prototype.hasOwnProperty.call(WORDS, key) ? t(lang, key as WordKey) : value;
}

export const entryModeWord = (lang: Lang, mode: string) => enumWord(lang, 'entry_', mode);
export const txnKindWord = (lang: Lang, kind: string) => enumWord(lang, 'txnkind_', kind);
export const txnStatusWord = (lang: Lang, status: string) => enumWord(lang, 'txnstatus_', status);
export const transportWord = (lang: Lang, transport: string) => enumWord(lang, 'transport_', transport);
export const deviceKindWord = (lang: Lang, kind: string) => enumWord(lang, 'kind_', kind);
export const deviceStateWord = (lang: Lang, state: string) => enumWord(lang, 'state_', state);

/**
 * The words of a link error the forwarder recorded (free text from the transport: "issuer link is
 * cut", "connect ECONNREFUSED …", a timeout). Known causes get words; the raw text stays available
 * for the technician as the detail.
 */
const LINK_ERRORS: Array<[RegExp, (lang: Lang) => string]> = [
  [/link is cut/i, (lang) => t(lang, 'linkErrCut')],
  [/ECONNREFUSED/, (lang) => t(lang, 'linkErrRefused')],
  [/timed? ?out|ETIMEDOUT/i, (lang) => t(lang, 'linkErrTimeout')],
  [/ENOTFOUND|EAI_AGAIN|ENETUNREACH|EHOSTUNREACH/, (lang) => t(lang, 'linkErrNoRoute')],
  [/signature/i, (lang) => errorWords(lang, 'ISSUER_BAD_SIGNATURE')],
];

export function linkErrorWords(lang: Lang, text: string): string {
  return LINK_ERRORS.find(([re]) => re.test(text))?.[1](lang) ?? t(lang, 'linkErrOther');
}

/** No known cause: the screen shows the transport's own text beside the words, as the detail. */
export function linkErrorIsOther(text: string): boolean {
  return !LINK_ERRORS.some(([re]) => re.test(text));
}

/** A device's last event in words (the registry sends it as data: DeviceEventSummary). */
export function deviceEventWords(
  lang: Lang,
  e: { type: string; entryMode?: string; masked?: string; code?: string; state?: string } | undefined,
): string {
  if (!e) return '';
  switch (e.type) {
    case 'card':
      return t(lang, 'devEvent_card', { card: e.masked ?? '', mode: entryModeWord(lang, e.entryMode ?? '') });
    case 'error':
      return t(lang, 'devEvent_error', { what: errorWords(lang, e.code ?? 'IO_ERROR') });
    case 'state':
      return t(lang, 'devEvent_state', { state: deviceStateWord(lang, e.state ?? '') });
    default:
      return t(lang, 'devEvent_receipt');
  }
}

/** The hook the screens use: times and enum words bound to the current language and store zone. */
export function useFormat() {
  const lang = useTill((s) => s.ui.lang);
  const timeZone = useTill((s) => s.session.info?.timeZone) ?? DEFAULT_TIME_ZONE;
  return {
    lang,
    timeZone,
    dateTime: (at: string | number | Date) => formatTime(at, lang, timeZone, 'datetime'),
    time: (at: string | number | Date) => formatTime(at, lang, timeZone, 'time'),
    date: (at: string | number | Date) => formatTime(at, lang, timeZone, 'date'),
    errorDetail: (code: string, detail?: string) => errorDetail(lang, code, detail, timeZone),
    entryMode: (m: string) => entryModeWord(lang, m),
    txnKind: (k: string) => txnKindWord(lang, k),
    txnStatus: (s: string) => txnStatusWord(lang, s),
    transport: (x: string) => transportWord(lang, x),
    deviceKind: (k: string) => deviceKindWord(lang, k),
    deviceState: (s: string) => deviceStateWord(lang, s),
    linkError: (text: string) => linkErrorWords(lang, text),
    linkErrorIsOther,
    deviceEvent: (e: Parameters<typeof deviceEventWords>[1]) => deviceEventWords(lang, e),
  };
}

/**
 * Operator names where the core records ids (who approved, who acknowledged): the public
 * `auth.operators` list, loaded once per page and shared. Unknown ids show as they are.
 */
let operatorNames: Promise<Map<string, string>> | undefined;
export function useOperatorName(): (id: string | null | undefined) => string {
  const [names, setNames] = useState<Map<string, string>>(new Map());
  useEffect(() => {
    operatorNames ??= call('auth.operators', {}).then(
      (list) => new Map(list.map((o) => [o.id, o.name])),
      () => {
        operatorNames = undefined; // try again on the next screen
        return new Map<string, string>();
      },
    );
    let live = true;
    void operatorNames.then((m) => live && setNames(m));
    return () => {
      live = false;
    };
  }, []);
  return (id) => {
    if (!id) return '';
    const name = names.get(id);
    return name ? `${name}（${id}）` : id;
  };
}
