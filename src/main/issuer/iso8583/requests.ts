/**
 * The `iso8583-cup` adapter's requests: a port command (src/main/issuer/port.ts) → the fields of
 * its ISO8583-CUP.md message. Pure (no keys, no socket): the adapter adds 41 / 42, the MAC, and
 * the password's 26 / 52 / 53 (pin-field.ts) at send.
 */
import {
  CUP_PROFILE,
  formatField60,
  formatField61,
  parseField60,
  type IsoFields,
  type MessageSpec,
} from '../../../shared/iso8583';
import type { AdviceItem } from '../../../shared/issuer-protocol-offline';
import type { CardRef, IssuerCommand } from '../port';
import type { SentRequest } from './store';

export const stan6 = (stan: number): string => String(stan % 1_000_000).padStart(6, '0');
export const fen12 = (fen: number): string => String(fen).padStart(12, '0');

export function specNamed(name: string): MessageSpec {
  const s = CUP_PROFILE.messages.find((m) => m.name === name);
  if (!s) throw new Error(`no message ${name} in the CUP profile`);
  return s;
}

/** POS entry mode 22 (first two digits; third `1`: the terminal can take a password). */
export function entryMode(mode: string): string {
  const m: Record<string, string> = {
    manual: '01',
    swipe: '02',
    // A keyboard-wedge reader types a track: a magstripe read as far as the host is concerned.
    wedge: '02',
    scan: '03',
    chip: '05',
    contactless: '07',
  };
  return (m[mode] ?? '02') + '1';
}

/** 12 hhmmss and 13 MMDD in Beijing time (UTC+8, no daylight saving), as the page's hosts keep it. */
export function beijingTime(iso: string): { 12: string; 13: string } {
  const d = new Date(new Date(iso).getTime() + 8 * 3600_000);
  const two = (n: number) => String(n).padStart(2, '0');
  return {
    12: two(d.getUTCHours()) + two(d.getUTCMinutes()) + two(d.getUTCSeconds()),
    13: two(d.getUTCMonth() + 1) + two(d.getUTCDate()),
  };
}

function cardFields(card: Pick<CardRef, 'pan' | 'entryMode' | 'expiry'>): IsoFields {
  return {
    2: card.pan,
    ...(card.expiry && /^\d{4}$/.test(card.expiry) ? { 14: card.expiry } : {}),
    22: entryMode(card.entryMode),
    25: '00',
    49: '156',
  };
}

/** The port command kinds a 0200 / 0220 original is built for, and its message. */
const MESSAGE_OF_KIND = {
  authorize: 'purchase',
  inquire: 'balance',
  activate: 'activation',
  topup: 'top-up',
  void: 'void',
  refund: 'refund',
} as const;
export type OriginalKind = keyof typeof MESSAGE_OF_KIND;
export const isOriginalKind = (k: string): k is OriginalKind => k in MESSAGE_OF_KIND;

export type Built =
  { ok: true; sent: Pick<SentRequest, 'name' | 'mti' | 'fields'> } | { ok: false; detail: string };

/**
 * The request of an original (purchase, balance, activation, top-up, void, refund) in `batch`.
 * A void and a refund name their original by what this link recorded of it (`origOf`).
 */
export function buildOriginal(
  cmd: Extract<IssuerCommand, { kind: OriginalKind }>,
  batch: number,
  origOf: (stan: number) => SentRequest | undefined,
): Built {
  const spec = specNamed(MESSAGE_OF_KIND[cmd.kind]);
  const base = { 3: spec.processingCode!, 11: stan6(cmd.stan) };
  const f60 = formatField60({ typeCode: spec.typeCode!, batch });
  switch (cmd.kind) {
    case 'authorize':
    case 'activate':
    case 'topup':
      // 26 / 52 / 53 (the cardholder password) are not built here: the adapter adds them at send
      // from the command's clear password under its sign-on PIK (pin-field.ts), so they are never
      // in what is recorded (store.ts NEVER_STORED) and a 0400 never repeats them.
      return {
        ok: true,
        sent: {
          name: spec.name,
          mti: spec.mti,
          fields: { ...cardFields(cmd.card), ...base, 4: fen12(cmd.amountFen), 60: f60 },
        },
      };
    case 'inquire':
      return {
        ok: true,
        sent: { name: spec.name, mti: spec.mti, fields: { ...cardFields(cmd.card), ...base, 60: f60 } },
      };
    case 'void':
    case 'refund': {
      if (cmd.origStan === undefined)
        return { ok: false, detail: 'an unlinked refund is not in the iso8583-cup profile' };
      const orig = origOf(cmd.origStan);
      const needs = cmd.kind === 'void' ? orig?.rrn && orig.auth : orig?.rrn && orig.date13;
      if (!orig || !needs)
        return { ok: false, detail: `original ${cmd.origStan} was not approved over this link` };
      const o60 = parseField60(String(orig.fields[60]));
      const ref = { batch: o60.batch, stan: Number(orig.fields[11]) };
      return {
        ok: true,
        sent: {
          name: spec.name,
          mti: spec.mti,
          fields: {
            ...pick(orig.fields, [2, 22, 25, 49]),
            ...base,
            4: fen12(cmd.amountFen),
            37: orig.rrn!,
            ...(cmd.kind === 'void' ? { 38: orig.auth! } : {}),
            60: f60,
            61: formatField61(cmd.kind === 'void' ? ref : { ...ref, date: orig.date13! }),
          },
        },
      };
    }
  }
}

/** One offline sale advice 0220 (12 / 13: when the sale was approved at the till). */
export function buildAdvice(a: AdviceItem, batch: number): Pick<SentRequest, 'name' | 'mti' | 'fields'> {
  const spec = specNamed('advice');
  return {
    name: spec.name,
    mti: spec.mti,
    fields: {
      ...cardFields(a.card),
      3: spec.processingCode!,
      4: fen12(a.amountFen),
      11: stan6(a.stan),
      ...beijingTime(a.time),
      60: formatField60({ typeCode: spec.typeCode!, batch }),
    },
  };
}

/** The 0400 of a recorded 0200: its fields and 11 / 60, no 26 / 52 / 53, plus 39 = `98` (no answer). */
export function buildReversal(orig: SentRequest): IsoFields {
  const allowed = new Set([
    ...specNamed('reversal').request.mandatory,
    ...specNamed('reversal').request.optional,
  ]);
  const fields: IsoFields = {};
  for (const [k, v] of Object.entries(orig.fields)) if (allowed.has(Number(k))) fields[Number(k)] = v;
  fields[39] = '98';
  return fields;
}

export function pick(fields: IsoFields, nums: number[]): IsoFields {
  const out: IsoFields = {};
  for (const n of nums) if (fields[n] !== undefined) out[n] = fields[n];
  return out;
}
