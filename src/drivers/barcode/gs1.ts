/**
 * GS1 element strings for gift cards: GTIN (AI 01) + serial number (AI 21), in the raw form a
 * scanner transmits (FNC1 as GS 0x1D between a variable-length field and the next AI) and in the
 * human-readable form with parentheses "(01)09501101530003(21)ABC123". Pure; never throws.
 *
 * Source: GS1 General Specifications — §3.2 "GS1 Application Identifiers in numerical order"
 * (AI data lengths), §7.8 "predefined length" AIs (those not followed by FNC1), §7.9.1 "standard
 * check digit calculations" (GTIN mod 10, weights 3,1 from the right), §7.11 "GS1 AI encodable
 * character set 82" (what a serial number may contain).
 */

export const GS = '\x1d';

/** AI → [AI length, fixed data length or undefined for variable, max data length]. */
interface AiDef {
  ai: string;
  fixed?: number;
  max: number;
}

/**
 * The AIs of a gift-card label and their common neighbours. An AI not listed makes the string
 * unparseable (we cannot know where it ends) → SCAN_UNREADABLE.
 */
const AIS: AiDef[] = [
  { ai: '00', fixed: 18, max: 18 }, // SSCC
  { ai: '01', fixed: 14, max: 14 }, // GTIN
  { ai: '02', fixed: 14, max: 14 }, // GTIN of contained items
  { ai: '10', max: 20 }, // batch/lot
  { ai: '11', fixed: 6, max: 6 }, // production date YYMMDD
  { ai: '13', fixed: 6, max: 6 }, // packaging date
  { ai: '15', fixed: 6, max: 6 }, // best before
  { ai: '17', fixed: 6, max: 6 }, // expiration date
  { ai: '20', fixed: 2, max: 2 }, // variant
  { ai: '21', max: 20 }, // serial number
  { ai: '22', max: 20 }, // consumer product variant
  { ai: '240', max: 30 }, // additional product id
  { ai: '241', max: 30 }, // customer part number
  { ai: '250', max: 30 }, // secondary serial
  { ai: '251', max: 30 }, // reference to source entity
  { ai: '254', max: 20 }, // GLN extension
  { ai: '30', max: 8 }, // variable count
  { ai: '37', max: 8 }, // count of trade items
  { ai: '400', max: 30 }, // customer's purchase order
  { ai: '8004', max: 30 }, // GIAI
  { ai: '8200', max: 70 }, // product URL
];

/** GS1 AI encodable character set 82 (GS1 General Specifications §7.11, Figure 7.11-1). */
const CSET82 = /^[!"%&'()*+,\-./0-9:;<=>?A-Z_a-z]*$/;

/** GS1 mod-10 check digit over all digits but the last (weights 3,1,3,… from the right). */
export function gs1CheckDigitValid(digits: string): boolean {
  if (!/^\d{2,}$/.test(digits)) return false;
  let sum = 0;
  let weight = 3;
  for (let i = digits.length - 2; i >= 0; i--) {
    sum += (digits.charCodeAt(i) - 48) * weight;
    weight = weight === 3 ? 1 : 3;
  }
  return (10 - (sum % 10)) % 10 === digits.charCodeAt(digits.length - 1) - 48;
}

export type Gs1Result = { ok: true; fields: Map<string, string> } | { ok: false; reason: string };

function findAi(s: string, at: number): AiDef | undefined {
  // AIs are prefix-free among themselves, so the first match is the only one.
  return AIS.find((d) => s.startsWith(d.ai, at));
}

/** Raw element string: AIs back to back, GS after each variable-length field that isn't last. */
export function parseGs1Raw(s: string): Gs1Result {
  const fields = new Map<string, string>();
  let i = s.startsWith(GS) ? 1 : 0; // a leading FNC1 some scanners transmit as GS
  while (i < s.length) {
    const def = findAi(s, i);
    if (!def) return { ok: false, reason: 'unknown application identifier' };
    i += def.ai.length;
    let value: string;
    if (def.fixed !== undefined) {
      value = s.slice(i, i + def.fixed);
      if (value.length !== def.fixed) return { ok: false, reason: `AI ${def.ai} too short` };
      i += def.fixed;
      if (s[i] === GS) i += 1; // tolerated, though not required after a predefined-length AI
    } else {
      const end = s.indexOf(GS, i);
      value = end < 0 ? s.slice(i) : s.slice(i, end);
      i = end < 0 ? s.length : end + 1;
    }
    const bad = checkValue(def, value);
    if (bad) return { ok: false, reason: bad };
    if (fields.has(def.ai)) return { ok: false, reason: `AI ${def.ai} twice` };
    fields.set(def.ai, value);
  }
  return { ok: true, fields };
}

/** Human-readable form: "(01)09501101530003(21)ABC123". */
export function parseGs1Parens(s: string): Gs1Result {
  const fields = new Map<string, string>();
  const re = /\((\d{2,4})\)([^()]*)/y;
  let i = 0;
  while (i < s.length) {
    re.lastIndex = i;
    const m = re.exec(s);
    if (!m) return { ok: false, reason: 'not (AI)value pairs' };
    const def = AIS.find((d) => d.ai === m[1]);
    if (!def) return { ok: false, reason: 'unknown application identifier' };
    const bad = checkValue(def, m[2]!);
    if (bad) return { ok: false, reason: bad };
    if (fields.has(def.ai)) return { ok: false, reason: `AI ${def.ai} twice` };
    fields.set(def.ai, m[2]!);
    i = re.lastIndex;
  }
  return fields.size ? { ok: true, fields } : { ok: false, reason: 'empty' };
}

function checkValue(def: AiDef, value: string): string | undefined {
  if (value.length === 0 || value.length > def.max) return `AI ${def.ai} length`;
  if (def.fixed !== undefined && value.length !== def.fixed) return `AI ${def.ai} length`;
  if (!CSET82.test(value)) return `AI ${def.ai} characters`;
  const numeric = def.ai === '00' || def.ai === '01' || def.ai === '02' || def.fixed !== undefined;
  if (numeric && !/^\d+$/.test(value)) return `AI ${def.ai} not numeric`;
  if ((def.ai === '00' || def.ai === '01' || def.ai === '02') && !gs1CheckDigitValid(value)) {
    return `AI ${def.ai} check digit`;
  }
  return undefined;
}
