/**
 * Card numbers. A closed-loop card number is 16–19 digits, the last a Luhn check digit
 * (ISO/IEC 7812-1 Annex B). It is masked wherever a person or a log can see it.
 */

export const PAN_RE = /^\d{12,19}$/;

export function luhnCheckDigit(body: string): number {
  let sum = 0;
  let double = true;
  for (let i = body.length - 1; i >= 0; i--) {
    let d = body.charCodeAt(i) - 48;
    if (double) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
    double = !double;
  }
  return (10 - (sum % 10)) % 10;
}

export function isLuhnValid(pan: string): boolean {
  return PAN_RE.test(pan) && luhnCheckDigit(pan.slice(0, -1)) === Number(pan.at(-1));
}

/** On screen: first 6, last 4 at most (DESIGN.md "Money, cards, time"). */
export function maskPan(pan: string): string {
  if (pan.length <= 10) return '*'.repeat(Math.max(0, pan.length - 4)) + pan.slice(-4);
  return pan.slice(0, 6) + '*'.repeat(pan.length - 10) + pan.slice(-4);
}

/** On the receipt and in logs: last 4 only. */
export function last4(pan: string): string {
  return pan.slice(-4);
}

export function maskPanLast4(pan: string): string {
  return '**** ' + pan.slice(-4);
}

/**
 * Replaces every digit run that looks like a card number (12–19 digits) in free text with its
 * masked form. Used by the event log and the diagnostics bundle so that nothing a person reads
 * carries a full number, whatever a driver or library put in a message.
 */
export function maskPansInText(text: string): string {
  return text.replace(/\d{12,19}/g, (m) => maskPan(m));
}
