// The shapes /api/coordination, /api/agenda and /api/board return (as much as the views read).
export interface Stamp { readonly at: string; readonly actor: string; readonly seq: number }
export interface Decision { readonly id: string; readonly question: string; readonly options: readonly string[]; readonly services: readonly string[]; readonly reviewAt?: string; readonly owner?: string; readonly opened: Stamp; readonly made?: { decision: string; rationale: string; decidedBy: { position: string; person: string }; decidedAt: string } }
export interface ActionItem { readonly id: string; readonly title: string; readonly ownerPosition: string; readonly owner?: string; readonly due?: string; readonly status: string; readonly created: Stamp }
export interface Meeting { readonly id: string; readonly title: string; readonly at: string; readonly place?: string; readonly attendees: readonly string[]; readonly period?: string; readonly minutes?: { heldAt: string; text: string; attendees: readonly string[]; stamp: Stamp } }
export interface Comms { readonly id: string; readonly audience: string; readonly title: string; readonly body: string; readonly status: string; readonly missing: readonly string[]; readonly drafted: Stamp; readonly approved?: { by: { person: string } }; readonly published?: { channel: string; at: string } }
export interface Position { readonly id: string; readonly title: string }
export interface Period { readonly id: string; readonly name: string; readonly start: string; readonly end: string; readonly objectives: readonly string[] }
export interface Assignment { readonly position: string; readonly person: string; readonly period?: string; readonly reach?: string; readonly stamp: Stamp }
export interface Contact { readonly id: string; readonly name: string; readonly party: string; readonly organisation?: string; readonly function?: string; readonly phone?: string; readonly mobile?: string; readonly email?: string; readonly radio?: string; readonly site?: string; readonly service?: string; readonly notes?: string; readonly stamp: Stamp }
export interface ChannelState { readonly channel: string; readonly site?: string; readonly status: string; readonly fallback?: string; readonly note?: string; readonly stamp: Stamp }
export interface Assessed { readonly value: unknown; readonly source: string; readonly stamp: Stamp }
export interface Filing { readonly report: string; readonly filedAt: string; readonly authority: string; readonly reference?: string; readonly delayReason?: string; readonly note?: string; readonly stamp: Stamp }
export interface Regulatory {
  readonly awareness?: { awareAt: string; basis: string; stamp: Stamp };
  readonly breach?: { personalDataBreach: boolean; reason: string; nature?: string; awareAt?: string; dataCategories?: string[]; subjectCategories?: string[]; approxSubjects?: number; approxRecords?: number; highRisk?: boolean; stamp: Stamp };
  readonly filings: readonly Filing[];
}
export interface Coordination {
  readonly at: string;
  readonly positions: readonly Position[];
  readonly periods: readonly Period[];
  readonly assignments: readonly Assignment[];
  readonly decisions: readonly Decision[];
  readonly actions: readonly ActionItem[];
  readonly meetings: readonly Meeting[];
  readonly contacts: readonly Contact[];
  readonly channels: readonly ChannelState[];
  readonly comms: readonly Comms[];
  readonly assessment: Readonly<Record<string, Assessed | undefined>>;
  readonly regulatory: Regulatory;
}

/** The values the server's schemas accept (src/core/coordination/types.ts). */
export const PARTY_TYPES = ['internal', 'police', 'prosecutor', 'national-cert', 'cyber-authority', 'governor', 'data-protection-authority', 'health-authority', 'insurer', 'neighbouring-hospital', 'supplier', 'call-centre', 'press', 'other'] as const;
export const CHANNELS = ['switchboard', 'email', 'direct-lines', 'mobiles', 'radio', 'internet', 'messaging', 'pager', 'fax'] as const;
export const CHANNEL_STATUSES = ['working', 'degraded', 'down', 'unknown'] as const;
export const REPORT_KINDS = ['nis2-early-warning', 'nis2-notification', 'nis2-intermediate', 'nis2-progress', 'nis2-final', 'gdpr-notification', 'gdpr-supplement', 'police-complaint'] as const;
export const ASSESSMENT_VALUES = {
  ransomDemand: ['none', 'received'],
  dataExfiltration: ['no-indication', 'suspected', 'confirmed'],
  maliciousAct: ['suspected', 'confirmed', 'ruled-out'],
  crossBorderImpact: ['none', 'possible', 'confirmed'],
  severity: ['low', 'medium', 'high', 'critical'],
} as const;

/** The operational period in force at `now` (else the latest one started). */
export function currentPeriod(c: Coordination, now: number): Period | undefined {
  const started = c.periods.filter((p) => Date.parse(p.start) <= now).sort((a, b) => a.start.localeCompare(b.start));
  return started.find((p) => Date.parse(p.end) > now) ?? started.at(-1);
}

/** Who holds `position` in `period`: the latest assignment for that period or without one. */
export function holderOf(c: Coordination, position: string, period: Period | undefined): Assignment | undefined {
  return c.assignments.filter((a) => a.position === position && (a.period === undefined || a.period === period?.id)).sort((a, b) => a.stamp.seq - b.stamp.seq).at(-1);
}
