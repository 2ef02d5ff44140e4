// Moved to src/shared/crypto (the issuer simulator uses it too); this path stays for existing imports.
export * from '../../shared/crypto/sm2-warm';
