// Moved to src/shared/receipt-code.ts (the issuer simulator checks codes too); kept for existing imports.
export * from '../../shared/receipt-code';
