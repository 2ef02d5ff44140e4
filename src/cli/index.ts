/**
 * `cardtill` — the command line for managers, technicians and maintainers. Each command lives in
 * ./commands/<name>.ts and registers here. Commands read the same data directory and configuration
 * as the app (`--data-dir`, `--config`).
 */
import { parseStartOptions } from '../main/config/options';
import type { CliCommand } from './command';
import { issuerSimCommand } from './commands/issuer-sim';
import { txnsCommand } from './commands/txns';
import { shiftReportCommand, archiveCommand } from './commands/shift';
import { keysPublicCommand, keysRotateCommand } from './commands/keys';
import { journalExportCommand, journalVerifyCommand } from './commands/journal';
import { verifyReceiptCommand } from './commands/verify-receipt';
import { devicesCommand } from './commands/devices';
import { readCommand } from './commands/read';
import { printTestCommand } from './commands/print-test';
import { diagnoseCommand } from './commands/diagnose';
import { queueStatusCommand } from './commands/queue';
import { queueListCommand } from './commands/queue-list';
import { issuersCommand } from './commands/issuers';

export const COMMANDS: CliCommand[] = [
  shiftReportCommand,
  archiveCommand,
  txnsCommand,
  issuerSimCommand,
  keysPublicCommand,
  keysRotateCommand,
  journalExportCommand,
  journalVerifyCommand,
  verifyReceiptCommand,
  devicesCommand,
  readCommand,
  printTestCommand,
  diagnoseCommand,
  queueStatusCommand,
  queueListCommand,
  issuersCommand,
];

export function usage(): string {
  const lines = COMMANDS.map((c) => `  ${c.name.padEnd(22)} ${c.summary}`);
  return `cardtill — CardTill command line / 命令行

Usage: cardtill <command> [--data-dir DIR] [--config FILE] [options]

Commands:
${lines.join('\n')}
`;
}

export async function runCli(argv: string[]): Promise<number> {
  const [first, second] = argv;
  const cmd = COMMANDS.find((c) => c.name === `${first} ${second}`) ?? COMMANDS.find((c) => c.name === first);
  if (!cmd || first === 'help' || first === '--help') {
    process.stdout.write(usage());
    return cmd || first === 'help' || first === '--help' || !first ? 0 : 2;
  }
  const rest = argv.slice(cmd.name.split(' ').length);
  try {
    const opts = parseStartOptions(rest);
    return await cmd.run({
      dataDir: opts.dataDir ?? 'cardtill-data',
      config: opts.config,
      args: opts.rest,
      port: opts.port,
    });
  } catch (e) {
    process.stderr.write(`cardtill ${cmd.name}: ${(e as Error).message}\n`);
    return 2;
  }
}
