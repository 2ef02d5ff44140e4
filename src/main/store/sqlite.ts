// Moved to src/shared/store/sqlite.ts (the issuer simulator's ledger opens its file the same way); kept for existing imports.
export * from '../../shared/store/sqlite';
