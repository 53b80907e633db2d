/** What a CLI command may touch: its streams and environment, so commands run in-process in tests. */
export interface CliIo {
  readonly stdout: NodeJS.WritableStream & { isTTY?: boolean; columns?: number };
  readonly stderr: NodeJS.WritableStream & { isTTY?: boolean; columns?: number };
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly cwd: string;
}

/** A sub-command: parses its own argv (after the command words), returns the process exit code. */
export type CommandHandler = (argv: string[], io: CliIo) => Promise<number>;

export function processIo(): CliIo {
  return { stdout: process.stdout, stderr: process.stderr, env: process.env, cwd: process.cwd() };
}
