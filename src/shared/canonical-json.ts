/**
 * Canonical JSON: the exact bytes that are signed on the issuer link and in the journal.
 * Object keys sorted by UTF-16 code unit, no white space, strings as JSON.stringify writes them,
 * numbers only as safe integers (money is fen; a float would make the bytes ambiguous), no
 * undefined. Same idea as RFC 8785 (JCS), restricted so that every implementation agrees trivially.
 */
export type Canonical = null | boolean | number | string | Canonical[] | { [k: string]: Canonical };

export function canonicalize(value: unknown): string {
  if (value === null) return 'null';
  switch (typeof value) {
    case 'boolean':
      return value ? 'true' : 'false';
    case 'number':
      if (!Number.isSafeInteger(value))
        throw new TypeError(`canonical JSON carries only safe integers, got ${value}`);
      return String(value);
    case 'string':
      return JSON.stringify(value);
    case 'object': {
      if (Array.isArray(value)) return `[${value.map(canonicalize).join(',')}]`;
      const obj = value as Record<string, unknown>;
      const keys = Object.keys(obj)
        .filter((k) => obj[k] !== undefined)
        .sort();
      return `{${keys.map((k) => `${JSON.stringify(k)}:${canonicalize(obj[k])}`).join(',')}}`;
    }
    default:
      throw new TypeError(`canonical JSON cannot carry ${typeof value}`);
  }
}

const encoder = new TextEncoder();
export function canonicalBytes(value: unknown): Uint8Array {
  return encoder.encode(canonicalize(value));
}
