/**
 * Crisis-cell coordination: the payloads of its journal entries and the shapes its fold produces.
 * Decisions, actions, positions, operational periods, meetings, contacts, channels, communications,
 * the incident assessment and the regulatory facts the clocks run from. Pure data.
 */
import type { Brand } from '../ids.ts';
import type { AssetId, ServiceId, SiteId } from '../ids.ts';

/** `D1`, `D2`...: a decision, numbered in the order it was opened. */
export type DecisionId = Brand<string, 'DecisionId'>;
/** `A1`, `A2`...: an action (task). */
export type ActionId = Brand<string, 'ActionId'>;
/** `M1`...: a meeting. */
export type MeetingId = Brand<string, 'MeetingId'>;
/** `P1`...: an operational period. */
export type PeriodId = Brand<string, 'PeriodId'>;
/** `C1`...: a communication. */
export type CommsId = Brand<string, 'CommsId'>;
/** Kebab-case slug of a contact, e.g. `police-fccu`. */
export type ContactId = Brand<string, 'ContactId'>;

export const decisionId = (s: string): DecisionId => s as DecisionId;
export const actionId = (s: string): ActionId => s as ActionId;
export const meetingId = (s: string): MeetingId => s as MeetingId;
export const periodId = (s: string): PeriodId => s as PeriodId;
export const commsId = (s: string): CommsId => s as CommsId;
export const contactId = (s: string): ContactId => s as ContactId;

/** A position of the crisis cell (hospital incident command), e.g. `commander`, `medical`. */
export interface Position {
  readonly id: string;
  readonly title: string;
}

/**
 * Positions used until the cell configures its own (`positions.configured`). They follow the
 * hospital incident command system; a cell may rename or add (a `sterilisation` lead, say).
 */
export const DEFAULT_POSITIONS: readonly Position[] = [
  { id: 'commander', title: 'Incident commander' },
  { id: 'medical', title: 'Medical lead' },
  { id: 'it', title: 'IT lead' },
  { id: 'comms', title: 'Communications' },
  { id: 'liaison', title: 'Liaison' },
  { id: 'safety', title: 'Safety' },
  { id: 'dpo', title: 'Data protection' },
  { id: 'logistics', title: 'Logistics' },
  { id: 'finance', title: 'Finance' },
];

/** Who decided: the position held and the person holding it. */
export interface DecidedBy {
  readonly position: string;
  readonly person: string;
}

export const ACTION_STATUSES = ['open', 'in-progress', 'done', 'cancelled'] as const;
export type ActionStatus = (typeof ACTION_STATUSES)[number];

/** Links of an action to what it concerns. */
export interface ActionLinks {
  readonly assets: readonly AssetId[];
  readonly services: readonly ServiceId[];
  readonly decisions: readonly DecisionId[];
}

export const PARTY_TYPES = [
  'internal',
  'police',
  'prosecutor',
  'national-cert',
  'cyber-authority',
  'governor',
  'data-protection-authority',
  'health-authority',
  'insurer',
  'neighbouring-hospital',
  'supplier',
  'call-centre',
  'press',
  'other',
] as const;
/** What kind of party a contact is: it decides where the contact is printed (liaison list, pack). */
export type PartyType = (typeof PARTY_TYPES)[number];

export const CHANNELS = ['switchboard', 'email', 'direct-lines', 'mobiles', 'radio', 'internet', 'messaging', 'pager', 'fax'] as const;
export type Channel = (typeof CHANNELS)[number];
export const CHANNEL_STATUSES = ['working', 'degraded', 'down', 'unknown'] as const;
export type ChannelStatus = (typeof CHANNEL_STATUSES)[number];

export const AUDIENCES = ['staff', 'patients', 'public', 'press', 'partners'] as const;
export type Audience = (typeof AUDIENCES)[number];
export type CommsStatus = 'draft' | 'approved' | 'published';

export const ASSESSMENT_VALUES = {
  ransomDemand: ['none', 'received'],
  dataExfiltration: ['no-indication', 'suspected', 'confirmed'],
  maliciousAct: ['suspected', 'confirmed', 'ruled-out'],
  crossBorderImpact: ['none', 'possible', 'confirmed'],
  severity: ['low', 'medium', 'high', 'critical'],
} as const;

/** The report kinds the law asks for and the cell files. */
export const REPORT_KINDS = [
  'nis2-early-warning',
  'nis2-notification',
  'nis2-intermediate',
  'nis2-progress',
  'nis2-final',
  'gdpr-notification',
  'gdpr-supplement',
  'police-complaint',
] as const;
export type ReportKind = (typeof REPORT_KINDS)[number];

/** Payloads of the coordination entry kinds; `EntryPayloads` (entries.ts) includes each one. */
export interface CoordinationPayloads {
  /** The cell's list of positions replaces the default one. */
  'positions.configured': { readonly positions: readonly Position[] };
  /** An operational period: a span of time with its objectives, the unit of the situation report. */
  'period.opened': {
    readonly id: PeriodId;
    readonly name: string;
    readonly start: string;
    readonly end: string;
    readonly objectives: readonly string[];
  };
  /** Someone holds a position for an operational period (or from now on, without one). */
  'position.assigned': {
    readonly position: string;
    readonly person: string;
    readonly period?: PeriodId;
    /** A number or radio call sign where the holder can be reached now. */
    readonly reach?: string;
  };
  'decision.opened': {
    readonly id: DecisionId;
    readonly question: string;
    readonly options: readonly string[];
    readonly services: readonly ServiceId[];
    readonly sites: readonly SiteId[];
    /** When the question must be settled (or the decision revisited). */
    readonly reviewAt?: string;
    /** Position that prepares the decision. */
    readonly owner?: string;
  };
  'decision.made': {
    readonly id: DecisionId;
    readonly decision: string;
    readonly rationale: string;
    readonly decidedBy: DecidedBy;
    readonly decidedAt: string;
    readonly reviewAt?: string;
    /**
     * True when the recorder (the entry's actor) does not hold the deciding position and writes the
     * decision on the named person's behalf: shown as "recorded by X on behalf of Y".
     */
    readonly onBehalf?: boolean;
  };
  'action.created': {
    readonly id: ActionId;
    readonly title: string;
    readonly ownerPosition: string;
    readonly owner?: string;
    readonly due?: string;
    readonly status: ActionStatus;
    readonly links: ActionLinks;
  };
  /** Only the fields given change. */
  'action.updated': {
    readonly id: ActionId;
    readonly status?: ActionStatus;
    readonly due?: string;
    readonly ownerPosition?: string;
    readonly owner?: string;
    readonly note?: string;
  };
  'meeting.scheduled': {
    readonly id: MeetingId;
    readonly title: string;
    readonly at: string;
    readonly place?: string;
    /** Positions or names invited, partners included ("police", "governor's office"). */
    readonly attendees: readonly string[];
    readonly period?: PeriodId;
  };
  'meeting.minuted': {
    readonly id: MeetingId;
    readonly heldAt: string;
    readonly attendees: readonly string[];
    readonly minutes: string;
  };
  /** A contact added or changed (same id: replaced). */
  'contact.upserted': {
    readonly id: ContactId;
    readonly name: string;
    readonly party: PartyType;
    readonly organisation?: string;
    readonly function?: string;
    readonly phone?: string;
    readonly mobile?: string;
    readonly email?: string;
    readonly radio?: string;
    /** For the fallback directory: the site and service this number reaches. */
    readonly site?: SiteId;
    readonly service?: ServiceId;
    readonly notes?: string;
  };
  /** Whether a channel works now, group-wide or at one site, and what to use instead. */
  'channel.status': {
    readonly channel: Channel;
    readonly site?: SiteId;
    readonly status: ChannelStatus;
    readonly fallback?: string;
    readonly note?: string;
  };
  'comms.drafted': {
    readonly id: CommsId;
    readonly audience: Audience;
    readonly title: string;
    readonly body: string;
    /** The template the body was filled from, and the facts that were still missing then. */
    readonly template?: string;
    readonly missing?: readonly string[];
  };
  /** Four eyes: `draftedBy` (the drafter's account) is never the approver (the entry's actor). */
  'comms.approved': { readonly id: CommsId; readonly approvedBy: DecidedBy; readonly draftedBy?: string };
  'comms.published': { readonly id: CommsId; readonly channel: string; readonly publishedAt: string };
  /**
   * What the cell currently believes about the incident; only the fields given change. The sitrep
   * and the regulatory drafts read these, never free text.
   */
  'incident.assessed': {
    readonly ransomDemand?: (typeof ASSESSMENT_VALUES.ransomDemand)[number];
    readonly dataExfiltration?: (typeof ASSESSMENT_VALUES.dataExfiltration)[number];
    readonly maliciousAct?: (typeof ASSESSMENT_VALUES.maliciousAct)[number];
    readonly crossBorderImpact?: (typeof ASSESSMENT_VALUES.crossBorderImpact)[number];
    readonly severity?: (typeof ASSESSMENT_VALUES.severity)[number];
    /** What is known of the origin (root cause), in words. */
    readonly rootCause?: string;
    readonly indicators?: readonly string[];
    readonly mitigation?: string;
    /** When handling of the incident ended (starts the NIS2 final report after a progress report). */
    readonly handlingEndedAt?: string;
    readonly source: string;
    readonly note?: string;
  };
  /** When the organisation became aware of the incident: every clock runs from here. */
  'regulatory.awareness': { readonly awareAt: string; readonly basis: string };
  /** The cell's finding on GDPR art. 33: is this a personal-data breach (unavailability counts)? */
  'regulatory.breach-assessed': {
    readonly personalDataBreach: boolean;
    /** When the organisation became aware of the breach; absent: the incident awareness time. */
    readonly awareAt?: string;
    readonly reason: string;
    readonly nature?: string;
    readonly dataCategories?: readonly string[];
    readonly subjectCategories?: readonly string[];
    readonly approxSubjects?: number;
    readonly approxRecords?: number;
    readonly likelyConsequences?: string;
    readonly measures?: string;
    /** Art. 34: the risk to people is high, so they must be told. */
    readonly highRisk?: boolean;
  };
  'regulatory.filed': {
    readonly report: ReportKind;
    readonly filedAt: string;
    readonly authority: string;
    readonly reference?: string;
    /** Reasons for a late notification (GDPR art. 33(1)). */
    readonly delayReason?: string;
    readonly note?: string;
  };
}

export type CoordinationKind = keyof CoordinationPayloads;

/** Every coordination kind, for ENTRY_KINDS. */
export const COORDINATION_KINDS = [
  'positions.configured',
  'period.opened',
  'position.assigned',
  'decision.opened',
  'decision.made',
  'action.created',
  'action.updated',
  'meeting.scheduled',
  'meeting.minuted',
  'contact.upserted',
  'channel.status',
  'comms.drafted',
  'comms.approved',
  'comms.published',
  'incident.assessed',
  'regulatory.awareness',
  'regulatory.breach-assessed',
  'regulatory.filed',
] as const satisfies readonly CoordinationKind[];

// A kind added to CoordinationPayloads but not to COORDINATION_KINDS would be refused by the store.
type Unlisted = Exclude<CoordinationKind, (typeof COORDINATION_KINDS)[number]>;
const _everyKindListed: [Unlisted] extends [never] ? true : Unlisted = true;
