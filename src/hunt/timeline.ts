/**
 * The hunt timeline: detections from every input in time order, with bounded memory.
 *
 * Workers finish files in any order and a big hunt can give millions of detections, so they are
 * not sorted in memory: up to `runSize` are held, sorted and written to a temporary file (a
 * "run"); at the end the runs are merged (a k-way merge over a binary heap, reading each run a
 * block at a time). More than `maxFanIn` runs are first merged in groups, so the number of open
 * files stays bounded too. A hunt that fits in one run never touches the disk.
 *
 * One event read from two inputs (an .evtx and its own JSON export: same computer, channel,
 * EventRecordID and second) gives the same detection twice; in time order the copies meet within
 * the same second, where they are merged into one detection listing every source.
 */
import { closeSync, mkdtempSync, openSync, readSync, rmSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Detection } from './pipeline.ts';
import type { RecordSource } from './record.ts';
import { recordKey, sourceOf } from './record.ts';

export interface TimelineOptions {
  /** Detections held in memory before a sorted run is written to disk (default 10,000: about 65 MB of heap at the peak). */
  readonly runSize?: number;
  /** Runs merged at once; more are merged in groups first (default 128). */
  readonly maxFanIn?: number;
  /** Where run files go (default: the system's temporary folder). */
  readonly tmpDir?: string;
}

/**
 * A sort key that orders by time whatever the precision written: `2019-03-19T23:34:24Z` and
 * `...24.5Z` must not compare as text ('.' < 'Z'). Unparseable or empty times sort last.
 */
export function timeKey(ts: string): string {
  const m = /^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d)(?:\.(\d+))?Z$/.exec(ts);
  if (m) return `${m[1]}.${(m[2] ?? '').padEnd(9, '0').slice(0, 9)}`;
  const t = Date.parse(ts);
  if (Number.isNaN(t)) return `\uffff${ts}`;
  const iso = new Date(t).toISOString(); // 2019-03-19T23:34:24.123Z
  return `${iso.slice(0, 19)}.${iso.slice(20, 23)}000000`;
}

function sortKey(d: Detection): string {
  const pos = d.offset ?? d.line ?? 0;
  return `${timeKey(d.timestamp)}\u0000${d.computer.toLowerCase()}\u0000${d.channel.toLowerCase()}\u0000${String(d.eventRecordId).padStart(16, '0')}\u0000${d.rule.id}\u0000${d.file}\u0000${String(pos).padStart(16, '0')}`;
}

type Item = readonly [key: string, d: Detection];

const compareItems = (a: Item, b: Item): number => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0);

/** Reads one run file line by line, a block at a time. */
class RunReader {
  private readonly fd: number;
  private readonly buf = Buffer.allocUnsafe(1 << 16);
  private carry = '';
  private lines: string[] = [];
  private at = 0;
  private eof = false;

  constructor(readonly path: string) {
    this.fd = openSync(path, 'r');
  }

  next(): Item | undefined {
    for (;;) {
      if (this.at < this.lines.length) return JSON.parse(this.lines[this.at++] as string) as Item;
      if (this.eof) return undefined;
      const n = readSync(this.fd, this.buf, 0, this.buf.length, null);
      if (n === 0) {
        this.eof = true;
        this.lines = this.carry === '' ? [] : [this.carry];
        this.carry = '';
      } else {
        const text = this.carry + this.buf.toString('utf8', 0, n);
        const parts = text.split('\n');
        this.carry = parts.pop() ?? '';
        this.lines = parts;
      }
      this.at = 0;
    }
  }

  close(): void {
    closeSync(this.fd);
  }
}

/** A min-heap of run heads. */
class Heap {
  private readonly a: { item: Item; src: RunReader }[] = [];

  get size(): number {
    return this.a.length;
  }

  push(item: Item, src: RunReader): void {
    const a = this.a;
    a.push({ item, src });
    let i = a.length - 1;
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (compareItems(a[p]!.item, a[i]!.item) <= 0) break;
      [a[p], a[i]] = [a[i]!, a[p]!];
      i = p;
    }
  }

  pop(): { item: Item; src: RunReader } | undefined {
    const a = this.a;
    const top = a[0];
    const last = a.pop();
    if (top === undefined || last === undefined) return undefined;
    if (a.length > 0) {
      a[0] = last;
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        const r = l + 1;
        let m = i;
        if (l < a.length && compareItems(a[l]!.item, a[m]!.item) < 0) m = l;
        if (r < a.length && compareItems(a[r]!.item, a[m]!.item) < 0) m = r;
        if (m === i) break;
        [a[m], a[i]] = [a[i]!, a[m]!];
        i = m;
      }
    }
    return top;
  }
}

function* mergeReaders(readers: readonly RunReader[]): Generator<Item> {
  const heap = new Heap();
  for (const r of readers) {
    const first = r.next();
    if (first) heap.push(first, r);
  }
  while (heap.size > 0) {
    const { item, src } = heap.pop()!;
    yield item;
    const n = src.next();
    if (n) heap.push(n, src);
  }
}

/** The copy a merged detection is shown as: a live record before a carved one, EVTX (offset) before JSON. */
function rank(d: Detection): string {
  return `${d.recovered ? 1 : 0}${d.offset === undefined ? 1 : 0}${d.file}`;
}

/** Merges copies of one event into one detection that lists every source. */
function mergeCopies(copies: readonly Detection[]): Detection {
  if (copies.length === 1) return copies[0] as Detection;
  const sorted = [...copies].sort((a, b) => (rank(a) < rank(b) ? -1 : rank(a) > rank(b) ? 1 : 0));
  const first = sorted[0] as Detection;
  const seen = new Set<string>();
  const sources: RecordSource[] = [];
  for (const d of sorted) {
    for (const s of d.sources ?? [sourceOf(d)]) {
      const k = JSON.stringify(s);
      if (seen.has(k)) continue;
      seen.add(k);
      sources.push(s);
    }
  }
  return sources.length > 1 ? { ...first, sources } : first;
}

/** The key of "the same detection": rule + event identity; correlation hits and events without an EventRecordID never merge. */
function dupKey(d: Detection): string | undefined {
  if (d.correlation) return undefined;
  const k = recordKey(d);
  return k === undefined ? undefined : `${d.rule.id}\u0000${k}`;
}

/**
 * Detections in, time order out. `add` as they come; `sorted()` once at the end (a generator:
 * the caller writes each one and may wait for its output to drain). `close()` removes the runs.
 */
export class Timeline {
  private readonly runSize: number;
  private readonly maxFanIn: number;
  private readonly tmpBase: string;
  private dir: string | undefined;
  private buffer: Item[] = [];
  private runs: string[] = [];
  private runCount = 0;
  /** Runs written to disk (0 when everything fitted in memory). */
  get runsWritten(): number {
    return this.runCount;
  }
  /** Copies merged away (events read from more than one input). */
  duplicates = 0;

  constructor(opts: TimelineOptions = {}) {
    this.runSize = Math.max(1, opts.runSize ?? 10_000);
    this.maxFanIn = Math.max(2, opts.maxFanIn ?? 128);
    this.tmpBase = opts.tmpDir ?? tmpdir();
  }

  add(d: Detection): void {
    this.buffer.push([sortKey(d), d]);
    if (this.buffer.length >= this.runSize) this.spill();
  }

  private newRunPath(): string {
    this.dir ??= mkdtempSync(join(this.tmpBase, 'crisiscell-timeline-'));
    return join(this.dir, `run-${String(this.runCount++).padStart(6, '0')}.jsonl`);
  }

  /** Sorts what is held and writes it as one run. */
  private spill(): void {
    if (this.buffer.length === 0) return;
    this.buffer.sort(compareItems);
    const path = this.newRunPath();
    const fd = openSync(path, 'w');
    try {
      let chunk: string[] = [];
      for (const it of this.buffer) {
        chunk.push(JSON.stringify(it));
        if (chunk.length >= 1024) {
          writeSync(fd, chunk.join('\n') + '\n');
          chunk = [];
        }
      }
      if (chunk.length > 0) writeSync(fd, chunk.join('\n') + '\n');
    } finally {
      closeSync(fd);
    }
    this.buffer = [];
    this.runs.push(path);
  }

  /** Merges groups of runs until at most maxFanIn are left. */
  private reduceRuns(): void {
    while (this.runs.length > this.maxFanIn) {
      const next: string[] = [];
      for (let i = 0; i < this.runs.length; i += this.maxFanIn) {
        const group = this.runs.slice(i, i + this.maxFanIn);
        if (group.length === 1) {
          next.push(group[0] as string);
          continue;
        }
        const readers = group.map((p) => new RunReader(p));
        const path = this.newRunPath();
        const fd = openSync(path, 'w');
        try {
          let chunk: string[] = [];
          for (const it of mergeReaders(readers)) {
            chunk.push(JSON.stringify(it));
            if (chunk.length >= 1024) {
              writeSync(fd, chunk.join('\n') + '\n');
              chunk = [];
            }
          }
          if (chunk.length > 0) writeSync(fd, chunk.join('\n') + '\n');
        } finally {
          closeSync(fd);
          for (const r of readers) r.close();
          for (const p of group) rmSync(p, { force: true });
        }
        next.push(path);
      }
      this.runs = next;
    }
  }

  /** Every detection added, in time order, copies of one event merged. Call once. */
  *sorted(): Generator<Detection> {
    let items: Iterable<Item>;
    let readers: RunReader[] = [];
    if (this.runs.length === 0) {
      this.buffer.sort(compareItems);
      items = this.buffer;
    } else {
      this.spill();
      this.reduceRuns();
      readers = this.runs.map((p) => new RunReader(p));
      items = mergeReaders(readers);
    }
    try {
      // Copies of one event fall in the same second: detections are grouped by second, merged,
      // and given out in order (a second's detections are the only ones held at once).
      let second = '';
      let group: Item[] = [];
      const flush = function* (this: Timeline): Generator<Detection> {
        if (group.length === 0) return;
        const byKey = new Map<string, Detection[]>();
        const order: (string | Detection)[] = [];
        for (const [, d] of group) {
          const k = dupKey(d);
          if (k === undefined) {
            order.push(d);
            continue;
          }
          const list = byKey.get(k);
          if (list) {
            list.push(d);
            this.duplicates++;
          } else {
            byKey.set(k, [d]);
            order.push(k);
          }
        }
        group = [];
        for (const o of order) yield typeof o === 'string' ? mergeCopies(byKey.get(o) as Detection[]) : o;
      }.bind(this);
      for (const it of items) {
        const s = it[0].slice(0, 19);
        if (s !== second) {
          yield* flush();
          second = s;
        }
        group.push(it);
      }
      yield* flush();
    } finally {
      for (const r of readers) r.close();
      this.buffer = [];
      this.close();
    }
  }

  /** Removes the run files (idempotent). */
  close(): void {
    if (this.dir !== undefined) rmSync(this.dir, { recursive: true, force: true });
    this.dir = undefined;
    this.runs = [];
  }
}

/**
 * Streaming output (no timeline) prints detections as they come: a copy of an event already
 * printed is left out and counted here, per pair of inputs, so the summary can say so.
 */
export class Deduper {
  private readonly seen = new Map<string, string>();
  /** `first input\u0000other input` -> copies left out. */
  readonly pairs = new Map<string, number>();
  /** Beyond this many distinct detections, copies are no longer looked for (memory). */
  readonly limit: number;
  full = false;

  constructor(limit = 2_000_000) {
    this.limit = limit;
  }

  /** True when the detection is a copy of one already passed (and was counted). */
  isCopy(d: Detection): boolean {
    const k = dupKey(d);
    if (k === undefined) return false;
    const first = this.seen.get(k);
    if (first !== undefined) {
      if (first !== d.file) {
        const pair = `${first}\u0000${d.file}`;
        this.pairs.set(pair, (this.pairs.get(pair) ?? 0) + 1);
        return true;
      }
      return false; // the same file twice: two records, keep both
    }
    if (this.seen.size < this.limit) this.seen.set(k, d.file);
    else this.full = true;
    return false;
  }
}
