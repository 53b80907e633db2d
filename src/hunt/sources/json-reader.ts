/**
 * Streams JSON evidence files: one JSON document per line (JSONL/NDJSON) or a sequence of
 * pretty-printed documents (evtx_dump without -o jsonl, with or without its `Record N` lines).
 * Reads 1 MiB at a time with bounded memory; a bad document is a ReadError naming the file and
 * line, and reading goes on with the next document.
 */
import { closeSync, readSync } from 'node:fs';
import type { EventRecord, ReadError } from '../record.ts';
import { mapJsonEvent } from './json-shapes.ts';
import { openRegularFile } from './open-regular.ts';

export interface SourceSummary {
  records: number;
  errors: number;
  /** Records carved from deleted space (EVTX with `recover`), included in `records`. */
  recovered: number;
}

/** A single document larger than this is reported and skipped (protects memory). */
const MAX_DOC = 64 * 1024 * 1024;

/**
 * Tracks `{`/`}` nesting outside strings across lines so that a pretty-printed document can be
 * collected line by line.
 */
class DepthScanner {
  depth = 0;
  private inStr = false;
  private esc = false;

  scan(line: string): void {
    for (let i = 0; i < line.length; i++) {
      const c = line.charCodeAt(i);
      if (this.inStr) {
        if (this.esc) this.esc = false;
        else if (c === 92) this.esc = true;
        else if (c === 34) this.inStr = false;
      } else if (c === 34) this.inStr = true;
      else if (c === 123 || c === 91) this.depth++;
      else if (c === 125 || c === 93) this.depth--;
    }
  }

  reset(): void {
    this.depth = 0;
    this.inStr = false;
    this.esc = false;
  }
}

/**
 * Calls `onLine(text, lineNumber)` for each line of a file (1-based), reading in chunks. Throws a
 * CrisisError `io` for a path that cannot be opened or is not a regular file.
 */
export function forEachLine(path: string, onLine: (line: string, n: number) => void): void {
  const fd = openRegularFile(path);
  try {
    const buf = Buffer.allocUnsafe(1 << 20);
    let carry: Buffer | null = null;
    let n = 0;
    for (;;) {
      const got = readSync(fd, buf, 0, buf.length, null);
      if (got === 0) break;
      let chunk = buf.subarray(0, got);
      if (carry) {
        chunk = Buffer.concat([carry, chunk]);
        carry = null;
      }
      let start = 0;
      for (;;) {
        const nl = chunk.indexOf(10, start);
        if (nl < 0) break;
        let end = nl;
        if (end > start && chunk[end - 1] === 13) end--;
        onLine(chunk.toString('utf8', start, end), ++n);
        start = nl + 1;
      }
      if (start < chunk.length) {
        // Copy: `buf` is reused by the next read. An endless line is cut into MAX_DOC pieces.
        carry = Buffer.from(chunk.subarray(start));
        if (carry.length > MAX_DOC) {
          onLine(carry.toString('utf8'), ++n);
          carry = null;
        }
      }
    }
    if (carry && carry.length > 0) onLine(carry.toString('utf8'), ++n);
  } finally {
    closeSync(fd);
  }
}

/** Reads a JSON/JSONL evidence file; each event is mapped to an EventRecord. */
export function readJsonFile(path: string, onRecord: (r: EventRecord) => void, onError: (e: ReadError) => void, label = path): SourceSummary {
  const sum: SourceSummary = { records: 0, errors: 0, recovered: 0 };
  const scanner = new DepthScanner();
  let pending: string[] = [];
  let pendingLen = 0;
  let pendingLine = 0;

  const emit = (text: string, line: number): void => {
    let obj: unknown;
    try {
      obj = JSON.parse(text);
    } catch (e) {
      sum.errors++;
      onError({ file: label, line, message: `bad JSON: ${(e as Error).message}` });
      return;
    }
    let rec: EventRecord;
    try {
      rec = mapJsonEvent(obj, label, line);
    } catch (e) {
      sum.errors++;
      onError({ file: label, line, message: (e as Error).message });
      return;
    }
    sum.records++;
    onRecord(rec);
  };

  const onLine = (raw: string, n: number): void => {
    let line = n === 1 && raw.charCodeAt(0) === 0xfeff ? raw.slice(1) : raw;
    if (pending.length > 0 && (line.startsWith('{') || /^Record \d+$/.test(line))) {
      // A new top-level document (unindented `{`, or evtx_dump's `Record N`) starts while the
      // previous one is still open: the previous one was truncated or broken. Report it and
      // resynchronise here instead of swallowing the rest of the file.
      sum.errors++;
      onError({ file: label, line: pendingLine, message: 'truncated or malformed JSON document' });
      pending = [];
      pendingLen = 0;
      scanner.reset();
    }
    if (pending.length === 0) {
      const t = line.trim();
      // Separators of a JSON array or of evtx_dump's text output carry no event.
      if (t === '' || t === '[' || t === ']' || t === ',' || /^Record \d+$/.test(t)) return;
      if (t.startsWith('{') && (t.endsWith('}') || t.endsWith('},'))) {
        // The common JSONL case: one whole document on the line.
        scanner.reset();
        scanner.scan(t);
        if (scanner.depth === 0) {
          scanner.reset();
          emit(t.endsWith(',') ? t.slice(0, -1) : t, n);
          return;
        }
      }
      if (!t.startsWith('{')) {
        scanner.reset();
        sum.errors++;
        onError({ file: label, line: n, message: `not a JSON object: ${t.slice(0, 60)}` });
        return;
      }
      scanner.reset();
      pendingLine = n;
      line = t;
    }
    pending.push(line);
    pendingLen += line.length;
    scanner.scan(line);
    if (scanner.depth <= 0) {
      let text = pending.join('\n').trim();
      if (text.endsWith(',')) text = text.slice(0, -1);
      pending = [];
      pendingLen = 0;
      scanner.reset();
      emit(text, pendingLine);
    } else if (pendingLen > MAX_DOC) {
      pending = [];
      pendingLen = 0;
      scanner.reset();
      sum.errors++;
      onError({ file: label, line: pendingLine, message: `JSON document larger than ${MAX_DOC} bytes (unterminated?)` });
    }
  };

  forEachLine(path, onLine);
  if (pending.length > 0) {
    sum.errors++;
    onError({ file: label, line: pendingLine, message: 'unterminated JSON document at end of file' });
  }
  return sum;
}
