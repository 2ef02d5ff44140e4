/**
 * The one error type of the IC driver. `code` is a DeviceErrorCode (src/shared/devices.ts) so the
 * driver can turn it into an 'error' event as is; `sw` carries the ISO/IEC 7816-4 status word
 * when a card answered with one.
 */
import type { DeviceErrorCode } from '../../shared/devices';

export class IcError extends Error {
  readonly code: DeviceErrorCode;
  readonly sw?: number;

  constructor(code: DeviceErrorCode, message?: string, options?: { cause?: unknown; sw?: number }) {
    super(message ?? code, options?.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'IcError';
    this.code = code;
    if (options?.sw !== undefined) this.sw = options.sw;
  }
}

export function isIcError(e: unknown, code?: DeviceErrorCode): e is IcError {
  return e instanceof IcError && (code === undefined || e.code === code);
}

/** The detail text of the 'unavailable' state when nfc-pcsc, libpcsclite or pcscd is missing. */
export const PCSC_UNAVAILABLE =
  'PC/SC 不可用：请安装 pcscd 和 libpcsclite-dev / PC/SC unavailable: install pcscd and libpcsclite-dev';
