/**
 * Mutation fuzzing of the EVTX reader, shared by the test suite (20,000 cases) and
 * bench/fuzz.bench.ts (many more). Inputs are small: the file header and the first chunk or two
 * of real logs (or of hand-built files when the corpus is absent), so each case is fast.
 * Everything derives from one seed: a failure names the seed and case to replay it.
 */
import { readFileSync } from 'node:fs';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { readEvtxBuffer } from '../../src/hunt/evtx/index.ts';
import { buildChunk, buildFile, CHUNK_SIZE, standardEvent, standardSystemValues, v } from './evtx-builder.ts';

/** mulberry32: small, fast, good enough to drive mutations reproducibly. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Corpus files whose first chunks make varied fuzz seeds (damaged ones included). */
const SEED_FILES = [
  'edge-cases/security.evtx',
  'edge-cases/system.evtx',
  'edge-cases/sysmon.evtx',
  'edge-cases/sample_with_a_bad_chunk_magic.evtx',
  'edge-cases/Security_with_size_t.evtx',
  'edge-cases/E_Windows_system32_winevt_logs_Microsoft-Windows-CAPI2%4Operational.evtx',
  'edge-cases/E_Windows_system32_winevt_logs_Microsoft-Windows-Shell-Core%4Operational.evtx',
  'edge-cases/sample-with-irregular-bool-values.evtx',
  'edge-cases/MSExchange_Management_wec.evtx',
  'edge-cases/Microsoft-Windows-HelloForBusiness%4Operational.evtx',
  'edge-cases/sample-with-zero-data-size-event.evtx',
  'DeepBlueCLI/many-events-application.evtx',
];

/** Fuzz inputs: header + first two chunks of corpus files, plus hand-built files. */
export function fuzzSeeds(corpusEvtxDir: string | undefined): Uint8Array[] {
  const seeds: Uint8Array[] = [];
  if (corpusEvtxDir !== undefined) {
    for (const f of SEED_FILES) {
      let bytes: Uint8Array;
      try {
        bytes = readFileSync(`${corpusEvtxDir}/${f}`);
      } catch {
        continue;
      }
      // A copy: Buffer#slice would be a view, and mutations must never reach the seeds.
      seeds.push(new Uint8Array(bytes.subarray(0, Math.min(bytes.length, 4096 + 2 * CHUNK_SIZE))));
    }
  }
  const tpl = standardEvent(['TargetUserName', 'LogonType', 'IpAddress'], [0x01, 0x08, 0x01]);
  let def: number | undefined;
  const recs = Array.from({ length: 40 }, (_, i) => ({
    id: i + 1,
    body: (x: Parameters<Parameters<typeof buildChunk>[0][number]['body']>[0]) => {
      x.w.u8(0x0f).u8(1).u8(1).u8(0);
      def = x.instance(tpl, [...standardSystemValues(4624, i + 1), v.str(`user${i}`), v.u32(3), v.str('10.0.0.5')], def);
      x.w.u8(0);
    },
  }));
  const c1 = buildChunk(recs).bytes;
  def = undefined;
  seeds.push(buildFile([c1, buildChunk(recs).bytes]));
  return seeds;
}

export interface FuzzCase {
  readonly index: number;
  readonly what: string;
  readonly bytes: Uint8Array;
}

/** The `index`-th mutation of one of `seeds`, derived from `seed` alone. */
export function mutate(seeds: readonly Uint8Array[], seed: number, index: number): FuzzCase {
  const rnd = prng((seed ^ Math.imul(index + 1, 0x9e3779b1)) >>> 0);
  const int = (n: number): number => Math.floor(rnd() * n);
  const base = seeds[int(seeds.length)] as Uint8Array;
  let b = new Uint8Array(base); // a copy (the seeds may be Buffers, whose slice() is a view)
  const what: string[] = [];
  const chunkAt = (k: number): number => 4096 + k * CHUNK_SIZE;
  const chunks = Math.max(1, Math.floor((b.length - 4096) / CHUNK_SIZE));
  // Positions that matter most: headers, string/template tables, records' starts.
  const pos = (): number => {
    const r = rnd();
    const c = chunkAt(int(chunks));
    if (r < 0.1) return int(Math.min(b.length, 4096));
    if (r < 0.35) return Math.min(b.length - 1, c + int(512));
    if (r < 0.6) return Math.min(b.length - 1, c + 512 + int(4096));
    return int(b.length);
  };
  const steps = 1 + int(4);
  for (let s = 0; s < steps; s++) {
    const kind = int(8);
    switch (kind) {
      case 0: {
        const n = 1 + int(16);
        for (let i = 0; i < n; i++) { const p = pos(); b[p] = (b[p] as number) ^ (1 << int(8)); }
        what.push(`flip ${n} bits`);
        break;
      }
      case 1: {
        const n = 1 + int(32);
        for (let i = 0; i < n; i++) b[pos()] = int(256);
        what.push(`set ${n} bytes`);
        break;
      }
      case 2: {
        const at = pos();
        const len = 1 + int(512);
        for (let i = at; i < Math.min(b.length, at + len); i++) b[i] = int(256);
        what.push(`garbage ${len}@${at}`);
        break;
      }
      case 3: {
        const cut = int(b.length);
        b = b.subarray(0, cut);
        what.push(`truncate ${cut}`);
        break;
      }
      case 4: {
        if (chunks >= 2 && b.length >= chunkAt(2)) {
          const first = b.slice(chunkAt(0), chunkAt(1));
          b.copyWithin(chunkAt(0), chunkAt(1), chunkAt(2));
          b.set(first, chunkAt(1));
          what.push('swap chunks 0/1');
        } else {
          b[pos()] = 0;
          what.push('zero 1 byte');
        }
        break;
      }
      case 5: {
        // Extreme values in a u32 field (sizes, offsets, counts).
        const at = pos() & ~3;
        const val = [0, 0xffffffff, 0x7fffffff, 0x10000, 0xfff0, 512, 1, 0x2a2a][int(8)] as number;
        if (at + 4 <= b.length) new DataView(b.buffer, b.byteOffset).setUint32(at, val >>> 0, true);
        what.push(`u32 ${val}@${at}`);
        break;
      }
      case 6: {
        const at = pos();
        const len = 1 + int(2048);
        b.fill(0, at, Math.min(b.length, at + len));
        what.push(`zero ${len}@${at}`);
        break;
      }
      default: {
        // Copy a random slice elsewhere: plausible tokens in implausible places.
        const from = int(b.length);
        const to = pos();
        const len = 1 + int(256);
        b.copyWithin(to, from, Math.min(b.length, from + len));
        what.push(`copy ${len} ${from}->${to}`);
      }
    }
  }
  return { index, what: what.join(', '), bytes: b };
}

export interface FuzzStats {
  cases: number;
  records: number;
  errors: number;
  /** CPU milliseconds of the slowest case. */
  slowestMs: number;
  maxHeapMb: number;
}

let gcFn: (() => void) | undefined;
/** A way to force GC without --expose-gc (the test runner does not pass it). */
export function forceGc(): void {
  if (!gcFn) {
    const g = (globalThis as { gc?: () => void }).gc;
    if (typeof g === 'function') gcFn = g;
    else {
      setFlagsFromString('--expose-gc');
      gcFn = runInNewContext('gc') as () => void;
    }
  }
  gcFn();
}

/**
 * Runs cases [from, to) and checks: no exception escapes, each case under `maxMs`, heap after
 * a GC (every 1000 cases) under `maxHeapMb`, every record serialisable as JSON.
 * Throws an Error naming the seed and the case on the first failure.
 */
export function runFuzz(seeds: readonly Uint8Array[], seed: number, from: number, to: number, limits: { maxMs: number; maxHeapMb: number; recover?: boolean }): FuzzStats {
  const stats: FuzzStats = { cases: 0, records: 0, errors: 0, slowestMs: 0, maxHeapMb: 0 };
  for (let i = from; i < to; i++) {
    const c = mutate(seeds, seed, i);
    // The limit catches a reader that loops or backtracks, not a busy machine: it is on the CPU
    // time this process spent (wall time doubles when other jobs share the cores).
    const cpu0 = process.cpuUsage();
    let records = 0;
    let errors = 0;
    try {
      const s = readEvtxBuffer(c.bytes, 'fuzz.evtx', (r) => {
        records++;
        if (records % 16 === 1) JSON.stringify(r);
      }, () => errors++, { recover: limits.recover === true });
      if (s.records !== records) throw new Error(`summary says ${s.records} records, ${records} emitted`);
      if (s.errors > errors) throw new Error(`summary says ${s.errors} errors, ${errors} reported`);
    } catch (e) {
      throw new Error(`fuzz seed ${seed} case ${i} (${c.what}): ${(e as Error).stack ?? String(e)}`);
    }
    const used = process.cpuUsage(cpu0);
    const ms = (used.user + used.system) / 1000;
    if (ms > stats.slowestMs) stats.slowestMs = ms;
    if (ms > limits.maxMs) throw new Error(`fuzz seed ${seed} case ${i} (${c.what}) took ${ms.toFixed(0)} ms of CPU`);
    stats.cases++;
    stats.records += records;
    stats.errors += errors;
    if ((i - from) % 1000 === 999) {
      forceGc();
      const mb = process.memoryUsage().heapUsed / 1048576;
      if (mb > stats.maxHeapMb) stats.maxHeapMb = mb;
      if (mb > limits.maxHeapMb) throw new Error(`fuzz seed ${seed} case ${i}: heap ${mb.toFixed(0)} MB after GC`);
    }
  }
  return stats;
}
