/**
 * Runs `bin/cardtill.mjs` as a child process, asynchronously: a test's issuers and app answer from
 * this process, which must not block while the CLI runs. Resolves with its exit status and output.
 */
import { execFile } from 'node:child_process';

export interface CliRun {
  status: number;
  stdout: string;
  stderr: string;
}

export function runCardtill(args: string[], env: Record<string, string> = {}): Promise<CliRun> {
  return new Promise((resolve) =>
    execFile(
      process.execPath,
      ['bin/cardtill.mjs', ...args],
      { encoding: 'utf8', timeout: 60_000, env: { ...process.env, ...env } },
      (err, stdout, stderr) =>
        resolve({ status: err ? Number((err as { code?: number }).code ?? 1) : 0, stdout, stderr }),
    ),
  );
}
