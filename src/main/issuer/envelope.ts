/**
 * Signing and checking SignedEnvelopes (src/shared/issuer-protocol.ts). Both ends of the issuer
 * link use these: the terminal signs requests and verifies responses, the issuer the reverse.
 */
import { canonicalBytes } from '../../shared/canonical-json';
import type { SignedEnvelope } from '../../shared/issuer-protocol';

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

/** True only when the signature over the canonical bytes of msg verifies. Never throws. */
export function verifyEnvelope(verifier: MessageVerifier, env: SignedEnvelope): boolean {
  try {
    return verifier.verify(canonicalBytes(env.msg), new Uint8Array(Buffer.from(env.sig, 'base64')));
  } catch {
    return false;
  }
}
