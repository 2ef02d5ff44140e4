// Moved to src/shared/iso8583/keysets.ts (the issuer simulator's ISO 8583 face uses the same key sets); kept for existing imports.
export * from '../../../shared/iso8583/keysets';
