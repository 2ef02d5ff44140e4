/**
 * Card numbers in free text. A cashier or manager may type (or scan) a card number into a field
 * meant for words — an operator's name, a variance note, an override reason — and whatever is
 * stored there is listed later to people who may not see card numbers (`auth.operators` is public).
 * Such text is masked, not refused: the note keeps its meaning ("card ending 0017 …"), and the
 * person typing is not blocked at the till. docs/security.md "Free text".
 *
 * Card-number-shaped means: 12–19 digits in a row (the event log's rule, src/shared/card.ts), or
 * 13–19 digits in groups of 3–6 split by spaces or dashes ("6222 0212 3456 7890"), ASCII or
 * full-width (an IME's ６２２２). The first 6 and last 4 digits stay (DESIGN.md "Money, cards,
 * time"), the rest become `*`, separators stay, so the length does not change.
 */
import { z } from 'zod';

const D = '[0-9\\uFF10-\\uFF19]';
const CONTIGUOUS = new RegExp(`${D}{12,19}`, 'g');
const GROUPED = new RegExp(`${D}{3,6}(?:[ \\-]${D}{3,6})+`, 'g');
const IS_DIGIT = new RegExp(`^${D}$`);

function maskDigits(run: string): string {
  const total = [...run].filter((c) => IS_DIGIT.test(c)).length;
  let seen = 0;
  return [...run]
    .map((c) => {
      if (!IS_DIGIT.test(c)) return c;
      seen++;
      return seen <= 6 || seen > total - 4 ? c : '*';
    })
    .join('');
}

/** The text with every card-number-shaped run masked; other text unchanged. */
export function maskCardNumbersInText(text: string): string {
  return text
    .replace(GROUPED, (run) => {
      const digits = run.replace(/[ -]/g, '').length;
      return digits >= 13 && digits <= 19 ? maskDigits(run) : run;
    })
    .replace(CONTIGUOUS, maskDigits);
}

/** A free-text field of the contract: a string of at most `max` characters, stored masked. */
export function freeText(o: { min?: number; max: number }) {
  return z
    .string()
    .min(o.min ?? 0)
    .max(o.max)
    .transform(maskCardNumbersInText);
}
