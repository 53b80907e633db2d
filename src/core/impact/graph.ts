/**
 * The estate compiled to integer indexes and typed arrays, so that the impact engine's hot loops
 * touch no Map, no string and no object. Built once per estate; rebuilt on `estate.upserted`.
 *
 * Nodes: services first (0..serviceCount-1), then assets. Needs are grouped by the node that has
 * them (CSR layout: `needStart[n]..needStart[n+1]`), their targets likewise (`targetStart[k]..`).
 */
import type { AssetId, ServiceId, SiteId } from '../ids.ts';
import type { Asset, AssetKind, Need, Service } from '../model.ts';
import type { CrisisState } from '../state.ts';

/** Edge target meaning "the internet" (no node: reachable unless a measure cuts it). */
export const TARGET_INTERNET = -1;
/** Edge target naming an asset or service absent from the estate: its availability is unknown. */
export const TARGET_MISSING = -2;

/** Own state of an asset: nothing stops it (services are always this). */
export const OWN_AVAILABLE = 0;
/** Own state of an asset: isolated, preserved, wiped or rebuilding. */
export const OWN_UNAVAILABLE = 1;
/** Own state of an asset: seen down (encrypted, crashed). */
export const OWN_OBSERVED_DOWN = 2;
/** Own state of an asset: nobody knows (not checked since the attack). */
export const OWN_UNKNOWN = 3;

/** Node kind code of a service (assets get 1..5 by asset kind). */
export const KIND_SERVICE = 0;
const ASSET_KIND_CODE: Readonly<Record<AssetKind, number>> = {
  server: 1,
  workstation: 2,
  network: 3,
  'medical-device': 4,
  application: 5,
};
/** Node kind code of a workstation: used in place by a service at its site (physical use). */
export const KIND_WORKSTATION = 2;
/** Node kind code of a medical device: used in place by a service at its site (physical use). */
export const KIND_MEDICAL_DEVICE = 4;

/** The compiled estate (see the file comment). */
export interface CompiledGraph {
  readonly nodeCount: number;
  readonly serviceCount: number;
  readonly services: readonly Service[];
  readonly assets: readonly Asset[];
  readonly serviceIndex: ReadonlyMap<ServiceId, number>;
  readonly assetIndex: ReadonlyMap<AssetId, number>;
  /** Site and zone of every node as small integers (services have zone -1). */
  readonly nodeSite: Int32Array;
  readonly nodeZone: Int32Array;
  readonly nodeKind: Uint8Array;
  readonly siteIds: readonly SiteId[];
  readonly siteIndex: ReadonlyMap<SiteId, number>;
  readonly zoneIndex: ReadonlyMap<string, number>;
  readonly needStart: Int32Array;
  readonly needs: readonly Need[];
  readonly needMin: Int32Array;
  /** Capacity left while the need is lost: 0 for `down`. */
  readonly needCap: Float64Array;
  readonly targetStart: Int32Array;
  /** Node index of each edge's target, or TARGET_INTERNET / TARGET_MISSING. */
  readonly edgeTarget: Int32Array;
  readonly edgeFrom: Int32Array;
  /**
   * 1 when the edge is physical use rather than network traffic: a service using a workstation or
   * a medical device at its own site. Quarantine does not stop a nurse from reading a monitor.
   */
  readonly edgePhysical: Uint8Array;
  /** Reverse index: nodes with at least one need on node n, deduplicated. */
  readonly depStart: Int32Array;
  readonly deps: Int32Array;
  /** Topological order (a node after everything it needs); nodes on or behind a cycle come last. */
  readonly order: Int32Array;
  readonly rank: Int32Array;
  /** 1 for nodes that could not be ordered (on a cycle, or needing something on one). */
  readonly cyclic: Uint8Array;
  readonly cyclicCount: number;
}

/** Node index of a service or asset id, or undefined. */
export function nodeOf(g: Pick<CompiledGraph, 'serviceIndex' | 'assetIndex'>, t: { readonly type: 'asset' | 'service'; readonly id: string }): number | undefined {
  return t.type === 'asset' ? g.assetIndex.get(t.id as AssetId) : g.serviceIndex.get(t.id as ServiceId);
}

/** Compiles the estate of `state`. O(nodes + edges); no state of assets is read here. */
export function compileGraph(state: CrisisState): CompiledGraph {
  const services = [...state.services.values()];
  const assets = [...state.assets.values()];
  const serviceCount = services.length;
  const nodeCount = serviceCount + assets.length;
  const serviceIndex = new Map<ServiceId, number>();
  const assetIndex = new Map<AssetId, number>();
  services.forEach((s, i) => serviceIndex.set(s.id, i));
  assets.forEach((a, i) => assetIndex.set(a.id, serviceCount + i));

  const siteIds: SiteId[] = [];
  const siteIndex = new Map<SiteId, number>();
  const siteOf = (s: SiteId): number => {
    let i = siteIndex.get(s);
    if (i === undefined) {
      i = siteIds.length;
      siteIds.push(s);
      siteIndex.set(s, i);
    }
    return i;
  };
  for (const s of state.sites.keys()) siteOf(s);
  const zoneIndex = new Map<string, number>();
  const zoneOf = (z: string): number => {
    let i = zoneIndex.get(z);
    if (i === undefined) {
      i = zoneIndex.size;
      zoneIndex.set(z, i);
    }
    return i;
  };

  const nodeSite = new Int32Array(nodeCount);
  const nodeZone = new Int32Array(nodeCount).fill(-1);
  const nodeKind = new Uint8Array(nodeCount);
  for (let i = 0; i < serviceCount; i++) nodeSite[i] = siteOf(services[i]!.site);
  for (let i = 0; i < assets.length; i++) {
    const a = assets[i]!;
    const n = serviceCount + i;
    nodeSite[n] = siteOf(a.site);
    nodeZone[n] = zoneOf(a.zone);
    nodeKind[n] = ASSET_KIND_CODE[a.kind] ?? 1;
  }

  const idx = { serviceIndex, assetIndex };
  // Group needs by their `from` node. Needs of unknown nodes are dropped: they affect nothing shown.
  const byNode = new Int32Array(nodeCount + 1);
  const kept: { need: Need; from: number }[] = [];
  for (const need of state.needs.values()) {
    const from = nodeOf(idx, need.from);
    if (from === undefined) continue;
    kept.push({ need, from });
    byNode[from + 1]!++;
  }
  for (let i = 0; i < nodeCount; i++) byNode[i + 1]! += byNode[i]!;
  const needStart = byNode.slice();
  const fill = byNode.slice(0, nodeCount);
  const needs: Need[] = new Array<Need>(kept.length);
  for (const k of kept) needs[fill[k.from]!++] = k.need;

  const needCount = needs.length;
  const needMin = new Int32Array(needCount);
  const needCap = new Float64Array(needCount);
  const targetStart = new Int32Array(needCount + 1);
  for (let k = 0; k < needCount; k++) targetStart[k + 1] = targetStart[k]! + needs[k]!.targets.length;
  const edgeCount = targetStart[needCount]!;
  const edgeTarget = new Int32Array(edgeCount);
  const edgeFrom = new Int32Array(edgeCount);
  const edgePhysical = new Uint8Array(edgeCount);
  for (let n = 0; n < nodeCount; n++) {
    for (let k = needStart[n]!; k < needStart[n + 1]!; k++) {
      const need = needs[k]!;
      needMin[k] = need.min;
      needCap[k] = need.effect.kind === 'down' ? 0 : clamp01(need.effect.capacity);
      let e = targetStart[k]!;
      for (const t of need.targets) {
        let target: number;
        if (t.type === 'internet') target = TARGET_INTERNET;
        else target = nodeOf(idx, t) ?? TARGET_MISSING;
        edgeTarget[e] = target;
        edgeFrom[e] = n;
        if (n < serviceCount && target >= 0 && nodeSite[target] === nodeSite[n]) {
          const kind = nodeKind[target];
          if (kind === KIND_WORKSTATION || kind === KIND_MEDICAL_DEVICE) edgePhysical[e] = 1;
        }
        e++;
      }
    }
  }

  // Reverse index, deduplicated with a stamp per target so a node appears once per dependency.
  const stamp = new Int32Array(nodeCount).fill(-1);
  const depCount = new Int32Array(nodeCount + 1);
  const indegree = new Int32Array(nodeCount);
  for (let n = 0; n < nodeCount; n++) {
    for (let e = targetStart[needStart[n]!]!; e < targetStart[needStart[n + 1]!]!; e++) {
      const t = edgeTarget[e]!;
      if (t < 0 || stamp[t] === n) continue;
      stamp[t] = n;
      depCount[t + 1]!++;
      indegree[n]!++;
    }
  }
  for (let i = 0; i < nodeCount; i++) depCount[i + 1]! += depCount[i]!;
  const depStart = depCount.slice();
  const depFill = depCount.slice(0, nodeCount);
  const deps = new Int32Array(depStart[nodeCount]!);
  stamp.fill(-1);
  for (let n = 0; n < nodeCount; n++) {
    for (let e = targetStart[needStart[n]!]!; e < targetStart[needStart[n + 1]!]!; e++) {
      const t = edgeTarget[e]!;
      if (t < 0 || stamp[t] === n) continue;
      stamp[t] = n;
      deps[depFill[t]!++] = n;
    }
  }

  // Kahn's algorithm. The importer rejects cycles, but a journal may hold an older estate, and a
  // hang is the worst possible failure in a crisis: unordered nodes are evaluated by fixpoint.
  const order = new Int32Array(nodeCount);
  const rank = new Int32Array(nodeCount);
  let head = 0;
  let tail = 0;
  for (let n = 0; n < nodeCount; n++) if (indegree[n] === 0) order[tail++] = n;
  while (head < tail) {
    const t = order[head++]!;
    for (let d = depStart[t]!; d < depStart[t + 1]!; d++) {
      const n = deps[d]!;
      if (--indegree[n]! === 0) order[tail++] = n;
    }
  }
  const cyclic = new Uint8Array(nodeCount);
  const cyclicCount = nodeCount - tail;
  if (cyclicCount > 0) {
    for (let n = 0; n < nodeCount; n++) {
      if (indegree[n]! > 0) {
        cyclic[n] = 1;
        order[tail++] = n;
      }
    }
  }
  for (let i = 0; i < nodeCount; i++) rank[order[i]!] = i;

  return {
    nodeCount,
    serviceCount,
    services,
    assets,
    serviceIndex,
    assetIndex,
    nodeSite,
    nodeZone,
    nodeKind,
    siteIds,
    siteIndex,
    zoneIndex,
    needStart,
    needs,
    needMin,
    needCap,
    targetStart,
    edgeTarget,
    edgeFrom,
    edgePhysical,
    depStart,
    deps,
    order,
    rank,
    cyclic,
    cyclicCount,
  };
}

function clamp01(x: number): number {
  return Number.isFinite(x) ? Math.min(1, Math.max(0, x)) : 0;
}
