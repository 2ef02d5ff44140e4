/**
 * The event log: one line per event, to <data-dir>/logs/cardtill.log and to listeners (the
 * technician's live view). Every line passes through maskCardNumbersInText first (contiguous,
 * grouped and full-width numbers), so no full card number reaches a file or a screen whatever a
 * library — or a person typing free text — put in the message.
 */
import fs from 'node:fs';
import path from 'node:path';
import { maskCardNumbersInText } from '../shared/free-text';

export interface EventLog {
  (line: string): void;
  recent(n: number): string[];
  onLine(fn: (line: string) => void): () => void;
}

export function createEventLog(dataDir: string | undefined, clock: () => Date, echo = false): EventLog {
  const ring: string[] = [];
  const listeners = new Set<(line: string) => void>();
  let file: string | undefined;
  if (dataDir) {
    fs.mkdirSync(path.join(dataDir, 'logs'), { recursive: true, mode: 0o700 });
    file = path.join(dataDir, 'logs', 'cardtill.log');
  }
  const log = ((raw: string) => {
    const line = `${clock().toISOString()} ${maskCardNumbersInText(raw)}`;
    ring.push(line);
    if (ring.length > 1000) ring.shift();
    if (file) {
      try {
        fs.appendFileSync(file, line + '\n', { mode: 0o600 }); // mode applies when created
      } catch {
        // A full disk or a removed data directory must not take a driver callback down with it;
        // the line still reaches the ring buffer and the live view.
      }
    }
    if (echo) console.log(line);
    for (const l of listeners) l(line);
  }) as EventLog;
  log.recent = (n) => ring.slice(-n);
  log.onLine = (fn) => {
    listeners.add(fn);
    return () => listeners.delete(fn);
  };
  return log;
}
