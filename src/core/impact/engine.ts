/**
 * The impact engine: from asset states and network measures to the status of every service at
 * every site. Semantics in docs/impact.md; in short:
 *
 * - Every node (service or asset) has a capacity interval [lo, hi]: `hi` if every unknown turns out
 *   available, `lo` if every unknown turns out lost. lo < hi means "unknown, and it matters".
 * - A need is met when at least `min` of its targets are available (capacity > 0 and no measure
 *   cuts the edge). A lost need caps its node's capacity at the need's effect (0 for `down`).
 * - Capacities combine by MIN (the bottleneck rule), not by product: procedures work around each
 *   loss independently, and a product would let five small losses (0.95^5) add up to a collapse
 *   that nobody on the ward sees. Min is also monotone, which keeps the unknown interval exact.
 * - A degraded target is still available: its own downtime procedure is what keeps it going, and
 *   it does not degrade its dependents further (their need says what *losing* it costs).
 * - At risk: a node in service that relies on a compromised or suspected asset still in service.
 *
 * Hot loops run over typed arrays (see graph.ts). Incremental updates walk the reverse index in
 * topological order and stop where a node's value does not change.
 */
import type { AssetId, ServiceId, SiteId } from '../ids.ts';
import type { AssetStatus, Measure } from '../model.ts';
import { SERVICE_KINDS, SITE_KINDS, UNAVAILABLE_RECOVERY } from '../model.ts';
import type { CrisisState, StateChange } from '../state.ts';
import { statusOf } from '../state.ts';
import { compileGraph, OWN_AVAILABLE, OWN_OBSERVED_DOWN, OWN_UNAVAILABLE, OWN_UNKNOWN, TARGET_INTERNET, TARGET_MISSING } from './graph.ts';
import type { CompiledGraph } from './graph.ts';
import { explainNode, proceduresOf, riskCausesOf } from './explain.ts';
import type { Board, BoardSite, ImpactCell, ServiceStatus } from './types.ts';

/** A measure in force, with its site and zone as graph indexes (-1: everywhere; -2: names nothing in the estate). */
export interface CompiledMeasure {
  readonly measure: Measure;
  readonly site: number;
  readonly zone: number;
}

// Local copies of graph.ts's codes: imported bindings are module variables that V8 re-loads (with
// a TDZ check) on every use, which costs ~2x in the per-edge loop at scale 100.
// The annotations make a change of value in graph.ts a type error here.
const I_INTERNET: typeof TARGET_INTERNET = -1;
const I_MISSING: typeof TARGET_MISSING = -2;
const O_UNAVAILABLE: typeof OWN_UNAVAILABLE = 1;
const O_DOWN: typeof OWN_OBSERVED_DOWN = 2;
const O_UNKNOWN: typeof OWN_UNKNOWN = 3;

/** Options of `ImpactEngine.board`. */
export interface BoardOptions {
  /**
   * Which cells get their cause chains: `non-operational` (default; operational cells have none
   * anyway), `none` (cheapest, for counting), or the given service ids only.
   */
  readonly causes?: 'non-operational' | 'none' | readonly ServiceId[];
  /** Only the services of these sites. */
  readonly sites?: readonly SiteId[];
}

/**
 * Keeps the impact of a `CrisisState` up to date. Build it once over a state (it keeps a reference
 * and reads the state's maps when told something changed), then either wire it to a Projection:
 * `projection.onChange = (c) => engine.handle(c)`, or call `assetsChanged` / `measuresChanged` /
 * `estateChanged` yourself after changing the state.
 */
export class ImpactEngine {
  /** @internal read by explain.ts */
  g!: CompiledGraph;
  /** @internal */ lo!: Float64Array;
  /** @internal */ hi!: Float64Array;
  /** @internal */ risk!: Uint8Array;
  /** @internal */ own!: Uint8Array;
  /** @internal */ suspect!: Uint8Array;
  /** @internal */ cut!: Uint8Array;
  /** @internal */ measures: CompiledMeasure[] = [];
  private heap!: Int32Array;
  private heapSize = 0;
  private queued!: Uint8Array;
  private changedServices: number[] = [];
  /** Nodes an update started from (own state or an edge changed); for `servicesAbove`. */
  private seeds: number[] = [];
  /** Nodes evaluated by the last update (full or incremental); for tests and benchmarks. */
  lastEvaluated = 0;

  /** Compiles the estate of `state` and computes everything. `base` is internal: use `fork`. */
  constructor(
    readonly state: CrisisState,
    base?: ImpactEngine,
  ) {
    if (base === undefined) {
      this.rebuild();
      return;
    }
    // A fork shares the compiled graph (immutable) and copies the values (a few MB at scale 100).
    this.g = base.g;
    this.lo = base.lo.slice();
    this.hi = base.hi.slice();
    this.risk = base.risk.slice();
    this.own = base.own.slice();
    this.suspect = base.suspect.slice();
    this.cut = base.cut.slice();
    this.measures = base.measures;
    this.heap = new Int32Array(this.g.nodeCount);
    this.queued = new Uint8Array(this.g.nodeCount);
  }

  /**
   * An engine over `view`, a state with the same estate, statuses and measures as this engine's
   * right now (a what-if overlay), starting from this engine's values without recompiling.
   * Changes to `view` must then be reported to the fork; this engine is not touched.
   */
  fork(view: CrisisState): ImpactEngine {
    return new ImpactEngine(view, this);
  }

  /** Dispatches a Projection change notification. */
  handle(change: StateChange): void {
    if (change.type === 'assets') this.assetsChanged(change.ids);
    else if (change.type === 'measures') this.measuresChanged();
    else this.estateChanged();
  }

  /** Sites, services, assets or needs changed: recompile and recompute everything. */
  estateChanged(): void {
    this.rebuild();
  }

  /**
   * The status of these assets changed in the state: recompute them and only what depends on them.
   * Returns the services whose value (status, capacity or at-risk) changed.
   */
  assetsChanged(ids: readonly AssetId[]): ServiceId[] {
    this.changedServices = [];
    this.seeds = [];
    this.lastEvaluated = 0;
    for (const id of ids) {
      const n = this.g.assetIndex.get(id);
      if (n === undefined) continue;
      if (this.loadOwn(n)) {
        this.seeds.push(n);
        this.push(n);
      }
    }
    return this.propagate();
  }

  /** The measures in force changed: recompute which edges they cut, then what depends on those. */
  measuresChanged(): ServiceId[] {
    this.changedServices = [];
    this.seeds = [];
    this.lastEvaluated = 0;
    this.compileMeasures();
    const { g, cut } = this;
    const edges = g.edgeTarget.length;
    for (let e = 0; e < edges; e++) {
      const c = this.edgeCut(e) ? 1 : 0;
      if (c !== cut[e]) {
        cut[e] = c;
        this.seeds.push(g.edgeFrom[e]!);
        this.push(g.edgeFrom[e]!);
      }
    }
    return this.propagate();
  }

  /** Recomputes every node from scratch (after `rebuild`, or to check the incremental path). */
  recomputeAll(): void {
    const { g } = this;
    this.lastEvaluated = 0;
    // Only assets with a status can differ from "available, not suspect": walking the status map
    // is 3x cheaper than a lookup per asset when most of the estate was never touched.
    this.own.fill(0);
    this.suspect.fill(0);
    for (const [id, st] of this.state.assetStatus) {
      const n = g.assetIndex.get(id);
      if (n === undefined) continue;
      this.own[n] = ownCode(st);
      this.suspect[n] = st.security === 'compromised' || st.security === 'suspected' ? 1 : 0;
    }
    this.compileMeasures();
    for (let e = 0; e < g.edgeTarget.length; e++) this.cut[e] = this.edgeCut(e) ? 1 : 0;
    const order = g.order;
    const acyclic = g.nodeCount - g.cyclicCount;
    for (let i = 0; i < acyclic; i++) this.evaluate(order[i]!);
    if (g.cyclicCount > 0) this.fixpointCyclic();
  }

  /** Capacity interval and at-risk flag of a service or asset node; for tests and the bench. */
  valueOf(node: { readonly type: 'asset' | 'service'; readonly id: string }): { lo: number; hi: number; atRisk: boolean } | undefined {
    const n = node.type === 'asset' ? this.g.assetIndex.get(node.id as AssetId) : this.g.serviceIndex.get(node.id as ServiceId);
    if (n === undefined) return undefined;
    return { lo: this.lo[n]!, hi: this.hi[n]!, atRisk: this.risk[n] === 1 };
  }

  /** Number of nodes that could not be ordered because of a dependency cycle (0 for an imported estate). */
  get cyclicNodes(): number {
    return this.g.cyclicCount;
  }

  /** One cell, with its causes and at-risk reasons; undefined for an unknown service id. */
  cell(id: ServiceId): ImpactCell | undefined {
    const n = this.g.serviceIndex.get(id);
    return n === undefined ? undefined : this.makeCell(n, true);
  }

  /** The board: every service (or those of `opts.sites`), sites in kind order. */
  board(opts: BoardOptions = {}): Board {
    const { g, state } = this;
    const siteFilter = opts.sites === undefined ? undefined : new Set(opts.sites);
    const wanted = Array.isArray(opts.causes) ? new Set<ServiceId>(opts.causes) : undefined;
    const siteRank = new Map<SiteId, number>();
    const sites: BoardSite[] = [];
    const seen = new Set<SiteId>();
    for (const s of state.sites.values()) {
      seen.add(s.id);
      sites.push({ id: s.id, name: s.name, kind: s.kind });
    }
    for (const s of g.services) {
      if (!seen.has(s.site)) {
        seen.add(s.site);
        sites.push({ id: s.site, name: s.site, kind: 'unknown' });
      }
    }
    const kindRank = (k: string): number => {
      const i = (SITE_KINDS as readonly string[]).indexOf(k);
      return i < 0 ? SITE_KINDS.length : i;
    };
    sites.sort((a, b) => kindRank(a.kind) - kindRank(b.kind) || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
    const shown = siteFilter === undefined ? sites : sites.filter((s) => siteFilter.has(s.id));
    shown.forEach((s, i) => siteRank.set(s.id, i));

    const picked: number[] = [];
    for (let n = 0; n < g.serviceCount; n++) if (siteRank.has(g.services[n]!.site)) picked.push(n);
    picked.sort((a, b) => {
      const sa = g.services[a]!;
      const sb = g.services[b]!;
      return siteRank.get(sa.site)! - siteRank.get(sb.site)! || serviceKindRank(sa.kind) - serviceKindRank(sb.kind) || (sa.kind < sb.kind ? -1 : sa.kind > sb.kind ? 1 : 0);
    });
    const cells = picked.map((n) => {
      const explain = opts.causes === 'none' ? false : wanted !== undefined ? wanted.has(g.services[n]!.id) : this.lo[n]! < 1;
      return this.makeCell(n, explain);
    });
    return { sites: shown, cells };
  }

  /**
   * Every service that depends, transitively, on a node the last update started from: the cells
   * whose causes may have changed even where their value did not (a second host of an app that
   * was already down). Without cut-off, unlike the update itself; for what-if diffs.
   */
  servicesAboveLastUpdate(): ServiceId[] {
    const { g } = this;
    const seen = new Uint8Array(g.nodeCount);
    const stack = [...this.seeds];
    const out: ServiceId[] = [];
    while (stack.length > 0) {
      const n = stack.pop()!;
      if (seen[n] === 1) continue;
      seen[n] = 1;
      if (n < g.serviceCount) out.push(g.services[n]!.id);
      for (let d = g.depStart[n]!; d < g.depStart[n + 1]!; d++) if (seen[g.deps[d]!] === 0) stack.push(g.deps[d]!);
    }
    return out;
  }

  /** Service ids whose value changed in the last update; cleared by the next one. */
  get lastChangedServices(): readonly ServiceId[] {
    return this.changedServices.map((n) => this.g.services[n]!.id);
  }

  // ---- internals ----

  private rebuild(): void {
    const g = compileGraph(this.state);
    this.g = g;
    this.lo = new Float64Array(g.nodeCount);
    this.hi = new Float64Array(g.nodeCount);
    this.risk = new Uint8Array(g.nodeCount);
    this.own = new Uint8Array(g.nodeCount);
    this.suspect = new Uint8Array(g.nodeCount);
    this.cut = new Uint8Array(g.edgeTarget.length);
    this.heap = new Int32Array(g.nodeCount);
    this.queued = new Uint8Array(g.nodeCount);
    this.heapSize = 0;
    this.recomputeAll();
  }

  /** Reads the asset's status into `own`/`suspect`; true when either changed. */
  private loadOwn(n: number): boolean {
    const a = this.g.assets[n - this.g.serviceCount];
    if (a === undefined) return false;
    const st = statusOf(this.state, a.id);
    const own = ownCode(st);
    const suspect = st.security === 'compromised' || st.security === 'suspected' ? 1 : 0;
    const changed = own !== this.own[n] || suspect !== this.suspect[n];
    this.own[n] = own;
    this.suspect[n] = suspect;
    return changed;
  }

  private compileMeasures(): void {
    const { g } = this;
    this.measures = [...this.state.measures.values()].map((m) => ({
      measure: m,
      site: m.site === undefined ? -1 : (g.siteIndex.get(m.site) ?? -2),
      zone: m.zone === undefined ? -1 : (g.zoneIndex.get(m.zone) ?? -2),
    }));
  }

  /** @internal Whether measure `m` cuts edge `e`. Also used by explain.ts to name the measure. */
  measureCuts(m: CompiledMeasure, e: number): boolean {
    const g = this.g;
    const from = g.edgeFrom[e]!;
    const t = g.edgeTarget[e]!;
    const type = m.measure.type;
    if (type === 'internet-cut') return t === TARGET_INTERNET && (m.site === -1 || g.nodeSite[from] === m.site);
    if (type === 'link-cut') {
      if (t < 0) return false;
      const a = g.nodeSite[from]!;
      const b = g.nodeSite[t]!;
      // Without a site, every inter-site link is cut.
      return a !== b && (m.site === -1 || a === m.site || b === m.site);
    }
    // Quarantine: the zone (at one site, or everywhere) is cut from everything outside it, both
    // ways, the internet included. A service has no zone, so it is always outside; physical use
    // (a nurse at a monitor) is not network traffic and is never cut.
    if (m.zone === -1 || g.edgePhysical[e] === 1 || t === TARGET_MISSING) return false;
    const inside = (n: number): boolean => g.nodeZone[n] === m.zone && (m.site === -1 || g.nodeSite[n] === m.site);
    const fromIn = inside(from);
    const toIn = t >= 0 && inside(t);
    return fromIn !== toIn;
  }

  private edgeCut(e: number): boolean {
    for (const m of this.measures) if (this.measureCuts(m, e)) return true;
    return false;
  }

  /** Recomputes node n from its own state and its targets; true when its value changed. */
  private evaluate(n: number): boolean {
    this.lastEvaluated++;
    const { g, lo: LO, hi: HI, risk: RISK, cut } = this;
    const own = this.own[n]!;
    let lo = 1;
    let hi = 1;
    let risk = 0;
    if (own === O_UNAVAILABLE || own === O_DOWN) {
      lo = 0;
      hi = 0;
    } else {
      if (own === O_UNKNOWN) lo = 0;
      risk = this.suspect[n]!;
      const edgeTarget = g.edgeTarget;
      const needEnd = g.needStart[n + 1]!;
      for (let k = g.needStart[n]!; k < needEnd; k++) {
        const min = g.needMin[k]!;
        let sure = 0;
        let possible = 0;
        const end = g.targetStart[k + 1]!;
        for (let e = g.targetStart[k]!; e < end; e++) {
          if (cut[e] === 1) continue;
          const t = edgeTarget[e]!;
          if (t === I_INTERNET) {
            sure++;
            possible++;
          } else if (t === I_MISSING) {
            possible++;
          } else {
            const th = HI[t]!;
            if (th > 0) {
              possible++;
              if (LO[t]! > 0) sure++;
              if (RISK[t] === 1) risk = 1;
            }
          }
        }
        if (sure >= min) continue;
        const c = g.needCap[k]!;
        if (possible < min) {
          if (c < hi) hi = c;
        }
        if (c < lo) lo = c;
      }
      if (hi === 0) risk = 0; // nothing in use, nothing at risk
    }
    if (lo === LO[n] && hi === HI[n] && risk === RISK[n]) return false;
    LO[n] = lo;
    HI[n] = hi;
    RISK[n] = risk;
    return true;
  }

  /**
   * Nodes on a cycle: start from "everything fine" and lower until nothing moves (the greatest
   * fixpoint: a cycle holds itself up unless something outside it fails). Values only ever go
   * down within a finite set, so this ends; the bound is a belt on top of the braces.
   */
  private fixpointCyclic(): void {
    const { g } = this;
    const start = g.nodeCount - g.cyclicCount;
    for (let i = start; i < g.nodeCount; i++) {
      const n = g.order[i]!;
      this.lo[n] = 1;
      this.hi[n] = 1;
      this.risk[n] = 0;
    }
    const bound = 4 * g.cyclicCount + 16;
    for (let round = 0; round < bound; round++) {
      let moved = false;
      for (let i = start; i < g.nodeCount; i++) if (this.evaluate(g.order[i]!)) moved = true;
      if (!moved) break;
    }
  }

  private push(n: number): void {
    if (this.queued[n] === 1) return;
    this.queued[n] = 1;
    const { heap, g } = this;
    const rank = g.rank;
    let i = this.heapSize++;
    const r = rank[n]!;
    while (i > 0) {
      const p = (i - 1) >> 1;
      const pn = heap[p]!;
      if (rank[pn]! <= r) break;
      heap[i] = pn;
      i = p;
    }
    heap[i] = n;
  }

  private pop(): number {
    const { heap, g } = this;
    const rank = g.rank;
    const top = heap[0]!;
    const last = heap[--this.heapSize]!;
    const size = this.heapSize;
    let i = 0;
    const r = rank[last]!;
    for (;;) {
      let c = 2 * i + 1;
      if (c >= size) break;
      if (c + 1 < size && rank[heap[c + 1]!]! < rank[heap[c]!]!) c++;
      if (rank[heap[c]!]! >= r) break;
      heap[i] = heap[c]!;
      i = c;
    }
    if (size > 0) heap[i] = last;
    this.queued[top] = 0;
    return top;
  }

  /** Evaluates queued nodes in topological order, queueing dependents of those that changed. */
  private propagate(): ServiceId[] {
    const { g } = this;
    let touchedCycle = false;
    while (this.heapSize > 0) {
      const n = this.pop();
      if (g.cyclic[n] === 1) {
        touchedCycle = true;
        continue;
      }
      if (!this.evaluate(n)) continue;
      if (n < g.serviceCount) this.changedServices.push(n);
      for (let d = g.depStart[n]!; d < g.depStart[n + 1]!; d++) this.push(g.deps[d]!);
    }
    if (touchedCycle) {
      // Rare (cycles are refused at import): redo the cyclic part by fixpoint and compare services.
      const before = new Float64Array(g.serviceCount * 2);
      for (let s = 0; s < g.serviceCount; s++) {
        before[2 * s] = this.lo[s]!;
        before[2 * s + 1] = this.hi[s]! + 2 * this.risk[s]!;
      }
      this.fixpointCyclic();
      for (let s = 0; s < g.serviceCount; s++) {
        if (g.cyclic[s] === 1 && (before[2 * s] !== this.lo[s] || before[2 * s + 1] !== this.hi[s]! + 2 * this.risk[s]!)) this.changedServices.push(s);
      }
    }
    return this.changedServices.map((n) => g.services[n]!.id);
  }

  private makeCell(n: number, explain: boolean): ImpactCell {
    const s = this.g.services[n]!;
    const site = this.state.sites.get(s.site);
    const lo = this.lo[n]!;
    const hi = this.hi[n]!;
    const status = statusFromRange(lo, hi);
    const atRisk = this.risk[n] === 1;
    const riskCauses = atRisk && explain ? riskCausesOf(this, n) : undefined;
    return {
      site: s.site,
      siteKind: site?.kind ?? 'unknown',
      siteName: site?.name ?? s.site,
      service: s.kind,
      serviceId: s.id,
      name: s.name,
      criticality: s.criticality,
      status,
      capacity: lo,
      capacityRange: [lo, hi],
      procedures: proceduresOf(this, n),
      causes: explain && lo < 1 ? explainNode(this, n) : [],
      atRisk,
      ...(riskCauses === undefined ? {} : { atRiskBecause: riskCauses }),
      ...(s.rtoHours === undefined ? {} : { rtoHours: s.rtoHours }),
      ...(s.phone === undefined ? {} : { phone: s.phone }),
    };
  }
}

/**
 * Own availability of an asset. The recovery state wins over an observation: an isolated server
 * is unavailable even if it still runs; `observed` speaks of assets we did not act on (encrypted,
 * crashed, not checked since the attack).
 */
function ownCode(st: AssetStatus): number {
  if (UNAVAILABLE_RECOVERY.has(st.recovery)) return OWN_UNAVAILABLE;
  if (st.observed === 'down') return OWN_OBSERVED_DOWN;
  if (st.observed === 'unknown') return OWN_UNKNOWN;
  return OWN_AVAILABLE;
}

/** Status from a capacity interval: down wins over unknown (down for another reason is down). */
export function statusFromRange(lo: number, hi: number): ServiceStatus {
  if (hi <= 0) return 'down';
  if (lo < hi) return 'unknown';
  return hi >= 1 ? 'operational' : 'degraded';
}

function serviceKindRank(k: string): number {
  const i = (SERVICE_KINDS as readonly string[]).indexOf(k);
  return i < 0 ? SERVICE_KINDS.length : i;
}

/** The board of a state, computed once (no engine kept). */
export function computeBoard(state: CrisisState, opts: BoardOptions = {}): Board {
  return new ImpactEngine(state).board(opts);
}
