/**
 * The issuer link's wire protocol (docs/issuer-protocol.md is its prose form).
 * JSON over HTTP(S): POST /v1/<type> with a SignedEnvelope; the answer is a SignedEnvelope too.
 * `msg` is signed as canonical JSON (src/shared/canonical-json.ts) with SM2/SM3, default user id.
 */
import { z } from 'zod';
import { ErrorCode } from './errors';
import { MAX_FEN } from './money';
import { WireJournalHead } from './issuer-journal-head';

const fen = z.number().int().min(0).max(MAX_FEN);
const stan = z.number().int().positive();

export const SignedEnvelope = z.object({
  msg: z.record(z.string(), z.unknown()),
  /** base64 of the DER SM2 signature over canonicalBytes(msg). */
  sig: z.string().min(8).max(200),
  /** Who signed: "terminal:<terminalId>:<keyVersion>" or "issuer:<keyVersion>". */
  keyId: z.string().max(80),
});
export type SignedEnvelope = z.infer<typeof SignedEnvelope>;

/** Fields every terminal request carries. (terminalId, stan) is the idempotency key. */
export const RequestHeader = z.object({
  type: z.string(),
  terminalId: z.string().min(1).max(16),
  merchantId: z.string().min(1).max(16),
  stan,
  /** ISO 8601 terminal time. */
  time: z.string(),
  /** 16 random bytes, hex: echoed in the response so an old "approved" cannot be replayed. */
  nonce: z.string().regex(/^[0-9a-f]{32}$/),
});

export const CardOnWire = z.object({
  pan: z.string().regex(/^\d{12,19}$/),
  entryMode: z.string(),
  expiry: z
    .string()
    .regex(/^\d{4}$/)
    .optional(),
  /** e-card QR: "<unixMinute>:<6 digits>". */
  dynamicCode: z.string().optional(),
});

export const AuthorizeRequest = RequestHeader.extend({
  type: z.literal('authorize'),
  card: CardOnWire,
  amountFen: fen,
  otherTenderFen: fen,
});
export const InquiryRequest = RequestHeader.extend({ type: z.literal('inquiry'), card: CardOnWire });
export const ReverseRequest = RequestHeader.extend({ type: z.literal('reverse'), origStan: stan });
export const EchoRequest = RequestHeader.extend({
  type: z.literal('echo'),
  /** The terminal's journal head, acknowledged in the answer (./issuer-journal-head.ts). */
  journalHead: WireJournalHead.optional(),
});
export const EnrolRequest = z.object({
  type: z.literal('enrol'),
  terminalId: z.string().min(1).max(16),
  merchantId: z.string().min(1).max(16),
  keyVersion: z.number().int().positive(),
  /** Uncompressed SM2 point, hex (130 chars). */
  publicKey: z.string().regex(/^04[0-9a-f]{128}$/),
  /**
   * One-time enrolment secret handed to the store by the issuer (demo: from config): sent only for a
   * terminal's first key. A later key version carries `endorsement` instead.
   */
  enrolToken: z.string().min(1).max(128).optional(),
  /**
   * Key rotation: the same message (without this field) signed by the terminal's currently enrolled
   * key, so only the holder of that key can enrol the next one (the token is spent by then).
   */
  endorsement: z
    .object({
      keyVersion: z.number().int().positive(),
      sig: z.string().regex(/^[A-Za-z0-9+/]+={0,2}$/),
    })
    .strict()
    .optional(),
  time: z.string(),
  /** 16 random bytes, hex: echoed (with keyVersion and publicKey) so an old answer cannot be replayed. */
  nonce: z.string().regex(/^[0-9a-f]{32}$/),
});

export const ResultCode = z.enum(['approved', 'declined']);

/** Loose: message types add their own answer fields (advice `results`, hotcards lists), which the
 * signature covers and their own schemas parse (src/shared/issuer-protocol-offline.ts). */
export const IssuerResponse = z.looseObject({
  type: z.string(),
  terminalId: z.string(),
  stan,
  nonce: z.string(),
  time: z.string(),
  result: ResultCode,
  code: ErrorCode.optional(),
  balanceFen: fen.optional(),
  /** Issuer's approval code. */
  authCode: z.string().optional(),
  cardStatus: z.string().optional(),
  /** reverse: what the issuer knew of the original request. */
  orig: z
    .object({
      found: z.boolean(),
      type: z.string().optional(),
      result: ResultCode.optional(),
      reversed: z.boolean().optional(),
      amountFen: fen.optional(),
    })
    .optional(),
});
export type IssuerResponse = z.infer<typeof IssuerResponse>;

export type AuthorizeRequest = z.infer<typeof AuthorizeRequest>;
export type InquiryRequest = z.infer<typeof InquiryRequest>;
export type ReverseRequest = z.infer<typeof ReverseRequest>;
export type EnrolRequest = z.infer<typeof EnrolRequest>;

export const DEFAULT_USER_ID_NOTE = 'SM2 user id 1234567812345678 (GB/T 32918 default)';
