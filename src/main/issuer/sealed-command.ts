/**
 * What `txns.request_enc` and `reversals.request_enc` hold (SM4-sealed by TxnStore): the issuer
 * command itself (port.ts), never an adapter's wire bytes — so a reversal queued today can be sent
 * by whichever adapter serves its issuer tomorrow.
 *
 * Rows sealed before the port existed hold the cardtill-json wire message instead (`type`,
 * `nonce`, header fields). They are read back as the same command (tolerant reader, no
 * migration: sealed rows cannot be rewritten without opening every one), and the JSON adapter
 * encodes that command to the very same message again.
 */
import { TillError } from '../../shared/errors';
import type { IssuerCommand } from './port';

const KIND_OF_WIRE_TYPE: Record<string, IssuerCommand['kind']> = {
  authorize: 'authorize',
  inquiry: 'inquire',
  void: 'void',
  refund: 'refund',
  reverse: 'reverse',
  advice: 'advice',
  hotcards: 'hotcards',
  settle: 'settle',
  echo: 'echo',
};

/** Header fields of the old wire message that the command does not carry (the adapter adds them). */
const WIRE_ONLY = new Set(['type', 'terminalId', 'merchantId', 'nonce']);

export function commandFromSealed(value: unknown): IssuerCommand {
  if (typeof value !== 'object' || value === null)
    throw new TillError('INVALID_STATE', 'sealed request is not an object');
  const o = value as Record<string, unknown>;
  if (typeof o.kind === 'string') return o as unknown as IssuerCommand;
  // The pre-port format: a cardtill-json wire message.
  const kind = typeof o.type === 'string' ? KIND_OF_WIRE_TYPE[o.type] : undefined;
  if (!kind || typeof o.nonce !== 'string')
    throw new TillError('INVALID_STATE', `sealed request of unknown type ${String(o.type)}`);
  const fields: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(o)) if (!WIRE_ONLY.has(k)) fields[k] = v;
  return { ...fields, kind, id: o.nonce } as unknown as IssuerCommand;
}
