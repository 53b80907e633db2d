/**
 * `crisiscell evtx dump <files|dirs...> --jsonl`: every record of Windows event logs (EVTX) as one
 * JSON line on stdout (the EventRecord shape the hunt engine sees), every read problem as one
 * JSON line on stderr, then a one-line JSON summary on stderr.
 */
import { readdirSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import type { CommandHandler } from '../io.ts';
import { openEvtxFile } from '../../hunt/evtx/index.ts';
import type { EventRecord, ReadError } from '../../hunt/record.ts';

const USAGE = `Usage: crisiscell evtx dump <files|dirs...> [--jsonl]

Reads Windows event logs (.evtx), damaged ones included, and prints every record as one JSON
line on stdout: {file, recordId, timestamp, channel, provider, eventId, level, computer,
data, system}. Folders are searched recursively for *.evtx.
Each problem (broken record, bad chunk, checksum mismatch) is one JSON line on stderr with
file, chunk, record and offset; a last line on stderr sums up the run.
Exit code 0 when the files were read, even with damaged records; 2 for a missing path or bad usage.

Options:
  --jsonl      JSON lines output (the default and only format)
  -h, --help   this help

Example:
  crisiscell evtx dump /evidence/dc01/Security.evtx /evidence/ws042 --jsonl > records.jsonl
`;

/**
 * Lists .evtx files under `shown` (itself when it is a file), sorted for a stable order.
 * Paths keep the form given on the command line (records name their file that way); `cwd`
 * resolves them for reading.
 */
function listEvtx(cwd: string, shown: string, out: string[]): void {
  const st = statSync(resolve(cwd, shown));
  if (!st.isDirectory()) {
    out.push(shown);
    return;
  }
  const names = readdirSync(resolve(cwd, shown)).sort();
  for (const name of names) {
    const full = join(shown, name);
    let sub;
    try {
      sub = statSync(resolve(cwd, full));
    } catch {
      continue; // vanished or dangling link: nothing to read
    }
    if (sub.isDirectory()) listEvtx(cwd, full, out);
    else if (name.toLowerCase().endsWith('.evtx')) out.push(full);
  }
}

/** Writes and waits for 'drain' when the stream's buffer is full, so memory stays flat. */
function write(stream: NodeJS.WritableStream, text: string): Promise<void> | undefined {
  if (stream.write(text)) return undefined;
  return new Promise((done) => {
    const finish = (): void => {
      stream.removeListener('drain', finish);
      stream.removeListener('error', finish);
      stream.removeListener('close', finish);
      done();
    };
    stream.once('drain', finish);
    stream.once('error', finish);
    stream.once('close', finish);
  });
}

export const evtxCommand: CommandHandler = async (argv, io) => {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      options: { jsonl: { type: 'boolean' }, help: { type: 'boolean', short: 'h' } },
    });
  } catch (e) {
    io.stderr.write(`crisiscell evtx: ${(e as Error).message}\n\n${USAGE}`);
    return 2;
  }
  const [sub, ...paths] = parsed.positionals;
  if (parsed.values.help) {
    io.stdout.write(USAGE);
    return 0;
  }
  if (sub !== 'dump') {
    io.stderr.write(`crisiscell evtx: ${sub === undefined ? 'missing sub-command' : `unknown sub-command "${sub}"`} (only "dump" exists)\n\n${USAGE}`);
    return 2;
  }
  if (paths.length === 0) {
    io.stderr.write(`crisiscell evtx dump: give at least one .evtx file or folder\n\n${USAGE}`);
    return 2;
  }

  const files: string[] = [];
  for (const p of paths) {
    try {
      listEvtx(io.cwd, p, files);
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      io.stderr.write(`crisiscell evtx dump: ${code === 'ENOENT' ? 'no such file or folder' : (e as Error).message}: ${p}\n`);
      return 2;
    }
  }

  let stdoutBroken = false;
  const onStdoutError = (): void => {
    stdoutBroken = true; // e.g. EPIPE from `| head`: stop reading, nobody listens
  };
  io.stdout.on('error', onStdoutError);

  const total = { files: 0, records: 0, errors: 0, chunks: 0, badChunks: 0, unreadable: 0 };
  let out: string[] = [];
  let err: string[] = [];
  const onRecord = (r: EventRecord): void => {
    out.push(JSON.stringify(r));
  };
  const onError = (e: ReadError): void => {
    err.push(JSON.stringify(e));
  };
  const flush = async (): Promise<void> => {
    if (err.length > 0) {
      const text = err.join('\n') + '\n';
      err = [];
      await write(io.stderr, text);
    }
    if (out.length > 0) {
      const text = out.join('\n') + '\n';
      out = [];
      await write(io.stdout, text);
    }
  };

  try {
    for (const file of files) {
      if (stdoutBroken) break;
      let reader;
      try {
        reader = openEvtxFile(resolve(io.cwd, file), onRecord, onError, file);
      } catch (e) {
        // An unreadable file (permissions, vanished) does not stop the others.
        total.unreadable++;
        err.push(JSON.stringify({ file, message: `cannot read: ${(e as Error).message}` }));
        await flush();
        continue;
      }
      try {
        for (;;) {
          let more: boolean;
          try {
            more = reader.step();
          } catch (e) {
            total.unreadable++;
            err.push(JSON.stringify({ file, message: `read failed: ${(e as Error).message}` }));
            more = false;
          }
          // One chunk's lines at a time: bounded memory, and back-pressure from the consumer.
          await flush();
          if (!more || stdoutBroken) break;
        }
      } finally {
        reader.close();
      }
      total.files++;
      total.records += reader.summary.records;
      total.errors += reader.summary.errors;
      total.chunks += reader.summary.chunks;
      total.badChunks += reader.summary.badChunks;
    }
  } finally {
    io.stdout.removeListener('error', onStdoutError);
  }
  io.stderr.write(JSON.stringify({ summary: total }) + '\n');
  return 0;
};
