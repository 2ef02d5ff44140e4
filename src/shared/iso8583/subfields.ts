/**
 * The composite fields of the CUP profile, as digit/ASCII strings in and typed parts out:
 * 60 (type code, batch, network code), 61 (original), 48 (settlement totals), 54 (balance).
 * Parsers throw BAD_SUBFIELD (a host answers `30`).
 */
import { Iso8583Error } from './errors';

export interface Field60 {
  /** 60.1 n2 */
  typeCode: string;
  /** 60.2 n6 */
  batch: number;
  /** 60.3 n3: sign-on, echo and settlement only. */
  networkCode?: string;
}

const digits = (n: number, width: number) => String(n).padStart(width, '0');

export function formatField60(v: Field60): string {
  return v.typeCode + digits(v.batch, 6) + (v.networkCode ?? '');
}

export function parseField60(s: string): Field60 {
  if (!/^\d{8}(\d{3})?$/.test(s)) throw new Iso8583Error('BAD_SUBFIELD', `60 of ${s.length} digits`, 60);
  return {
    typeCode: s.slice(0, 2),
    batch: Number(s.slice(2, 8)),
    ...(s.length === 11 ? { networkCode: s.slice(8, 11) } : {}),
  };
}

export interface Field61 {
  batch: number;
  stan: number;
  /** MMDD of the original answer's 13: refunds only. */
  date?: string;
}

export function formatField61(v: Field61): string {
  return digits(v.batch, 6) + digits(v.stan, 6) + (v.date ?? '');
}

export function parseField61(s: string): Field61 {
  if (!/^\d{12}(\d{4})?$/.test(s)) throw new Iso8583Error('BAD_SUBFIELD', `61 of ${s.length} digits`, 61);
  return {
    batch: Number(s.slice(0, 6)),
    stan: Number(s.slice(6, 12)),
    ...(s.length === 16 ? { date: s.slice(12) } : {}),
  };
}

export interface SettlementTotals {
  saleCount: number;
  saleFen: number;
  creditCount: number;
  creditFen: number;
  /** 0 in the request; answer: 1 balanced, 2 not balanced, 3 error. */
  result: 0 | 1 | 2 | 3;
}

/** Field 48: sale n3, amount n12, credit n3, amount n12, result n1 = 31 digits. Counts wrap at 1,000. */
export function formatField48(t: SettlementTotals): string {
  return (
    digits(t.saleCount % 1000, 3) +
    digits(t.saleFen % 1e12, 12) +
    digits(t.creditCount % 1000, 3) +
    digits(t.creditFen % 1e12, 12) +
    String(t.result)
  );
}

export function parseField48(s: string): SettlementTotals {
  if (!/^\d{30}[0-3]$/.test(s)) throw new Iso8583Error('BAD_SUBFIELD', `48 of ${s.length} digits`, 48);
  return {
    saleCount: Number(s.slice(0, 3)),
    saleFen: Number(s.slice(3, 15)),
    creditCount: Number(s.slice(15, 18)),
    creditFen: Number(s.slice(18, 30)),
    result: Number(s[30]) as SettlementTotals['result'],
  };
}

/** Field 54: account type `10`, amount type `02` (available), currency `156`, sign C/D, 12 digits fen. */
export function formatField54(balanceFen: number): string {
  return '1002156' + (balanceFen < 0 ? 'D' : 'C') + digits(Math.abs(balanceFen), 12);
}

export function parseField54(s: string): number {
  const m = /^1002156([CD])(\d{12})$/.exec(s);
  if (!m) throw new Iso8583Error('BAD_SUBFIELD', 'balance 54', 54);
  return (m[1] === 'D' ? -1 : 1) * Number(m[2]);
}
