/**
 * Store-local time for what a person reads (report exports, the audit log): an ISO instant shown
 * in the store's time zone (config `timeZone`, an IANA name; default Asia/Shanghai), as
 * "2026-12-01 20:05:09" — the form Chinese business records use, the same in both languages.
 * Pure (Intl only), so main and renderer share it.
 */
export const DEFAULT_TIME_ZONE = 'Asia/Shanghai';

const formats = new Map<string, Intl.DateTimeFormat>();

function formatFor(timeZone: string): Intl.DateTimeFormat {
  let f = formats.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-CA', {
      timeZone,
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
      hourCycle: 'h23',
    });
    formats.set(timeZone, f);
  }
  return f;
}

/** True when Intl knows the zone (config validation). */
export function isTimeZone(tz: string): boolean {
  try {
    formatFor(tz);
    return true;
  } catch {
    return false;
  }
}

/** "YYYY-MM-DD HH:mm:ss" in the zone; an empty or unparsable instant gives "". */
export function formatInZone(iso: string | null | undefined, timeZone: string = DEFAULT_TIME_ZONE): string {
  if (!iso) return '';
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return '';
  const p = Object.fromEntries(
    formatFor(timeZone)
      .formatToParts(d)
      .map((x) => [x.type, x.value]),
  );
  return `${p.year}-${p.month}-${p.day} ${p.hour}:${p.minute}:${p.second}`;
}
