/**
 * The issuer router: which issuer serves a card. Each entry (config `issuers`, or the single
 * `issuer` block as entry 'default' for every card) has card ranges — PAN prefixes or prefix
 * ranges, each optionally asking for a Luhn check — and a port (port.ts) that speaks its protocol.
 * The most specific range wins (longest prefix), so "62" for a network and "622202" for one bank
 * can live side by side. A card no range matches is not accepted here: the runner declines it
 * CARD_NOT_ACCEPTED without sending anything. A card whose best range asks for Luhn and whose check
 * digit is wrong is CARD_NUMBER_INVALID — decided on that range alone, never routed on to a
 * shorter one ("never a guess"): it is a misread or mistyped number, not another issuer's card.
 */
import { DEFAULT_ISSUER_ID } from '../config/config';
import { TillError } from '../../shared/errors';
import { isLuhnValid } from '../../shared/card';
import type { TxnType } from '../../shared/txn-kinds';
import type { IssuerPort } from './port';

/** A range as configured: its digits (no Luhn check), or with its options (config.ts CardRange). */
export type CardRangeSpec = string | { readonly range: string; readonly luhn?: boolean };
/** A range with its options spelt out. */
export interface RangeRule {
  range: string;
  luhn: boolean;
}

export const rangeRule = (spec: CardRangeSpec): RangeRule =>
  typeof spec === 'string' ? { range: spec, luhn: false } : { range: spec.range, luhn: spec.luhn === true };

export interface IssuerEntry {
  id: string;
  name: string;
  port: IssuerPort;
  /** Sends per online request before the outcome is unknown (config `attempts`). */
  attempts: number;
  /** Per-request deadline (config `timeoutMs`): with `attempts`, the bound on "pending". */
  timeoutMs: number;
  cardRanges: readonly CardRangeSpec[];
  /**
   * The operations it takes at this till (config `operations`, else its protocol's default:
   * operations.ts; create-router.ts always sets it). Absent: not narrowed here — the port alone says.
   */
  operations?: readonly TxnType[];
  /** false: a refund must name its original (iso8583-cup, operations.ts). Absent: the port alone says. */
  unlinkedRefunds?: boolean;
}

/**
 * Whether the entry takes this kind (a reversal follows what it undoes: never refused here);
 * `unlinked`: a refund that names no original sale.
 */
export function takesOperation(e: IssuerEntry, kind: TxnType, unlinked = false): boolean {
  if (kind === 'refund' && unlinked && e.unlinkedRefunds === false) return false;
  return kind === 'reversal' || !e.operations || e.operations.includes(kind);
}

/** How the router decided a card: the entry and the range that took it, or why none does. */
export type RouteDecision =
  { entry: IssuerEntry; rule: RangeRule } | { refused: 'CARD_NOT_ACCEPTED' | 'CARD_NUMBER_INVALID' };

/** How specific a range is for this PAN (its prefix length), or -1 when it does not match. */
export function rangeMatch(range: string, pan: string): number {
  const dash = range.indexOf('-');
  if (dash < 0) return pan.startsWith(range) ? range.length : -1;
  const lo = range.slice(0, dash);
  const hi = range.slice(dash + 1);
  if (lo.length !== hi.length || pan.length < lo.length) return -1;
  const head = pan.slice(0, lo.length);
  return head >= lo && head <= hi ? lo.length : -1;
}

export class IssuerRouter {
  constructor(private readonly list: IssuerEntry[]) {
    if (list.length === 0) throw new Error('an issuer router needs at least one issuer');
  }

  /** The home issuer (the first entry): rows from before issuer ids are its; its link carries the journal head. */
  get home(): IssuerEntry {
    return this.list[0]!;
  }

  entries(): readonly IssuerEntry[] {
    return this.list;
  }

  /**
   * The entry and range that match this card best (the longest; on a tie, the first listed), or
   * undefined when none does. The range's Luhn option is not applied here: see decide().
   */
  private best(pan: string): { entry: IssuerEntry; rule: RangeRule } | undefined {
    let best: { entry: IssuerEntry; rule: RangeRule } | undefined;
    let bestLen = -1;
    for (const entry of this.list)
      for (const spec of entry.cardRanges) {
        const rule = rangeRule(spec);
        const n = rangeMatch(rule.range, pan);
        if (n > bestLen) [best, bestLen] = [{ entry, rule }, n];
      }
    return best;
  }

  /** The entry whose range matches this card best, or undefined when no range matches. */
  route(pan: string): IssuerEntry | undefined {
    return this.best(pan)?.entry;
  }

  /**
   * The router's decision for a new request on this card (the runner's route step): the entry,
   * or CARD_NOT_ACCEPTED (no range), or CARD_NUMBER_INVALID (its best range asks for Luhn and the
   * check digit is wrong — ISO/IEC 7812-1 Annex B, src/shared/card.ts).
   */
  decide(pan: string): RouteDecision {
    const b = this.best(pan);
    if (!b) return { refused: 'CARD_NOT_ACCEPTED' };
    if (b.rule.luhn && !isLuhnValid(pan)) return { refused: 'CARD_NUMBER_INVALID' };
    return b;
  }

  /**
   * The entry a stored row names. Rows written before issuer ids (and the migrations' default)
   * say 'default': they belong to the home issuer, the one configured then.
   */
  byId(id: string | null | undefined): IssuerEntry {
    const found = this.list.find((e) => e.id === id);
    if (found) return found;
    if (id === null || id === undefined || id === DEFAULT_ISSUER_ID) return this.home;
    throw new TillError('INVALID_STATE', `issuer ${id} is not configured`);
  }
}
