/**
 * The one error type of the crypto module. `code` is stable and safe to branch on;
 * `message` is for logs and never contains key material.
 */
export type CryptoErrorCode = 'AUTH_FAILED' | 'BAD_PADDING' | 'BAD_KEY' | 'BAD_INPUT' | 'WRONG_PASSPHRASE';

export class CryptoError extends Error {
  readonly code: CryptoErrorCode;

  constructor(code: CryptoErrorCode, message?: string, options?: { cause?: unknown }) {
    super(message ?? code, options);
    this.name = 'CryptoError';
    this.code = code;
  }
}

export function isCryptoError(e: unknown, code?: CryptoErrorCode): e is CryptoError {
  return e instanceof CryptoError && (code === undefined || e.code === code);
}
