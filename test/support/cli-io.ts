/** In-process CLI runs for tests: captured stdout/stderr, a fixed environment. */
import { Writable } from 'node:stream';
import type { CliIo } from '../../src/cli/io.ts';
import { main } from '../../src/cli/main.ts';

export interface RunResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

function sink(): { stream: Writable; text: () => string } {
  const chunks: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer | string, _enc, cb) {
      chunks.push(chunk.toString());
      cb();
    },
  });
  return { stream, text: () => chunks.join('') };
}

export async function runCli(argv: string[], opts: { cwd?: string; env?: Record<string, string> } = {}): Promise<RunResult> {
  const out = sink();
  const err = sink();
  const io: CliIo = { stdout: out.stream, stderr: err.stream, env: { CRISISCELL_ACTOR: 'test-operator', ...opts.env }, cwd: opts.cwd ?? process.cwd() };
  const code = await main(argv, io);
  return { code, stdout: out.text(), stderr: err.text() };
}
