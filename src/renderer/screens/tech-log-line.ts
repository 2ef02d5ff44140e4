/**
 * An event-log line as the technician reads it: the core writes each line with its UTC ISO stamp
 * ("2026-12-02T02:48:41.897Z sim-msr: connected", the form of logs/cardtill.log and the
 * diagnostics bundle); the screen shows that stamp on the store's clock (config `timeZone`), like
 * every other time on the screens — "2026-12-02 10:48:41.897 sim-msr: connected". A line without
 * a leading stamp is shown as it came.
 */
import { formatInZone } from '../../shared/local-time';

const STAMP = /^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d)(\.\d{1,3})?Z /;

export function localLogLine(line: string, timeZone: string): string {
  const m = STAMP.exec(line);
  if (!m) return line;
  const local = formatInZone(`${m[1]}${m[2] ?? ''}Z`, timeZone);
  return local ? `${local}${m[2] ?? ''} ${line.slice(m[0].length)}` : line;
}
