// Moved to src/shared/iso8583/working-keys.ts (the issuer simulator builds field 62 with it); kept for existing imports.
export * from '../../../shared/iso8583/working-keys';
