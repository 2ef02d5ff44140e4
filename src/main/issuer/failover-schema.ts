/**
 * Which endpoint of its issuer entry (primary / backup, src/main/issuer/failover.ts) a request
 * went to, on the pending row and on its reversal: a reversal goes to the host its original went
 * to, never the other one (docs/issuer-protocol.md "Failover rules"). Rows from before had one
 * host per entry: 'primary'.
 */
import type { Migration } from '../../shared/store/sqlite';

export const FAILOVER_MIGRATIONS: Migration[] = [
  {
    id: 'failover/001-endpoint',
    sql: `
  ALTER TABLE txns ADD COLUMN endpoint TEXT NOT NULL DEFAULT 'primary' CHECK (endpoint IN ('primary','backup'));
  ALTER TABLE reversals ADD COLUMN endpoint TEXT NOT NULL DEFAULT 'primary' CHECK (endpoint IN ('primary','backup'));
  `,
  },
];
