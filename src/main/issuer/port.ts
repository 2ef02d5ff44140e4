/**
 * The issuer port: what the terminal core asks an issuer, as typed domain commands, and what it
 * can learn back, as typed answers or a typed link failure. The core never builds or seals wire
 * bytes: an adapter (src/main/issuer/cardtill-json.ts today, an ISO 8583 one later) owns
 *  - its wire encoding (JSON envelope here, an 0200/0400 message there),
 *  - its retransmission rule (the JSON link resends the same bytes; ISO 8583 reverses instead),
 *  - its trace-number space (the terminal's STAN never wraps; an adapter may map it to 6 digits),
 *  - its key exchange (sign-on / enrolment).
 * What the terminal seals for crash recovery is the command itself (sealed-command.ts).
 */
import type { ErrorCode } from '../../shared/errors';
import type { AdviceItem, AdviceResult, HotcardsAnswer } from '../../shared/issuer-protocol-offline';
import type { BatchTotals, SettlementAnswer } from '../../shared/issuer-settlement';
import type { ChipClearingItem, ChipLoadAuthFields } from '../../shared/issuer-epurse';
import type { LinkFailure } from './link';
import type { EnrolKeys } from './enrol';

/** A card as the issuer needs it. The dynamic code of an e-card QR is checked online only. */
export interface CardRef {
  pan: string;
  entryMode: string;
  expiry?: string;
  dynamicCode?: string;
}

/** Fields every command carries. */
interface CommandBase {
  /** The terminal's trace number: unique, never reused, never wraps. */
  stan: number;
  /** Terminal time the command was made (ISO 8601). */
  time: string;
  /**
   * 16 random bytes (hex) naming this command once: the same command sent again carries the same
   * id (an adapter with a nonce uses it, so a retry is the same request at the issuer), and an
   * answer to another command can never match it.
   */
  id: string;
}

/**
 * The cardholder's password as an SM4 PIN block (ANSI X9.8 format 0 bound to the PAN, under the
 * PIN key from enrolment: src/shared/pin-block.ts), 32 hex characters. Attached by the runner at
 * send time only: the copy of a command sealed in the pending row never holds one (a reversal
 * carries no 52, ISO8583-CUP.md), so no PIN block is ever on disk.
 */
export type PinBlockHex = string;

export type AuthorizeCommand = CommandBase & {
  kind: 'authorize';
  card: CardRef;
  amountFen: number;
  otherTenderFen: number;
  /** The cardholder typed the password (the issuer asked for it: PASSWORD_REQUIRED). */
  pinBlock?: PinBlockHex;
  /**
   * The clear password instead of `pinBlock`, for a port that makes its own block under a key of
   * its own session (iso8583-cup: format 0 under the PIK of its sign-on, field 52 —
   * ISO8583-CUP.md "Password (PIN) block"). Attached by the runner at send only, in this process,
   * for this one exchange: never sealed, journaled, logged or stored.
   */
  password?: string;
  /** A manager's override from the cashier's prompt (OverrideOffer): attached at send only. */
  override?: OverrideOffer;
};

/**
 * A manager's override of the store's own offline limits — floor, total, per card
 * (src/offline-queue/policy.ts OVERRIDABLE) — offered with a sale from the cashier's prompt.
 * Attached by the runner at send only, like the PIN block: never in the sealed command, never on
 * a wire. Only a port that decides the sale itself by the offline policy (file-batch) uses it;
 * an online issuer's decline is the issuer's own and no override lifts it (its adapters ignore it).
 */
export interface OverrideOffer {
  /**
   * Checks the manager's PIN for lifting `rules` on this STAN (audited as
   * `override.offline_over_limit`). Returns the manager's id, or undefined when the PIN is refused:
   * the sale is then declined with its rule, and the refusal (BAD_PIN, FORBIDDEN, OPERATOR_LOCKED)
   * is raised to the cashier once that decline is journaled (src/main/terminal/override-offer.ts).
   */
  grant(p: { stan: number; rules: readonly string[] }): string | undefined;
}
/**
 * Set or change the card's password (issue 12): `pinBlock` the old one (absent when the card has
 * none), `newPinBlock` the new one — both attached at send only, like Authorize's.
 */
export type PasswordCommand = CommandBase & {
  kind: 'password';
  card: CardRef;
  pinBlock?: PinBlockHex;
  newPinBlock?: PinBlockHex;
};
export type InquireCommand = CommandBase & { kind: 'inquire'; card: CardRef };
export type VoidCommand = CommandBase & { kind: 'void'; origStan: number; amountFen: number };
/** Linked (origStan) or unlinked (card) refund, never both. */
export type RefundCommand = CommandBase & {
  kind: 'refund';
  amountFen: number;
  origStan?: number;
  card?: Pick<CardRef, 'pan' | 'entryMode'>;
};
/**
 * Card life (issue 12): load value onto a card the customer paid for on the terminal. `cashFen`
 * is that payment (recorded in the pending row before this is sent); activate also moves the card
 * from not_activated to active.
 */
export type ActivateCommand = CommandBase & { kind: 'activate'; card: CardRef } & LoadPayment;
export type TopupCommand = CommandBase & { kind: 'topup'; card: CardRef } & LoadPayment;
/**
 * How a load was paid, as the issuer is told: `cashFen` in cash, or `transferFen` by bank
 * transfer (the non-cash rule, src/shared/card-rules.ts); `buyerId`: the till recorded the buyer's
 * ID (sealed at the till, never sent) — the issuer refuses a registered card loaded without it.
 */
export interface LoadPayment {
  amountFen: number;
  cashFen: number;
  transferFen?: number;
  buyerId?: boolean;
}
/** Cash-out (退卡): debit the card's whole balance, `amountFen`, and close it. */
export type CashoutCommand = CommandBase & { kind: 'cashout'; card: CardRef; amountFen: number };
/** Replace (换卡): move the old card's whole balance onto `newCard` (unsold) in one message. */
export type ReplaceCommand = CommandBase & {
  kind: 'replace';
  card: CardRef;
  newCard: CardRef;
  reason: 'lost' | 'damaged';
};
/** Void of an approved activation or top-up of the open batch: the value comes off the card. */
export type VoidLoadCommand = CommandBase & { kind: 'voidload'; origStan: number; amountFen: number };
export type ReverseCommand = CommandBase & { kind: 'reverse'; origStan: number };
/** PBOC e-purse load (圈存): the issuer checks the card's MAC1 and answers MAC2 (`extra.mac2`). */
export type ChipLoadAuthCommand = CommandBase & { kind: 'chip_load_auth'; load: ChipLoadAuthFields };
export type AdviceCommand = CommandBase & { kind: 'advice'; advices: AdviceItem[] };
export type HotcardsCommand = CommandBase & { kind: 'hotcards'; sinceVersion: number };
export type SettleCommand = CommandBase & {
  kind: 'settle';
  batchNo: number;
  fromStan: number;
  toStan: number;
  carriedStans: number[];
  excludedStans: number[];
  totals: BatchTotals;
  /** Chip purchases and loads of the batch, with their TACs (PBOC e-purse clearing). */
  chip?: ChipClearingItem[];
};
export type EchoCommand = CommandBase & { kind: 'echo' };

export type IssuerCommand =
  | AuthorizeCommand
  | InquireCommand
  | VoidCommand
  | RefundCommand
  | ActivateCommand
  | TopupCommand
  | CashoutCommand
  | ReplaceCommand
  | VoidLoadCommand
  | PasswordCommand
  | ChipLoadAuthCommand
  | ReverseCommand
  | AdviceCommand
  | HotcardsCommand
  | SettleCommand
  | EchoCommand;
export type CommandKind = IssuerCommand['kind'];

/** The issuer's verified answer, in domain terms. */
export interface IssuerAnswer {
  result: 'approved' | 'declined';
  /** On decline: why. */
  code?: ErrorCode;
  /** Balance after the operation (or at an INSUFFICIENT_BALANCE decline). */
  balanceFen?: number;
  authCode?: string;
  /** For a reverse: what the issuer knew of the original — `applied` when it had approved it. */
  original?: { found: boolean; applied: boolean; reversed: boolean };
  /**
   * For an approved `settle`: the issuer's totals for the batch, and its transactions when they
   * differ — read from the wire by the adapter. Absent when the answer carried none it could read
   * (then `malformed` says why): the settler records that as 'bad_answer', never as settled.
   */
  settlement?: SettlementAnswer;
  /** For an `advice`: the issuer's signed result per advice (accepted / refused with a code). */
  advice?: { results: AdviceResult[] };
  /** For a `hotcards`: the list's new version and the change (or the whole list). */
  hotcards?: HotcardsAnswer;
  /**
   * A chip purchase or load run on the card by the local chip port (not an issuer): the card's
   * proof and counters, journaled with the row (src/main/terminal/chip-purchase.ts).
   */
  chip?: ChipProof;
  /**
   * A `settle` declined SETTLE_PENDING_AT_ISSUER before it was sent: what the host has not
   * answered yet (STAN of the till's row, and what is owed) — the shift close lists them.
   */
  unanswered?: Array<{ stan: number; owed: 'reversal' | 'answer' }>;
  /**
   * An approved refund the host has not confirmed yet (its answer was lost; the adapter resends
   * it until answered): true. Only the iso8583-cup adapter sets it.
   */
  awaitingHost?: boolean;
  /** What the adapter could not read in a message-specific part of the answer. */
  malformed?: string;
  /** The message's own answer fields (advice results, hot-card lists), unparsed. */
  extra: Record<string, unknown>;
}

/** What the card answered for a chip purchase or load: what clearing needs (TAC) and the journal keeps. */
export interface ChipProof {
  kind: 'purchase' | 'load';
  /** The card's offline (purchase) or online (load) sequence this transaction used. */
  seq: number;
  balanceAfterFen: number;
  /** Hex: the PSAM's terminal number and its transaction counter (purchase; '' for a load). */
  terminalNumber: string;
  terminalSeq: string;
  /** Hex BCD YYYYMMDD, hhmmss: what the card MACed. */
  date: string;
  time: string;
  algId: number;
  tac: string;
  /** Proved after tearing with GET TRANSACTION PROVE. */
  proved: boolean;
}

/** How one exchange ended: always one of these, never a thrown link error. */
export type ExchangeOutcome =
  | { kind: 'answer'; answer: IssuerAnswer }
  /** Nothing reached the issuer (refused, cut): it cannot have acted. */
  | { kind: 'not-sent'; detail: string }
  /** The command may have reached the issuer and no valid answer came: it may have acted. */
  | { kind: 'unknown'; failure: Exclude<LinkFailure, 'not-sent'>; detail: string };

/** Key exchange: the terminal's new public key, proved by its own signature. */
export interface SignOnRequest {
  /** The key being enrolled; for a rotation, `signWith` lets the enrolled key endorse it. */
  keys: EnrolKeys;
  enrolToken: string;
  /** The newest key version this issuer has acknowledged, if any. */
  enrolledKeyVersion?: number;
}
export interface SignOnResult {
  /** The issuer's receipt key, sealed under the enrolment token (src/main/receipt/code.ts). */
  receiptKey?: string;
  /** The issuer's PIN key for this terminal, sealed under the enrolment token (src/shared/pin-key.ts). */
  pinKey?: string;
}

/**
 * Which of an issuer entry's hosts (主+备通道) a command went to (src/main/issuer/failover.ts).
 * An entry without a backup has only 'primary'.
 */
export type EndpointRole = 'primary' | 'backup';

/** How one exchange may use an entry's endpoints; adapters without endpoints ignore it. */
export interface ExchangeVia {
  /**
   * Only this endpoint, never the other: a reversal goes to the host its original went to, even
   * while that host is down (docs/issuer-protocol.md "Failover rules").
   */
  endpoint?: EndpointRole;
  /** Told before the command is sent to an endpoint (the runner records it on the pending row). */
  onEndpoint?: (role: EndpointRole) => void;
}

/** One endpoint of an entry as the technician sees it (`IssuerPort.endpoints`). */
export interface EndpointState {
  role: EndpointRole;
  /** URL or host:port. */
  address: string;
  /** New requests go to it now. */
  inUse: boolean;
  /** The last exchange or echo reached it (absent: not tried since start). */
  up?: boolean;
  /** Round-trip time of its last answered echo. */
  lastEchoRttMs?: number;
  /** ISO time of that echo. */
  lastEchoAt?: string;
  /** Why the last exchange or echo did not reach it. */
  lastError?: string;
  /** On the endpoint in use after a switch: since when (ISO time). */
  inUseSince?: string;
  /**
   * When this process last signed on with that host (ISO 8583: working keys are per host, so the
   * primary and the backup each have their own sign-on); absent for protocols without one.
   */
  signedOnAt?: string;
}

/** One endpoint's answer to one Echo (the technician's echo of both hosts: `echoEach`). */
export interface EndpointEcho {
  role: EndpointRole;
  address: string;
  /** In use after this echo (an answer from the primary while on the backup switches back). */
  inUse: boolean;
  outcome: ExchangeOutcome;
  /** Round trip of this echo, answered or not (ms, one decimal). */
  rttMs: number;
}

export interface IssuerPort {
  /** 'cardtill-json' (docs/issuer-protocol.md); later 'iso8583-cup' (/work/shared/ISO8583-CUP.md). */
  readonly protocol: string;
  /**
   * Sends one command and returns how it ended, within at most `attempts` sends by this adapter's
   * own retransmission rule. Never throws for link trouble; `unknown` means the caller must treat
   * the money as possibly moved (the runner queues a Reverse for a reversible kind).
   */
  exchange(cmd: IssuerCommand, attempts: number, via?: ExchangeVia): Promise<ExchangeOutcome>;
  /** The entry's endpoints, primary first (the failover wrapper has them; a bare adapter may not). */
  endpoints?(): EndpointState[];
  /**
   * One Echo (from `makeEcho`, each its own STAN) to every endpoint at once, whichever is in use
   * (the failover wrapper); a port without it is echoed through `exchange`.
   */
  echoEach?(makeEcho: () => EchoCommand): Promise<EndpointEcho[]>;
  /** When this port last signed on with its host (ISO time; the ISO 8583 adapter), if it did. */
  readonly signedOnAt?: string | undefined;
  /**
   * Told by the failover wrapper before this endpoint takes requests again after the other one
   * had them: a session it holds with its host may be gone (the host may have restarted while it
   * was unreachable), so an adapter with one (ISO 8583 working keys) renews it before its next
   * request rather than have that request refused (A0) and reversed.
   */
  renewSession?(): void;
  /** Key exchange with this issuer. Throws TillError (ISSUER_UNREACHABLE, ISSUER_BAD_SIGNATURE, ISSUER_ERROR). */
  signOn(req: SignOnRequest): Promise<SignOnResult>;
  /** Demo switch and tests: when cut, every exchange ends `not-sent` without touching the network. */
  setCut(cut: boolean): void;
  isCut(): boolean;
}
