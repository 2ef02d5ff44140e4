/** `cardtill txns` — recent transactions as JSON lines (card numbers masked), read-only. */
import { openTerminalDb } from '../../main/store/terminal-db';
import { toResult, type TxnRow } from '../../main/terminal/txn-store';
import { flag, type CliCommand } from '../command';

export const txnsCommand: CliCommand = {
  name: 'txns',
  summary: 'print recent transactions as JSON lines, masked (--limit N)',
  async run(ctx) {
    const db = openTerminalDb(ctx.dataDir, { readonly: true });
    try {
      const limit = Number(flag(ctx.args, 'limit') ?? 20);
      const rows = db.prepare('SELECT * FROM txns ORDER BY stan DESC LIMIT ?').all(limit) as TxnRow[];
      for (const r of rows) console.log(JSON.stringify(toResult(r)));
      return 0;
    } finally {
      db.close();
    }
  },
};
