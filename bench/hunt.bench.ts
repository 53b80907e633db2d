// Hunt benchmark: loading all SigmaHQ Windows rules, then hunting with them over the corpus .evtx
// files (repeated: HUNT_BENCH_REPEAT, default 4) on 2 worker threads, and peak RSS; then the same
// files through the same pipeline with no rules (parse + messaging only: the ceiling).
// As in `crisiscell hunt`, the rule set is built once (the "load" figure) and handed to runHunt,
// so the hunt figures include worker start-up but not rule loading.
// Needs ../shared/corpus; prints a one-line skip otherwise.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { report, type Figure } from './report.ts';
import { readRuleDocs, RuleSet } from '../src/hunt/sigma/ruleset.ts';
import { runHunt } from '../src/hunt/pipeline.ts';
import { builtinRulesDir } from '../src/hunt/rules/index.ts';

const corpus = fileURLToPath(new URL('../../shared/corpus/', import.meta.url));
if (!existsSync(corpus)) {
  console.log('hunt bench skipped: ../shared/corpus absent');
  process.exit(0);
}

/** Peak RSS of the whole process (main thread and worker threads share it), from /proc. */
function peakRssMb(): number {
  try {
    const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync('/proc/self/status', 'utf8'));
    if (m) return Number(m[1]) / 1024;
  } catch {
    // not Linux: fall back to getrusage
  }
  return process.resourceUsage().maxRSS / 1024;
}

function cpuSecs(since: NodeJS.CpuUsage): number {
  const u = process.cpuUsage(since);
  return (u.user + u.system) / 1e6;
}

function evtxFiles(dir: string, out: string[]): string[] {
  for (const n of readdirSync(dir).sort()) {
    const p = join(dir, n);
    if (statSync(p).isDirectory()) evtxFiles(p, out);
    else if (n.endsWith('.evtx')) out.push(p);
  }
  return out;
}

const t0 = performance.now();
const docs = readRuleDocs([join(corpus, 'sigma/rules/windows'), builtinRulesDir()]);
const t1 = performance.now();
const set = RuleSet.build(docs.docs);
const loadMs = performance.now() - t0;
console.log(`rules: ${docs.files} files, YAML ${(t1 - t0).toFixed(0)} ms, compile ${(performance.now() - t1).toFixed(0)} ms; loaded ${set.rules.length}, unusable ${set.problems.length + docs.problems.length}`);

// The attack samples (edge cases are damaged on purpose and measured by the evtx bench).
const base = ['EVTX-ATTACK-SAMPLES', 'DeepBlueCLI', 'YamatoSecurity'].flatMap((d) => evtxFiles(join(corpus, 'evtx', d), []));
const repeat = Number(process.env.HUNT_BENCH_REPEAT ?? 4);
const files = Array.from({ length: repeat }, () => base).flat();
let detections = 0;
let peakDuring = 0;
const timer = setInterval(() => (peakDuring = Math.max(peakDuring, peakRssMb())), 100);
// CPU time of the whole process (all threads): on a shared machine wall-clock figures move with
// other people's load, CPU seconds much less.
const cpu0 = process.cpuUsage();
const res = await runHunt({ files, ruleDocs: docs.docs, ruleSet: set, threads: 2, onDetection: () => detections++ });
const cpuMs = cpuSecs(cpu0) * 1000;
clearInterval(timer);
const peak = Math.max(peakDuring, peakRssMb());
const secs = res.elapsedMs / 1000;
const steady = res.records / ((res.elapsedMs - res.workerStartMs) / 1000);
console.log(
  `hunt: ${files.length} .evtx files (${base.length} x ${repeat}), ${res.records.toLocaleString('en-US')} records, ${detections.toLocaleString('en-US')} detections, ` +
    `${res.readErrors} read errors, ${secs.toFixed(2)} s, worker start-up ${res.workerStartMs.toFixed(0)} ms, ` +
    `CPU ${(cpuMs / 1000).toFixed(2)} s (${Math.round(res.records / (cpuMs / 1000)).toLocaleString('en-US')} events per CPU-second, all threads)`,
);
const cpu1 = process.cpuUsage();
const bare = await runHunt({ files, ruleDocs: [], ruleSet: RuleSet.build([]), threads: 2, onDetection: () => undefined });
console.log(
  `parse only (no rules, same pipeline, 2 workers): ${bare.records.toLocaleString('en-US')} records, ${(bare.elapsedMs / 1000).toFixed(2)} s, ` +
    `${Math.round(bare.records / (bare.elapsedMs / 1000)).toLocaleString('en-US')} events/s end to end, ` +
    `${Math.round(bare.records / ((bare.elapsedMs - bare.workerStartMs) / 1000)).toLocaleString('en-US')} after start-up (${bare.workerStartMs.toFixed(0)} ms), ` +
    `CPU ${cpuSecs(cpu1).toFixed(2)} s`,
);

const figures: Figure[] = [
  { name: 'load all SigmaHQ Windows rules', measured: loadMs / 1000, unit: 's', op: '<=', target: 3 },
  { name: 'hunt, 2 workers, end to end', measured: res.records / secs, unit: 'events/s', op: '>=', target: 25000 },
  { name: 'hunt, 2 workers, after start-up', measured: steady, unit: 'events/s', op: '>=', target: 25000 },
  { name: 'peak RSS (main + workers)', measured: peak, unit: 'MB', op: '<=', target: 400 },
];
const ok = report('hunt', figures);
process.exit(ok ? 0 : 1);
