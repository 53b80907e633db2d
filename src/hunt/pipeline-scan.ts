/**
 * The per-file scanning step shared by worker threads and the in-process mode: read a file,
 * match every record, hand detections and progress to a sink; note the file's time range, its
 * EventRecordID runs and log-clearing events (erased.ts). Detections travel as compact wire
 * objects (rule index instead of rule metadata) because they cross a thread boundary; their
 * details (details.ts) are taken here, where the record is.
 */
import type { ReadError } from './record.ts';
import type { RuleSet } from './sigma/ruleset.ts';
import { readEvidenceFile } from './sources/index.ts';
import { detailsOf } from './details.ts';
import { clearEventOf, IdRunTracker, type IdRuns, type LogCleared } from './erased.ts';

/** A detection as it crosses the thread boundary. */
export interface WireDetection {
  /** Index into RuleSet.rules. */
  readonly r: number;
  readonly file: string;
  readonly eventRecordId: number;
  readonly chunk?: number;
  readonly offset?: number;
  readonly line?: number;
  readonly recovered?: true;
  readonly timestamp: string;
  readonly computer: string;
  readonly channel: string;
  readonly eventId: number;
  readonly details: Record<string, string>;
  /** Fields that correlation rules group by or count (only for rules they reference). */
  readonly fields?: Record<string, string>;
}

export interface ScanSink {
  detections(batch: WireDetection[]): void;
  /** Records read since the previous call. */
  progress(records: number): void;
  readError(e: ReadError): void;
}

export interface ScanOptions {
  /** Carve deleted EVTX records too (`recovered: true`). */
  readonly recover?: boolean;
}

export interface FileResult {
  readonly records: number;
  readonly errors: number;
  /** Records carved from deleted space (part of `records`). */
  readonly recovered: number;
  /** True when the file, or part of it, could not be read at all (see ReadError.unreadable). */
  readonly unreadable: boolean;
  /** Earliest and latest event time in the file ('' when none). */
  readonly first: string;
  readonly last: string;
  readonly runs: IdRuns[];
  readonly clears: LogCleared[];
}

/** Read errors per file that are passed on individually; the rest are only counted. */
const MAX_ERRORS_PER_FILE = 50;
/** Clearing events kept per file (a file of nothing but clearings says enough with this many). */
const MAX_CLEARS_PER_FILE = 1000;
const BATCH = 512;
const PROGRESS_EVERY = 8192;

export function scanFile(rules: RuleSet, path: string, sink: ScanSink, opts: ScanOptions = {}): FileResult {
  let batch: WireDetection[] = [];
  let sinceProgress = 0;
  let reported = 0;
  let unreadable = false;
  let first = '';
  let last = '';
  const runs = new IdRunTracker();
  const clears: LogCleared[] = [];
  const sum = readEvidenceFile(
    path,
    (rec) => {
      const ts = rec.timestamp;
      if (ts !== '') {
        if (first === '' || ts < first) first = ts;
        if (ts > last) last = ts;
      }
      runs.add(rec);
      if ((rec.eventId === 1102 || rec.eventId === 104) && clears.length < MAX_CLEARS_PER_FILE) {
        const c = clearEventOf(rec);
        if (c) clears.push(c);
      }
      let details: Record<string, string> | undefined;
      rules.match(rec, (rule) => {
        let fields: Record<string, string> | undefined;
        if (rule.corrFields.length > 0) {
          fields = {};
          for (const f of rule.corrFields) {
            const v = rec.data[f] ?? rec.system[f] ?? (f === 'Computer' ? rec.computer : undefined);
            if (v !== undefined && v !== null) fields[f] = Array.isArray(v) ? v.join(',') : String(v);
          }
        }
        batch.push({
          r: rule.index,
          file: rec.file,
          eventRecordId: rec.eventRecordId,
          ...(rec.chunk !== undefined ? { chunk: rec.chunk } : {}),
          ...(rec.offset !== undefined ? { offset: rec.offset } : {}),
          ...(rec.line !== undefined ? { line: rec.line } : {}),
          ...(rec.recovered ? { recovered: true as const } : {}),
          timestamp: rec.timestamp,
          computer: rec.computer,
          channel: rec.channel,
          eventId: rec.eventId,
          details: (details ??= detailsOf(rec)),
          ...(fields ? { fields } : {}),
        });
        if (batch.length >= BATCH) {
          sink.detections(batch);
          batch = [];
        }
      });
      if (++sinceProgress >= PROGRESS_EVERY) {
        sink.progress(sinceProgress);
        sinceProgress = 0;
      }
    },
    (e) => {
      if (e.unreadable) unreadable = true;
      // Errors that make the file unreadable are always passed on: they are listed at the end.
      if (reported++ < MAX_ERRORS_PER_FILE || e.unreadable) sink.readError(e);
    },
    opts,
  );
  if (batch.length > 0) sink.detections(batch);
  if (sinceProgress > 0) sink.progress(sinceProgress);
  return { records: sum.records, errors: sum.errors, recovered: sum.recovered, unreadable, first, last, runs: runs.take(), clears };
}
