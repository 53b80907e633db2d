/** Messages between the hunt main thread and its workers. */
import type { ReadError } from './record.ts';
import type { FileResult, WireDetection } from './pipeline-scan.ts';
import type { RuleSetSpec } from './sigma/ruleset.ts';

export type ToWorker =
  | { readonly type: 'rules'; readonly spec: RuleSetSpec }
  | { readonly type: 'file'; readonly path: string; readonly recover: boolean }
  | { readonly type: 'stop' };

export type FromWorker =
  | { readonly type: 'ready' }
  | { readonly type: 'det'; readonly items: WireDetection[] }
  | { readonly type: 'progress'; readonly records: number }
  | { readonly type: 'read-error'; readonly error: ReadError }
  /**
   * A file is finished. Detections and records not yet reported travel with it, so that a small
   * file costs one message (a message costs tens of microseconds; the corpus has ~1,000 files).
   */
  | {
      readonly type: 'file-done';
      readonly path: string;
      /** Counts, time range, EventRecordID runs and clearing events of the file. */
      readonly result: FileResult;
      readonly items: WireDetection[];
      /** Records read since the last 'progress' message. */
      readonly progress: number;
    };
