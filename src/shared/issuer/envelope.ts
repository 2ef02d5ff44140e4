/**
 * Signing and checking SignedEnvelopes (src/shared/issuer-protocol.ts). Both ends of the issuer
 * link use these: the terminal signs requests and verifies responses, the issuer the reverse.
 */
import { canonicalBytes } from '../canonical-json';
import type { SignedEnvelope } from '../issuer-protocol';

export interface MessageSigner {
  keyId: string;
  sign(bytes: Uint8Array): Uint8Array;
}
export interface MessageVerifier {
  verify(bytes: Uint8Array, derSig: Uint8Array): boolean;
}

export function signEnvelope(signer: MessageSigner, msg: Record<string, unknown>): SignedEnvelope {
  const sig = signer.sign(canonicalBytes(msg));
  return { msg, sig: Buffer.from(sig).toString('base64'), keyId: signer.keyId };
}

/**
 * `sig` decoded only when it is the one canonical base64 (RFC 4648 §4) of its bytes: Node's decoder
 * skips foreign characters, takes base64url and ignores padding and trailing bits, so many texts
 * would carry one signature and a tampered answer could still verify.
 */
function strictBase64(text: string): Uint8Array | null {
  const bytes = Buffer.from(text, 'base64');
  return bytes.toString('base64') === text ? new Uint8Array(bytes) : null;
}

/** True only when the signature over the canonical bytes of msg verifies. Never throws. */
export function verifyEnvelope(verifier: MessageVerifier, env: SignedEnvelope): boolean {
  try {
    const der = strictBase64(env.sig);
    return der !== null && verifier.verify(canonicalBytes(env.msg), der);
  } catch {
    return false;
  }
}
