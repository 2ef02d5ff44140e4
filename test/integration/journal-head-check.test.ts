/**
 * The head check's findings on a real journal file (signed fixture records): each comparison of
 * the database with `journal-head` names one thing, and a database ahead of the file is fine.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeJournalFixture, type JournalFixture } from '../helpers/journal-fixture';
import { compareHead, dbHead } from '../../src/main/journal/head-check';
import type { HeadFile } from '../../src/main/journal/head-file';

let f: JournalFixture;
let base: HeadFile;
beforeAll(() => {
  f = makeJournalFixture(6);
  const h = dbHead(f.db);
  base = { v: 1, seq: h.seq, hash: h.hash, nextStan: h.nextStan, writtenAt: new Date().toISOString() };
});
afterAll(() => f.close());

const hashOf = (seq: number) =>
  (f.db.prepare('SELECT hash FROM journal WHERE seq = ?').get(seq) as { hash: string }).hash;
const whats = (file: HeadFile | undefined | 'unreadable') =>
  compareHead(f.db, file).findings.map((x) => x.what);

describe('compareHead', () => {
  it('matches; a file behind the database is only a note', () => {
    expect(compareHead(f.db, base)).toMatchObject({ ok: true, findings: [] });
    const behind = compareHead(f.db, { ...base, seq: 4, hash: hashOf(4) });
    expect(behind.ok).toBe(true);
    expect(behind.notes[0]).toMatch(/2 record\(s\) behind/);
  });

  it('names each finding', () => {
    expect(whats(undefined)).toEqual(['no-head-file']);
    expect(whats('unreadable')).toEqual(['unreadable-head-file']);
    // The file is ahead: with the STAN counter there too → records cut off; counter behind → older db.
    expect(whats({ ...base, seq: 9, hash: 'c'.repeat(64) })).toEqual(['truncated-tail']);
    expect(whats({ ...base, seq: 9, hash: 'c'.repeat(64), nextStan: base.nextStan + 5 })).toEqual([
      'older-database',
    ]);
    expect(whats({ ...base, seq: 3, hash: 'd'.repeat(64) })).toEqual(['rewritten']);
    expect(whats({ ...base, checkpoint: { shiftId: 1, seq: 4, hash: hashOf(4) } })).toEqual([
      'rewound-checkpoint',
    ]);
    expect(whats({ ...base, issuerAck: { seq: 8, hash: 'e'.repeat(64), at: 'x' } })).toEqual([
      'behind-issuer',
    ]);
    expect(whats({ ...base, issuerAck: { seq: 2, hash: 'e'.repeat(64), at: 'x' } })).toEqual(['rewritten']);
    expect(whats({ ...base, issuerAck: { seq: 2, hash: hashOf(2), at: 'x' } })).toEqual([]);
  });
});
