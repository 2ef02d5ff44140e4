/**
 * Keyboard-wedge classifier: tells a scanner or magstripe reader "typing" into the keyboard apart
 * from a person, by inter-key timing, so a scan never lands in the PIN or amount field and typing
 * never becomes a scan. Runs in the renderer: this file is pure (no imports at all, no timers —
 * the caller passes timestamps and calls tick() from its own timer at nextDeadline()).
 *
 * How it decides: printable keys are held back while they keep arriving fast. When the terminator
 * (Enter) arrives and at least `minChars` were held, with mean gap < `maxMeanGapMs` and no gap
 * ≥ `maxGapMs`, the held keys are one wedge frame and the Enter is consumed. Otherwise the held
 * keys are released as human keys, in order, with nothing lost: as soon as a gap reaches
 * `maxGapMs` (so a person sees their key after at most ~60 ms), on any non-printable key, or on
 * an Enter after too few or too slow keys. Wedge devices type at 2–15 ms a key; people rarely
 * sustain under 80 ms.
 *
 * Modifier keys (Shift, Control, Alt, Meta, CapsLock…) are transparent: not held, not returned,
 * no effect on timing — a wedge scanner presses Shift for every capital letter.
 */

export interface WedgeConfig {
  /** Fewest characters (Enter excluded) a frame can have. */
  minChars: number;
  /** Mean gap between keys of a frame, Enter included, must be below this. */
  maxMeanGapMs: number;
  /** Every gap of a frame must be below this; a longer gap releases the held keys. */
  maxGapMs: number;
  /** KeyboardEvent.key values that end a frame. */
  terminators: readonly string[];
  /** A frame longer than this is released as human keys (a key stuck down). */
  maxChars: number;
}

export const DEFAULT_WEDGE_CONFIG: WedgeConfig = {
  minChars: 6,
  maxMeanGapMs: 30,
  maxGapMs: 60,
  terminators: ['Enter'],
  maxChars: 4096,
};

export interface Keystroke {
  /** KeyboardEvent.key: one character, or a name such as 'Enter', 'Backspace'. */
  key: string;
  /** Milliseconds (KeyboardEvent.timeStamp or Date.now()); only differences matter. */
  at: number;
}

export type WedgeOutput =
  /** A completed scan/swipe: the characters, terminator removed. */
  | { kind: 'frame'; text: string; startedAt: number; endedAt: number }
  /** Keys a person typed: deliver them to the focused field, in order. */
  | { kind: 'human'; keys: Keystroke[] };

const MODIFIERS = new Set([
  'Shift',
  'Control',
  'Alt',
  'AltGraph',
  'Meta',
  'CapsLock',
  'NumLock',
  'ScrollLock',
  'Fn',
  'OS',
]);

/** A key that produces one character (KeyboardEvent.key of length 1, surrogate pairs included). */
function isPrintable(key: string): boolean {
  return key.length === 1 || (key.length === 2 && /^[\uD800-\uDBFF][\uDC00-\uDFFF]$/.test(key));
}

export class WedgeClassifier {
  private readonly cfg: WedgeConfig;
  private held: Keystroke[] = [];

  constructor(config: Partial<WedgeConfig> = {}) {
    this.cfg = { ...DEFAULT_WEDGE_CONFIG, ...config };
  }

  /** Keys currently held back (for a debug view; never log their content). */
  get heldCount(): number {
    return this.held.length;
  }

  push(k: Keystroke): WedgeOutput[] {
    const out: WedgeOutput[] = [];
    if (MODIFIERS.has(k.key)) return out;
    const at = Number.isFinite(k.at) ? k.at : 0;
    const key: Keystroke = { key: k.key, at };
    const last = this.held.at(-1);
    if (last && gap(last.at, at) >= this.cfg.maxGapMs) this.release(out);

    if (this.cfg.terminators.includes(key.key)) {
      const frame = this.asFrame(key);
      if (frame) out.push(frame);
      else out.push({ kind: 'human', keys: [...this.held, key] });
      this.held = [];
      return out;
    }
    if (!isPrintable(key.key)) {
      out.push({ kind: 'human', keys: [...this.held, key] });
      this.held = [];
      return out;
    }
    this.held.push(key);
    if (this.held.length > this.cfg.maxChars) this.release(out);
    return out;
  }

  /** Call at nextDeadline() (or any time): releases held keys that can no longer be a frame. */
  tick(now: number): WedgeOutput[] {
    const out: WedgeOutput[] = [];
    const last = this.held.at(-1);
    if (last && gap(last.at, now) >= this.cfg.maxGapMs) this.release(out);
    return out;
  }

  /** When to call tick() next, or undefined when nothing is held. */
  nextDeadline(): number | undefined {
    const last = this.held.at(-1);
    return last ? last.at + this.cfg.maxGapMs : undefined;
  }

  /** Releases everything held as human keys (focus change, screen change). */
  flush(): WedgeOutput[] {
    const out: WedgeOutput[] = [];
    this.release(out);
    return out;
  }

  private release(out: WedgeOutput[]): void {
    if (this.held.length) out.push({ kind: 'human', keys: this.held });
    this.held = [];
  }

  private asFrame(terminator: Keystroke): WedgeOutput | undefined {
    const keys = this.held;
    if (keys.length < this.cfg.minChars) return undefined;
    const all = [...keys, terminator];
    let max = 0;
    let sum = 0;
    for (let i = 1; i < all.length; i++) {
      const g = gap(all[i - 1]!.at, all[i]!.at);
      max = Math.max(max, g);
      sum += g;
    }
    const mean = sum / (all.length - 1);
    if (mean >= this.cfg.maxMeanGapMs || max >= this.cfg.maxGapMs) return undefined;
    return {
      kind: 'frame',
      text: keys.map((k) => k.key).join(''),
      startedAt: all[0]!.at,
      endedAt: terminator.at,
    };
  }
}

/** Time between two keys; a clock that went backwards counts as no gap. */
function gap(from: number, to: number): number {
  return Math.max(0, to - from);
}
