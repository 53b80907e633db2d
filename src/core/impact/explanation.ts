/**
 * A board cell explained for people, as data the CLI (`crisiscell why`) and the web both render:
 * the procedures in force first; then one line per distinct cause (one journal entry that set the
 * state of many assets, one measure), with how many services it hits on the whole board, the
 * cell's needs it reaches the cell through, and the hosts concerned, listed fully or "and N more"
 * with the asset filter that finds them all; the systems it is at risk from; a glossary.
 *
 * Unlike the cause chains of explain.ts (a few sample paths per cell, for the what-if diff), this
 * walks every lost path below the cell once, memoised per node, so nothing is left out and nothing
 * repeats.
 */
import type { AssetId } from '../ids.ts';
import type { Asset } from '../model.ts';
import type { CrisisState } from '../state.ts';
import { statusOf } from '../state.ts';
import type { Lang, MessageKey, Params } from '../i18n/index.ts';
import { joinList, label, t } from '../i18n/index.ts';
import { measureText } from '../entry-text.ts';
import { DEFAULT_TIME_ZONE, formatLocal } from '../clocks/time.ts';
import { OWN_AVAILABLE, OWN_UNKNOWN, TARGET_INTERNET, TARGET_MISSING } from './graph.ts';
import type { ImpactEngine } from './engine.ts';
import { countTargets, missingId, nodeIdOf, ownRoot, proceduresOf } from './explain.ts';
import type { ImpactCell, RootCause, ServiceStatus } from './types.ts';

/** Filters of the asset list (CLI `assets`, API `/api/assets`) that find a cause's hosts. */
export interface AssetFilter {
  readonly site?: string;
  readonly kind?: string;
  readonly security?: string;
  readonly recovery?: string;
  readonly observed?: string;
}

/** The hosts of one cause that the cell reaches, the first ones named. */
export interface HostList {
  readonly shown: readonly string[];
  /** How many more there are beyond `shown`. */
  readonly more: number;
  readonly total: number;
  /** The asset-list filter that finds them (with others in the same state, if any: `filterMatches` says how many). */
  readonly filter: AssetFilter;
  readonly filterMatches: number;
  /** The same filter for the API's asset list (`site=...&kind=...`) and as a command. */
  readonly query: string;
  readonly command: string;
}

export interface ExplainedCause {
  /** `entry:<seq>` (an asset state), `measure:<id>`, `missing:<id>`, `cycle:<id>`. */
  readonly key: string;
  readonly root: RootCause;
  /** `unknown`: not known to be lost, but the answer would change if it were. */
  readonly certainty: 'lost' | 'unknown';
  /** The cause in words: the state or measure, its reason, since when. */
  readonly text: string;
  /** Services of the whole board this cause hits (non-operational with it among their causes). */
  readonly servicesHit: number;
  /** The cell's lost needs this cause reaches it through, in words. */
  readonly via: readonly string[];
  /** Absent for measures, missing targets and cycles. */
  readonly hosts?: HostList;
  /** The whole cause as one line for people. */
  readonly line: string;
}

export interface ExplainedRisk {
  readonly key: string;
  readonly security: string;
  readonly text: string;
  readonly hosts: HostList;
  readonly line: string;
}

export interface CellExplanation {
  readonly lang: Lang;
  readonly serviceId: string;
  readonly title: string;
  /** `:` (` :` in French), for renderers that put a heading before a list. */
  readonly colon: string;
  readonly status: ServiceStatus;
  readonly letter: string;
  readonly atRisk: boolean;
  /** `DEGRADED [D], capacity 40 %, AT RISK [!]`, in words. */
  readonly statusLine: string;
  /** Criticality, recovery objective, direct line. */
  readonly facts: readonly string[];
  readonly procedures: readonly string[];
  readonly causes: readonly ExplainedCause[];
  readonly risks: readonly ExplainedRisk[];
  readonly glossary: readonly string[];
}

export interface ExplainOptions {
  readonly lang?: Lang;
  readonly timeZone?: string;
  /** Hosts named before "and N more" (default 8). */
  readonly hostsShown?: number;
}

const LETTER: Readonly<Record<ServiceStatus, string>> = { operational: 'O', degraded: 'D', down: 'X', unknown: '?' };

interface Found {
  readonly root: RootCause;
  readonly assets: Set<number>;
  unknown: boolean;
}

/** The key that makes one cause of many assets set by one entry. */
function rootKey(r: RootCause): string {
  switch (r.kind) {
    case 'asset-state':
      return r.changedSeq !== undefined ? `entry:${r.changedSeq}` : `state:${r.recovery}|${r.security}|${r.observed ?? ''}|${r.reason}`;
    case 'measure':
      return `measure:${r.measure}`;
    case 'missing':
      return `missing:${r.id}`;
    case 'cycle':
      return `cycle:${r.id}`;
  }
}

/** Whether edge e's target counts as available (as the engine's `sure`). */
function available(engine: ImpactEngine, e: number): boolean {
  const t = engine.g.edgeTarget[e]!;
  return engine.cut[e] === 0 && (t === TARGET_INTERNET || (t >= 0 && engine.lo[t]! > 0));
}

/**
 * Every root cause below node n (not n's own needs that are met), with the assets of each,
 * memoised. `visiting` stops cycles.
 */
function rootsBelow(engine: ImpactEngine, n: number, memo: Map<number, Map<string, Found>>, visiting: Set<number>): Map<string, Found> {
  const cached = memo.get(n);
  if (cached) return cached;
  const g = engine.g;
  const out = new Map<string, Found>();
  const add = (root: RootCause, asset: number | undefined, unknown: boolean): void => {
    const key = rootKey(root);
    let f = out.get(key);
    if (!f) out.set(key, (f = { root, assets: new Set(), unknown }));
    if (asset !== undefined) f.assets.add(asset);
    f.unknown &&= unknown;
  };
  const merge = (sub: Map<string, Found>, unknown: boolean): void => {
    for (const [key, f] of sub) {
      let mine = out.get(key);
      if (!mine) out.set(key, (mine = { root: f.root, assets: new Set(), unknown: unknown || f.unknown }));
      for (const a of f.assets) mine.assets.add(a);
      mine.unknown &&= unknown || f.unknown;
    }
  };
  if (visiting.has(n)) {
    add({ kind: 'cycle', id: nodeIdOf(engine, n) }, undefined, true);
    return out;
  }
  visiting.add(n);
  const own = engine.own[n]!;
  if (n >= g.serviceCount && own !== OWN_AVAILABLE) add(ownRoot(engine, n), n, own === OWN_UNKNOWN);
  if (n < g.serviceCount || own === OWN_AVAILABLE || own === OWN_UNKNOWN) {
    for (let k = g.needStart[n]!; k < g.needStart[n + 1]!; k++) {
      const { sure, possible } = countTargets(engine, k);
      if (sure >= g.needMin[k]!) continue;
      const unknown = possible >= g.needMin[k]!;
      for (let e = g.targetStart[k]!; e < g.targetStart[k + 1]!; e++) {
        if (available(engine, e)) continue;
        const t = g.edgeTarget[e]!;
        if (engine.cut[e] === 1) {
          for (const m of engine.measures) {
            if (!engine.measureCuts(m, e)) continue;
            const mm = m.measure;
            add({ kind: 'measure', measure: mm.id, type: mm.type, ...(mm.site === undefined ? {} : { site: mm.site }), ...(mm.zone === undefined ? {} : { zone: mm.zone }), reason: mm.reason, appliedAt: mm.appliedAt }, undefined, unknown);
          }
        } else if (t === TARGET_MISSING) add({ kind: 'missing', id: missingId(engine, e) }, undefined, true);
        else if (t >= 0) merge(rootsBelow(engine, t, memo, visiting), unknown);
      }
    }
  }
  visiting.delete(n);
  memo.set(n, out);
  return out;
}

/** How many services of the board each root cause hits (non-operational services with the cause below them). */
function servicesHitByRoot(engine: ImpactEngine, memo: Map<number, Map<string, Found>>): Map<string, number> {
  const counts = new Map<string, number>();
  for (let s = 0; s < engine.g.serviceCount; s++) {
    if (engine.lo[s]! >= 1) continue;
    for (const key of rootsBelow(engine, s, memo, new Set()).keys()) counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  return counts;
}

/** Options of the asset list that find these assets (common site and kind, the state of the cause). */
function filterOf(assets: readonly Asset[], root: { security?: string; recovery?: string; observed?: string }): AssetFilter {
  const one = <T>(xs: readonly T[]): T | undefined => (xs.length > 0 && xs.every((x) => x === xs[0]) ? xs[0] : undefined);
  const site = one(assets.map((a) => a.site));
  const kind = one(assets.map((a) => a.kind));
  return { ...(site ? { site } : {}), ...(kind ? { kind } : {}), ...root };
}

function matches(state: CrisisState, f: AssetFilter): number {
  let n = 0;
  for (const a of state.assets.values()) {
    if (f.site !== undefined && a.site !== f.site) continue;
    if (f.kind !== undefined && a.kind !== f.kind) continue;
    const st = statusOf(state, a.id);
    if (f.security !== undefined && st.security !== f.security) continue;
    if (f.recovery !== undefined && st.recovery !== f.recovery) continue;
    if (f.observed !== undefined && st.observed !== f.observed) continue;
    n++;
  }
  return n;
}

function hostList(engine: ImpactEngine, nodes: Iterable<number>, root: { security?: string; recovery?: string; observed?: string }, shownMax: number): HostList {
  const g = engine.g;
  const assets = [...nodes].map((n) => g.assets[n - g.serviceCount]!).sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  const filter = filterOf(assets, root);
  const entries = Object.entries(filter) as [string, string][];
  return {
    shown: assets.slice(0, shownMax).map((a) => a.id),
    more: Math.max(0, assets.length - shownMax),
    total: assets.length,
    filter,
    filterMatches: matches(engine.state, filter),
    query: entries.map(([k, v]) => `${k}=${encodeURIComponent(v)}`).join('&'),
    command: ['crisiscell assets', ...entries.map(([k, v]) => `--${k} ${v}`)].join(' '),
  };
}

/** A node of a chain in words: `app lis`, `serveur srv-lis-01`; services keep their id. */
export function nodeWords(engine: ImpactEngine, n: number, lang: Lang): string {
  const g = engine.g;
  if (n < g.serviceCount) return g.services[n]!.id;
  const a = g.assets[n - g.serviceCount]!;
  return t(lang, `node.${a.kind}`, { id: a.id });
}

/** The cause of an asset state in words: `isolated, compromised`. */
function stateWords(lang: Lang, r: Extract<RootCause, { kind: 'asset-state' }>): string {
  const inUse = r.recovery === 'in-service' || r.recovery === 'restored' || r.recovery === 'verified';
  const what = !inUse ? label(lang, 'recovery', r.recovery) : r.observed !== undefined ? label(lang, 'observed', r.observed) : label(lang, 'recovery', r.recovery);
  const sec = r.security === 'compromised' || r.security === 'suspected' ? label(lang, 'security', r.security) : undefined;
  return sec ? `${what}, ${sec}` : what;
}

/** A root cause as people read it, in `lang`, times in `timeZone`. */
export function rootWords(r: RootCause, lang: Lang, timeZone: string = DEFAULT_TIME_ZONE): string {
  const tr = (key: MessageKey, params?: Params) => t(lang, key, params);
  const when = (iso: string) => (iso ? formatLocal(iso, timeZone, lang) : '?');
  switch (r.kind) {
    case 'asset-state':
      return r.reason ? tr('why.rootAsset', { state: stateWords(lang, r), reason: r.reason, at: when(r.changedAt) }) : tr('why.rootAssetBare', { state: stateWords(lang, r), at: when(r.changedAt) });
    case 'measure':
      return tr('why.rootMeasure', { measure: measureText({ tr }, { type: r.type, id: r.measure, ...(r.site ? { site: r.site } : {}), ...(r.zone ? { zone: r.zone } : {}) }), reason: r.reason, at: when(r.appliedAt) });
    case 'missing':
      return tr('why.rootMissing', { id: r.id });
    case 'cycle':
      return tr('why.rootCycle', { id: r.id });
  }
}

/** The state of the asset a cause concerns, as asset-list filters. */
function stateFilter(r: RootCause): { security?: string; recovery?: string; observed?: string } {
  if (r.kind !== 'asset-state') return {};
  const inUse = r.recovery === 'in-service' || r.recovery === 'restored' || r.recovery === 'verified';
  return { ...(r.security !== 'unknown' || !inUse ? { security: r.security } : {}), ...(inUse && r.observed !== undefined ? { observed: r.observed } : { recovery: r.recovery }) };
}

/** The label of a need of the cell for the "through" list: the target, or the group with its counts. */
function needLabel(engine: ImpactEngine, k: number, lang: Lang): string {
  const g = engine.g;
  const total = g.targetStart[k + 1]! - g.targetStart[k]!;
  const lost: number[] = [];
  for (let e = g.targetStart[k]!; e < g.targetStart[k + 1]!; e++) if (!available(engine, e)) lost.push(e);
  const first = lost[0];
  const target = first === undefined ? -3 : g.edgeTarget[first]!;
  const one = target === TARGET_INTERNET ? label(lang, 'channel', 'internet') : target === TARGET_MISSING && first !== undefined ? missingId(engine, first) : target >= 0 ? nodeWords(engine, target, lang) : '?';
  if (total <= 1) return one;
  const kinds = new Set(lost.map((e) => g.edgeTarget[e]!).filter((x) => x >= g.serviceCount).map((x) => g.assets[x - g.serviceCount]!.kind));
  const what = kinds.size === 1 ? label(lang, 'assetKinds', [...kinds][0]!) : one;
  return t(lang, 'why.group', { label: what, unavailable: lost.length, of: total, needed: g.needMin[k]! });
}

/**
 * The explanation of service `id` on `engine`'s board, or undefined for an unknown service. The
 * engine must be up to date with its state (the server's live engine, or a fresh one).
 */
export function explainCell(engine: ImpactEngine, cell: ImpactCell, opts: ExplainOptions = {}): CellExplanation {
  const lang = opts.lang ?? 'en';
  const tz = opts.timeZone ?? engine.state.crisis?.timeZone ?? DEFAULT_TIME_ZONE;
  const shownMax = opts.hostsShown ?? 8;
  const tr = (key: MessageKey, params?: Params) => t(lang, key, params);
  const pct = (x: number) => tr('pct', { n: Math.round(x * 100) });
  const g = engine.g;
  const n = g.serviceIndex.get(cell.serviceId);
  const status = cell.status;
  const statusWord = label(lang, 'status', status).toUpperCase();
  const statusLine = [
    status === 'unknown'
      ? tr('why.statusRange', { status: statusWord, letter: LETTER[status], lo: pct(cell.capacityRange[0]), hi: pct(cell.capacityRange[1]) })
      : tr('why.status', { status: statusWord, letter: LETTER[status], cap: pct(cell.capacity) }),
    cell.atRisk ? tr('why.atRisk') : '',
  ].filter(Boolean).join(', ');
  const facts = [label(lang, 'criticality', cell.criticality), cell.rtoHours === undefined ? '' : tr('why.rto', { n: cell.rtoHours }), cell.phone === undefined ? '' : tr('why.phone', { phone: cell.phone })].filter(Boolean);

  const causes: ExplainedCause[] = [];
  const risks: ExplainedRisk[] = [];
  if (n !== undefined) {
    const memo = new Map<number, Map<string, Found>>();
    const hits = servicesHitByRoot(engine, memo);
    // Per lost need of the cell: the causes below it, so each cause says which needs it reaches the cell through.
    const via = new Map<string, string[]>();
    const found = new Map<string, Found>();
    for (let k = g.needStart[n]!; k < g.needStart[n + 1]!; k++) {
      const { sure, possible } = countTargets(engine, k);
      if (sure >= g.needMin[k]!) continue;
      const below = new Map<string, Found>();
      const unknown = possible >= g.needMin[k]!;
      for (let e = g.targetStart[k]!; e < g.targetStart[k + 1]!; e++) {
        if (available(engine, e)) continue;
        const t = g.edgeTarget[e]!;
        if (engine.cut[e] === 1 || t < 0) {
          // Measures and missing targets: the whole-cell walk below has them; mark the need.
          for (const [key, f] of rootsOfEdge(engine, e, unknown)) if (!below.has(key)) below.set(key, f);
        } else {
          for (const [key, f] of rootsBelow(engine, t, memo, new Set([n]))) {
            const mine = below.get(key);
            if (!mine) below.set(key, { root: f.root, assets: new Set(f.assets), unknown: unknown || f.unknown });
            else {
              for (const x of f.assets) mine.assets.add(x);
              mine.unknown &&= unknown || f.unknown;
            }
          }
        }
      }
      const through = needLabel(engine, k, lang);
      for (const [key, f] of below) {
        const list = via.get(key) ?? [];
        if (!list.includes(through)) list.push(through);
        via.set(key, list);
        const mine = found.get(key);
        if (!mine) found.set(key, { root: f.root, assets: new Set(f.assets), unknown: f.unknown });
        else {
          for (const a of f.assets) mine.assets.add(a);
          mine.unknown &&= f.unknown;
        }
      }
    }
    for (const [key, f] of found) {
      const text = rootWords(f.root, lang, tz);
      const hosts = f.root.kind === 'asset-state' && f.assets.size > 0 ? hostList(engine, f.assets, stateFilter(f.root), shownMax) : undefined;
      const parts = [
        `${f.unknown ? tr('why.unknownRoot', { root: text }) : text}.`,
        tr('why.hits', { n: hits.get(key) ?? 1 }),
        tr('why.through', { via: joinList(lang, via.get(key) ?? []) }),
        hosts ? (hosts.more > 0 ? tr('why.hostsMore', { hosts: hosts.shown.join(', '), n: hosts.more }) : tr('why.hosts', { hosts: hosts.shown.join(', ') })) : '',
      ].filter(Boolean);
      causes.push({ key, root: f.root, certainty: f.unknown ? 'unknown' : 'lost', text, servicesHit: hits.get(key) ?? 1, via: via.get(key) ?? [], ...(hosts ? { hosts } : {}), line: parts.join(' ') });
    }
    // Certain causes first, the widest first: what to fix to bring the most back.
    causes.sort((a, b) => Number(a.certainty === 'unknown') - Number(b.certainty === 'unknown') || b.servicesHit - a.servicesHit || a.key.localeCompare(b.key));
    if (cell.atRisk) risks.push(...risksOf(engine, n, lang, tz, shownMax));
  }
  const glossary = [tr('gloss.O'), tr('gloss.D'), tr('gloss.X'), tr('gloss.unknown'), tr('gloss.risk'), tr('gloss.vital')];
  return {
    lang,
    serviceId: cell.serviceId,
    title: tr('why.title', { name: cell.name, site: cell.siteName }),
    colon: tr('punct.colon'),
    status,
    letter: LETTER[status],
    atRisk: cell.atRisk,
    statusLine,
    facts,
    procedures: n === undefined ? cell.procedures : proceduresOf(engine, n),
    causes,
    risks,
    glossary,
  };
}

/** The roots of a lost edge that is cut or names nothing: the measures cutting it, or the missing target. */
function rootsOfEdge(engine: ImpactEngine, e: number, unknown: boolean): Map<string, Found> {
  const out = new Map<string, Found>();
  if (engine.cut[e] === 1) {
    for (const m of engine.measures) {
      if (!engine.measureCuts(m, e)) continue;
      const mm = m.measure;
      const root: RootCause = { kind: 'measure', measure: mm.id, type: mm.type, ...(mm.site === undefined ? {} : { site: mm.site }), ...(mm.zone === undefined ? {} : { zone: mm.zone }), reason: mm.reason, appliedAt: mm.appliedAt };
      out.set(rootKey(root), { root, assets: new Set(), unknown });
    }
  } else if (engine.g.edgeTarget[e] === TARGET_MISSING) {
    const root: RootCause = { kind: 'missing', id: missingId(engine, e) };
    out.set(rootKey(root), { root, assets: new Set(), unknown: true });
  }
  return out;
}

/** The compromised or suspected assets in use that node n relies on, grouped by the entry that said so. */
function risksOf(engine: ImpactEngine, n: number, lang: Lang, tz: string, shownMax: number): ExplainedRisk[] {
  const g = engine.g;
  const seen = new Uint8Array(g.nodeCount);
  const groups = new Map<string, { seq: number; security: string; reason: string; at: string; assets: Set<number> }>();
  const stack = [n];
  while (stack.length > 0) {
    const x = stack.pop()!;
    if (seen[x] === 1) continue;
    seen[x] = 1;
    if (x >= g.serviceCount && engine.suspect[x] === 1) {
      const a = g.assets[x - g.serviceCount]!;
      const st = statusOf(engine.state, a.id as AssetId);
      const key = st.changedSeq > 0 ? `entry:${st.changedSeq}` : `state:${st.security}|${st.reason}`;
      let grp = groups.get(key);
      if (!grp) groups.set(key, (grp = { seq: st.changedSeq, security: st.security, reason: st.reason, at: st.changedAt, assets: new Set() }));
      grp.assets.add(x);
    }
    for (let k = g.needStart[x]!; k < g.needStart[x + 1]!; k++) {
      for (let e = g.targetStart[k]!; e < g.targetStart[k + 1]!; e++) {
        const t = g.edgeTarget[e]!;
        if (t >= 0 && engine.cut[e] === 0 && engine.hi[t]! > 0 && engine.risk[t] === 1 && seen[t] === 0) stack.push(t);
      }
    }
  }
  return [...groups].map(([key, grp]) => {
    const hosts = hostList(engine, grp.assets, { security: grp.security }, shownMax);
    const state = label(lang, 'security', grp.security);
    const at = grp.at ? formatLocal(grp.at, tz, lang) : '?';
    const names = hosts.more > 0 ? t(lang, 'list.more', { list: hosts.shown.join(', '), n: hosts.more }) : hosts.shown.join(', ');
    const text = grp.reason ? t(lang, 'why.rootAsset', { state, reason: grp.reason, at }) : t(lang, 'why.rootAssetBare', { state, at });
    const line = grp.reason ? t(lang, 'why.risk', { state, reason: grp.reason, at, hosts: names }) : t(lang, 'why.riskBare', { state, at, hosts: names });
    return { key, security: grp.security, text, hosts, line };
  });
}

