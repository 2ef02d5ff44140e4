import { describe, expect, it } from 'vitest';
import { WedgeClassifier, type Keystroke, type WedgeOutput } from '../../../src/drivers/hid/wedge-classifier';

/** Types `text` then Enter with `gapMs` between keys, starting at t0. */
function keys(text: string, gapMs: number, t0 = 1000, enter = true): Keystroke[] {
  const ks = [...text].map((key, i) => ({ key, at: t0 + i * gapMs }));
  if (enter) ks.push({ key: 'Enter', at: t0 + text.length * gapMs });
  return ks;
}
const feed = (c: WedgeClassifier, ks: Keystroke[]): WedgeOutput[] => ks.flatMap((k) => c.push(k));

describe('wedge classifier', () => {
  it('a scan (8 ms a key, ended by Enter) is one frame and the Enter is consumed', () => {
    const out = feed(new WedgeClassifier(), keys('6228480402564890018', 8));
    expect(out).toEqual([
      { kind: 'frame', text: '6228480402564890018', startedAt: 1000, endedAt: 1000 + 19 * 8 },
    ]);
  });

  it('a person typing an amount (150 ms a key) is human keys, each released after the gap', () => {
    const c = new WedgeClassifier();
    const out = feed(c, keys('12345678', 150));
    const human = out.flatMap((o) => (o.kind === 'human' ? o.keys.map((k) => k.key) : ['FRAME']));
    expect(human).toEqual([...'12345678', 'Enter']);
  });

  it('tick() releases a held key once the gap has passed, so a typed key shows within ~60 ms', () => {
    const c = new WedgeClassifier();
    expect(c.push({ key: '5', at: 0 })).toEqual([]);
    expect(c.nextDeadline()).toBe(60);
    expect(c.tick(30)).toEqual([]);
    expect(c.tick(60)).toEqual([{ kind: 'human', keys: [{ key: '5', at: 0 }] }]);
    expect(c.nextDeadline()).toBeUndefined();
  });

  it('fast but short input (PIN typed by a fast hand) is human', () => {
    const out = feed(new WedgeClassifier(), keys('1234', 20));
    expect(out.every((o) => o.kind === 'human')).toBe(true);
  });

  it('one slow gap inside a fast burst makes it human', () => {
    const ks = keys('62284804', 10);
    for (const k of ks.slice(4)) k.at += 70;
    const out = feed(new WedgeClassifier(), ks);
    expect(out.some((o) => o.kind === 'frame')).toBe(false);
  });

  it('mean gap at the limit is human, just under is a frame', () => {
    expect(feed(new WedgeClassifier(), keys('abcdef', 30)).some((o) => o.kind === 'frame')).toBe(false);
    expect(feed(new WedgeClassifier(), keys('abcdef', 29)).some((o) => o.kind === 'frame')).toBe(true);
  });

  it('modifier keys are transparent (scanners press Shift for capitals)', () => {
    const ks: Keystroke[] = [];
    let t = 0;
    for (const ch of '%B6228^') {
      ks.push({ key: 'Shift', at: t });
      ks.push({ key: ch, at: (t += 5) });
    }
    ks.push({ key: 'Enter', at: (t += 5) });
    expect(feed(new WedgeClassifier(), ks)).toEqual([
      { kind: 'frame', text: '%B6228^', startedAt: 5, endedAt: t },
    ]);
  });

  it('a non-printable key releases the held keys with it', () => {
    const c = new WedgeClassifier();
    c.push({ key: '1', at: 0 });
    expect(c.push({ key: 'Backspace', at: 5 })).toEqual([
      {
        kind: 'human',
        keys: [
          { key: '1', at: 0 },
          { key: 'Backspace', at: 5 },
        ],
      },
    ]);
  });

  it('configurable: Tab terminator, 4 characters', () => {
    const c = new WedgeClassifier({ terminators: ['Tab'], minChars: 4 });
    const ks = keys('1234', 5, 0, false);
    ks.push({ key: 'Tab', at: 20 });
    expect(feed(c, ks)).toEqual([{ kind: 'frame', text: '1234', startedAt: 0, endedAt: 20 }]);
  });

  it('a person typing then a scan right after: the typed key comes out human, the scan as a frame', () => {
    const c = new WedgeClassifier();
    const out = [...c.push({ key: '7', at: 0 }), ...feed(c, keys('9000123456789016', 6, 200))];
    expect(out).toEqual([
      { kind: 'human', keys: [{ key: '7', at: 0 }] },
      { kind: 'frame', text: '9000123456789016', startedAt: 200, endedAt: 200 + 16 * 6 },
    ]);
  });

  it('flush() releases everything held', () => {
    const c = new WedgeClassifier();
    c.push({ key: 'a', at: 0 });
    c.push({ key: 'b', at: 1 });
    expect(c.flush()).toEqual([
      {
        kind: 'human',
        keys: [
          { key: 'a', at: 0 },
          { key: 'b', at: 1 },
        ],
      },
    ]);
  });

  it('is pure: the module imports nothing', async () => {
    const { readFileSync } = await import('node:fs');
    const src = readFileSync(
      new URL('../../../src/drivers/hid/wedge-classifier.ts', import.meta.url),
      'utf8',
    );
    expect(src).not.toMatch(/^\s*import\s/m);
  });
});
