/**
 * The hunt's summary, as an investigator reads it after the run: what was read and over which
 * time range, detections by level, by rule and by host with first and last seen, a host x level
 * table, the erased evidence (log clearing, EventRecordID gaps), events read twice, and the
 * inputs that could not be read. Accumulated from the detections as they are printed; rendered
 * as text by `renderSummary`.
 */
import type { Level } from './sigma/compile.ts';
import { LEVELS } from './sigma/compile.ts';
import type { Detection } from './pipeline.ts';
import type { ErasedFinding, LogCleared, RecordGap } from './erased.ts';
import { timeKey } from './timeline.ts';

interface Seen {
  n: number;
  first: string;
  last: string;
  firstKey: string;
  lastKey: string;
}

function seen(s: Seen | undefined, ts: string): Seen {
  const k = timeKey(ts);
  if (s === undefined) return { n: 1, first: ts, last: ts, firstKey: k, lastKey: k };
  s.n++;
  if (k < s.firstKey) {
    s.first = ts;
    s.firstKey = k;
  }
  if (k > s.lastKey && !k.startsWith('\uffff')) {
    s.last = ts;
    s.lastKey = k;
  }
  return s;
}

export interface RuleLine extends Seen {
  readonly id: string;
  readonly title: string;
  readonly level: Level;
}

export interface HostLine extends Seen {
  readonly host: string;
  readonly levels: Record<Level, number>;
}

/** What the summary says about the run itself (from HuntResult and the folder walk). */
export interface RunFacts {
  readonly files: number;
  readonly records: number;
  readonly recovered: number;
  readonly readErrors: number;
  readonly elapsedMs: number;
  readonly threads: number;
  readonly firstEvent: string;
  readonly lastEvent: string;
  readonly findings: readonly ErasedFinding[];
  /** Read errors worth showing (the first few), already formatted. */
  readonly errorLines: readonly string[];
  /** Inputs that could not be read, formatted `path: reason`. */
  readonly unreadable: readonly string[];
  /** Loops and second paths skipped by the walk, formatted `path: reason`. */
  readonly skipped: readonly string[];
  readonly verbose?: boolean;
}

export class HuntSummary {
  total = 0;
  private all: Seen | undefined;
  readonly byLevel = new Map<Level, number>();
  readonly byRule = new Map<string, RuleLine>();
  readonly byHost = new Map<string, HostLine>();
  /** `input A\u0000input B` -> events read from both and printed once. */
  readonly duplicatePairs = new Map<string, number>();

  add(d: Detection): void {
    this.total++;
    this.all = seen(this.all, d.timestamp);
    this.byLevel.set(d.rule.level, (this.byLevel.get(d.rule.level) ?? 0) + 1);
    const r = this.byRule.get(d.rule.id);
    if (r) seen(r, d.timestamp);
    else this.byRule.set(d.rule.id, { id: d.rule.id, title: d.rule.title, level: d.rule.level, ...seen(undefined, d.timestamp) });
    const host = d.computer;
    let h = this.byHost.get(host.toLowerCase());
    if (h) seen(h, d.timestamp);
    else {
      h = { host, levels: { informational: 0, low: 0, medium: 0, high: 0, critical: 0 }, ...seen(undefined, d.timestamp) };
      this.byHost.set(host.toLowerCase(), h);
    }
    h.levels[d.rule.level]++;
    if (d.sources && d.sources.length > 1) {
      const files = [...new Set(d.sources.map((s) => s.file))].sort();
      if (files.length > 1) this.addDuplicates(files.join('\u0000'), 1);
    }
  }

  addDuplicates(pair: string, n: number): void {
    this.duplicatePairs.set(pair, (this.duplicatePairs.get(pair) ?? 0) + n);
  }

  /** First and last detection time ('' when none). */
  get range(): { first: string; last: string } {
    return { first: this.all?.first ?? '', last: this.all?.last ?? '' };
  }

  /** Rules, worst level first, then most hits. */
  rules(): RuleLine[] {
    return [...this.byRule.values()].sort((a, b) => LEVELS.indexOf(b.level) - LEVELS.indexOf(a.level) || b.n - a.n || a.title.localeCompare(b.title));
  }

  /** Hosts, the one with the worst hits first (critical, then high, ...), then first seen. */
  hosts(): HostLine[] {
    const worst = (h: HostLine): number[] => [...LEVELS].reverse().map((l) => h.levels[l]);
    return [...this.byHost.values()].sort((a, b) => {
      const wa = worst(a);
      const wb = worst(b);
      for (let i = 0; i < wa.length; i++) if ((wa[i] as number) !== (wb[i] as number)) return (wb[i] as number) - (wa[i] as number);
      return a.firstKey < b.firstKey ? -1 : 1;
    });
  }
}

const LEVEL_SHORT: Record<Level, string> = { critical: 'CRIT', high: 'HIGH', medium: 'MED', low: 'LOW', informational: 'INFO' };

const fmt = (n: number): string => n.toLocaleString('en-US');
const when = (ts: string): string => ts || '?';

function gapLine(g: RecordGap): string {
  if (g.type === 'numbering-restart') {
    return `${g.channel} on ${g.computer || '(unknown host)'}: EventRecordIDs start again at ${g.after.eventRecordId} (${when(g.after.time)}) after ${g.before.eventRecordId} (${when(g.before.time)}): log cleared or recreated`;
  }
  const range = g.missing.count === 1 ? `${g.missing.from}` : `${g.missing.from}-${g.missing.to}`;
  return `${g.channel} on ${g.computer || '(unknown host)'}: ${fmt(g.missing.count)} record${g.missing.count === 1 ? '' : 's'} missing (${range}) between ${when(g.before.time)} and ${when(g.after.time)}`;
}

function clearLine(c: LogCleared): string {
  const where = `${c.source.file}${c.source.offset !== undefined ? ` @${c.source.offset}` : c.source.line !== undefined ? `:${c.source.line}` : ''}`;
  return `${c.channel} log cleared on ${c.computer || '(unknown host)'} at ${when(c.time)}${c.by ? ` by ${c.by}` : ''} (EventID ${c.eventId}, EventRecordID ${c.eventRecordId}, ${where}${c.source.recovered ? ', recovered' : ''})`;
}

/** The summary as text: headline facts first, then the tables, then what went wrong. */
export function renderSummary(s: HuntSummary, run: RunFacts): string {
  const lines: string[] = ['', 'Hunt summary'];
  const secs = run.elapsedMs / 1000;
  lines.push(
    `  files: ${fmt(run.files)}   records: ${fmt(run.records)}${run.recovered ? ` (${fmt(run.recovered)} recovered from deleted space)` : ''}   read errors: ${fmt(run.readErrors)}   ` +
      `time: ${secs.toFixed(1)} s (${fmt(Math.round(run.records / Math.max(secs, 0.001)))} records/s, ${run.threads || 'no'} worker threads)`,
  );
  if (run.firstEvent) lines.push(`  events from ${run.firstEvent} to ${run.lastEvent}`);
  const range = s.range;
  lines.push(`  detections: ${fmt(s.total)}${s.total > 0 ? ` from ${range.first} to ${range.last}` : ''}`);
  if (s.total > 0) {
    lines.push(`  by level: ${[...LEVELS].reverse().filter((l) => s.byLevel.get(l)).map((l) => `${l} ${fmt(s.byLevel.get(l) ?? 0)}`).join(', ')}`);
    const rules = s.rules();
    const shownRules = run.verbose ? rules : rules.slice(0, 40);
    const tw = Math.min(60, Math.max(5, ...shownRules.map((r) => r.title.length)));
    lines.push('  by rule (hits, level, first seen -> last seen):');
    for (const r of shownRules) {
      const title = r.title.length > tw ? `${r.title.slice(0, tw - 1)}…` : r.title;
      lines.push(`    ${String(fmt(r.n)).padStart(7)}  ${r.level.padEnd(13)} ${title.padEnd(tw)}  ${r.first} -> ${r.last}`);
    }
    if (rules.length > shownRules.length) lines.push(`    ... and ${rules.length - shownRules.length} more rules (--verbose lists them all)`);
    const hosts = s.hosts();
    const shownHosts = run.verbose ? hosts : hosts.slice(0, 30);
    const hw = Math.min(40, Math.max(4, ...shownHosts.map((h) => (h.host || '(unknown)').length)));
    lines.push('  by host, worst first (hits per level, first seen -> last seen):');
    lines.push(`    ${'HOST'.padEnd(hw)}  ${[...LEVELS].reverse().map((l) => LEVEL_SHORT[l].padStart(6)).join('')}   TOTAL  FIRST SEEN -> LAST SEEN`);
    for (const h of shownHosts) {
      const name = h.host || '(unknown)';
      lines.push(`    ${(name.length > hw ? `${name.slice(0, hw - 1)}…` : name).padEnd(hw)}  ${[...LEVELS].reverse().map((l) => String(h.levels[l] ? fmt(h.levels[l]) : '.').padStart(6)).join('')}  ${String(fmt(h.n)).padStart(6)}  ${h.first} -> ${h.last}`);
    }
    if (hosts.length > shownHosts.length) lines.push(`    ... and ${hosts.length - shownHosts.length} more hosts (--verbose lists them all)`);
  }
  const clears = run.findings.filter((f): f is LogCleared => f.type === 'log-cleared');
  const gaps = run.findings.filter((f): f is RecordGap => f.type === 'record-gap');
  const restarts = run.findings.filter((f): f is RecordGap => f.type === 'numbering-restart');
  if (run.findings.length > 0) {
    lines.push('  erased evidence:');
    const showClears = run.verbose ? clears : clears.slice(0, 20);
    for (const c of showClears) lines.push(`    ${clearLine(c)}`);
    if (clears.length > showClears.length) lines.push(`    ... and ${clears.length - showClears.length} more log clearings`);
    if (gaps.length > 0) {
      const logs = new Set(gaps.map((g) => `${g.computer.toLowerCase()}\u0000${g.channel.toLowerCase()}`)).size;
      const missing = gaps.reduce((a, g) => a + g.missing.count, 0);
      lines.push(`    EventRecordID gaps: ${fmt(gaps.length)} in ${fmt(logs)} log${logs === 1 ? '' : 's'} (computer + channel), ${fmt(missing)} records missing${run.verbose ? '' : '; largest:'}`);
      const top = run.verbose ? gaps : [...gaps].sort((a, b) => b.missing.count - a.missing.count).slice(0, 10);
      for (const g of top) lines.push(`      ${gapLine(g)}`);
      if (!run.verbose && gaps.length > top.length) lines.push('      (a log exported with a filter has gaps too; --verbose and the JSONL findings list them all)');
    }
    for (const g of run.verbose ? restarts : restarts.slice(0, 10)) lines.push(`    ${gapLine(g)}`);
  }
  if (s.duplicatePairs.size > 0) {
    const total = [...s.duplicatePairs.values()].reduce((a, b) => a + b, 0);
    lines.push(`  read twice: ${fmt(total)} detection${total === 1 ? '' : 's'} came from events present in more than one input, reported once:`);
    for (const [pair, n] of [...s.duplicatePairs].sort((a, b) => b[1] - a[1]).slice(0, 10)) lines.push(`    ${fmt(n).padStart(7)}  ${pair.split('\u0000').join(' = ')}`);
  }
  if (run.errorLines.length > 0) {
    for (const e of run.errorLines) lines.push(`  read error: ${e}`);
    if (run.readErrors > run.errorLines.length) lines.push(`  ... ${fmt(run.readErrors - run.errorLines.length)} more read errors${run.verbose ? '' : ' (--verbose shows more)'}`);
  }
  if (run.skipped.length > 0) {
    lines.push(`  skipped (nothing missed): ${run.skipped.length}`);
    for (const p of run.verbose ? run.skipped : run.skipped.slice(0, 5)) lines.push(`    ${p}`);
    if (!run.verbose && run.skipped.length > 5) lines.push(`    ... and ${run.skipped.length - 5} more`);
  }
  if (run.unreadable.length > 0) {
    lines.push(`  COULD NOT READ ${run.unreadable.length} input${run.unreadable.length === 1 ? '' : 's'} (the hunt went on without them):`);
    for (const p of run.unreadable) lines.push(`    ${p}`);
  }
  return `${lines.join('\n')}\n`;
}
