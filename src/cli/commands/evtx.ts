/**
 * `crisiscell evtx dump <files|dirs...> --jsonl`: every record of Windows event logs (EVTX) as one
 * JSON line on stdout (the EventRecord shape the hunt engine sees), every read problem as one
 * JSON line on stderr, then a one-line JSON summary on stderr.
 */
import { existsSync, lstatSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import type { CommandHandler } from '../io.ts';
import { openEvtxFile } from '../../hunt/evtx/index.ts';
import type { EventRecord, ReadError } from '../../hunt/record.ts';
import { walkEvidence } from '../../hunt/sources/walk.ts';
import { outcomeToExit } from '../../core/errors.ts';

const USAGE = `Usage: crisiscell evtx dump <files|dirs...> [--jsonl] [--recover]

Reads Windows event logs (.evtx), damaged ones included, and prints every record as one JSON
line on stdout: {file, recordId, eventRecordId, chunk, offset, timestamp, channel, provider,
eventId, level, computer, data, system} (eventRecordId is the number Event Viewer shows; offset
is the byte offset of the record in the file). Folders are searched recursively for *.evtx;
every file is read once whatever links lead to it. Loops are skipped; dangling links,
unreadable folders and files, FIFOs, sockets and devices are reported and never opened.
Each problem (broken record, bad chunk, checksum mismatch, file cut short, unreadable input) is
one JSON line on stderr with file, chunk, record and offset; a last line on stderr sums up the
run, with the inputs that could not be read.

Options:
  --jsonl      JSON lines output (the default and only format)
  --recover    also carve deleted records from slack space and unused chunk areas; they are
               marked "recovered": true
  -h, --help   this help

Exit codes: 0 the files were read (even with damaged records); ${outcomeToExit['completed-with-unreadable-inputs']} completed, but some inputs could
not be read (listed in the summary line); 2 a missing path or bad usage.

Example:
  crisiscell evtx dump /evidence/dc01/Security.evtx /evidence/ws042 --jsonl --recover > records.jsonl
`;

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
      options: { jsonl: { type: 'boolean' }, recover: { type: 'boolean' }, help: { type: 'boolean', short: 'h' } },
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

  // A path that does not exist at all is a typing error: say so before reading anything. A link
  // whose target is gone is evidence of something: it is reported with the others.
  for (const p of paths) {
    let present = existsSync(resolve(io.cwd, p));
    if (!present) {
      try {
        present = lstatSync(resolve(io.cwd, p)).isSymbolicLink();
      } catch {
        // absent
      }
    }
    if (!present) {
      io.stderr.write(`crisiscell evtx dump: no such file or folder: ${p}\n`);
      return 2;
    }
  }
  const walk = walkEvidence(paths, { cwd: io.cwd, accept: (n) => n.toLowerCase().endsWith('.evtx') });
  const files = walk.files.map((f) => f.path);
  const unreadable: { file: string; reason: string }[] = [];
  const skipped: { file: string; reason: string }[] = [];
  for (const p of walk.problems) (p.severity === 'unreadable' ? unreadable : skipped).push({ file: p.path, reason: p.reason });

  let stdoutBroken = false;
  const onStdoutError = (): void => {
    stdoutBroken = true; // e.g. EPIPE from `| head`: stop reading, nobody listens
  };
  io.stdout.on('error', onStdoutError);

  const total = { files: 0, records: 0, errors: 0, chunks: 0, badChunks: 0, recovered: 0, unreadable: 0 };
  let out: string[] = [];
  let err: string[] = [];
  // Walk problems first, each as one line on stderr like every other problem.
  for (const u of unreadable) err.push(JSON.stringify({ file: u.file, message: u.reason, unreadable: true }));
  for (const u of skipped) err.push(JSON.stringify({ file: u.file, message: u.reason, skipped: true }));
  const onRecord = (r: EventRecord): void => {
    out.push(JSON.stringify(r));
  };
  const cutShort = new Set<string>();
  const onError = (e: ReadError): void => {
    if (e.unreadable) cutShort.add(e.file);
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
        reader = openEvtxFile(resolve(io.cwd, file), onRecord, onError, file, { recover: parsed.values.recover === true });
      } catch (e) {
        // An unreadable file (permissions, vanished, replaced by a FIFO) does not stop the others.
        unreadable.push({ file, reason: `cannot read: ${(e as Error).message}` });
        err.push(JSON.stringify({ file, message: `cannot read: ${(e as Error).message}`, unreadable: true }));
        await flush();
        continue;
      }
      try {
        for (;;) {
          let more: boolean;
          try {
            more = reader.step();
          } catch (e) {
            unreadable.push({ file, reason: `read failed: ${(e as Error).message}` });
            err.push(JSON.stringify({ file, message: `read failed: ${(e as Error).message}`, unreadable: true }));
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
      total.recovered += reader.summary.recovered;
    }
  } finally {
    io.stdout.removeListener('error', onStdoutError);
  }
  await flush();
  // Files cut short were read as far as they go: they are listed among what could not be read.
  for (const f of cutShort) if (!unreadable.some((u) => u.file === f)) unreadable.push({ file: f, reason: 'cut short: part of the file is missing (see its error above)' });
  total.unreadable = unreadable.length;
  const summary = { ...total, ...(unreadable.length > 0 ? { unreadableInputs: unreadable } : {}), ...(skipped.length > 0 ? { skipped: skipped.length } : {}) };
  io.stderr.write(JSON.stringify({ summary }) + '\n');
  return unreadable.length > 0 ? outcomeToExit['completed-with-unreadable-inputs'] : 0;
};
