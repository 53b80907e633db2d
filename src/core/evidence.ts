/**
 * Evidence about assets from hunting their event logs: one `evidence.recorded` entry per asset and
 * hunt (or import of a hunt's detections), with references precise enough to find every event
 * again (file, EventRecordID, rule). Evidence informs; it never changes an asset's security or
 * recovery state by itself: someone decides that with `asset set` (or confirms a proposal).
 */
import type { AssetId } from './ids.ts';

export const EVIDENCE_LEVELS = ['critical', 'high', 'medium', 'low', 'informational'] as const;
export type EvidenceLevel = (typeof EVIDENCE_LEVELS)[number];

/** Hits of one rule in one input file on the asset. */
export interface DetectionRef {
  readonly ruleId: string;
  readonly ruleTitle: string;
  readonly level: EvidenceLevel;
  readonly file: string;
  readonly count: number;
  /** Time of the first and last hit (ISO, UTC). */
  readonly first: string;
  readonly last: string;
  /** EventRecordIDs of the first hits (at most 10), to find them with any tool. */
  readonly eventRecordIds: readonly number[];
}

/** Erased evidence on the asset: a log clearing or a hole in a channel's EventRecordIDs. */
export interface ErasedRef {
  readonly type: 'log-cleared' | 'record-gap' | 'numbering-restart';
  readonly channel: string;
  /** When: the clearing event's time, or the last time seen before the hole. */
  readonly time: string;
  /** The clearing event's EventRecordID, or the first missing one. */
  readonly eventRecordId: number;
  /** Records missing (record-gap). */
  readonly count?: number;
  /** Who cleared the log (log-cleared). */
  readonly by?: string;
  readonly file?: string;
}

/** Payload of `evidence.recorded`. */
export interface EvidenceRecorded {
  readonly asset: AssetId;
  /** The host names (or IPs) as the logs wrote them that matched this asset. */
  readonly hosts: readonly string[];
  /** How they matched the estate: the asset's hostname, an FQDN whose first label is it, its IP. */
  readonly matchedBy: 'hostname' | 'fqdn' | 'ip';
  /** What produced it, e.g. `hunt of /evidence/dc01 (12 files)` or `import of hits.jsonl (sha256 …)`. */
  readonly source: string;
  readonly detections: number;
  readonly byLevel: Partial<Record<EvidenceLevel, number>>;
  /** First and last hit ('' when the asset has only erased-evidence findings). */
  readonly first: string;
  readonly last: string;
  /** Worst level first, then most hits; at most 100 (`refsOmitted` says how many more). */
  readonly refs: readonly DetectionRef[];
  readonly refsOmitted?: number;
  readonly erased?: readonly ErasedRef[];
}

/** One evidence entry as the fold keeps it. */
export interface AssetEvidence extends EvidenceRecorded {
  readonly seq: number;
  readonly at: string;
  readonly actor: string;
}

/** What the asset listing and the API show: all evidence entries of an asset summed up. */
export interface EvidenceSummary {
  readonly entries: number;
  readonly detections: number;
  readonly byLevel: Partial<Record<EvidenceLevel, number>>;
  readonly first: string;
  readonly last: string;
  /** Log clearings and record gaps found on the asset. */
  readonly erased: number;
  readonly lastSeq: number;
}

/** Sums up an asset's evidence entries (undefined when there are none). */
export function summariseEvidence(list: readonly AssetEvidence[] | undefined): EvidenceSummary | undefined {
  if (!list || list.length === 0) return undefined;
  const byLevel: Partial<Record<EvidenceLevel, number>> = {};
  let detections = 0;
  let first = '';
  let last = '';
  let erased = 0;
  for (const e of list) {
    detections += e.detections;
    for (const l of EVIDENCE_LEVELS) {
      const n = e.byLevel[l];
      if (n) byLevel[l] = (byLevel[l] ?? 0) + n;
    }
    if (e.first && (first === '' || e.first < first)) first = e.first;
    if (e.last > last) last = e.last;
    erased += e.erased?.length ?? 0;
  }
  return { entries: list.length, detections, byLevel, first, last, erased, lastSeq: list[list.length - 1]?.seq ?? 0 };
}

/** "3 critical, 12 high" (worst first), or "no detection". */
export function levelsText(byLevel: Partial<Record<EvidenceLevel, number>>): string {
  const parts = EVIDENCE_LEVELS.filter((l) => byLevel[l]).map((l) => `${byLevel[l]} ${l}`);
  return parts.length > 0 ? parts.join(', ') : 'no detection';
}
