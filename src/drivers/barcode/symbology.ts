/**
 * AIM symbology identifiers (ISO/IEC 15424 "Data carrier identifiers"): a scanner set to send them
 * prefixes each read with `]` + a code character + one modifier character, e.g. `]Q1` (QR Code),
 * `]C1` (GS1-128), `]E0` (EAN-13), `]d2` (GS1 DataMatrix). We recognise, report and strip them.
 * Pure: no Node imports.
 */

/** Code character → symbology (ISO/IEC 15424 Table 1, the symbologies a till meets). */
const AIM_CODES: Record<string, string> = {
  A: 'code39',
  C: 'code128',
  d: 'datamatrix',
  E: 'ean-upc',
  e: 'gs1-databar',
  F: 'codabar',
  G: 'code93',
  H: 'code11',
  I: 'itf',
  J: 'dotcode',
  L: 'pdf417',
  M: 'msi',
  Q: 'qr',
  X: 'other',
  z: 'aztec',
};

/**
 * Identifiers whose data is a GS1 element string (GS1 General Specifications §5.1.2 / §5.4
 * "Symbology identifiers"): FNC1 in first position is implied, later FNC1s arrive as GS (0x1D).
 */
const GS1_IDS = new Set([']C1', ']e0', ']d2', ']Q3', ']J1']);

export interface Symbology {
  /** The three characters as sent, e.g. "]Q1". */
  aim: string;
  /** Readable name, e.g. "qr", or "unknown". */
  name: string;
  /** The data is a GS1 element string. */
  gs1: boolean;
}

/** Splits a leading AIM identifier off a scan, if there is one. */
export function stripSymbologyId(text: string): { symbology?: Symbology; data: string } {
  const m = /^\](.)([0-9A-Za-z])/.exec(text);
  if (!m) return { data: text };
  const aim = m[0];
  const code = m[1]!;
  if (!/[A-Za-z]/.test(code)) return { data: text };
  return {
    symbology: { aim, name: AIM_CODES[code] ?? 'unknown', gs1: GS1_IDS.has(aim) },
    data: text.slice(3),
  };
}
