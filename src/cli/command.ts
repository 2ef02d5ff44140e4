/** One `cardtill` command. `run` returns the exit code. */
export interface CliContext {
  dataDir: string;
  config?: string;
  /** Arguments not consumed by the common options. */
  args: string[];
  port: number;
}

export interface CliCommand {
  /** One word, or two for a group ("journal verify"). */
  name: string;
  summary: string;
  run(ctx: CliContext): Promise<number>;
}

/** Reads `--name value` from the remaining args. */
export function flag(args: string[], name: string): string | undefined {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1] : args.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3);
}
