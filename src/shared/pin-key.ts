/**
 * The per-terminal PIN key K_pin, under which the terminal SM4-encrypts the cardholder's password
 * block (./pin-block.ts). Delivered at enrolment beside the receipt key K_r, the same way
 * (./receipt-code.ts; docs/issuer-protocol.md "Enrolment"):
 *
 *   K_pin  = HMAC-SM3(issuerPinMaster, "CardTill/pin-key/v1|" ‖ terminalId)       (32 bytes)
 *   SM4 PIN key = K_pin[0..16)
 *   wrap   = sealSm4(HMAC-SM3(UTF-8(enrolToken), "CardTill/enrol/v1/pin-key-wrap|" ‖ terminalId),
 *                    K_pin, aad "CardTill/pin-key/v1|" ‖ terminalId)
 *
 * Only the holder of the enrolment token opens it; the terminal keeps it sealed at rest like K_r
 * (src/main/keys/terminal-keys.ts, keys/pin-key.json). K_pin is 32 bytes, like K_r, so that it is
 * delivered and sealed at rest by the very same code; the SM4 key is its first half. A wrap label
 * of its own, so a K_r blob can never be opened as a PIN key or the other way round.
 */
import { hmacSm3, openSm4, sealSm4 } from './crypto';

const enc = new TextEncoder();

/** K_pin of one terminal (32 bytes: what enrolment delivers and the terminal seals). */
export function derivePinKey(issuerPinMaster: Uint8Array, terminalId: string): Uint8Array {
  return hmacSm3(issuerPinMaster, enc.encode(`CardTill/pin-key/v1|${terminalId}`));
}

/** The SM4 key the PIN blocks are made under: K_pin's first 16 bytes. */
export function sm4PinKey(pinKey: Uint8Array): Uint8Array {
  return pinKey.slice(0, 16);
}

const wrapKey = (enrolToken: string, terminalId: string) =>
  hmacSm3(enc.encode(enrolToken), enc.encode(`CardTill/enrol/v1/pin-key-wrap|${terminalId}`));
const wrapAad = (terminalId: string) => enc.encode(`CardTill/pin-key/v1|${terminalId}`);

export function wrapPinKey(pinKey: Uint8Array, enrolToken: string, terminalId: string): string {
  return Buffer.from(sealSm4(wrapKey(enrolToken, terminalId), pinKey, wrapAad(terminalId))).toString(
    'base64',
  );
}

/** Throws CryptoError('AUTH_FAILED') when the token or terminal id does not match. */
export function unwrapPinKey(wrapped: string, enrolToken: string, terminalId: string): Uint8Array {
  return openSm4(
    wrapKey(enrolToken, terminalId),
    new Uint8Array(Buffer.from(wrapped, 'base64')),
    wrapAad(terminalId),
  );
}
