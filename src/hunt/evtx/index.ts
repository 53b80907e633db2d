/**
 * Windows XML Event Log (EVTX) reader: streams records as EventRecord, reports damage as
 * ReadError, never stops at the first bad chunk or record. See docs/evtx.md.
 */
import { closeSync, readSync } from 'node:fs';
import type { EventRecord, ReadError } from '../record.ts';
import { openRegularFile } from '../sources/open-regular.ts';
import { CHUNK_SIZE, EvtxWalker, FILE_HEADER_SIZE, type WalkOptions } from './reader.ts';

export type { WalkOptions } from './reader.ts';

export interface EvtxFileSummary {
  /** Records emitted through onRecord. */
  records: number;
  /**
   * ReadErrors for content that could not be read: broken records, chunks with a bad signature,
   * truncated chunks, a missing file header. CRC32 mismatches on chunks whose records were still
   * read are reported through onError too, but are counted in `badChunks`, not here.
   */
  errors: number;
  /** Chunks present in the file (all-zero preallocated slots are not counted). */
  chunks: number;
  /** Chunks with a bad signature, a CRC32 mismatch, or cut short by the end of the file. */
  badChunks: number;
  /** Records carved from slack space and headerless chunks (`recover` only), included in `records`. */
  recovered: number;
}

/**
 * Streams a file chunk by chunk (64 KiB reads), memory flat whatever the file size.
 * Never throws for bad content; throws only for I/O errors like ENOENT (with the path in the
 * message). An exception thrown by a callback propagates unchanged.
 */
export function readEvtxFile(
  path: string,
  onRecord: (r: EventRecord) => void,
  onError: (e: ReadError) => void,
  opts: WalkOptions = {},
): EvtxFileSummary {
  const reader = openEvtxFile(path, onRecord, onError, path, opts);
  try {
    while (reader.step());
  } finally {
    reader.close();
  }
  return reader.summary;
}

/** A file being read one chunk per `step()`, so that a caller can yield between chunks. */
export interface EvtxFileReader {
  /** Reads and parses the next chunk; false once the file is exhausted. */
  step(): boolean;
  /** Closes the file (idempotent). */
  close(): void;
  readonly summary: EvtxFileSummary;
}

/**
 * Opens a file for reading chunk by chunk: what readEvtxFile does, in steps. Used where output
 * must respect back-pressure (the CLI awaits 'drain' between chunks). Throws for I/O errors only,
 * and for a path that is not a regular file (a FIFO would block for ever, a device never end).
 * `file` is the name records and errors carry (default: `path`).
 */
export function openEvtxFile(
  path: string,
  onRecord: (r: EventRecord) => void,
  onError: (e: ReadError) => void,
  file: string = path,
  opts: WalkOptions = {},
): EvtxFileReader {
  let fd: number | undefined = openRegularFile(path);
  const walker = new EvtxWalker(file, onRecord, onError, opts);
  const chunk = Buffer.allocUnsafe(CHUNK_SIZE);
  let index = -1; // -1: file header not read yet
  let finished = false;
  const close = (): void => {
    if (fd === undefined) return;
    closeSync(fd);
    fd = undefined;
    if (!finished) walker.done();
    finished = true;
  };
  const step = (): boolean => {
    if (finished || fd === undefined) return false;
    if (index < 0) {
      const header = chunk.subarray(0, FILE_HEADER_SIZE);
      const n = readFull(fd, header, 0, path);
      walker.fileHeader(header.subarray(0, n));
      index = 0;
      if (n < FILE_HEADER_SIZE) return finish();
      return true;
    }
    const got = readFull(fd, chunk, FILE_HEADER_SIZE + index * CHUNK_SIZE, path);
    if (got === 0) return finish();
    walker.chunk(chunk.subarray(0, got), index);
    index++;
    if (got < CHUNK_SIZE) return finish();
    return true;
  };
  const finish = (): boolean => {
    if (!finished) walker.done();
    finished = true;
    return false;
  };
  return { step, close, summary: walker.summary };
}

/** Same over an in-memory buffer (used by fuzz tests). */
export function readEvtxBuffer(
  buf: Uint8Array,
  file: string,
  onRecord: (r: EventRecord) => void,
  onError: (e: ReadError) => void,
  opts: WalkOptions = {},
): EvtxFileSummary {
  const walker = new EvtxWalker(file, onRecord, onError, opts);
  walker.fileHeader(buf.subarray(0, Math.min(FILE_HEADER_SIZE, buf.length)));
  if (buf.length >= FILE_HEADER_SIZE) {
    for (let i = 0, off = FILE_HEADER_SIZE; off < buf.length; i++, off += CHUNK_SIZE) {
      walker.chunk(buf.subarray(off, Math.min(off + CHUNK_SIZE, buf.length)), i);
    }
  }
  walker.done();
  return walker.summary;
}

/** Reads up to target.length bytes at `position`, looping over short reads; 0 at end of file. */
function readFull(fd: number, target: Buffer, position: number, path: string): number {
  let got = 0;
  while (got < target.length) {
    let n: number;
    try {
      n = readSync(fd, target, got, target.length - got, position + got);
    } catch (e) {
      throw withPath(e, path);
    }
    if (n === 0) break;
    got += n;
  }
  return got;
}

function withPath(e: unknown, path: string): unknown {
  if (e instanceof Error && !e.message.includes(path)) e.message = `${e.message} (${path})`;
  return e;
}
