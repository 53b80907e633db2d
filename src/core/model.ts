/**
 * The estate of a hospital group: sites, the clinical and support services they run, the IT assets
 * those services need, and the dependencies ("needs") between them. Pure data, no behaviour.
 */
import type { AssetId, MeasureId, NeedId, ServiceId, SiteId } from './ids.ts';

export const SITE_KINDS = [
  'hospital',
  'psychiatric-hospital',
  'polyclinic',
  'nursing-home',
  'psychiatric-care-home',
  'creche',
  'datacenter',
] as const;
export type SiteKind = (typeof SITE_KINDS)[number];

export interface Site {
  readonly id: SiteId;
  readonly name: string;
  readonly kind: SiteKind;
  /** Town or address, printed on downtime packs. */
  readonly location?: string;
}

export const CRITICALITIES = ['vital', 'essential', 'standard'] as const;
export type Criticality = (typeof CRITICALITIES)[number];

/** Service kinds the board knows how to order and name; an estate may add its own kebab-case kinds. */
export const SERVICE_KINDS = [
  'emergency',
  'icu',
  'operating-theatre',
  'dialysis',
  'cath-lab',
  'radiology',
  'laboratory',
  'pharmacy',
  'e-prescription',
  'patient-record',
  'admissions',
  'consultations',
  'switchboard',
  'sterilisation',
  'blood-bank',
  'email',
  'payroll',
  'nursing-care',
  'childcare',
] as const;
export type KnownServiceKind = (typeof SERVICE_KINDS)[number];

/** A clinical or support service at one site (radiology at one hospital, say). */
export interface Service {
  readonly id: ServiceId;
  readonly site: SiteId;
  readonly kind: string;
  readonly name: string;
  readonly criticality: Criticality;
  /** Recovery time objective in hours, as agreed before the crisis (disaster-recovery RTO). */
  readonly rtoHours?: number;
  /** Direct phone number of the service, for the fallback directory when the switchboard is down. */
  readonly phone?: string;
}

export const ASSET_KINDS = ['server', 'workstation', 'network', 'medical-device', 'application'] as const;
export type AssetKind = (typeof ASSET_KINDS)[number];

export interface Asset {
  readonly id: AssetId;
  /** As written in the inventory (case kept); `id` is its lower-case form. */
  readonly hostname: string;
  readonly kind: AssetKind;
  /** Operating system, e.g. "Windows Server 2019"; empty for applications. */
  readonly os: string;
  readonly site: SiteId;
  /** Network zone or VLAN name, e.g. "servers", "clinical", "medical-devices". */
  readonly zone: string;
  /** What the asset does: "ad", "dns", "pacs", "hypervisor", ... */
  readonly roles: readonly string[];
  readonly tags: readonly string[];
  readonly ip?: string;
}

export const SECURITY_STATES = ['unknown', 'suspected', 'compromised', 'clean'] as const;
/** What we believe about the attacker's presence on an asset. */
export type SecurityState = (typeof SECURITY_STATES)[number];

export const RECOVERY_STATES = [
  'in-service',
  'isolated',
  'preserved',
  'wiped',
  'rebuilding',
  'restored',
  'verified',
] as const;
/** Where the asset stands in containment and recovery; independent of the security state. */
export type RecoveryState = (typeof RECOVERY_STATES)[number];

/** The target of a need: an asset, another service, or the internet itself. */
export type NeedTarget =
  | { readonly type: 'asset'; readonly id: AssetId }
  | { readonly type: 'service'; readonly id: ServiceId }
  | { readonly type: 'internet' };

/** What losing a need does to the one who needs it. */
export type NeedEffect =
  | { readonly kind: 'down' }
  | {
      readonly kind: 'degraded';
      /** Remaining capacity, 0..1, while the need is lost. */
      readonly capacity: number;
      /** The downtime procedure that keeps the service going, e.g. "paper requisitions, runners to the lab". */
      readonly procedure: string;
    };

/**
 * A dependency: `from` needs at least `min` of `targets` to be available. One target with min 1 is a
 * plain dependency; several targets with min 1 is any-of; min N of M targets is N-of-M redundancy.
 */
export interface Need {
  readonly id: NeedId;
  readonly from: { readonly type: 'asset'; readonly id: AssetId } | { readonly type: 'service'; readonly id: ServiceId };
  readonly targets: readonly NeedTarget[];
  readonly min: number;
  readonly effect: NeedEffect;
  /** Why the need exists, in the words of whoever wrote the inventory. */
  readonly note?: string;
}

export const MEASURE_TYPES = ['internet-cut', 'link-cut', 'quarantine'] as const;
export type MeasureType = (typeof MEASURE_TYPES)[number];

/**
 * A network containment measure in force. internet-cut: group-wide when `site` is absent, else
 * that site's internet access; link-cut: the site is separated from the others (and the datacenter);
 * quarantine: a zone (at one site, or everywhere) is unreachable from outside it.
 */
export interface Measure {
  readonly id: MeasureId;
  readonly type: MeasureType;
  readonly site?: SiteId;
  readonly zone?: string;
  readonly reason: string;
  readonly appliedAt: string;
  readonly appliedBy: string;
  readonly appliedSeq: number;
}

export const OBSERVATIONS = ['up', 'down', 'unknown'] as const;
/**
 * What someone last saw of the asset working, apart from what we did to it: `down` (encrypted, crashed),
 * `unknown` (nobody has checked since the attack), `up`. Absent: derived from the recovery state alone.
 */
export type Observation = (typeof OBSERVATIONS)[number];

/** The state of one asset: both axes, and the entry that last changed each. */
export interface AssetStatus {
  readonly security: SecurityState;
  readonly recovery: RecoveryState;
  readonly observed?: Observation;
  readonly reason: string;
  readonly changedAt: string;
  readonly changedBy: string;
  readonly changedSeq: number;
}

/** The state of an asset nobody has said anything about yet. */
export const INITIAL_ASSET_STATUS: AssetStatus = {
  security: 'unknown',
  recovery: 'in-service',
  reason: '',
  changedAt: '',
  changedBy: '',
  changedSeq: 0,
};

/** Recovery states in which the asset cannot serve anything. */
export const UNAVAILABLE_RECOVERY: ReadonlySet<RecoveryState> = new Set(['isolated', 'preserved', 'wiped', 'rebuilding']);
