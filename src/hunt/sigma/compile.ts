/**
 * Compiles one Sigma detection rule (a parsed YAML document) into predicates, once per logsource
 * variant (process_creation: Sysmon 1 with Sigma field names, Security 4688 with renamed fields).
 */
import { compileCondition, conditionEventIds, parseCondition, type Cond } from './condition.ts';
import type { EventView } from './event-view.ts';
import { compileField, compileFieldTest, type Placeholders, type Predicate } from './modifiers.ts';
import { conditionNeed, needAnd, needOr, type Need } from './prefilter.ts';
import { resolveLogsource, type LogsourceTable, type LogsourceVariant } from './logsource.ts';

export const LEVELS = ['informational', 'low', 'medium', 'high', 'critical'] as const;
export type Level = (typeof LEVELS)[number];

/** What a detection reports about its rule. */
export interface RuleMeta {
  readonly id: string;
  readonly title: string;
  readonly level: Level;
  /** `name` of the rule (correlations may refer to it). */
  readonly name?: string;
  readonly file: string;
  readonly tags: readonly string[];
}

export interface CompiledVariant {
  readonly channels: readonly string[] | null;
  readonly eventIds: readonly number[] | null;
  readonly match: Predicate;
  /** Literals at least one of which a matching event contains (null: none known); see prefilter.ts. */
  readonly need: Need;
}

export interface CompiledRule {
  readonly meta: RuleMeta;
  readonly variants: readonly CompiledVariant[];
}

export interface CompileOptions {
  readonly placeholders: Placeholders;
  readonly logsources?: LogsourceTable;
  /** Work out the prefilter literals (default true; a worker's rules get them in the spec). */
  readonly needs?: boolean;
}

/** Why a rule cannot be used; `skip` marks rules for other products (counted, not listed). */
export class RuleError extends Error {
  readonly skip: boolean;
  constructor(message: string, skip = false) {
    super(message);
    this.skip = skip;
  }
}

function isMap(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

export function parseLevel(v: unknown): Level | null {
  const s = typeof v === 'string' ? v.toLowerCase() : '';
  return (LEVELS as readonly string[]).includes(s) ? (s as Level) : null;
}

/** Reads the metadata of a rule document; throws RuleError when mandatory parts are missing. */
export function ruleMeta(doc: Record<string, unknown>, file: string): RuleMeta {
  const title = typeof doc.title === 'string' ? doc.title : '';
  if (!title) throw new RuleError('missing title');
  const id = typeof doc.id === 'string' && doc.id ? doc.id : `${file}#${title}`;
  const level = doc.level === undefined ? 'medium' : parseLevel(doc.level);
  if (!level) throw new RuleError(`bad level '${String(doc.level)}'`);
  const tags = Array.isArray(doc.tags) ? doc.tags.filter((t): t is string => typeof t === 'string') : [];
  return { id, title, level, ...(typeof doc.name === 'string' ? { name: doc.name } : {}), file, tags };
}

interface SearchId {
  readonly pred: Predicate;
  readonly eventIds: ReadonlySet<number> | null;
  readonly need: Need;
}

function splitKey(key: string): { field: string; mods: string[] } {
  const parts = key.split('|');
  return { field: parts[0] as string, mods: parts.slice(1).map((m) => m.toLowerCase()) };
}

function compileMap(map: Record<string, unknown>, v: LogsourceVariant, opts: CompileOptions, where: string): SearchId {
  const preds: Predicate[] = [];
  const needs: Need[] = [];
  let ids: Set<number> | null = null;
  const keys = Object.keys(map);
  if (keys.length === 0) throw new RuleError(`${where}: empty selection`);
  for (const key of keys) {
    const { field, mods } = splitKey(key);
    const value = map[key];
    const target = field === '' ? null : (v.fieldMap[field] ?? field);
    try {
      const t = compileField(target, mods, value, opts);
      preds.push(t.pred);
      needs.push(t.need);
    } catch (e) {
      throw new RuleError(`${where}.${key}: ${(e as Error).message}`);
    }
    if (field === 'EventID' && mods.length === 0) {
      const list = Array.isArray(value) ? value : [value];
      const nums = list.map((x) => (typeof x === 'number' ? x : typeof x === 'string' && /^\d+$/.test(x) ? Number(x) : NaN));
      if (nums.every((n) => Number.isInteger(n))) ids = new Set(nums);
    }
  }
  const pred: Predicate =
    preds.length === 1
      ? (preds[0] as Predicate)
      : (ev) => {
          for (const p of preds) if (!p(ev)) return false;
          return true;
        };
  return { pred, eventIds: ids, need: needAnd(needs) };
}

function compileSearch(name: string, value: unknown, v: LogsourceVariant, opts: CompileOptions): SearchId {
  const where = `detection.${name}`;
  if (isMap(value)) return compileMap(value, v, opts, where);
  if (Array.isArray(value)) {
    if (value.length === 0) throw new RuleError(`${where}: empty list`);
    if (value.every(isMap)) {
      const parts = value.map((m, i) => compileMap(m, v, opts, `${where}[${i}]`));
      const preds = parts.map((p) => p.pred);
      const idSets = parts.map((p) => p.eventIds);
      const eventIds = idSets.some((s) => s === null) ? null : new Set(idSets.flatMap((s) => [...(s ?? [])]));
      return { pred: (ev) => preds.some((p) => p(ev)), eventIds, need: needOr(parts.map((p) => p.need)) };
    }
    if (value.some((x) => isMap(x) || Array.isArray(x))) throw new RuleError(`${where}: a list mixes maps and plain values`);
    try {
      return { ...compileField(null, [], value, opts), eventIds: null };
    } catch (e) {
      throw new RuleError(`${where}: ${(e as Error).message}`);
    }
  }
  if (typeof value === 'string' || typeof value === 'number') {
    return { ...compileField(null, [], value, opts), eventIds: null };
  }
  throw new RuleError(`${where}: a search identifier must be a map, a list or a keyword, not ${value === null ? 'null' : typeof value}`);
}

/** Compiles a detection rule; throws RuleError with the reason when it cannot be used. */
export function compileRule(doc: Record<string, unknown>, file: string, opts: CompileOptions): CompiledRule {
  const meta = ruleMeta(doc, file);
  const ls = resolveLogsource(doc.logsource, opts.logsources);
  if (ls.kind === 'not-windows') throw new RuleError(ls.reason, true);
  if (ls.kind === 'unusable') throw new RuleError(ls.reason);
  const det = doc.detection;
  if (!isMap(det)) throw new RuleError('missing detection');
  const rawCond = det.condition;
  const conds: string[] = typeof rawCond === 'string' ? [rawCond] : Array.isArray(rawCond) ? rawCond.map(String) : [];
  if (conds.length === 0) throw new RuleError('detection has no condition');
  const names = Object.keys(det).filter((k) => k !== 'condition' && k !== 'timeframe');
  let parsed: Cond[];
  try {
    parsed = conds.map((c) => parseCondition(c, names));
  } catch (e) {
    throw new RuleError((e as Error).message);
  }
  const variants: CompiledVariant[] = [];
  for (const v of ls.variants) {
    const ids = new Map<string, Predicate>();
    const idSets = new Map<string, ReadonlySet<number> | null>();
    const idNeeds = new Map<string, Need>();
    for (const n of names) {
      const s = compileSearch(n, det[n], v, opts);
      ids.set(n, s.pred);
      idSets.set(n, s.eventIds);
      idNeeds.set(n, s.need);
    }
    const cond: Cond = parsed.length === 1 ? (parsed[0] as Cond) : { k: 'or', items: parsed };
    let match = compileCondition<EventView>(cond, ids);
    // Logsource extras (registry_add: EventType CreateKey) are ANDed in front.
    const extras = Object.entries(v.conditions).map(([f, val]) => compileFieldTest(f, [], val, opts));
    if (extras.length > 0) {
      const inner = match;
      match = (ev) => extras.every((x) => x(ev)) && inner(ev);
    }
    let eventIds: number[] | null = v.eventIds ? [...v.eventIds] : null;
    const fromCond = conditionEventIds(cond, idSets);
    if (fromCond) eventIds = eventIds ? eventIds.filter((x) => fromCond.has(x)) : [...fromCond];
    if (eventIds && eventIds.length === 0) {
      // The rule's own EventID disagrees with its logsource: it can never match there.
      continue;
    }
    // The logsource extras are ANDed: leaving them out of the need keeps it necessary.
    variants.push({ channels: v.channels, eventIds, match, need: opts.needs === false ? null : conditionNeed(cond, idNeeds) });
  }
  if (variants.length === 0) throw new RuleError('the EventIDs in the detection never occur in the logsource');
  return { meta, variants };
}
