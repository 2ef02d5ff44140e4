// Moved to src/shared/issuer/envelope.ts (both sides of the link sign envelopes); kept for existing imports.
export * from '../../shared/issuer/envelope';
