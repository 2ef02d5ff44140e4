/**
 * Whose store-and-forward state an OfflineStore reads and writes. Every issuer entry of the router
 * (src/main/issuer/router.ts) has its own offline queue (`offline_queue.issuer_id`), hot-card list
 * (`offline_hotcards.issuer_id`), link state and limits; the per-card facts (last balance seen,
 * presentations, velocity blocks) are keyed by the card alone, since a card routes to one issuer.
 *
 * The home entry (the first) also owns the rows written before issuer ids ('default', the one
 * issuer configured then) and keeps the `offline_meta` keys as they always were, so a data dir of
 * a single-issuer terminal reads exactly as before; any other entry's keys are prefixed.
 */

/** The id rows written before issuer ids carry (src/main/config/config.ts DEFAULT_ISSUER_ID). */
const LEGACY_ID = 'default';

export interface IssuerScope {
  /** The entry's id: new advices and hot cards are written with it. */
  readonly issuerId: string;
  /** Ids whose rows are this entry's. */
  readonly ids: readonly string[];
  /** Prefix of this entry's keys in `offline_meta` ('' for the home entry). */
  readonly metaPrefix: string;
}

/** A single-issuer terminal's scope (and every store built without one): entry 'default'. */
export const HOME_SCOPE: IssuerScope = { issuerId: LEGACY_ID, ids: [LEGACY_ID], metaPrefix: '' };

/** Issuer ids are `[a-z0-9][a-z0-9_-]{0,31}` (config schema): safe to name in SQL text. */
const ID = /^[a-z0-9][a-z0-9_-]{0,31}$/;

export function issuerScope(issuerId: string, home: boolean): IssuerScope {
  if (!ID.test(issuerId)) throw new Error(`not an issuer id: ${issuerId}`);
  if (home)
    return { issuerId, ids: issuerId === LEGACY_ID ? [LEGACY_ID] : [issuerId, LEGACY_ID], metaPrefix: '' };
  return { issuerId, ids: [issuerId], metaPrefix: `issuer/${issuerId}/` };
}

/** `<column> IN ('a', 'b')` for the scope's ids (checked against the id pattern above). */
export function inScope(scope: IssuerScope, column = 'issuer_id'): string {
  for (const id of scope.ids) if (!ID.test(id)) throw new Error(`not an issuer id: ${id}`);
  return `${column} IN (${scope.ids.map((id) => `'${id}'`).join(', ')})`;
}
