/**
 * What the offline queue needs from the terminal, as ports the composition (src/main/core.ts)
 * hands in — so src/offline-queue imports nothing from src/main and the two folders have no
 * import cycle (a lint rule keeps it so).
 *
 * Each issuer entry is reached through its own port (src/main/issuer/port.ts), seen here only
 * as the commands the forwarder sends and the typed outcomes it reads: the adapter under it owns
 * the wire encoding, so store-and-forward works over any protocol. These types are the port's,
 * narrowed (an `IssuerPort` is a `ForwardPort`; core.ts passes one, so the compiler checks it).
 */
import type { AdviceItem, AdviceResult, HotcardsAnswer } from '../shared/issuer-protocol-offline';

interface ForwardCommandBase {
  /** The terminal's STAN (never reused). */
  stan: number;
  time: string;
  /** 16 random bytes (hex) naming this command once. */
  id: string;
}

/** The commands the forwarder sends: the link probe, the hot-card delta, an advice batch. */
export type ForwardCommand = ForwardCommandBase &
  ({ kind: 'echo' } | { kind: 'hotcards'; sinceVersion: number } | { kind: 'advice'; advices: AdviceItem[] });

/** How one exchange ended, as the port says it (never a thrown link error). */
export type ForwardOutcome =
  | {
      kind: 'answer';
      answer: {
        result: 'approved' | 'declined';
        code?: string;
        advice?: { results: AdviceResult[] };
        hotcards?: HotcardsAnswer;
        malformed?: string;
      };
    }
  /** Nothing reached the issuer. */
  | { kind: 'not-sent'; detail: string }
  /** Sent, no valid answer; `rejected` means the issuer answered with an error (the link is up). */
  | { kind: 'unknown'; failure: 'no-answer' | 'bad-signature' | 'rejected'; detail: string };

/** An issuer entry's port as its forwarder uses it. */
export interface ForwardPort {
  exchange(cmd: ForwardCommand, attempts: number): Promise<ForwardOutcome>;
  /** The demo switch: cut means nothing is sent. */
  isCut(): boolean;
}

/** Takes the terminal's next STAN, never reused (src/main/store/terminal-db.ts `takeStan`). */
export type StanAllocator = () => number;
