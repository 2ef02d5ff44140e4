/** Errors of the printer driver. Device faults are PrintOutcome / events, not exceptions. */
export type PrinterErrorCode = 'INVALID_DOC' | 'DECODE' | 'IO_ERROR' | 'STATUS_TIMEOUT';

export class PrinterError extends Error {
  readonly code: PrinterErrorCode;
  /** Byte offset where decoding failed (DECODE). */
  readonly offset?: number;

  constructor(code: PrinterErrorCode, message?: string, options?: { cause?: unknown; offset?: number }) {
    super(message ?? code, options?.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'PrinterError';
    this.code = code;
    if (options?.offset !== undefined) this.offset = options.offset;
  }
}

export function isPrinterError(e: unknown, code?: PrinterErrorCode): e is PrinterError {
  return e instanceof PrinterError && (code === undefined || e.code === code);
}
