/**
 * Sigma correlation rules (event_count, value_count, temporal, temporal_ordered) evaluated over a
 * stream of detections in timestamp order. State is kept per correlation and group key, and is
 * evicted once it falls out of the timespan, so memory is bounded by what one timespan holds.
 *
 * Firing semantics (the spec leaves them to the tool):
 * - lower-bound conditions (gt/gte, optionally with an upper bound) fire as soon as the sliding
 *   window satisfies them; the group's window is then cleared, so one burst gives one alert per
 *   threshold reached, not one per extra event;
 * - conditions with only an upper bound or `eq` (lt/lte/eq) are evaluated when a group's window
 *   closes (tumbling window starting at the group's first event), and at the end of the stream.
 */
import { parseLevel, RuleError, type Level } from './compile.ts';

export type CorrelationType = 'event_count' | 'value_count' | 'temporal' | 'temporal_ordered';

export interface CountCondition {
  readonly gt?: number;
  readonly gte?: number;
  readonly lt?: number;
  readonly lte?: number;
  readonly eq?: number;
}

export interface CorrelationRule {
  readonly id: string;
  readonly title: string;
  readonly level: Level;
  readonly name?: string;
  readonly file: string;
  readonly tags: readonly string[];
  readonly type: CorrelationType;
  /** Referenced rules as written (id or name). */
  readonly rules: readonly string[];
  readonly groupBy: readonly string[];
  readonly timespanMs: number;
  readonly condition: CountCondition;
  /** value_count: the field whose distinct values are counted. */
  readonly field?: string;
  /** alias -> rule name/id -> field. */
  readonly aliases: Readonly<Record<string, Readonly<Record<string, string>>>>;
  readonly generate: boolean;
}

/** Parses `30s`, `5m`, `1h`, `2d` (also `1w` / `1M` are not Sigma; rejected). */
export function parseTimespan(s: unknown): number {
  const m = typeof s === 'string' ? /^(\d+)\s*([smhd])$/.exec(s.trim()) : null;
  if (!m) throw new RuleError(`bad timespan '${String(s)}' (expected e.g. 30s, 5m, 1h, 2d)`);
  const n = Number(m[1]);
  const unit = { s: 1000, m: 60000, h: 3600000, d: 86400000 }[m[2] as 's' | 'm' | 'h' | 'd'];
  return n * unit;
}

/** Reads a correlation document; throws RuleError when it is malformed. */
export function parseCorrelation(doc: Record<string, unknown>, file: string): CorrelationRule {
  const title = typeof doc.title === 'string' ? doc.title : '';
  if (!title) throw new RuleError('missing title');
  const c = doc.correlation as Record<string, unknown>;
  const type = c.type;
  if (type !== 'event_count' && type !== 'value_count' && type !== 'temporal' && type !== 'temporal_ordered') {
    throw new RuleError(`unknown correlation type '${String(type)}'`);
  }
  const rules = (Array.isArray(c.rules) ? c.rules : typeof c.rules === 'string' ? [c.rules] : []).map(String);
  if (rules.length === 0) throw new RuleError('correlation.rules is empty');
  const gb = c['group-by'];
  const groupBy = (Array.isArray(gb) ? gb : typeof gb === 'string' ? [gb] : []).map(String);
  const timespanMs = parseTimespan(c.timespan ?? c.timeframe);
  const condition: Record<string, number> = {};
  let field: string | undefined;
  const rawCond = c.condition;
  if (rawCond !== undefined) {
    if (rawCond === null || typeof rawCond !== 'object' || Array.isArray(rawCond)) throw new RuleError('correlation.condition must be a map');
    for (const [k, v] of Object.entries(rawCond as Record<string, unknown>)) {
      if (k === 'field') {
        field = String(v);
        continue;
      }
      if (!['gt', 'gte', 'lt', 'lte', 'eq'].includes(k)) throw new RuleError(`correlation.condition: unknown operator '${k}'`);
      if (typeof v !== 'number') throw new RuleError(`correlation.condition.${k} must be a number`);
      condition[k] = v;
    }
  }
  if (Object.keys(condition).length === 0) {
    if (type === 'event_count' || type === 'value_count') throw new RuleError('correlation.condition needs gt/gte/lt/lte/eq');
    condition.gte = rules.length; // temporal: all referenced rules by default
  }
  if (type === 'value_count' && !field) throw new RuleError('value_count needs condition.field');
  const aliases: Record<string, Record<string, string>> = {};
  if (c.aliases && typeof c.aliases === 'object') {
    for (const [alias, m] of Object.entries(c.aliases as Record<string, unknown>)) {
      if (!m || typeof m !== 'object') throw new RuleError(`correlation.aliases.${alias} must map rule names to fields`);
      aliases[alias] = Object.fromEntries(Object.entries(m as Record<string, unknown>).map(([r, f]) => [r, String(f)]));
    }
  }
  const level = doc.level === undefined ? 'medium' : parseLevel(doc.level);
  if (!level) throw new RuleError(`bad level '${String(doc.level)}'`);
  return {
    id: typeof doc.id === 'string' ? doc.id : `${file}#${title}`,
    title,
    level,
    ...(typeof doc.name === 'string' ? { name: doc.name } : {}),
    file,
    tags: Array.isArray(doc.tags) ? doc.tags.map(String) : [],
    type,
    rules,
    groupBy,
    timespanMs,
    condition,
    ...(field ? { field } : {}),
    aliases,
    generate: c.generate === true || doc.generate === true,
  };
}

/** A detection as the correlation engine needs it. */
export interface CorrelationInput {
  /** The referenced rule's id and name (either may be used in `rules:`). */
  readonly ruleId: string;
  readonly ruleName?: string;
  readonly timeMs: number;
  /** Field values of the event that correlations group by or count. */
  readonly fields: Readonly<Record<string, string>>;
  readonly ref: CorrelationRef;
}

/** What identifies the triggering event in the output (record.ts: identity and location). */
export interface CorrelationRef {
  readonly file: string;
  readonly eventRecordId: number;
  readonly chunk?: number;
  readonly offset?: number;
  readonly line?: number;
  readonly recovered?: true;
  readonly timestamp: string;
  readonly computer: string;
  readonly channel?: string;
  readonly eventId: number;
  readonly details?: Readonly<Record<string, string>>;
}

export interface CorrelationHit {
  readonly rule: CorrelationRule;
  readonly group: Readonly<Record<string, string>>;
  /** The count that satisfied the condition (events, distinct values or rules). */
  readonly count: number;
  readonly first: CorrelationRef;
  readonly last: CorrelationRef;
}

function lowerOnly(c: CountCondition): boolean {
  return c.gt !== undefined || c.gte !== undefined;
}

function holds(c: CountCondition, n: number): boolean {
  if (c.gt !== undefined && !(n > c.gt)) return false;
  if (c.gte !== undefined && !(n >= c.gte)) return false;
  if (c.lt !== undefined && !(n < c.lt)) return false;
  if (c.lte !== undefined && !(n <= c.lte)) return false;
  if (c.eq !== undefined && n !== c.eq) return false;
  return true;
}

interface Entry {
  readonly t: number;
  readonly ref: CorrelationRef;
  /** value_count: the value; temporal: index of the referenced rule. */
  readonly v: string;
}

interface GroupState {
  entries: Entry[];
  head: number;
  windowStart: number;
  lastSeen: number;
  /** temporal_ordered: latest start time of a chain that has reached step i. */
  chain?: (number | undefined)[];
  chainRef?: (CorrelationRef | undefined)[];
}

/** The fields a detection of rule (id, name) must carry for correlations to group and count it. */
export function fieldsNeeded(rules: readonly CorrelationRule[], id: string, name: string | undefined): string[] {
  const out = new Set<string>();
  for (const r of rules) {
    if (!r.rules.some((x) => x === id || (name !== undefined && x === name))) continue;
    for (const g of r.groupBy) {
      const a = r.aliases[g];
      const f = a ? (a[name ?? ''] ?? a[id]) : undefined;
      out.add(f ?? g);
    }
    if (r.field) out.add(r.field);
  }
  return [...out];
}

/** Streaming evaluator. Feed detections in timestamp order; call `finish` at the end. */
export class CorrelationEngine {
  private readonly rules: readonly CorrelationRule[];
  private readonly state = new Map<CorrelationRule, Map<string, GroupState>>();
  private readonly emit: (h: CorrelationHit) => void;
  private fed = 0;
  private now = -Infinity;

  constructor(rules: readonly CorrelationRule[], emit: (h: CorrelationHit) => void) {
    this.rules = rules;
    this.emit = emit;
    for (const r of rules) this.state.set(r, new Map());
  }

  /** Number of live group states (for tests of eviction). */
  liveGroups(): number {
    let n = 0;
    for (const m of this.state.values()) n += m.size;
    return n;
  }

  push(d: CorrelationInput): void {
    if (d.timeMs > this.now) this.now = d.timeMs;
    for (const r of this.rules) {
      const idx = r.rules.findIndex((x) => x === d.ruleId || (d.ruleName !== undefined && x === d.ruleName));
      if (idx < 0) continue;
      const group: Record<string, string> = {};
      for (const g of r.groupBy) {
        const a = r.aliases[g];
        const f = a ? (a[d.ruleName ?? ''] ?? a[d.ruleId] ?? g) : g;
        group[g] = d.fields[f] ?? '';
      }
      const key = JSON.stringify(r.groupBy.map((g) => group[g]));
      this.feed(r, key, group, idx, d);
    }
    if (++this.fed % 4096 === 0) this.evict();
  }

  private feed(r: CorrelationRule, key: string, group: Record<string, string>, idx: number, d: CorrelationInput): void {
    const groups = this.state.get(r) as Map<string, GroupState>;
    let g = groups.get(key);
    const t = d.timeMs;
    if (!g) {
      g = { entries: [], head: 0, windowStart: t, lastSeen: t };
      groups.set(key, g);
    }
    g.lastSeen = t;
    if (r.type === 'temporal_ordered') {
      this.feedOrdered(r, g, group, idx, d);
      return;
    }
    const value = r.type === 'value_count' ? (d.fields[r.field ?? ''] ?? '') : String(idx);
    if (r.type === 'value_count' && value === '') return; // no value: nothing to count
    if (!lowerOnly(r.condition)) {
      // Tumbling window: close the previous one when this event falls outside it.
      if (t - g.windowStart > r.timespanMs) {
        this.closeWindow(r, g, group);
        g.entries = [];
        g.head = 0;
        g.windowStart = t;
      }
      g.entries.push({ t, ref: d.ref, v: value });
      return;
    }
    g.entries.push({ t, ref: d.ref, v: value });
    while (g.head < g.entries.length && t - (g.entries[g.head] as Entry).t > r.timespanMs) g.head++;
    if (g.head > 1024 && g.head * 2 > g.entries.length) {
      g.entries = g.entries.slice(g.head);
      g.head = 0;
    }
    const n = this.measure(r, g);
    if (holds(r.condition, n)) {
      this.emit({ rule: r, group, count: n, first: (g.entries[g.head] as Entry).ref, last: d.ref });
      g.entries = [];
      g.head = 0;
    }
  }

  private measure(r: CorrelationRule, g: GroupState): number {
    if (r.type === 'event_count') return g.entries.length - g.head;
    const s = new Set<string>();
    for (let i = g.head; i < g.entries.length; i++) s.add((g.entries[i] as Entry).v);
    return s.size;
  }

  private closeWindow(r: CorrelationRule, g: GroupState, group: Record<string, string>): void {
    if (g.entries.length === 0) return;
    const n = this.measure(r, g);
    if (holds(r.condition, n)) {
      this.emit({ rule: r, group, count: n, first: (g.entries[0] as Entry).ref, last: (g.entries[g.entries.length - 1] as Entry).ref });
    }
  }

  private feedOrdered(r: CorrelationRule, g: GroupState, group: Record<string, string>, _idx: number, d: CorrelationInput): void {
    const n = r.rules.length;
    g.chain ??= new Array<number | undefined>(n).fill(undefined);
    g.chainRef ??= new Array<CorrelationRef | undefined>(n).fill(undefined);
    const t = d.timeMs;
    // The same rule may appear at several steps: walk them from the last so one event does not
    // advance the chain twice.
    for (let i = n - 1; i >= 0; i--) {
      if (r.rules[i] !== d.ruleId && r.rules[i] !== d.ruleName) continue;
      if (i === 0) {
        g.chain[0] = t;
        g.chainRef[0] = d.ref;
      } else {
        const start = g.chain[i - 1];
        if (start !== undefined && t - start <= r.timespanMs && (g.chain[i] === undefined || (g.chain[i] as number) < start)) {
          g.chain[i] = start;
          g.chainRef[i] = g.chainRef[i - 1];
        }
      }
    }
    const c = r.condition;
    const steps = Math.max(1, Math.min(n, c.gte ?? (c.gt !== undefined ? c.gt + 1 : n)));
    const done = g.chain[steps - 1];
    if (done !== undefined && t - done <= r.timespanMs) {
      this.emit({ rule: r, group, count: steps, first: g.chainRef[steps - 1] ?? d.ref, last: d.ref });
      g.chain.fill(undefined);
      g.chainRef.fill(undefined);
    }
  }

  /** Drops groups whose newest event is older than their timespan (closing tumbling windows). */
  private evict(): void {
    for (const r of this.rules) {
      const groups = this.state.get(r) as Map<string, GroupState>;
      for (const [k, g] of groups) {
        if (this.now - g.lastSeen > r.timespanMs) {
          if (!lowerOnly(r.condition) && r.type !== 'temporal_ordered') this.closeWindow(r, g, this.groupOf(r, k));
          groups.delete(k);
        }
      }
    }
  }

  private groupOf(r: CorrelationRule, key: string): Record<string, string> {
    const vals = JSON.parse(key) as string[];
    return Object.fromEntries(r.groupBy.map((g, i) => [g, vals[i] ?? '']));
  }

  /** Closes every open window (end of the stream). */
  finish(): void {
    for (const r of this.rules) {
      const groups = this.state.get(r) as Map<string, GroupState>;
      if (!lowerOnly(r.condition) && r.type !== 'temporal_ordered') {
        for (const [k, g] of groups) this.closeWindow(r, g, this.groupOf(r, k));
      }
      groups.clear();
    }
  }
}
