/**
 * The per-file scanning step shared by worker threads and the in-process mode: read a file,
 * match every record, hand detections and progress to a sink. Detections travel as compact wire
 * objects (rule index instead of rule metadata) because they cross a thread boundary.
 */
import type { ReadError } from './record.ts';
import type { RuleSet } from './sigma/ruleset.ts';
import { readEvidenceFile } from './sources/index.ts';

/** A detection as it crosses the thread boundary. */
export interface WireDetection {
  /** Index into RuleSet.rules. */
  readonly r: number;
  readonly file: string;
  readonly recordId: number;
  readonly timestamp: string;
  readonly computer: string;
  readonly eventId: number;
  /** Fields that correlation rules group by or count (only for rules they reference). */
  readonly fields?: Record<string, string>;
}

export interface ScanSink {
  detections(batch: WireDetection[]): void;
  /** Records read since the previous call. */
  progress(records: number): void;
  readError(e: ReadError): void;
}

export interface FileResult {
  readonly records: number;
  readonly errors: number;
}

/** Read errors per file that are passed on individually; the rest are only counted. */
const MAX_ERRORS_PER_FILE = 50;
const BATCH = 512;
const PROGRESS_EVERY = 8192;

export function scanFile(rules: RuleSet, path: string, sink: ScanSink): FileResult {
  let batch: WireDetection[] = [];
  let sinceProgress = 0;
  let reported = 0;
  const sum = readEvidenceFile(
    path,
    (rec) => {
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
          recordId: rec.recordId,
          timestamp: rec.timestamp,
          computer: rec.computer,
          eventId: rec.eventId,
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
      if (reported++ < MAX_ERRORS_PER_FILE) sink.readError(e);
    },
  );
  if (batch.length > 0) sink.detections(batch);
  if (sinceProgress > 0) sink.progress(sinceProgress);
  return { records: sum.records, errors: sum.errors };
}
