/**
 * Hunt pipeline: files -> records -> detections -> correlations.
 *
 * Files are handed out to worker threads one at a time, one queued ahead (default: one worker per
 * core). Rules are compiled once, here; workers get the rule set in spec form (RuleSet.spec: the
 * documents trimmed to what compiling reads, the channel/EventID index and the prefilter literals)
 * and compile a rule only when an event first makes it a candidate. Detections and progress stream
 * back to the main thread in batches.
 *
 * Correlations run in the main thread. Workers finish files in any order and a file's records are
 * only roughly time-ordered, so detections that feed a correlation (and only those) are buffered
 * in compact form, sorted by timestamp at the end, and streamed through the CorrelationEngine,
 * whose state is bounded by the correlation timespans. The buffer is the price of exact
 * cross-file ordering; it holds one small object per detection of a referenced rule.
 */
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import type { ReadError } from './record.ts';
import type { Level } from './sigma/compile.ts';
import { CorrelationEngine, type CorrelationHit, type CorrelationInput } from './sigma/correlation.ts';
import type { Placeholders } from './sigma/field-test.ts';
import { RuleSet, type RuleDoc } from './sigma/ruleset.ts';
import { scanFile, type WireDetection } from './pipeline-scan.ts';
import type { FromWorker, ToWorker } from './pipeline-protocol.ts';
import { workerEntry } from './worker-entry.ts';

/** One detection as `hunt` prints it. */
export interface Detection {
  readonly rule: { readonly id: string; readonly title: string; readonly level: Level };
  readonly file: string;
  readonly recordId: number;
  readonly timestamp: string;
  readonly computer: string;
  readonly eventId: number;
  /** Present on correlation hits: the type, the group and the count that met the condition. */
  readonly correlation?: { readonly type: string; readonly group: Readonly<Record<string, string>>; readonly count: number; readonly firstTimestamp: string };
}

export interface HuntProgress {
  readonly filesDone: number;
  readonly filesTotal: number;
  readonly records: number;
}

export interface HuntOptions {
  readonly files: readonly string[];
  readonly ruleDocs: readonly RuleDoc[];
  /** Worker threads; 0 scans in the calling thread (tests, tiny inputs). Default: one per core. */
  readonly threads?: number;
  readonly minLevel?: Level;
  readonly placeholders?: Placeholders;
  readonly onDetection: (d: Detection) => void;
  readonly onProgress?: (p: HuntProgress) => void;
  readonly onReadError?: (e: ReadError) => void;
  /** Already built rule set for in-process scanning (saves a compile). */
  readonly ruleSet?: RuleSet;
}

export interface HuntResult {
  readonly files: number;
  readonly records: number;
  readonly readErrors: number;
  readonly detections: number;
  readonly correlationHits: number;
  readonly elapsedMs: number;
  /** Time until every worker had compiled its rules and said ready (0 in-process). */
  readonly workerStartMs: number;
  readonly threads: number;
  readonly rules: RuleSet;
}


function timeMs(ts: string): number {
  const t = Date.parse(ts);
  return Number.isNaN(t) ? 0 : t;
}

/** Runs a hunt; resolves when every file has been scanned and correlations evaluated. */
export async function runHunt(opts: HuntOptions): Promise<HuntResult> {
  const t0 = performance.now();
  const buildOpts = { ...(opts.minLevel ? { minLevel: opts.minLevel } : {}), ...(opts.placeholders ? { placeholders: opts.placeholders } : {}) };
  const rules = opts.ruleSet ?? RuleSet.build(opts.ruleDocs, buildOpts);
  const threads = Math.max(0, Math.min(opts.threads ?? availableParallelism(), Math.max(1, opts.files.length)));
  let records = 0;
  let readErrors = 0;
  let detections = 0;
  let filesDone = 0;
  const corrBuffer: CorrelationInput[] = [];

  const progress = (): void => opts.onProgress?.({ filesDone, filesTotal: opts.files.length, records });
  const onWire = (items: readonly WireDetection[]): void => {
    for (const w of items) {
      const rule = rules.rules[w.r];
      if (!rule) continue;
      if (rule.correlated) {
        corrBuffer.push({
          ruleId: rule.meta.id,
          ...(rule.meta.name !== undefined ? { ruleName: rule.meta.name } : {}),
          timeMs: timeMs(w.timestamp),
          fields: w.fields ?? {},
          ref: { file: w.file, recordId: w.recordId, timestamp: w.timestamp, computer: w.computer, eventId: w.eventId },
        });
      }
      if (!rule.emit) continue;
      detections++;
      opts.onDetection({
        rule: { id: rule.meta.id, title: rule.meta.title, level: rule.meta.level },
        file: w.file,
        recordId: w.recordId,
        timestamp: w.timestamp,
        computer: w.computer,
        eventId: w.eventId,
      });
    }
  };
  // Only the first errors of a file are passed on (see scanFile); the count comes with file-done.
  const onError = (e: ReadError): void => opts.onReadError?.(e);

  let workerStartMs = 0;
  if (threads === 0) {
    for (const f of opts.files) {
      let counted = 0;
      const res = scanFile(rules, f, {
        detections: onWire,
        progress: (n) => {
          records += n;
          counted += n;
          progress();
        },
        readError: onError,
      });
      records += res.records - counted;
      readErrors += res.errors;
      filesDone++;
      progress();
    }
  } else {
    workerStartMs = await runWorkers(opts.files, rules, threads, {
      onWire,
      onError,
      onRecords: (n) => {
        records += n;
        progress();
      },
      onFileDone: (errors) => {
        readErrors += errors;
        filesDone++;
        progress();
      },
    });
  }

  // Correlations over the merged, time-ordered detection stream.
  let correlationHits = 0;
  if (rules.correlations.length > 0 && corrBuffer.length > 0) {
    corrBuffer.sort((a, b) => a.timeMs - b.timeMs);
    const engine = new CorrelationEngine(rules.correlations, (h: CorrelationHit) => {
      if (opts.minLevel && LEVEL_RANK[h.rule.level] < LEVEL_RANK[opts.minLevel]) return;
      correlationHits++;
      detections++;
      opts.onDetection({
        rule: { id: h.rule.id, title: h.rule.title, level: h.rule.level },
        file: h.last.file,
        recordId: h.last.recordId,
        timestamp: h.last.timestamp,
        computer: h.last.computer,
        eventId: h.last.eventId,
        correlation: { type: h.rule.type, group: h.group, count: h.count, firstTimestamp: h.first.timestamp },
      });
    });
    for (const d of corrBuffer) engine.push(d);
    engine.finish();
  }
  return {
    files: opts.files.length,
    records,
    readErrors,
    detections,
    correlationHits,
    elapsedMs: performance.now() - t0,
    workerStartMs,
    threads,
    rules,
  };
}

const LEVEL_RANK: Record<Level, number> = { informational: 0, low: 1, medium: 2, high: 3, critical: 4 };

interface WorkerCallbacks {
  onWire(items: readonly WireDetection[]): void;
  onError(e: ReadError): void;
  onRecords(n: number): void;
  onFileDone(errors: number): void;
}

/** Starts the workers, feeds them files, resolves with the start-up time once all are done. */
const YOUNG_GENERATION_MB = 32;

async function runWorkers(files: readonly string[], rules: RuleSet, threads: number, cb: WorkerCallbacks): Promise<number> {
  const t0 = performance.now();
  const entry = await workerEntry();
  const queue = [...files];
  let qi = 0;
  let startMs = 0;
  let ready = 0;
  let alive = threads;
  const spec = rules.spec();
  return new Promise<number>((resolve, reject) => {
    const workers: Worker[] = [];
    const stopped = new Set<Worker>();
    let failed = false;
    // A worker gets a file when it starts, one more queued behind it, and one each time it
    // finishes one, so it never waits for the main thread between files.
    const next = (w: Worker): void => {
      if (stopped.has(w)) return;
      const path = qi < queue.length ? queue[qi++] : undefined;
      if (path === undefined) stopped.add(w);
      const msg: ToWorker = path === undefined ? { type: 'stop' } : { type: 'file', path };
      w.postMessage(msg);
    };
    for (let i = 0; i < threads; i++) {
      // Young generation: too small (8 MB) and per-file parser state survives into the old
      // generation, whose garbage then piles up on long runs (448 MB peak on 1 GB of input);
      // 32 MB measured a little under V8's default on both short and 1 GB runs.
      const w = new Worker(entry, { resourceLimits: { maxYoungGenerationSizeMb: YOUNG_GENERATION_MB } });
      workers.push(w);
      const init: ToWorker = { type: 'rules', spec };
      w.postMessage(init);
      w.on('message', (m: FromWorker) => {
        switch (m.type) {
          case 'ready':
            if (++ready === threads) startMs = performance.now() - t0;
            next(w);
            next(w);
            break;
          case 'det':
            cb.onWire(m.items);
            break;
          case 'progress':
            cb.onRecords(m.records);
            break;
          case 'read-error':
            cb.onError(m.error);
            break;
          case 'file-done':
            if (m.items.length > 0) cb.onWire(m.items);
            if (m.progress > 0) cb.onRecords(m.progress);
            cb.onFileDone(m.errors);
            next(w);
            break;
        }
      });
      w.on('error', (e) => {
        if (failed) return;
        failed = true;
        for (const x of workers) void x.terminate();
        reject(new Error(`hunt worker failed: ${e.message}`));
      });
      w.on('exit', () => {
        if (--alive === 0 && !failed) resolve(startMs);
      });
    }
  });
}
