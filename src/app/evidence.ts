/**
 * Per-host evidence from hunts, into the crisis: hosts named in event logs are matched with the
 * estate (hostname, FQDN whose first label is the hostname, or IP) and one `evidence.recorded`
 * entry is written per matched asset, all in one append. Unmatched hosts are returned, never
 * guessed. Nothing here changes an asset's security or recovery state: evidence informs the
 * people who decide (`asset set`), the origin analysis proposes.
 */
import { z } from 'zod';
import type { AnyEntry, EntryDraft } from '../core/journal.ts';
import type { AssetId } from '../core/ids.ts';
import type { Asset } from '../core/model.ts';
import type { ImpactCell } from '../core/impact/index.ts';
import type { CrisisState } from '../core/state.ts';
import type { AssetEvidence, DetectionRef, ErasedRef, EvidenceLevel, EvidenceRecorded, EvidenceSummary } from '../core/evidence.ts';
import { EVIDENCE_LEVELS, summariseEvidence } from '../core/evidence.ts';
import type { CrisisApp } from './crisis-app.ts';
import type { Actor } from './permissions.ts';
import { validate } from './validate.ts';

const iso = z.string().max(64);
const level = z.enum(EVIDENCE_LEVELS);

const detectionRef = z.object({
  ruleId: z.string().min(1).max(200),
  ruleTitle: z.string().max(500),
  level,
  file: z.string().min(1).max(4096),
  count: z.number().int().min(1),
  first: iso,
  last: iso,
  eventRecordIds: z.array(z.number().int().min(0)).max(10),
});

const erasedRef = z.object({
  type: z.enum(['log-cleared', 'record-gap', 'numbering-restart']),
  channel: z.string().max(500),
  time: iso,
  eventRecordId: z.number().int().min(0),
  count: z.number().int().min(0).optional(),
  by: z.string().max(500).optional(),
  file: z.string().max(4096).optional(),
});

/** What a hunt found on one host, as the logs name it (src/hunt/host-evidence.ts builds these). */
export const hostEvidenceInput = z.object({
  host: z.string().trim().min(1).max(300),
  detections: z.number().int().min(0),
  byLevel: z.partialRecord(level, z.number().int().min(0)),
  first: iso,
  last: iso,
  refs: z.array(detectionRef).max(100),
  refsOmitted: z.number().int().min(0).optional(),
  erased: z.array(erasedRef).max(100).optional(),
});

export const evidenceInput = z.object({
  /** What produced the evidence, for the logbook: `hunt of /evidence/dc01 (12 files)`. */
  source: z.string().trim().min(3).max(1000),
  hosts: z.array(hostEvidenceInput).max(100_000),
});

export type HostEvidenceInput = z.infer<typeof hostEvidenceInput>;
export type EvidenceInput = z.infer<typeof evidenceInput>;

export interface HostMatch {
  readonly asset: Asset;
  readonly by: EvidenceRecorded['matchedBy'];
}

/**
 * The estate's asset for a host name as logs write it: `WS042`, `ws042.hospital.local` (an FQDN
 * whose first label is a hostname), or an IP. Case-insensitive; an FQDN matches only when exactly
 * one asset has that first label, an IP only when exactly one asset has it.
 */
export function matchHost(state: CrisisState, host: string, index?: HostIndex): HostMatch | undefined {
  const ix = index ?? hostIndex(state);
  const h = host.trim().toLowerCase().replace(/\.$/, '');
  if (h === '') return undefined;
  const exact = ix.byName.get(h);
  if (exact) return { asset: exact, by: 'hostname' };
  if (/^\d{1,3}(\.\d{1,3}){3}$/.test(h) || h.includes(':')) {
    const byIp = ix.byIp.get(h);
    return byIp && byIp.length === 1 ? { asset: byIp[0] as Asset, by: 'ip' } : undefined;
  }
  const label = h.split('.')[0] ?? '';
  if (label !== h) {
    const byLabel = ix.byName.get(label);
    if (byLabel) return { asset: byLabel, by: 'fqdn' };
  }
  return undefined;
}

export interface HostIndex {
  readonly byName: ReadonlyMap<string, Asset>;
  readonly byIp: ReadonlyMap<string, readonly Asset[]>;
}

export function hostIndex(state: CrisisState): HostIndex {
  const byName = new Map<string, Asset>();
  const byIp = new Map<string, Asset[]>();
  for (const a of state.assets.values()) {
    byName.set(a.hostname.toLowerCase(), a);
    if (a.ip) {
      const k = a.ip.trim().toLowerCase();
      const list = byIp.get(k);
      if (list) list.push(a);
      else byIp.set(k, [a]);
    }
  }
  return { byName, byIp };
}

export interface RecordEvidenceResult {
  readonly entries: readonly AnyEntry[];
  readonly matched: readonly { readonly host: string; readonly asset: AssetId; readonly by: EvidenceRecorded['matchedBy'] }[];
  /** Hosts of the logs that are not in the estate (or match several assets). */
  readonly unmatched: readonly string[];
}

const LEVEL_RANK: Record<EvidenceLevel, number> = { critical: 4, high: 3, medium: 2, low: 1, informational: 0 };
const MAX_REFS = 100;
const MAX_ERASED = 100;

/** Several host names of one asset (`WS042` and `ws042.hospital.local`) become one entry. */
function mergeHosts(list: readonly HostEvidenceInput[]): Omit<EvidenceRecorded, 'asset' | 'hosts' | 'matchedBy' | 'source'> {
  const byLevel: Partial<Record<EvidenceLevel, number>> = {};
  let detections = 0;
  let first = '';
  let last = '';
  let omitted = 0;
  const refs: DetectionRef[] = [];
  const erased: ErasedRef[] = [];
  for (const h of list) {
    detections += h.detections;
    for (const l of EVIDENCE_LEVELS) {
      const n = h.byLevel[l];
      if (n) byLevel[l] = (byLevel[l] ?? 0) + n;
    }
    if (h.first && (first === '' || h.first < first)) first = h.first;
    if (h.last > last) last = h.last;
    omitted += h.refsOmitted ?? 0;
    refs.push(...h.refs);
    erased.push(...(h.erased ?? []));
  }
  refs.sort((a, b) => LEVEL_RANK[b.level] - LEVEL_RANK[a.level] || b.count - a.count || a.first.localeCompare(b.first));
  omitted += Math.max(0, refs.length - MAX_REFS);
  return {
    detections,
    byLevel,
    first,
    last,
    refs: refs.slice(0, MAX_REFS),
    ...(omitted > 0 ? { refsOmitted: omitted } : {}),
    ...(erased.length > 0 ? { erased: erased.slice(0, MAX_ERASED) } : {}),
  };
}

/**
 * Records the evidence of a hunt: one `evidence.recorded` entry per matched asset, written
 * together (all or nothing), built against the latest estate. Needs the `evidence.record`
 * permission (IT, commander, admin). Returns what matched and what did not; writes nothing when
 * no host matched.
 */
export async function recordEvidence(app: CrisisApp, actor: Actor, input: unknown): Promise<RecordEvidenceResult> {
  const v = validate(evidenceInput, input);
  let matched: RecordEvidenceResult['matched'] = [];
  let unmatched: string[] = [];
  const entries = await app.write(actor, 'evidence.record', (s) => {
    const ix = hostIndex(s);
    const perAsset = new Map<AssetId, { by: EvidenceRecorded['matchedBy']; hosts: HostEvidenceInput[] }>();
    const m: { host: string; asset: AssetId; by: EvidenceRecorded['matchedBy'] }[] = [];
    const um: string[] = [];
    for (const h of v.hosts) {
      const hit = matchHost(s, h.host, ix);
      if (!hit) {
        um.push(h.host);
        continue;
      }
      m.push({ host: h.host, asset: hit.asset.id, by: hit.by });
      const slot = perAsset.get(hit.asset.id);
      if (slot) {
        slot.hosts.push(h);
        // The strongest way any of its names matched.
        if (hit.by === 'hostname' || (hit.by === 'fqdn' && slot.by === 'ip')) slot.by = hit.by;
      } else perAsset.set(hit.asset.id, { by: hit.by, hosts: [h] });
    }
    matched = m;
    unmatched = um.sort();
    const drafts: EntryDraft[] = [];
    for (const [asset, slot] of [...perAsset].sort((a, b) => a[0].localeCompare(b[0]))) {
      const payload: EvidenceRecorded = { asset, hosts: slot.hosts.map((h) => h.host).sort(), matchedBy: slot.by, source: v.source, ...mergeHosts(slot.hosts) };
      drafts.push(app.makeDraft(actor, 'evidence.recorded', payload) as EntryDraft);
    }
    return drafts;
  });
  return { entries, matched, unmatched };
}

/** Every evidence entry of an asset, oldest first (empty when none). */
export function evidenceOf(state: CrisisState, asset: AssetId): readonly AssetEvidence[] {
  return state.evidence?.get(asset) ?? [];
}

/** The summary the asset listing and the API show (undefined when the asset has no evidence). */
export function evidenceSummaryOf(state: CrisisState, asset: AssetId): EvidenceSummary | undefined {
  return summariseEvidence(state.evidence?.get(asset));
}

/** The assets a cell's cause chains go through or end at, and those its risk comes from. */
export function assetsOfCell(cell: ImpactCell): AssetId[] {
  const out = new Set<AssetId>();
  for (const c of cell.causes) {
    for (const st of c.steps) if (st.type === 'asset') out.add(st.id as AssetId);
    if (c.root.kind === 'asset-state') out.add(c.root.asset);
  }
  for (const r of cell.atRiskBecause ?? []) out.add(r.asset);
  return [...out];
}

/** Assets on a cell's cause chains or risk paths that have evidence, with it: what `why` shows. */
export function evidenceForAssets(state: CrisisState, assets: Iterable<AssetId>): { asset: AssetId; summary: EvidenceSummary; latest: AssetEvidence }[] {
  const out: { asset: AssetId; summary: EvidenceSummary; latest: AssetEvidence }[] = [];
  for (const a of new Set(assets)) {
    const list = state.evidence?.get(a);
    const summary = summariseEvidence(list);
    const latest = list?.[list.length - 1];
    if (summary && latest) out.push({ asset: a, summary, latest });
  }
  return out.sort((x, y) => y.summary.detections - x.summary.detections || x.asset.localeCompare(y.asset));
}
