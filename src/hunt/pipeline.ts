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
import type { ReadError, RecordSource } from './record.ts';
import { recordKey } from './record.ts';
import type { Level } from './sigma/compile.ts';
import { attackOf } from './details.ts';
import { ErasedEvidence, type ErasedFinding } from './erased.ts';
import { CorrelationEngine, type CorrelationHit, type CorrelationInput, type CorrelationRef } from './sigma/correlation.ts';
import type { Placeholders } from './sigma/modifiers.ts';
import { RuleSet, type RuleDoc } from './sigma/ruleset.ts';
import { scanFile, type FileResult, type WireDetection } from './pipeline-scan.ts';
import type { FromWorker, ToWorker } from './pipeline-protocol.ts';
import { workerEntry } from './worker-entry.ts';

/**
 * One detection as `hunt` prints it (JSONL keys in this order). Identity of the event: computer,
 * channel, eventRecordId, timestamp; location: file plus chunk/offset (EVTX) or line (JSON).
 */
export interface Detection {
  readonly rule: { readonly id: string; readonly title: string; readonly level: Level };
  readonly timestamp: string;
  readonly computer: string;
  readonly channel: string;
  readonly eventId: number;
  /** The EventRecordID Event Viewer and every other tool show (record.ts). */
  readonly eventRecordId: number;
  /** Who did what from where, per event type (details.ts). */
  readonly details: Readonly<Record<string, string>>;
  /** ATT&CK tactics (names) and techniques (T1234.001) from the rule's tags. */
  readonly tactics: readonly string[];
  readonly techniques: readonly string[];
  readonly file: string;
  readonly chunk?: number;
  readonly offset?: number;
  readonly line?: number;
  /** The event was carved from deleted space (--recover). */
  readonly recovered?: true;
  /** Every input the event was read from, when more than one (set by the timeline's merge). */
  readonly sources?: readonly RecordSource[];
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
  /** A worker silent this long on a file is replaced and the file reported (default 60 s). */
  readonly stallMs?: number;
  /** Carve deleted EVTX records from slack space and headerless chunks, and run the rules on them. */
  readonly recover?: boolean;
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
  /** Records carved from deleted space (--recover), part of `records`. */
  readonly recovered: number;
  /** Files that could not be read at all, or only in part (their read errors say why). */
  readonly unreadableFiles: readonly string[];
  /** Earliest and latest event time over every input ('' when no event). */
  readonly firstEvent: string;
  readonly lastEvent: string;
  /** Log clearing and EventRecordID gaps (erased.ts). */
  readonly findings: readonly ErasedFinding[];
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
  let recovered = 0;
  let firstEvent = '';
  let lastEvent = '';
  const unreadable = new Set<string>();
  const erased = new ErasedEvidence();
  const corrBuffer: (CorrelationInput & { readonly key: string })[] = [];
  const attack = new Map<number, { tactics: string[]; techniques: string[] }>();
  const attackOfRule = (index: number, tags: readonly string[]): { tactics: string[]; techniques: string[] } => {
    let a = attack.get(index);
    if (a === undefined) {
      a = attackOf(tags);
      attack.set(index, a);
    }
    return a;
  };

  const progress = (): void => opts.onProgress?.({ filesDone, filesTotal: opts.files.length, records });
  const onWire = (items: readonly WireDetection[]): void => {
    for (const w of items) {
      const rule = rules.rules[w.r];
      if (!rule) continue;
      const { r: _index, fields, ...ref } = w;
      if (rule.correlated) {
        corrBuffer.push({
          ruleId: rule.meta.id,
          ...(rule.meta.name !== undefined ? { ruleName: rule.meta.name } : {}),
          timeMs: timeMs(w.timestamp),
          fields: fields ?? {},
          ref,
          key: `${rule.meta.id}\u0000${recordKey(w) ?? `${w.file}\u0000${w.offset ?? w.line ?? w.eventRecordId}`}`,
        });
      }
      if (!rule.emit) continue;
      detections++;
      const { tactics, techniques } = attackOfRule(w.r, rule.meta.tags);
      opts.onDetection(toDetection({ id: rule.meta.id, title: rule.meta.title, level: rule.meta.level }, ref, tactics, techniques));
    }
  };
  // Only the first errors of a file are passed on (see scanFile); the count comes with file-done.
  const onError = (e: ReadError): void => {
    if (e.unreadable) unreadable.add(e.file);
    opts.onReadError?.(e);
  };
  const onFile = (path: string, res: FileResult): void => {
    readErrors += res.errors;
    recovered += res.recovered;
    if (res.unreadable) unreadable.add(path);
    if (res.first !== '' && (firstEvent === '' || res.first < firstEvent)) firstEvent = res.first;
    if (res.last > lastEvent) lastEvent = res.last;
    erased.add(res.runs, res.clears);
    filesDone++;
    progress();
  };

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
      }, { recover: opts.recover === true });
      records += res.records - counted;
      onFile(f, res);
    }
  } else {
    workerStartMs = await runWorkers(opts.files, rules, threads, {
      onWire,
      onError,
      onRecords: (n) => {
        records += n;
        progress();
      },
      onFileDone: onFile,
    }, opts.stallMs, opts.recover === true);
  }

  // Correlations over the merged, time-ordered detection stream; one event seen in two inputs
  // counts once.
  let correlationHits = 0;
  if (rules.correlations.length > 0 && corrBuffer.length > 0) {
    corrBuffer.sort((a, b) => a.timeMs - b.timeMs || (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
    const engine = new CorrelationEngine(rules.correlations, (h: CorrelationHit) => {
      if (opts.minLevel && LEVEL_RANK[h.rule.level] < LEVEL_RANK[opts.minLevel]) return;
      correlationHits++;
      detections++;
      const { tactics, techniques } = attackOf(h.rule.tags);
      opts.onDetection({
        ...toDetection({ id: h.rule.id, title: h.rule.title, level: h.rule.level }, h.last, tactics, techniques),
        correlation: { type: h.rule.type, group: h.group, count: h.count, firstTimestamp: h.first.timestamp },
      });
    });
    let prev = '';
    for (const d of corrBuffer) {
      if (d.key === prev) continue;
      prev = d.key;
      engine.push(d);
    }
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
    recovered,
    unreadableFiles: [...unreadable].sort(),
    firstEvent,
    lastEvent,
    findings: erased.findings(),
  };
}

/** A detection from its rule and the event's reference (wire detection or correlation ref). */
function toDetection(rule: Detection['rule'], ref: CorrelationRef, tactics: readonly string[], techniques: readonly string[]): Detection {
  return {
    rule,
    timestamp: ref.timestamp,
    computer: ref.computer,
    channel: ref.channel ?? '',
    eventId: ref.eventId,
    eventRecordId: ref.eventRecordId,
    details: ref.details ?? {},
    tactics,
    techniques,
    file: ref.file,
    ...(ref.chunk !== undefined ? { chunk: ref.chunk } : {}),
    ...(ref.offset !== undefined ? { offset: ref.offset } : {}),
    ...(ref.line !== undefined ? { line: ref.line } : {}),
    ...(ref.recovered ? { recovered: true as const } : {}),
  };
}

const LEVEL_RANK: Record<Level, number> = { informational: 0, low: 1, medium: 2, high: 3, critical: 4 };

interface WorkerCallbacks {
  onWire(items: readonly WireDetection[]): void;
  onError(e: ReadError): void;
  onRecords(n: number): void;
  onFileDone(path: string, result: FileResult): void;
}

/** What a file that was never finished (its worker stuck or died) counts as. */
function abandoned(): FileResult {
  return { records: 0, errors: 1, recovered: 0, unreadable: true, first: '', last: '', runs: [], clears: [] };
}

/**
 * A worker that sends nothing for this long while it holds a file is stuck: a rule's regular
 * expression gone catastrophic on a long field, say (JavaScript regexes cannot be interrupted).
 * Progress comes every 8,192 records, so a live worker speaks every few seconds at most.
 */
export const DEFAULT_STALL_MS = 60_000;

const YOUNG_GENERATION_MB = 24;

/**
 * Starts the workers, feeds them files, resolves with the start-up time once all are done.
 * A worker that gets stuck or dies on a file is replaced: that file is reported as a read error
 * (never silently dropped), the file queued behind it goes back to the queue, and the hunt goes
 * on. A worker that dies before it is ready fails the hunt (its replacement would die too).
 */
async function runWorkers(files: readonly string[], rules: RuleSet, threads: number, cb: WorkerCallbacks, stallMs = DEFAULT_STALL_MS, recover = false): Promise<number> {
  const t0 = performance.now();
  const entry = await workerEntry();
  const queue = [...files];
  let qi = 0;
  let startMs = 0;
  let firstReady = 0;
  const spec = rules.spec();
  return new Promise<number>((resolve, reject) => {
    interface Slot {
      readonly w: Worker;
      /** Files sent and not finished, oldest first: the first is the one being read. */
      readonly inflight: string[];
      ready: boolean;
      stopped: boolean;
      dead: boolean;
      lastHeard: number;
    }
    const slots = new Set<Slot>();
    let failed = false;
    // Checks run later, once the workers below exist; abandon is defined further down.
    const watchdog = setInterval(() => {
      const now = Date.now();
      for (const x of slots) {
        if (!x.dead && x.ready && x.inflight.length > 0 && now - x.lastHeard > stallMs) {
          abandon(x, `no progress for ${Math.round(stallMs / 1000)} s (a rule's regular expression may never finish on this file)`);
        }
      }
    }, Math.min(1000, Math.max(50, stallMs / 4)));
    watchdog.unref();
    const finish = (err?: Error): void => {
      if (failed) return;
      if (err) {
        failed = true;
        clearInterval(watchdog);
        for (const x of slots) void x.w.terminate();
        reject(err);
        return;
      }
      if ([...slots].every((x) => x.dead)) {
        clearInterval(watchdog);
        resolve(startMs);
      }
    };
    // A worker gets a file when it starts, one more queued behind it, and one each time it
    // finishes one, so it never waits for the main thread between files.
    const next = (x: Slot): void => {
      if (x.stopped || x.dead) return;
      const path = qi < queue.length ? queue[qi++] : undefined;
      if (path === undefined) x.stopped = true;
      else x.inflight.push(path);
      const msg: ToWorker = path === undefined ? { type: 'stop' } : { type: 'file', path, recover };
      x.w.postMessage(msg);
    };
    const abandon = (x: Slot, why: string): void => {
      if (x.dead || failed) return;
      if (!x.ready) {
        finish(new Error(`hunt worker failed before it was ready: ${why}`));
        return;
      }
      x.dead = true;
      void x.w.terminate();
      const [current, ...rest] = x.inflight;
      queue.splice(qi, 0, ...rest);
      if (current !== undefined) {
        cb.onError({ file: current, message: `${why}; the file was skipped and the hunt went on`, unreadable: true });
        cb.onFileDone(current, abandoned());
      }
      // Replace it only while there is work left; otherwise the run may already be complete.
      if (qi < queue.length) spawn();
      else finish();
    };
    const spawn = (): void => {
      // Young generation: too small (8 MB, 16 MB) and per-file parser state survives into the old
      // generation, whose garbage then piles up on long runs (448-459 MB peak on 1 GB of input);
      // 32 MB peaked at 394-404 MB on the short bench; 24 MB measured 359-367 MB there and 355 MB
      // on 1 GB at the same speed.
      const w = new Worker(entry, { resourceLimits: { maxYoungGenerationSizeMb: YOUNG_GENERATION_MB } });
      const x: Slot = { w, inflight: [], ready: false, stopped: false, dead: false, lastHeard: Date.now() };
      slots.add(x);
      const init: ToWorker = { type: 'rules', spec };
      w.postMessage(init);
      w.on('message', (m: FromWorker) => {
        if (x.dead) return;
        x.lastHeard = Date.now();
        switch (m.type) {
          case 'ready':
            x.ready = true;
            if (++firstReady === threads) startMs = performance.now() - t0;
            next(x);
            next(x);
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
            x.inflight.shift();
            if (m.items.length > 0) cb.onWire(m.items);
            if (m.progress > 0) cb.onRecords(m.progress);
            cb.onFileDone(m.path, m.result);
            next(x);
            break;
        }
      });
      w.on('error', (e) => abandon(x, `the hunt worker failed on this file: ${e.message}`));
      w.on('exit', () => {
        if (x.dead) return;
        if (x.stopped && x.inflight.length === 0) {
          x.dead = true;
          finish();
        } else abandon(x, 'the hunt worker exited in the middle of this file');
      });
    };
    for (let i = 0; i < threads; i++) spawn();
  });
}
