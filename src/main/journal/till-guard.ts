/**
 * Stops selling when this till's data looks rolled back: the issuer declined a request
 * DUPLICATE_STAN (it has seen that trace number from us before, so our STAN counter went back),
 * the issuer acknowledged a journal head we no longer have, or the journal is behind its head file
 * at start. An ALERT goes to the log; sales are refused TILL_BLOCKED_ROLLBACK until the technician
 * acknowledges on the technician's screen (`journal.acknowledgeBlock`).
 *
 * The block is kept in `<data-dir>/till-blocked`, outside terminal.db, so a restart (or an older
 * database put back) does not lift it.
 */
import fs from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { TillError } from '../../shared/errors';
import { writeFileDurable } from './head-file';

export const BLOCK_FILE = 'till-blocked';

export const TillBlock = z.object({
  reason: z.enum(['duplicate-stan', 'issuer-head', 'journal-head']),
  detail: z.string(),
  at: z.string(),
  stan: z.number().int().optional(),
});
export type TillBlock = z.infer<typeof TillBlock>;

export class TillGuard {
  private block: TillBlock | undefined;
  constructor(
    private readonly dataDir: string,
    private readonly log: (line: string) => void,
    private readonly clock: () => Date,
  ) {
    this.block = this.read();
  }

  private get file(): string {
    return path.join(this.dataDir, BLOCK_FILE);
  }

  private read(): TillBlock | undefined {
    try {
      const b = TillBlock.safeParse(JSON.parse(fs.readFileSync(this.file, 'utf8')));
      // A block file that cannot be read still blocks: it was written for a reason.
      return b.success ? b.data : { reason: 'journal-head', detail: 'till-blocked file unreadable', at: '' };
    } catch (e) {
      return (e as NodeJS.ErrnoException).code === 'ENOENT'
        ? undefined
        : { reason: 'journal-head', detail: 'till-blocked file unreadable', at: '' };
    }
  }

  current(): TillBlock | undefined {
    return this.block;
  }

  /** Blocks selling (the first reason is kept; later ones only go to the log). */
  trip(reason: TillBlock['reason'], detail: string, stan?: number): void {
    this.log(`ALERT till blocked (${reason}): ${detail} — selling stopped until the technician acknowledges`);
    if (this.block) return;
    const b: TillBlock = { reason, detail, at: this.clock().toISOString(), ...(stan ? { stan } : {}) };
    this.block = b;
    try {
      writeFileDurable(this.file, `${JSON.stringify(b)}\n`);
    } catch (e) {
      this.log(`ALERT till-blocked file not written: ${(e as Error).message} (blocked until restart)`);
    }
  }

  /** Throws TILL_BLOCKED_ROLLBACK while blocked. */
  assertSelling(): void {
    if (this.block)
      throw new TillError('TILL_BLOCKED_ROLLBACK', `${this.block.reason}: ${this.block.detail}`);
  }

  /** The technician has looked: selling may resume. Returns what was acknowledged. */
  acknowledge(by: string, note?: string): TillBlock | undefined {
    const b = this.block;
    if (!b) return undefined;
    fs.rmSync(this.file, { force: true });
    this.block = undefined;
    this.log(`till block (${b.reason}) acknowledged by technician ${by}${note ? `: ${note}` : ''}`);
    return b;
  }
}
