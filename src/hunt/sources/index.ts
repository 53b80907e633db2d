/**
 * Evidence sources: picks the reader for a file (EVTX binary or JSON/JSONL) and lists the
 * evidence files under folders. Every source maps to EventRecord.
 */
import { closeSync, openSync, readSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { EventRecord, ReadError } from '../record.ts';
import { readEvtxFile } from '../evtx/index.ts';
import { readJsonFile, type SourceSummary } from './json-reader.ts';

export { readJsonFile, forEachLine, type SourceSummary } from './json-reader.ts';
export { mapJsonEvent, normalizeTime } from './json-shapes.ts';

/** Extensions picked up when walking a folder. */
const EVIDENCE_EXT = /\.(evtx|json|jsonl|ndjson)$/i;

/** Lists evidence files: files given explicitly are kept whatever their name; folders are walked. */
export function listEvidenceFiles(paths: readonly string[]): string[] {
  const out: string[] = [];
  const walk = (p: string, top: boolean): void => {
    const st = statSync(p);
    if (st.isDirectory()) {
      for (const name of readdirSync(p).sort()) if (!name.startsWith('.')) walk(join(p, name), false);
    } else if (top || EVIDENCE_EXT.test(p)) {
      out.push(p);
    }
  };
  for (const p of paths) walk(p, true);
  return out;
}

/** True when the file starts with the EVTX header magic `ElfFile\0`. */
export function isEvtxFile(path: string): boolean {
  if (/\.evtx$/i.test(path)) return true;
  const fd = openSync(path, 'r');
  try {
    const b = Buffer.alloc(8);
    const n = readSync(fd, b, 0, 8, 0);
    return n === 8 && b.toString('latin1') === 'ElfFile\u0000';
  } finally {
    closeSync(fd);
  }
}

/** Reads one evidence file of any supported kind. */
export function readEvidenceFile(path: string, onRecord: (r: EventRecord) => void, onError: (e: ReadError) => void): SourceSummary {
  if (isEvtxFile(path)) {
    try {
      const s = readEvtxFile(path, onRecord, onError);
      return { records: s.records, errors: s.errors };
    } catch (e) {
      // readEvtxFile throws only for I/O errors (the path is in the message).
      onError({ file: path, message: (e as Error).message });
      return { records: 0, errors: 1 };
    }
  }
  return readJsonFile(path, onRecord, onError);
}
