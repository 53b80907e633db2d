/** Messages between the hunt main thread and its workers. */
import type { ReadError } from './record.ts';
import type { WireDetection } from './pipeline-scan.ts';

export type ToWorker = { readonly type: 'file'; readonly path: string } | { readonly type: 'stop' };

export type FromWorker =
  | { readonly type: 'ready' }
  | { readonly type: 'det'; readonly items: WireDetection[] }
  | { readonly type: 'progress'; readonly records: number }
  | { readonly type: 'read-error'; readonly error: ReadError }
  | { readonly type: 'file-done'; readonly path: string; readonly records: number; readonly errors: number };
