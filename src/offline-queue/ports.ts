/**
 * What the offline queue needs from the terminal, as ports the composition (src/main/core.ts)
 * hands in — so src/offline-queue imports nothing from src/main and the two folders have no
 * import cycle (a lint rule keeps it so).
 */
import type { IssuerResponse } from '../shared/issuer-protocol';

export type IssuerMessage = Record<string, unknown> & {
  type: string;
  stan: number;
  nonce: string;
  terminalId: string;
};

/** The issuer link as the forwarder uses it (src/main/issuer's HttpIssuerLink is one). */
export interface ForwardLink {
  /** The verified answer, or a throw (the link's error). */
  send(msg: IssuerMessage): Promise<IssuerResponse>;
  /** The demo switch: cut means nothing is sent. */
  isCut(): boolean;
}

/** True when a thrown link error means the issuer answered and refused (the link is up). */
export type RefusalTest = (e: unknown) => boolean;

/** Takes the terminal's next STAN, never reused (src/main/store/terminal-db.ts `takeStan`). */
export type StanAllocator = () => number;
