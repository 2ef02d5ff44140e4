/**
 * The issuer router: which issuer serves a card. Each entry (config `issuers`, or the single
 * `issuer` block as entry 'default' for every card) has card ranges — PAN prefixes or prefix
 * ranges — and a port (port.ts) that speaks its protocol. The most specific range wins (longest
 * prefix), so "62" for a network and "622202" for one bank can live side by side. A card no range
 * matches is not accepted here: the runner declines it CARD_NOT_ACCEPTED without sending anything.
 */
import { DEFAULT_ISSUER_ID } from '../config/config';
import { TillError } from '../../shared/errors';
import type { IssuerPort } from './port';

export interface IssuerEntry {
  id: string;
  name: string;
  port: IssuerPort;
  /** Sends per online request before the outcome is unknown (config `attempts`). */
  attempts: number;
  /** Per-request deadline (config `timeoutMs`): with `attempts`, the bound on "pending". */
  timeoutMs: number;
  cardRanges: string[];
}

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

  /** The entry serving this card, or undefined when no range matches. */
  route(pan: string): IssuerEntry | undefined {
    let best: IssuerEntry | undefined;
    let bestLen = -1;
    for (const e of this.list)
      for (const r of e.cardRanges) {
        const n = rangeMatch(r, pan);
        if (n > bestLen) [best, bestLen] = [e, n];
      }
    return best;
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
