/**
 * Which operations (transaction kinds, src/shared/txn-kinds.ts) an issuer entry takes at this till
 * (issue 13, "which operations it supports"). Each protocol has a default set — what its adapter
 * can do — and an entry's config `operations` may only narrow it (config.ts refuses a kind its
 * protocol cannot do, at load). The runner checks the routed entry's set at its route step, before
 * anything is written or sent (src/main/terminal/runner.ts, ISSUER_UNSUPPORTED); the adapters'
 * own refusals at send time stay as a defence behind it.
 */
import { TXN_KINDS, type TxnType } from '../../shared/txn-kinds';

/**
 * The kinds an entry can list: every kind a person asks for. A reversal is not one — it follows
 * the kinds it undoes (queued by the runner), so it is never listed or refused on its own.
 */
export type IssuerOperation = Exclude<TxnType, 'reversal'>;
export const ISSUER_OPERATIONS = TXN_KINDS.types.filter((t) => t !== 'reversal') as unknown as readonly [
  IssuerOperation,
  ...IssuerOperation[],
];

export type IssuerProtocol = 'cardtill-json' | 'iso8583-cup' | 'file-batch';

/**
 * What each protocol's adapter can do: the default set of an entry that lists none.
 *  - cardtill-json (cardtill-json.ts): every kind — the protocol is ours and grows with the table.
 *  - iso8583-cup (iso8583/requests.ts MESSAGE_OF_KIND): purchase, balance, void, refund,
 *    activation, top-up; ISO8583-CUP.md has no message for a password set/change, a cash-out, a
 *    card replacement, the void of a load, or the e-purse's load authorisation and TAC clearing.
 *    Its refund names its original: an unlinked one is refused too (PROTOCOL_UNLINKED_REFUNDS).
 *  - file-batch (file-batch/adapter.ts): sale, inquiry, void, refund — decided locally against the
 *    issuer's files; its daily transaction file has lines for those only.
 */
export const PROTOCOL_OPERATIONS: Readonly<Record<IssuerProtocol, readonly IssuerOperation[]>> = {
  'cardtill-json': ISSUER_OPERATIONS,
  'iso8583-cup': ['sale', 'inquiry', 'void', 'refund', 'activate', 'topup'],
  'file-batch': ['sale', 'inquiry', 'void', 'refund'],
};

/**
 * Whether the protocol can refund a card without naming the original sale (an unlinked refund):
 * ISO8583-CUP.md's refund 0220 names its original (37 / 61), so iso8583-cup cannot.
 */
export const PROTOCOL_UNLINKED_REFUNDS: Readonly<Record<IssuerProtocol, boolean>> = {
  'cardtill-json': true,
  'iso8583-cup': false,
  'file-batch': true,
};

/**
 * Kinds that run another kind first in the same till lock (src/main/terminal/card-close.ts: a
 * cash-out asks the card's balance online): listing one without the other could never succeed.
 */
export const NEEDS_OPERATION: Partial<Record<IssuerOperation, IssuerOperation>> = { cashout: 'inquiry' };

/** The operations an entry takes: its own list (in table order, once each) or its protocol's default. */
export function operationsOf(
  protocol: IssuerProtocol,
  listed: readonly IssuerOperation[] | undefined,
): IssuerOperation[] {
  const all = PROTOCOL_OPERATIONS[protocol];
  return listed ? all.filter((k) => listed.includes(k)) : [...all];
}

/** Why a listed set is not allowed for this protocol (a sentence for the config error), or undefined. */
export function operationsProblem(
  protocol: IssuerProtocol,
  listed: readonly IssuerOperation[],
): string | undefined {
  const can = PROTOCOL_OPERATIONS[protocol];
  const cannot = listed.filter((k) => !can.includes(k));
  if (cannot.length)
    return `${protocol} cannot do ${cannot.join(', ')} (its adapter takes ${can.join(', ')})`;
  for (const k of listed) {
    const needs = NEEDS_OPERATION[k];
    if (needs && !listed.includes(needs)) return `${k} needs ${needs} listed too (it asks the balance first)`;
  }
  return undefined;
}
