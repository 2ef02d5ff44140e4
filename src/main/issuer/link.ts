/**
 * The issuer link behind an interface, so an ISO 8583 adapter could replace the HTTP one without
 * touching the core. A link either returns a verified response or throws a LinkError that says
 * whether the request may have reached the issuer — the fact recovery depends on.
 */
import type { IssuerResponse } from '../../shared/issuer-protocol';

export type LinkFailure =
  /** Nothing left this terminal, or the connection was refused: the issuer cannot have acted. */
  | 'not-sent'
  /** Sent, but no (complete) answer: the issuer may or may not have acted. */
  | 'no-answer'
  /** An answer came but its signature, nonce, STAN or terminal did not check out. */
  | 'bad-signature'
  /** The issuer answered with an HTTP error (bad request, unknown terminal). */
  | 'rejected';

export class LinkError extends Error {
  constructor(
    readonly failure: LinkFailure,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'LinkError';
  }
}

export interface IssuerLink {
  /** Sends a request message (header fields included) and returns the verified response. */
  send(
    msg: Record<string, unknown> & { type: string; stan: number; nonce: string; terminalId: string },
  ): Promise<IssuerResponse>;
  /** Demo switch and tests: when cut, every send fails 'not-sent' without touching the network. */
  setCut(cut: boolean): void;
  isCut(): boolean;
}
