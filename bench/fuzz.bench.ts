// EVTX reader under mutation fuzzing at volume: the test suite's 20,000 cases, ten times over.
//   npm run bench -- fuzz [--cases N] [--seed S]
// Same mutations and assertions as src/hunt/evtx/fuzz.test.ts: no exception escapes, each file
// under 1 s, heap after GC bounded. Prints files/s.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { forceGc, fuzzSeeds, runFuzz } from '../test/support/evtx-fuzz.ts';
import { formatNumber, report } from './report.ts';

function arg(name: string, fallback: number): number {
  const i = process.argv.indexOf(name);
  const v = i >= 0 ? Number(process.argv[i + 1]) : NaN;
  return Number.isFinite(v) ? v : fallback;
}

const cases = arg('--cases', 200_000);
const seed = arg('--seed', 0xf022_5eed);
const evtxDir = fileURLToPath(new URL('../../shared/corpus/evtx', import.meta.url));
const seeds = fuzzSeeds(existsSync(evtxDir) ? evtxDir : undefined);
forceGc();
const baseMb = process.memoryUsage().heapUsed / 1048576;
const t0 = performance.now();
let failure: string | undefined;
let stats = { cases: 0, records: 0, errors: 0, slowestMs: 0, maxHeapMb: 0 };
try {
  // In slices, to print progress on a long run.
  const slice = 20_000;
  for (let from = 0; from < cases; from += slice) {
    const s = runFuzz(seeds, seed, from, Math.min(cases, from + slice), { maxMs: 1000, maxHeapMb: baseMb + 96 });
    stats = {
      cases: stats.cases + s.cases,
      records: stats.records + s.records,
      errors: stats.errors + s.errors,
      slowestMs: Math.max(stats.slowestMs, s.slowestMs),
      maxHeapMb: Math.max(stats.maxHeapMb, s.maxHeapMb),
    };
    const secs = (performance.now() - t0) / 1000;
    console.log(`  ${formatNumber(stats.cases)} files, ${formatNumber(stats.cases / secs)} files/s`);
  }
} catch (e) {
  failure = (e as Error).message;
}
const secs = (performance.now() - t0) / 1000;
console.log(`seed ${seed}, ${seeds.length} seed files: ${formatNumber(stats.cases)} mutated files in ${secs.toFixed(1)} s; ${formatNumber(stats.records)} records and ${formatNumber(stats.errors)} errors reported`);
if (failure) console.log(`FAILURE: ${failure}`);
const met = report('EVTX fuzzing', [
  { name: 'mutated files without escape', measured: stats.cases, unit: 'files', op: '>=', target: cases },
  { name: 'fuzz rate', measured: stats.cases / secs, unit: 'files/s', op: '>=', target: 500 },
  { name: 'slowest file (CPU time)', measured: stats.slowestMs, unit: 'ms', op: '<=', target: 1000 },
  { name: 'heap after GC, above start', measured: Math.max(0, stats.maxHeapMb - baseMb), unit: 'MB', op: '<=', target: 96 },
]);
process.exitCode = met && !failure ? 0 : 1;
