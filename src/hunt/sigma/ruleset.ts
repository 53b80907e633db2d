/**
 * Loading Sigma rules from files and folders, compiling them, and matching events against them.
 *
 * Loading is split in two so that worker threads do not parse YAML again: `readRuleDocs` turns
 * files into plain documents (structured-cloneable), `RuleSet.build` compiles documents. Both
 * report every rule they cannot use with the file and the reason.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { compileRule, LEVELS, RuleError, type CompiledRule, type CompiledVariant, type CompileOptions, type Level, type RuleMeta } from './compile.ts';
import { fieldsNeeded, parseCorrelation, type CorrelationRule } from './correlation.ts';
import { EventView } from './event-view.ts';
import type { Placeholders, Predicate } from './modifiers.ts';
import type { LogsourceTable } from './logsource.ts';
import { buildScans, type FieldScan, type Need } from './prefilter.ts';
import type { EventRecord } from '../record.ts';

/** One YAML document of a rule file. */
export interface RuleDoc {
  readonly file: string;
  readonly doc: Record<string, unknown>;
}

/** A rule (or file) that could not be used. */
export interface RuleProblem {
  readonly file: string;
  readonly title?: string;
  readonly reason: string;
}

export interface RuleDocs {
  readonly docs: RuleDoc[];
  readonly problems: RuleProblem[];
  readonly files: number;
}

function walkYaml(path: string, out: string[]): void {
  const st = statSync(path);
  if (st.isDirectory()) {
    for (const name of readdirSync(path).sort()) {
      if (name.startsWith('.')) continue;
      walkYaml(join(path, name), out);
    }
  } else if (/\.ya?ml$/i.test(path)) {
    out.push(path);
  }
}

/** Lists the .yml/.yaml files under the given files or folders (sorted, stable). */
export function listRuleFiles(paths: readonly string[]): string[] {
  const out: string[] = [];
  for (const p of paths) walkYaml(p, out);
  return out;
}

/** Parses the YAML text of one rule file (which may hold several documents). */
export function parseRuleText(text: string, file: string): { docs: RuleDoc[]; problems: RuleProblem[] } {
  const docs: RuleDoc[] = [];
  const problems: RuleProblem[] = [];
  let all;
  try {
    all = parseAllDocuments(text, { prettyErrors: false });
  } catch (e) {
    return { docs, problems: [{ file, reason: `YAML: ${(e as Error).message}` }] };
  }
  const list = Array.isArray(all) ? all : [all];
  for (const d of list) {
    if (d.errors.length > 0) {
      const err = d.errors[0];
      const line = err?.linePos?.[0]?.line;
      problems.push({ file, reason: `YAML${line ? ` line ${line}` : ''}: ${err?.message.split('\n')[0] ?? 'error'}` });
      continue;
    }
    const js: unknown = d.toJS({ maxAliasCount: 100 });
    if (js === null || js === undefined) continue;
    if (typeof js !== 'object' || Array.isArray(js)) {
      problems.push({ file, reason: 'a rule document must be a YAML map' });
      continue;
    }
    docs.push({ file, doc: js as Record<string, unknown> });
  }
  return { docs, problems };
}

/** Reads and parses every rule file under the given files/folders. */
export function readRuleDocs(paths: readonly string[]): RuleDocs {
  const files = listRuleFiles(paths);
  const docs: RuleDoc[] = [];
  const problems: RuleProblem[] = [];
  for (const f of files) {
    let text: string;
    try {
      text = readFileSync(f, 'utf8');
    } catch (e) {
      problems.push({ file: f, reason: `cannot read: ${(e as Error).message}` });
      continue;
    }
    const r = parseRuleText(text, f);
    docs.push(...r.docs);
    problems.push(...r.problems);
  }
  return { docs, problems, files: files.length };
}

export interface BuildOptions {
  readonly placeholders?: Placeholders;
  readonly logsources?: LogsourceTable;
  /** Drop rules below this level (correlations are kept; their referenced rules too). */
  readonly minLevel?: Level;
  /**
   * Necessary-literal prefilter (default true): only rules whose required literals occur in the
   * event run their predicate. `false` runs every channel/EventID candidate (the reference path;
   * results are identical).
   */
  readonly prefilter?: boolean;
}

/** A compiled rule plus what the engine needs around it. */
export interface LoadedRule extends CompiledRule {
  /** Position in RuleSet.rules (stable across threads built from the same docs). */
  readonly index: number;
  /** Fields that correlation rules need from this rule's detections. */
  readonly corrFields: readonly string[];
  /** False when the rule only feeds correlations (generate: false). */
  readonly emit: boolean;
  /** True when a correlation rule refers to this rule. */
  readonly correlated: boolean;
}

/** Where a rule variant is looked for, and what it needs (plain data: crosses to workers). */
export interface VariantSpec {
  readonly channels: readonly string[] | null;
  readonly eventIds: readonly number[] | null;
  readonly need: Need;
}

/**
 * A loaded rule as a worker receives it: the parts of its document that compiling reads, plus
 * what the main thread already worked out (index, variants, needs). Workers compile a rule only
 * when an event first makes it a candidate, so rules whose literals never occur cost nothing.
 */
export interface RuleSpec {
  readonly meta: RuleMeta;
  readonly doc: Record<string, unknown>;
  readonly corrFields: readonly string[];
  readonly emit: boolean;
  readonly correlated: boolean;
  readonly variants: readonly VariantSpec[];
}

/** A RuleSet in structured-cloneable form (see RuleSet.spec and RuleSet.fromSpec). */
export interface RuleSetSpec {
  readonly compile: CompileOptions;
  readonly prefilter: boolean;
  readonly rules: readonly RuleSpec[];
}

/** The keys of a rule document that compileRule reads. */
const COMPILE_KEYS = ['title', 'id', 'name', 'level', 'tags', 'logsource', 'detection'];

/** A rule whose predicates are compiled on first use (worker threads). */
class LazyRule implements LoadedRule {
  readonly index: number;
  readonly meta: RuleMeta;
  readonly corrFields: readonly string[];
  readonly emit: boolean;
  readonly correlated: boolean;
  private doc: Record<string, unknown> | undefined;
  private readonly copts: CompileOptions;
  private compiled: readonly CompiledVariant[] | undefined;

  constructor(index: number, spec: RuleSpec, copts: CompileOptions) {
    this.index = index;
    this.meta = spec.meta;
    this.corrFields = spec.corrFields;
    this.emit = spec.emit;
    this.correlated = spec.correlated;
    this.doc = spec.doc;
    // The needs came with the spec; only the predicates are compiled here.
    this.copts = { ...copts, needs: false };
  }

  get variants(): readonly CompiledVariant[] {
    if (this.compiled) return this.compiled;
    // The main thread compiled the same document with the same options, so this cannot fail.
    this.compiled = compileRule(this.doc ?? {}, this.meta.file, this.copts).variants;
    this.doc = undefined;
    return this.compiled;
  }
}

/** One variant of a rule in the channel/EventID index. */
interface IndexedVariant extends VariantSpec {
  readonly rule: LoadedRule;
  /** Position in rule.variants. */
  readonly vi: number;
}

interface Bucket {
  byId: Map<number, IndexedVariant[]>;
  any: IndexedVariant[];
}

/** What an event of one channel and EventID is tested against. */
interface Plan {
  /** Candidate variants, in rule order. */
  readonly variants: readonly IndexedVariant[];
  /** Their predicates, filled in when a variant is first a candidate (lazy rules compile then). */
  readonly preds: (Predicate | undefined)[];
  /** 1 for variants without a usable need: they always run. */
  readonly always: Uint8Array;
  /** Per field, the literals that make the other variants candidates. */
  readonly scans: readonly FieldScan[];
  /** Per variant, the stamp of the last event whose literals made it a candidate. */
  readonly mark: Int32Array;
}

/** Stamps restart before they overflow the Int32Arrays that hold them. */
const MAX_STAMP = 0x3fffffff;

/** A compiled, indexed set of rules. */
export class RuleSet {
  readonly rules: LoadedRule[] = [];
  readonly correlations: CorrelationRule[] = [];
  readonly problems: RuleProblem[] = [];
  /** Rules for other products (not Windows), skipped without being listed. */
  skipped = 0;
  /** Rules dropped by minLevel. */
  belowLevel = 0;
  private readonly byChannel = new Map<string, Bucket>();
  private readonly anyChannel: Bucket = { byId: new Map(), any: [] };
  private readonly plans = new Map<string, Plan>();
  /** Plans by the index lists they are made of: EventIDs without rules of their own share one. */
  private readonly sharedPlans = new Map<string, Plan>();
  private readonly fired: Int32Array;
  private stamp = 0;
  private readonly prefilter: boolean;
  private readonly compileOptions: CompileOptions;
  /** The document of every loaded rule (for spec()). */
  private readonly sources: Record<string, unknown>[] = [];
  /** Scratch list of the literals one scan found. */
  private readonly found: number[] = [];

  private constructor(size: number, prefilter: boolean, copts: CompileOptions) {
    this.fired = new Int32Array(Math.max(1, size));
    this.prefilter = prefilter;
    this.compileOptions = copts;
  }

  /** Compiles documents into an indexed rule set. Never throws on a bad rule. */
  static build(docs: readonly RuleDoc[], opts: BuildOptions = {}): RuleSet {
    const copts: CompileOptions = { placeholders: opts.placeholders ?? {}, ...(opts.logsources ? { logsources: opts.logsources } : {}) };
    const corrDocs = docs.filter((d) => d.doc.correlation !== undefined);
    const ruleDocs = docs.filter((d) => d.doc.correlation === undefined);
    const set = new RuleSet(ruleDocs.length, opts.prefilter ?? true, copts);
    for (const d of corrDocs) {
      try {
        set.correlations.push(parseCorrelation(d.doc, d.file));
      } catch (e) {
        set.problems.push({ file: d.file, title: String(d.doc.title ?? ''), reason: (e as Error).message });
      }
    }
    const minRank = opts.minLevel ? LEVELS.indexOf(opts.minLevel) : 0;
    const seenIds = new Set<string>();
    const compiled: CompiledRule[] = [];
    const sourceOf = new Map<CompiledRule, Record<string, unknown>>();
    for (const d of ruleDocs) {
      try {
        const c = compileRule(d.doc, d.file, copts);
        if (seenIds.has(c.meta.id)) {
          set.problems.push({ file: d.file, title: c.meta.title, reason: `duplicate rule id ${c.meta.id}` });
          continue;
        }
        seenIds.add(c.meta.id);
        compiled.push(c);
        sourceOf.set(c, d.doc);
      } catch (e) {
        if (e instanceof RuleError && e.skip) set.skipped++;
        else set.problems.push({ file: d.file, title: typeof d.doc.title === 'string' ? d.doc.title : undefined, reason: (e as Error).message });
      }
    }
    // Correlations whose referenced rules are missing cannot work; chained correlations
    // (a correlation referring to another correlation) are not supported.
    const known = new Set<string>();
    for (const c of compiled) {
      known.add(c.meta.id);
      if (c.meta.name) known.add(c.meta.name);
    }
    const corrNames = new Set(set.correlations.flatMap((c) => [c.id, ...(c.name ? [c.name] : [])]));
    for (let i = set.correlations.length - 1; i >= 0; i--) {
      const c = set.correlations[i] as CorrelationRule;
      const missing = c.rules.filter((r) => !known.has(r));
      if (missing.length > 0) {
        const chained = missing.some((m) => corrNames.has(m));
        set.problems.push({
          file: c.file,
          title: c.title,
          reason: chained ? `chained correlations are not supported (${missing.join(', ')})` : `referenced rule(s) not loaded: ${missing.join(', ')}`,
        });
        set.correlations.splice(i, 1);
      }
    }
    const referenced = (c: CompiledRule): CorrelationRule[] =>
      set.correlations.filter((k) => k.rules.some((r) => r === c.meta.id || (c.meta.name !== undefined && r === c.meta.name)));
    for (const c of compiled) {
      const refs = referenced(c);
      if (refs.length === 0 && LEVELS.indexOf(c.meta.level) < minRank) {
        set.belowLevel++;
        continue;
      }
      const emit = (refs.length === 0 || refs.some((k) => k.generate)) && LEVELS.indexOf(c.meta.level) >= minRank;
      const rule: LoadedRule = { ...c, index: set.rules.length, corrFields: fieldsNeeded(refs, c.meta.id, c.meta.name), emit, correlated: refs.length > 0 };
      set.rules.push(rule);
      set.sources.push(sourceOf.get(c) as Record<string, unknown>);
      c.variants.forEach((v, vi) => set.index({ channels: v.channels, eventIds: v.eventIds, need: v.need, rule, vi }));
    }
    return set;
  }

  /**
   * The loaded rules in structured-cloneable form for worker threads: the documents trimmed to
   * what compiling reads, with the index and needs computed here, so that a worker builds its
   * RuleSet (fromSpec) without compiling anything up front.
   */
  spec(): RuleSetSpec {
    if (this.sources.length !== this.rules.length) throw new Error('RuleSet.spec() needs a rule set built from documents (RuleSet.build)');
    const rules = this.rules.map((r, i): RuleSpec => {
      const src = this.sources[i] as Record<string, unknown>;
      const doc: Record<string, unknown> = {};
      for (const k of COMPILE_KEYS) if (src[k] !== undefined) doc[k] = src[k];
      return {
        meta: r.meta,
        doc,
        corrFields: r.corrFields,
        emit: r.emit,
        correlated: r.correlated,
        variants: r.variants.map((v) => ({ channels: v.channels, eventIds: v.eventIds, need: v.need })),
      };
    });
    return { compile: this.compileOptions, prefilter: this.prefilter, rules };
  }

  /** A RuleSet from spec() whose rules compile on first use; it matches exactly like the original. */
  static fromSpec(spec: RuleSetSpec): RuleSet {
    const set = new RuleSet(spec.rules.length, spec.prefilter, spec.compile);
    spec.rules.forEach((rs, index) => {
      const rule = new LazyRule(index, rs, spec.compile);
      set.rules.push(rule);
      rs.variants.forEach((v, vi) => set.index({ channels: v.channels, eventIds: v.eventIds, need: v.need, rule, vi }));
    });
    return set;
  }

  private index(v: IndexedVariant): void {
    const buckets: Bucket[] = [];
    if (v.channels === null) buckets.push(this.anyChannel);
    else {
      for (const ch of v.channels) {
        const k = ch.toLowerCase();
        let b = this.byChannel.get(k);
        if (!b) {
          b = { byId: new Map(), any: [] };
          this.byChannel.set(k, b);
        }
        buckets.push(b);
      }
    }
    for (const b of buckets) {
      if (v.eventIds === null) b.any.push(v);
      else {
        for (const id of v.eventIds) {
          let l = b.byId.get(id);
          if (!l) b.byId.set(id, (l = []));
          l.push(v);
        }
      }
    }
  }

  /** The plan for events of this channel and EventID (cached). */
  private planFor(channel: string, eventId: number): Plan {
    const key = `${channel}\u0000${eventId}`;
    let p = this.plans.get(key);
    if (p) return p;
    // The candidates are made of four index lists; the plan is shared by every key with the same.
    const ch = channel.toLowerCase();
    const b = this.byChannel.get(ch);
    const sharedKey = `${b ? ch : ''}\u0000${b?.byId.has(eventId) ? eventId : '*'}\u0000${this.anyChannel.byId.has(eventId) ? eventId : '*'}`;
    p = this.sharedPlans.get(sharedKey);
    if (!p) {
      const variants = this.candidatesFor(channel, eventId);
      const { always, scans } = this.prefilter ? buildScans(variants.map((v) => v.need)) : { always: new Uint8Array(variants.length).fill(1), scans: [] };
      p = { variants, preds: new Array<Predicate | undefined>(variants.length).fill(undefined), always, scans, mark: new Int32Array(variants.length) };
      if (this.sharedPlans.size > 10000) this.sharedPlans.clear();
      this.sharedPlans.set(sharedKey, p);
    }
    if (this.plans.size > 10000) this.plans.clear();
    this.plans.set(key, p);
    return p;
  }

  private nextStamp(): number {
    if (this.stamp >= MAX_STAMP) {
      this.stamp = 0;
      this.fired.fill(0);
      for (const p of this.sharedPlans.values()) {
        p.mark.fill(0);
        for (const s of p.scans) s.ac.resetStamps();
      }
    }
    return ++this.stamp;
  }

  /** The variants an event of this channel and EventID is tested against. */
  private candidatesFor(channel: string, eventId: number): IndexedVariant[] {
    const b = this.byChannel.get(channel.toLowerCase());
    const list = [
      ...(b?.byId.get(eventId) ?? []),
      ...(b?.any ?? []),
      ...(this.anyChannel.byId.get(eventId) ?? []),
      ...this.anyChannel.any,
    ] as IndexedVariant[];
    list.sort((x, y) => x.rule.index - y.rule.index);
    return list;
  }

  /** Tests a record; calls `onMatch` once per matching rule. */
  match(record: EventRecord, onMatch: (rule: LoadedRule) => void): void {
    const plan = this.planFor(record.channel, record.eventId);
    const cands = plan.variants;
    if (cands.length === 0) return;
    const ev = new EventView(record);
    const stamp = this.nextStamp();
    const { always, mark, scans, preds } = plan;
    if (scans.length > 0) {
      const found = this.found;
      for (const sc of scans) {
        const vals = sc.field === null ? ev.allValuesLower() : ev.lower(sc.field);
        if (vals === null) continue;
        found.length = 0;
        if (typeof vals === 'string') sc.ac.scan(vals, stamp, found);
        else for (const x of vals) sc.ac.scan(x, stamp, found);
        for (const p of found) {
          const t = sc.targets[p] as Int32Array;
          for (let j = 0; j < t.length; j++) mark[t[j] as number] = stamp;
        }
      }
    }
    for (let i = 0; i < cands.length; i++) {
      if (always[i] === 0 && mark[i] !== stamp) continue;
      const v = cands[i] as IndexedVariant;
      const r = v.rule;
      if (this.fired[r.index] === stamp) continue; // another variant of the rule already fired
      // Resolved outside the try: a lazy rule that fails to compile must be loud, not unmatched.
      let pred = preds[i];
      if (pred === undefined) pred = preds[i] = (r.variants[v.vi] as CompiledVariant).match;
      let hit = false;
      try {
        hit = pred(ev);
      } catch {
        hit = false;
      }
      if (hit) {
        this.fired[r.index] = stamp;
        onMatch(r);
      }
    }
  }

  /** The number of candidate rule variants for a channel/EventID (for tests of the index). */
  candidateCount(channel: string, eventId: number): number {
    return this.planFor(channel, eventId).variants.length;
  }

  /** How the prefilter splits a channel/EventID's candidates (for tests and tuning). */
  prefilterStats(channel: string, eventId: number): { candidates: number; always: number; fields: number; literals: number } {
    const p = this.planFor(channel, eventId);
    let always = 0;
    for (const a of p.always) always += a;
    return { candidates: p.variants.length, always, fields: p.scans.length, literals: p.scans.reduce((n, s) => n + s.targets.length, 0) };
  }
}
