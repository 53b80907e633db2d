/**
 * Cause chains, computed lazily for the cells someone looks at: the engine's hot loops only keep
 * numbers; here we walk back from a cell through its lost needs to what someone did or saw.
 *
 * Chains multiply (a service needing 8 of 15 workstations, each isolated; an app on 4 hosts...),
 * so a need of the cell itself lists at most 2 lost targets and a need further down only 1: the
 * step says how many are lost in all ("4 of 4 unavailable, 2 needed"). A cell gets at most
 * MAX_CHAINS chains.
 */
import type { AssetId, NeedId } from '../ids.ts';
import type { Asset, NeedEffect } from '../model.ts';
import { statusOf } from '../state.ts';
import { OWN_AVAILABLE, OWN_OBSERVED_DOWN, OWN_UNAVAILABLE, OWN_UNKNOWN, TARGET_INTERNET, TARGET_MISSING } from './graph.ts';
import type { ImpactEngine } from './engine.ts';
import type { CauseChain, CauseStep, RiskCause, RootCause } from './types.ts';

const MAX_TARGETS_TOP = 2;
const MAX_TARGETS_DEEP = 1;
const MAX_CHAINS = 12;
const MAX_DEPTH = 32;
const MAX_RISK_CAUSES = 3;

interface Tail {
  readonly steps: readonly CauseStep[];
  readonly root: RootCause;
  readonly unknown: boolean;
}

/** Label of a node on a chain: `radiology@hsp-a`, `app pacs`, `host srv-pacs-01`. */
export function nodeLabel(engine: ImpactEngine, n: number): string {
  const g = engine.g;
  if (n < g.serviceCount) return g.services[n]!.id;
  const a = g.assets[n - g.serviceCount]!;
  return `${ASSET_WORD[a.kind] ?? a.kind} ${a.id}`;
}

const ASSET_WORD: Readonly<Record<Asset['kind'], string>> = {
  application: 'app',
  server: 'host',
  workstation: 'workstation',
  network: 'network',
  'medical-device': 'device',
};

/** Downtime procedures of the node's needs that are surely lost, worst capacity first, deduplicated. */
export function proceduresOf(engine: ImpactEngine, n: number): string[] {
  const g = engine.g;
  const found: { p: string; c: number }[] = [];
  if (engine.own[n] === OWN_UNAVAILABLE || engine.own[n] === OWN_OBSERVED_DOWN) return [];
  for (let k = g.needStart[n]!; k < g.needStart[n + 1]!; k++) {
    const effect = g.needs[k]!.effect;
    if (effect.kind !== 'degraded') continue;
    const { possible } = countTargets(engine, k);
    if (possible < g.needMin[k]!) found.push({ p: effect.procedure, c: effect.capacity });
  }
  found.sort((a, b) => a.c - b.c);
  return [...new Set(found.map((f) => f.p))];
}

/** How many targets of need k are surely and possibly available. */
export function countTargets(engine: ImpactEngine, k: number): { sure: number; possible: number } {
  const g = engine.g;
  let sure = 0;
  let possible = 0;
  for (let e = g.targetStart[k]!; e < g.targetStart[k + 1]!; e++) {
    if (engine.cut[e] === 1) continue;
    const t = g.edgeTarget[e]!;
    if (t === TARGET_INTERNET) {
      sure++;
      possible++;
    } else if (t === TARGET_MISSING) possible++;
    else if (engine.hi[t]! > 0) {
      possible++;
      if (engine.lo[t]! > 0) sure++;
    }
  }
  return { sure, possible };
}

/** The root cause an unavailable asset node is itself: its recorded state. */
export function ownRoot(engine: ImpactEngine, n: number): RootCause {
  const a = engine.g.assets[n - engine.g.serviceCount]!;
  const st = statusOf(engine.state, a.id);
  return {
    kind: 'asset-state',
    asset: a.id,
    recovery: st.recovery,
    security: st.security,
    ...(st.observed === undefined ? {} : { observed: st.observed }),
    reason: st.reason,
    changedAt: st.changedAt,
    ...(st.changedSeq > 0 ? { changedSeq: st.changedSeq } : {}),
  };
}

/** The chains below node n (without n itself), memoised per call. */
function tailsOf(engine: ImpactEngine, n: number, memo: Map<number, Tail[]>, visiting: Set<number>, depth: number): Tail[] {
  const cached = memo.get(n);
  if (cached !== undefined) return cached;
  const g = engine.g;
  if (visiting.has(n) || depth > MAX_DEPTH) return [{ steps: [], root: { kind: 'cycle', id: nodeIdOf(engine, n) }, unknown: true }];
  visiting.add(n);
  const out: Tail[] = [];
  const own = engine.own[n]!;
  if (n >= g.serviceCount && own !== OWN_AVAILABLE) {
    out.push({ steps: [], root: ownRoot(engine, n), unknown: own === OWN_UNKNOWN });
  }
  if (n < g.serviceCount || own === OWN_AVAILABLE || own === OWN_UNKNOWN) {
    for (let k = g.needStart[n]!; k < g.needStart[n + 1]! && out.length < MAX_CHAINS; k++) {
      for (const t of needTails(engine, k, memo, visiting, depth)) {
        if (out.length >= MAX_CHAINS) break;
        out.push(t);
      }
    }
  }
  visiting.delete(n);
  memo.set(n, out);
  return out;
}

/** Chains through need k, starting with the step into each lost target. Empty when the need is met. */
function needTails(engine: ImpactEngine, k: number, memo: Map<number, Tail[]>, visiting: Set<number>, depth: number): Tail[] {
  const g = engine.g;
  const min = g.needMin[k]!;
  const { sure, possible } = countTargets(engine, k);
  if (sure >= min) return [];
  const needUnknown = possible >= min;
  const total = g.targetStart[k + 1]! - g.targetStart[k]!;
  const lost: number[] = [];
  for (let e = g.targetStart[k]!; e < g.targetStart[k + 1]!; e++) {
    const t = g.edgeTarget[e]!;
    const available = engine.cut[e] === 0 && (t === TARGET_INTERNET || (t >= 0 && engine.lo[t]! > 0));
    if (!available) lost.push(e);
  }
  const group = total > 1 ? { needed: min, of: total, unavailable: lost.length } : undefined;
  const out: Tail[] = [];
  for (const e of lost.slice(0, depth === 0 ? MAX_TARGETS_TOP : MAX_TARGETS_DEEP)) {
    const t = g.edgeTarget[e]!;
    const step: CauseStep =
      t === TARGET_INTERNET
        ? { type: 'internet', id: 'internet', label: 'internet', ...(group ? { group } : {}) }
        : t === TARGET_MISSING
          ? { type: 'asset', id: missingId(engine, e), label: missingId(engine, e), ...(group ? { group } : {}) }
          : { type: t < g.serviceCount ? 'service' : 'asset', id: nodeIdOf(engine, t), label: nodeLabel(engine, t), ...(group ? { group } : {}) };
    if (engine.cut[e] === 1) {
      for (const m of engine.measures) {
        if (!engine.measureCuts(m, e)) continue;
        const mm = m.measure;
        out.push({
          steps: [step],
          root: { kind: 'measure', measure: mm.id, type: mm.type, ...(mm.site === undefined ? {} : { site: mm.site }), ...(mm.zone === undefined ? {} : { zone: mm.zone }), reason: mm.reason, appliedAt: mm.appliedAt },
          unknown: needUnknown,
        });
      }
    } else if (t === TARGET_MISSING) {
      out.push({ steps: [step], root: { kind: 'missing', id: step.id }, unknown: true });
    } else if (t >= 0) {
      for (const sub of tailsOf(engine, t, memo, visiting, depth + 1)) {
        out.push({ steps: [step, ...sub.steps], root: sub.root, unknown: needUnknown || sub.unknown });
      }
    }
  }
  return out;
}

/** The id of node n (service id or asset id). */
export function nodeIdOf(engine: ImpactEngine, n: number): string {
  const g = engine.g;
  return n < g.serviceCount ? g.services[n]!.id : g.assets[n - g.serviceCount]!.id;
}

/** The id a target edge names that the estate does not have. */
export function missingId(engine: ImpactEngine, e: number): string {
  const g = engine.g;
  const k = needOfEdge(engine, e);
  const need = g.needs[k]!;
  const t = need.targets[e - g.targetStart[k]!];
  return t !== undefined && t.type !== 'internet' ? t.id : 'unknown';
}

function needOfEdge(engine: ImpactEngine, e: number): number {
  // Binary search over targetStart: the last need whose first edge is <= e.
  const ts = engine.g.targetStart;
  let lo = 0;
  let hi = ts.length - 2;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (ts[mid]! <= e) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}

/** Readable form of a root cause: `isolated [compromised]: ransomware containment`. */
export function rootText(r: RootCause): string {
  switch (r.kind) {
    case 'asset-state': {
      const sec = r.security === 'compromised' || r.security === 'suspected' ? ` [${r.security}]` : '';
      const what = r.recovery !== 'in-service' && r.recovery !== 'restored' && r.recovery !== 'verified' ? r.recovery : r.observed === 'down' ? 'observed down' : r.observed === 'unknown' ? 'state unknown (not checked)' : r.recovery;
      return `${what}${sec}${r.reason ? `: ${r.reason}` : ''}`;
    }
    case 'measure': {
      const where = r.type === 'quarantine' ? `quarantine of zone ${r.zone ?? '?'}${r.site ? ` at ${r.site}` : ''}` : r.type === 'internet-cut' ? `internet cut ${r.site ? `at ${r.site}` : 'group-wide'}` : `link cut ${r.site ? `at ${r.site}` : 'between all sites'}`;
      return `${where}${r.reason ? `: ${r.reason}` : ''}`;
    }
    case 'missing':
      return `${r.id} is not in the estate`;
    case 'cycle':
      return `dependency cycle through ${r.id}`;
  }
}

function stepText(s: CauseStep): string {
  return s.group ? `${s.label} (${s.group.unavailable} of ${s.group.of} unavailable, ${s.group.needed} needed)` : s.label;
}

/** Cause chains of node n (a service, usually), at most MAX_CHAINS. */
export function explainNode(engine: ImpactEngine, n: number): CauseChain[] {
  const g = engine.g;
  const memo = new Map<number, Tail[]>();
  const visiting = new Set<number>([n]);
  const head: CauseStep = { type: n < g.serviceCount ? 'service' : 'asset', id: nodeIdOf(engine, n), label: nodeLabel(engine, n) };
  const out: CauseChain[] = [];
  if (n >= g.serviceCount && engine.own[n] !== OWN_AVAILABLE) {
    const root = ownRoot(engine, n);
    out.push({ need: '' as NeedId, effect: { kind: 'down' }, certainty: engine.own[n] === OWN_UNKNOWN ? 'unknown' : 'lost', steps: [head], root, text: `${head.label} <- ${rootText(root)}` });
  }
  for (let k = g.needStart[n]!; k < g.needStart[n + 1]! && out.length < MAX_CHAINS; k++) {
    const need = g.needs[k]!;
    for (const t of needTails(engine, k, memo, visiting, 0)) {
      if (out.length >= MAX_CHAINS) break;
      const steps = [head, ...t.steps];
      const text = `${steps.map(stepText).join(' <- ')} <- ${rootText(t.root)}`;
      out.push({ need: need.id, effect: need.effect satisfies NeedEffect, certainty: t.unknown ? 'unknown' : 'lost', steps, root: t.root, text: t.unknown ? `? ${text}` : text });
    }
  }
  return out;
}

/** Compromised or suspected assets in service that node n relies on, with the path to each. */
export function riskCausesOf(engine: ImpactEngine, n: number): RiskCause[] {
  const g = engine.g;
  const out: RiskCause[] = [];
  const seen = new Set<number>();
  const walk = (node: number, path: string[]): void => {
    if (out.length >= MAX_RISK_CAUSES || seen.has(node) || path.length > MAX_DEPTH) return;
    seen.add(node);
    const here = [...path, nodeLabel(engine, node)];
    if (node >= g.serviceCount && engine.suspect[node] === 1) {
      const a = g.assets[node - g.serviceCount]!;
      const security = statusOf(engine.state, a.id as AssetId).security;
      out.push({ asset: a.id, security, path: here, text: `${here.join(' <- ')} <- ${security}` });
      // Keep walking: an app may be at risk both on its own and through its host.
    }
    for (let k = g.needStart[node]!; k < g.needStart[node + 1]!; k++) {
      for (let e = g.targetStart[k]!; e < g.targetStart[k + 1]!; e++) {
        const t = g.edgeTarget[e]!;
        if (t >= 0 && engine.cut[e] === 0 && engine.hi[t]! > 0 && engine.risk[t] === 1) walk(t, here);
      }
    }
  };
  walk(n, []);
  return out;
}
