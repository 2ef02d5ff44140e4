/**
 * The terminal's data directory is private to the user the till runs as: the directory and every
 * folder in it 0700, every file 0600 (terminal.db and its -wal/-shm hold the operators' PIN hashes,
 * the log and the keys are sensitive; in demo mode issuer-sim/ holds the simulator's ledger with
 * clear card numbers). Another local user could otherwise read the hashes and crack a 4-digit PIN
 * offline in seconds.
 *
 * prepareDataDir() runs first thing at start: creates the directory 0700, and tightens anything
 * already there that a group or other user could read. The pieces started afterwards (SQLite,
 * the issuer simulator) create their files with the process umask, so seal() walks the tree again
 * once they have: SQLite gives a later -wal/-shm the mode of its database file, so after this pass
 * they stay 0600. Existing files found too open are reported in the log (a till upgraded from an
 * earlier version, or a copied backup); files created by this start are tightened quietly.
 */
import fs from 'node:fs';
import path from 'node:path';

const DIR_MODE = 0o700;
const FILE_MODE = 0o600;
/** Chromium's own profile (npm start --open): Chromium keeps it private itself, and it is large. */
const SKIP = new Set(['chromium-profile']);

export interface DataDirModes {
  /** Existing paths that were too open at start, relative to the data dir, with their old mode. */
  fixedAtStart: string[];
  /** Tightens what this start created, and logs what was fixed at start. */
  seal(log: (line: string) => void): void;
}

function tighten(dir: string, found: string[], rel = ''): void {
  let entries: fs.Dirent[];
  try {
    entries = fs.readdirSync(path.join(dir, rel), { withFileTypes: true });
  } catch {
    return; // a folder removed meanwhile, or unreadable: nothing to tighten
  }
  for (const e of entries) {
    if (SKIP.has(e.name) && !rel) continue;
    const r = rel ? path.join(rel, e.name) : e.name;
    const full = path.join(dir, r);
    // Only real files and folders: a symlink's target is not ours to change, sockets are transient.
    if (e.isDirectory()) {
      fixMode(full, DIR_MODE, r + '/', found);
      tighten(dir, found, r);
    } else if (e.isFile()) fixMode(full, FILE_MODE, r, found);
  }
}

function fixMode(full: string, mode: number, label: string, found: string[]): void {
  try {
    const now = fs.lstatSync(full).mode & 0o777;
    if ((now & 0o077) === 0) return;
    fs.chmodSync(full, mode);
    found.push(`${label} ${now.toString(8).padStart(4, '0')}→${mode.toString(8).padStart(4, '0')}`);
  } catch {
    // gone meanwhile: nothing to protect
  }
}

export function prepareDataDir(dir: string): DataDirModes {
  const fixedAtStart: string[] = [];
  fs.mkdirSync(dir, { recursive: true, mode: DIR_MODE });
  fixMode(dir, DIR_MODE, './', fixedAtStart);
  tighten(dir, fixedAtStart);
  return {
    fixedAtStart,
    seal(log) {
      if (fixedAtStart.length)
        log(
          `data dir: ${fixedAtStart.length} path(s) other users could read were made private: ${fixedAtStart.join(', ')}`,
        );
      tighten(dir, []);
    },
  };
}
