/**
 * Money is an integer number of fen (分) everywhere: wire, database, UI state.
 * These helpers are the only place a yuan string is parsed or produced.
 */

/** Largest amount one transaction may carry: ¥99,999,999.99 — well inside Number.MAX_SAFE_INTEGER. */
export const MAX_FEN = 9_999_999_999;

export type Fen = number;

export function isFen(v: unknown): v is Fen {
  return typeof v === 'number' && Number.isSafeInteger(v) && v >= 0 && v <= MAX_FEN;
}

export function assertFen(v: unknown, what = 'amount'): Fen {
  if (!isFen(v))
    throw new RangeError(`${what} must be an integer number of fen in 0..${MAX_FEN}, got ${String(v)}`);
  return v;
}

/** Formats fen as a yuan string without currency sign: 1250 → "12.50", 123456 → "1,234.56". */
export function formatYuan(fen: Fen, opts: { grouping?: boolean } = {}): string {
  const neg = fen < 0;
  const abs = Math.abs(fen);
  const yuan = Math.floor(abs / 100);
  const cents = String(abs % 100).padStart(2, '0');
  const yuanStr = opts.grouping === false ? String(yuan) : yuan.toLocaleString('en-US');
  return `${neg ? '-' : ''}${yuanStr}.${cents}`;
}

/**
 * "¥12.50" — the form a cashier and a receipt show. A negative figure (a card net the store owes
 * the issuer, a short drawer) is "-¥42.50", the sign before the currency, as the void lines print.
 */
export function formatMoney(fen: Fen): string {
  return fen < 0 ? `-¥${formatYuan(-fen)}` : `¥${formatYuan(fen)}`;
}

/**
 * Parses a yuan string typed by a person ("12.5", "12.50", "1,234", "¥8") into fen.
 * Returns null for anything that is not an exact amount with at most two decimals.
 * Never goes through floating point.
 */
export function parseYuan(text: string): Fen | null {
  const t = text
    .trim()
    .replace(/^[¥￥]/, '')
    .replace(/,/g, '');
  const m = /^(\d{1,8})(?:\.(\d{0,2}))?$/.exec(t);
  if (!m) return null;
  const fen = Number(m[1]) * 100 + Number((m[2] ?? '').padEnd(2, '0'));
  return isFen(fen) ? fen : null;
}

/**
 * Keypad entry as a cashier's terminal does it: digits shift in from the right
 * (1 → 0.01, 12 → 0.12, 125 → 1.25, 1250 → 12.50). "00" is a key of its own.
 */
export function keypadAppend(currentFen: Fen, key: string): Fen {
  if (!/^(\d|00)$/.test(key)) return currentFen;
  const next = Number(String(currentFen) + key);
  return next > MAX_FEN ? currentFen : next;
}

export function keypadBackspace(currentFen: Fen): Fen {
  return Math.floor(currentFen / 10);
}
