// Timeline benchmark: `hunt --timeline` sorts detections of every input by time with bounded
// memory (sorted runs on disk, merged k-way). 1,000,000 synthetic detections (TIMELINE_BENCH_N),
// shuffled across 50 hosts, each with details as a hunt gives them, go through the Timeline with
// the default run size; then the same in memory (what the timeline avoids) for comparison.
// Figures: throughput, and the heap added while sorting (bounded by the run size, not by N).
import { Timeline } from '../src/hunt/timeline.ts';
import type { Detection } from '../src/hunt/pipeline.ts';
import { report, type Figure } from './report.ts';

const N = Number(process.env.TIMELINE_BENCH_N ?? 1_000_000);
const T0 = Date.UTC(2022, 4, 13, 22, 0, 0);

/** Detection i of a pseudo-random permutation (an LCG over time slots): no array of N is built. */
function detection(i: number): Detection {
  const slot = (i * 7919 + 13) % N; // 7919 is prime and does not divide N: a permutation
  const host = slot % 50;
  const ts = new Date(T0 + slot * 37).toISOString().replace(/\.(\d{3})Z$/, '.$1000Z');
  return {
    rule: { id: `rule-${slot % 40}`, title: `A rule title of ordinary length ${slot % 40}`, level: slot % 7 === 0 ? 'critical' : 'high' },
    timestamp: ts,
    computer: `WS${String(host).padStart(4, '0')}.hospital.local`,
    channel: 'Security',
    eventId: 4624,
    eventRecordId: 100_000 + slot,
    details: { TgtUser: `user${slot % 997}`, TgtDomain: 'HOSPITAL', Type: '3 - Network', SrcIP: `10.0.${host}.${slot % 250}`, AuthPkg: 'NTLM' },
    tactics: ['Lateral Movement'],
    techniques: ['T1021.002'],
    file: `/evidence/ws${host}/Security.evtx`,
    chunk: slot % 100,
    offset: 4096 + (slot % 100) * 65536 + 512,
  };
}

const gc = (globalThis as { gc?: () => void }).gc;
const heapMb = (): number => {
  gc?.();
  return process.memoryUsage().heapUsed / 1048576;
};

// The loops are synchronous (as the CLI's are between writes): the heap is sampled inside them.
const base = heapMb();
let peak = base;
const sample = (): void => void (peak = Math.max(peak, process.memoryUsage().heapUsed / 1048576));
const t0 = performance.now();
const cpu0 = process.cpuUsage();
const tl = new Timeline();
for (let i = 0; i < N; i++) {
  tl.add(detection(i));
  if (i % 5000 === 0) sample();
}
let prev = '';
let ordered = true;
let n = 0;
for (const d of tl.sorted()) {
  if (d.timestamp < prev) ordered = false;
  prev = d.timestamp;
  if (++n % 5000 === 0) sample();
}
const secs = (performance.now() - t0) / 1000;
const cpu = process.cpuUsage(cpu0);
const cpuSecs = (cpu.user + cpu.system) / 1e6;
const runs = tl.runsWritten;
console.log(`timeline: ${N.toLocaleString('en-US')} detections in ${secs.toFixed(1)} s (CPU ${cpuSecs.toFixed(1)} s), ${runs} runs on disk, ${n.toLocaleString('en-US')} out, in order: ${ordered}; heap ${base.toFixed(0)} MB -> peak ${peak.toFixed(0)} MB`);

// The same detections sorted in memory: what bounded memory saves.
const mem0 = heapMb();
const all: Detection[] = [];
for (let i = 0; i < N; i++) all.push(detection(i));
all.sort((a, b) => (a.timestamp < b.timestamp ? -1 : a.timestamp > b.timestamp ? 1 : 0));
const memPeak = process.memoryUsage().heapUsed / 1048576;
console.log(`in memory (for comparison, not used): heap ${mem0.toFixed(0)} MB -> peak ${memPeak.toFixed(0)} MB for ${all.length.toLocaleString('en-US')} detections`);

const figures: Figure[] = [
  { name: `timeline of ${N.toLocaleString('en-US')} detections, per CPU-second`, measured: N / cpuSecs, unit: 'det/s', op: '>=', target: 40_000 },
  { name: 'heap added while sorting (bounded by the run size)', measured: peak - base, unit: 'MB', op: '<=', target: 150 },
  { name: 'output in time order, none lost', measured: ordered && n === N ? 1 : 0, unit: 'yes', op: '>=', target: 1 },
];
process.exit(report('timeline', figures) ? 0 : 1);
