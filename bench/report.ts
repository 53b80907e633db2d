// Shared printing for benchmarks: one line per figure, measured beside target, and a verdict.

export interface Figure {
  readonly name: string;
  readonly measured: number;
  readonly unit: string;
  /** `>=` when more is better (throughput), `<=` when less is better (latency, memory). */
  readonly op: '>=' | '<=';
  readonly target: number;
}

export function formatNumber(n: number): string {
  if (!Number.isFinite(n)) return String(n);
  if (Math.abs(n) >= 100) return Math.round(n).toLocaleString('en-US');
  if (Math.abs(n) >= 1) return n.toFixed(2);
  return n.toPrecision(3);
}

/** Prints a table of figures; returns true when every target is met. */
export function report(title: string, figures: readonly Figure[]): boolean {
  console.log(`\n${title}`);
  const w = Math.max(...figures.map((f) => f.name.length), 10);
  let allMet = true;
  for (const f of figures) {
    const met = f.op === '>=' ? f.measured >= f.target : f.measured <= f.target;
    if (!met) allMet = false;
    console.log(
      `  ${f.name.padEnd(w)}  measured ${formatNumber(f.measured).padStart(12)} ${f.unit.padEnd(10)}  target ${f.op} ${formatNumber(f.target)} ${f.unit}  ${met ? 'MET' : 'SHORT'}`,
    );
  }
  return allMet;
}

/** Peak resident set size of this process so far, in MB (Linux reports maxRSS in KiB). */
export function peakRssMb(): number {
  return process.resourceUsage().maxRSS / 1024;
}

export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return NaN;
  const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[i] ?? NaN;
}
