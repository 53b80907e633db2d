/**
 * What the impact engine tells people: per service per site, a status, a capacity, the downtime
 * procedures in force, and the causes as readable chains. Plain data, safe to serialise.
 */
import type { AssetId, MeasureId, NeedId, ServiceId, SiteId } from '../ids.ts';
import type { Criticality, MeasureType, NeedEffect, Observation, RecoveryState, SecurityState, SiteKind } from '../model.ts';

/**
 * operational: capacity 1, nothing lost. degraded: 0 < capacity < 1, procedures in force.
 * down: capacity 0. unknown: the answer depends on something whose state nobody knows.
 */
export type ServiceStatus = 'operational' | 'degraded' | 'down' | 'unknown';

/** One node on a cause chain: the service itself, an application, a host, a device... */
export interface CauseStep {
  readonly type: 'service' | 'asset' | 'internet';
  /** Service id, asset id, or `internet`. */
  readonly id: string;
  /** As printed: `radiology@hsp-a`, `app pacs`, `host srv-pacs-01`, `internet`. */
  readonly label: string;
  /** For a need on several targets (N of M): how many are needed, of how many, and how many are lost. */
  readonly group?: { readonly needed: number; readonly of: number; readonly unavailable: number };
}

/** Where a cause chain ends: what someone did or saw, or a measure in force. */
export type RootCause =
  | {
      readonly kind: 'asset-state';
      readonly asset: AssetId;
      readonly recovery: RecoveryState;
      readonly security: SecurityState;
      readonly observed?: Observation;
      readonly reason: string;
      readonly changedAt: string;
      /** The journal entry that set this state (0: never changed); one entry for many assets is one cause. */
      readonly changedSeq?: number;
    }
  | {
      readonly kind: 'measure';
      readonly measure: MeasureId;
      readonly type: MeasureType;
      readonly site?: SiteId;
      readonly zone?: string;
      readonly reason: string;
      readonly appliedAt: string;
    }
  | { readonly kind: 'missing'; readonly id: string }
  | { readonly kind: 'cycle'; readonly id: string };

/**
 * Why a cell lost something: `radiology@hsp-a <- app pacs <- host srv-pacs-01 <- isolated`.
 * `certainty` is `unknown` when some link of the chain is only possibly lost.
 */
export interface CauseChain {
  /** The cell's need that failed (the first step below the cell). */
  readonly need: NeedId;
  readonly effect: NeedEffect;
  readonly certainty: 'lost' | 'unknown';
  /** From the cell (first) down to the last node before the root. */
  readonly steps: readonly CauseStep[];
  readonly root: RootCause;
  readonly text: string;
}

/** An asset believed compromised or suspected that a cell still relies on. */
export interface RiskCause {
  readonly asset: AssetId;
  readonly security: SecurityState;
  /** Labels from the cell down to the asset. */
  readonly path: readonly string[];
  readonly text: string;
}

/** One service at one site, as the board shows it. */
export interface ImpactCell {
  readonly site: SiteId;
  /** `unknown` when the service names a site the estate does not have. */
  readonly siteKind: SiteKind | 'unknown';
  readonly siteName: string;
  /** The service kind (`radiology`). */
  readonly service: string;
  readonly serviceId: ServiceId;
  readonly name: string;
  readonly criticality: Criticality;
  readonly status: ServiceStatus;
  /**
   * Capacity we can count on, 0..1: for an `unknown` cell the worst case (the unknowns lost).
   * `capacityRange` gives [worst, best].
   */
  readonly capacity: number;
  readonly capacityRange: readonly [number, number];
  /** Downtime procedures in force (needs surely lost), worst first. */
  readonly procedures: readonly string[];
  readonly causes: readonly CauseChain[];
  /** True when the cell is in service and relies (transitively) on a compromised or suspected asset. */
  readonly atRisk: boolean;
  readonly atRiskBecause?: readonly RiskCause[];
  readonly rtoHours?: number;
  readonly phone?: string;
}

/** A row of the board. */
export interface BoardSite {
  readonly id: SiteId;
  readonly name: string;
  readonly kind: SiteKind | 'unknown';
}

/** The whole board: sites in display order and one cell per service, in site then service-kind order. */
export interface Board {
  readonly sites: readonly BoardSite[];
  readonly cells: readonly ImpactCell[];
}
