/**
 * Evidence sources: picks the reader for a file (EVTX binary or JSON/JSONL) and lists the
 * evidence files under folders (walk.ts). Every source maps to EventRecord.
 */
import { closeSync, readSync } from 'node:fs';
import type { EventRecord, ReadError } from '../record.ts';
import { readEvtxFile } from '../evtx/index.ts';
import { readJsonFile, type SourceSummary } from './json-reader.ts';
import { openRegularFile } from './open-regular.ts';
import { walkEvidence } from './walk.ts';

export { readJsonFile, forEachLine, type SourceSummary } from './json-reader.ts';
export { mapJsonEvent, normalizeTime } from './json-shapes.ts';
export { walkEvidence, EVIDENCE_EXT, type EvidenceFile, type WalkProblem, type WalkResult } from './walk.ts';
export { openRegularFile } from './open-regular.ts';

/**
 * Lists evidence files: files given explicitly are kept whatever their name; folders are walked
 * (walk.ts). Paths that cannot be read are left out; `walkEvidence` says which and why.
 */
export function listEvidenceFiles(paths: readonly string[]): string[] {
  return walkEvidence(paths).files.map((f) => f.path);
}

/** True when the file is named .evtx or starts with the EVTX header magic `ElfFile\0`. */
export function isEvtxFile(path: string): boolean {
  if (/\.evtx$/i.test(path)) return true;
  const fd = openRegularFile(path);
  try {
    const b = Buffer.alloc(8);
    const n = readSync(fd, b, 0, 8, 0);
    return n === 8 && b.toString('latin1') === 'ElfFile\u0000';
  } finally {
    closeSync(fd);
  }
}

export interface ReadOptions {
  /** EVTX: also carve deleted records from slack space and headerless chunks (`recovered: true`). */
  readonly recover?: boolean;
}

/**
 * Reads one evidence file of any supported kind. Never throws for the file's sake: a file that
 * cannot be opened (or is not a regular file) is one ReadError marked `unreadable`.
 */
export function readEvidenceFile(path: string, onRecord: (r: EventRecord) => void, onError: (e: ReadError) => void, opts: ReadOptions = {}): SourceSummary {
  try {
    if (isEvtxFile(path)) {
      const s = readEvtxFile(path, onRecord, onError, opts);
      return { records: s.records, errors: s.errors, recovered: s.recovered };
    }
    return readJsonFile(path, onRecord, onError);
  } catch (e) {
    // The readers throw only for I/O: the path is in the message.
    onError({ file: path, message: (e as Error).message, unreadable: true });
    return { records: 0, errors: 1, recovered: 0 };
  }
}
