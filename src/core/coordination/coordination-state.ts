/**
 * The fold of the coordination entries: decisions, actions, positions, periods, meetings, contacts,
 * channels, communications, the incident assessment and the regulatory facts. `Projection` owns one
 * and hands it every coordination entry; readers see it through `CoordinationView`.
 */
import type { JournalEntry } from '../journal.ts';
import type { ServiceId, SiteId } from '../ids.ts';
import type {
  ActionId,
  ActionLinks,
  ActionStatus,
  Audience,
  Channel,
  ChannelStatus,
  CommsId,
  CommsStatus,
  ContactId,
  CoordinationKind,
  CoordinationPayloads,
  DecidedBy,
  DecisionId,
  MeetingId,
  PeriodId,
  Position,
  ReportKind,
} from './types.ts';
import { COORDINATION_KINDS, DEFAULT_POSITIONS } from './types.ts';

/** Any coordination entry, narrowed by `kind`. */
export type CoordinationEntry = { [K in CoordinationKind]: JournalEntry<K> }[CoordinationKind];

/** Who wrote an entry and when: kept on everything the sitrep may have to source. */
export interface Stamp {
  readonly at: string;
  readonly actor: string;
  readonly seq: number;
}

export interface Decision {
  readonly id: DecisionId;
  readonly question: string;
  readonly options: readonly string[];
  readonly services: readonly ServiceId[];
  readonly sites: readonly SiteId[];
  readonly reviewAt?: string;
  readonly owner?: string;
  readonly opened: Stamp;
  /** Absent while the decision is pending. */
  readonly made?: {
    readonly decision: string;
    readonly rationale: string;
    readonly decidedBy: DecidedBy;
    readonly decidedAt: string;
    /** The account that wrote the decision into the journal (the entry's actor). */
    readonly recordedBy: string;
    /** True when the recorder did not hold the deciding position: "recorded by X on behalf of Y". */
    readonly onBehalf: boolean;
    readonly stamp: Stamp;
  };
}

export interface ActionItem {
  readonly id: ActionId;
  readonly title: string;
  readonly ownerPosition: string;
  readonly owner?: string;
  readonly due?: string;
  readonly status: ActionStatus;
  readonly links: ActionLinks;
  readonly created: Stamp;
  readonly updated: Stamp;
  readonly notes: readonly { readonly at: string; readonly actor: string; readonly text: string }[];
}

export interface Period {
  readonly id: PeriodId;
  readonly name: string;
  readonly start: string;
  readonly end: string;
  readonly objectives: readonly string[];
  readonly opened: Stamp;
}

export interface Assignment {
  readonly position: string;
  readonly person: string;
  readonly period?: PeriodId;
  readonly reach?: string;
  readonly stamp: Stamp;
}

export interface Meeting {
  readonly id: MeetingId;
  readonly title: string;
  readonly at: string;
  readonly place?: string;
  readonly attendees: readonly string[];
  readonly period?: PeriodId;
  readonly scheduled: Stamp;
  readonly minutes?: { readonly heldAt: string; readonly attendees: readonly string[]; readonly text: string; readonly stamp: Stamp };
}

export type Contact = CoordinationPayloads['contact.upserted'] & { readonly stamp: Stamp };

export interface ChannelState {
  readonly channel: Channel;
  readonly site?: SiteId;
  readonly status: ChannelStatus;
  readonly fallback?: string;
  readonly note?: string;
  readonly stamp: Stamp;
}

export interface Communication {
  readonly id: CommsId;
  readonly audience: Audience;
  readonly title: string;
  readonly body: string;
  readonly template?: string;
  readonly missing: readonly string[];
  readonly status: CommsStatus;
  readonly drafted: Stamp;
  /** `stamp.actor` is the approving account, never the drafter's (`drafted.actor`). */
  readonly approved?: { readonly by: DecidedBy; readonly stamp: Stamp };
  readonly published?: { readonly channel: string; readonly at: string; readonly stamp: Stamp };
}

/** One assessed fact: its value, who recorded it, when and on whose word. */
export interface Assessed<T> {
  readonly value: T;
  readonly source: string;
  readonly stamp: Stamp;
}

type AssessmentPayload = CoordinationPayloads['incident.assessed'];
type AssessmentField = Exclude<keyof AssessmentPayload, 'source' | 'note'>;
/** The latest value of every assessment field that was ever given. */
export type Assessment = { readonly [F in AssessmentField]?: Assessed<NonNullable<AssessmentPayload[F]>> };

export interface Filing {
  readonly report: ReportKind;
  readonly filedAt: string;
  readonly authority: string;
  readonly reference?: string;
  readonly delayReason?: string;
  readonly note?: string;
  readonly stamp: Stamp;
}

export interface Regulatory {
  readonly awareness?: { readonly awareAt: string; readonly basis: string; readonly stamp: Stamp };
  readonly breach?: CoordinationPayloads['regulatory.breach-assessed'] & { readonly stamp: Stamp };
  readonly filings: readonly Filing[];
}

/** What readers see of the coordination fold. */
export interface CoordinationView {
  readonly positions: readonly Position[];
  readonly periods: ReadonlyMap<PeriodId, Period>;
  readonly assignments: readonly Assignment[];
  readonly decisions: ReadonlyMap<DecisionId, Decision>;
  readonly actions: ReadonlyMap<ActionId, ActionItem>;
  readonly meetings: ReadonlyMap<MeetingId, Meeting>;
  readonly contacts: ReadonlyMap<ContactId, Contact>;
  /** Keyed `channel` (group-wide) or `channel@site`. */
  readonly channels: ReadonlyMap<string, ChannelState>;
  readonly comms: ReadonlyMap<CommsId, Communication>;
  readonly assessment: Assessment;
  readonly regulatory: Regulatory;
}

/** The key of a channel's state: group-wide or at one site. */
export function channelKey(channel: Channel, site?: SiteId | string): string {
  return site === undefined ? channel : `${channel}@${site}`;
}

const KIND_SET: ReadonlySet<string> = new Set(COORDINATION_KINDS);

/** True for the kinds `CoordinationState.apply` folds. */
export function isCoordinationEntry(e: { readonly kind: string }): e is CoordinationEntry {
  return KIND_SET.has(e.kind);
}

/** Mutable inside, read through CoordinationView. Entries must come in journal order. */
export class CoordinationState implements CoordinationView {
  positions: readonly Position[] = DEFAULT_POSITIONS;
  readonly periods = new Map<PeriodId, Period>();
  readonly assignments: Assignment[] = [];
  readonly decisions = new Map<DecisionId, Decision>();
  readonly actions = new Map<ActionId, ActionItem>();
  readonly meetings = new Map<MeetingId, Meeting>();
  readonly contacts = new Map<ContactId, Contact>();
  readonly channels = new Map<string, ChannelState>();
  readonly comms = new Map<CommsId, Communication>();
  assessment: Assessment = {};
  regulatory: Regulatory = { filings: [] };

  apply(e: CoordinationEntry): void {
    const stamp: Stamp = { at: e.at, actor: e.actor, seq: e.seq };
    switch (e.kind) {
      case 'positions.configured':
        this.positions = e.payload.positions;
        break;
      case 'period.opened':
        this.periods.set(e.payload.id, { ...e.payload, opened: stamp });
        break;
      case 'position.assigned':
        this.assignments.push({ ...e.payload, stamp });
        break;
      case 'decision.opened':
        this.decisions.set(e.payload.id, { ...e.payload, opened: stamp });
        break;
      case 'decision.made': {
        const d = this.decisions.get(e.payload.id);
        // The app refuses unknown ids; an imported journal that has one is folded without it.
        if (!d) break;
        const { id: _id, reviewAt, onBehalf, ...made } = e.payload;
        this.decisions.set(d.id, { ...d, ...(reviewAt === undefined ? {} : { reviewAt }), made: { ...made, recordedBy: e.actor, onBehalf: onBehalf === true, stamp } });
        break;
      }
      case 'action.created':
        this.actions.set(e.payload.id, { ...e.payload, created: stamp, updated: stamp, notes: [] });
        break;
      case 'action.updated': {
        const a = this.actions.get(e.payload.id);
        if (!a) break;
        const p = e.payload;
        this.actions.set(a.id, {
          ...a,
          ...(p.status === undefined ? {} : { status: p.status }),
          ...(p.due === undefined ? {} : { due: p.due }),
          ...(p.ownerPosition === undefined ? {} : { ownerPosition: p.ownerPosition }),
          ...(p.owner === undefined ? {} : { owner: p.owner }),
          updated: stamp,
          notes: p.note === undefined ? a.notes : [...a.notes, { at: e.at, actor: e.actor, text: p.note }],
        });
        break;
      }
      case 'meeting.scheduled': {
        const old = this.meetings.get(e.payload.id);
        // Scheduling an existing id again moves it (a new time or place); minutes stay.
        this.meetings.set(e.payload.id, { ...e.payload, scheduled: stamp, ...(old?.minutes ? { minutes: old.minutes } : {}) });
        break;
      }
      case 'meeting.minuted': {
        const m = this.meetings.get(e.payload.id);
        if (!m) break;
        this.meetings.set(m.id, { ...m, minutes: { heldAt: e.payload.heldAt, attendees: e.payload.attendees, text: e.payload.minutes, stamp } });
        break;
      }
      case 'contact.upserted':
        this.contacts.set(e.payload.id, { ...e.payload, stamp });
        break;
      case 'channel.status':
        this.channels.set(channelKey(e.payload.channel, e.payload.site), { ...e.payload, stamp });
        break;
      case 'comms.drafted':
        this.comms.set(e.payload.id, { ...e.payload, missing: e.payload.missing ?? [], status: 'draft', drafted: stamp });
        break;
      case 'comms.approved': {
        const c = this.comms.get(e.payload.id);
        if (!c) break;
        this.comms.set(c.id, { ...c, status: 'approved', approved: { by: e.payload.approvedBy, stamp } });
        break;
      }
      case 'comms.published': {
        const c = this.comms.get(e.payload.id);
        if (!c) break;
        this.comms.set(c.id, { ...c, status: 'published', published: { channel: e.payload.channel, at: e.payload.publishedAt, stamp } });
        break;
      }
      case 'incident.assessed': {
        const { source, note: _note, ...fields } = e.payload;
        const next: Record<string, Assessed<unknown>> = { ...this.assessment };
        for (const [k, v] of Object.entries(fields)) {
          if (v !== undefined) next[k] = { value: v, source, stamp };
        }
        this.assessment = next as Assessment;
        break;
      }
      case 'regulatory.awareness':
        this.regulatory = { ...this.regulatory, awareness: { ...e.payload, stamp } };
        break;
      case 'regulatory.breach-assessed':
        this.regulatory = { ...this.regulatory, breach: { ...e.payload, stamp } };
        break;
      case 'regulatory.filed':
        this.regulatory = { ...this.regulatory, filings: [...this.regulatory.filings, { ...e.payload, stamp }] };
        break;
      default: {
        const never: never = e;
        throw new Error(`no coordination fold for ${(never as CoordinationEntry).kind}`);
      }
    }
  }
}

/** Who holds `position` at `at`: the latest assignment for the period covering `at`, else the latest one without a period made by then. */
export function holderOf(c: CoordinationView, position: string, at: string): Assignment | undefined {
  const t = Date.parse(at);
  const period = periodAt(c, at);
  let best: Assignment | undefined;
  for (const a of c.assignments) {
    if (a.position !== position) continue;
    if (a.period !== undefined) {
      if (period === undefined || a.period !== period.id) continue;
    } else if (Date.parse(a.stamp.at) > t) continue;
    // A period assignment beats a standing one; among equals the later entry wins.
    if (best === undefined || a.period !== undefined || best.period === undefined) best = a;
  }
  return best;
}

/** The operational period covering `at` (the latest-starting one if they overlap). */
export function periodAt(c: CoordinationView, at: string): Period | undefined {
  const t = Date.parse(at);
  let best: Period | undefined;
  for (const p of c.periods.values()) {
    if (Date.parse(p.start) <= t && t < Date.parse(p.end) && (best === undefined || Date.parse(p.start) >= Date.parse(best.start))) best = p;
  }
  return best;
}

/** True when the action is still to do and its due time has passed at `at`. */
export function isOverdue(a: ActionItem, at: string): boolean {
  return (a.status === 'open' || a.status === 'in-progress') && a.due !== undefined && Date.parse(a.due) < Date.parse(at);
}

/** Decisions still pending at `at` (opened by then, not made by then), oldest first. */
export function pendingDecisions(c: CoordinationView, at: string): Decision[] {
  const t = Date.parse(at);
  return [...c.decisions.values()].filter((d) => Date.parse(d.opened.at) <= t && (d.made === undefined || Date.parse(d.made.decidedAt) > t));
}

/** The next meeting scheduled after `at` that has no minutes yet. */
export function nextMeeting(c: CoordinationView, at: string): Meeting | undefined {
  const t = Date.parse(at);
  return [...c.meetings.values()].filter((m) => m.minutes === undefined && Date.parse(m.at) > t).sort((a, b) => Date.parse(a.at) - Date.parse(b.at))[0];
}

/** The last meeting held at or before `at` (minutes recorded, else scheduled time passed). */
export function lastMeeting(c: CoordinationView, at: string): Meeting | undefined {
  const t = Date.parse(at);
  const held = (m: Meeting) => Date.parse(m.minutes?.heldAt ?? m.at);
  return [...c.meetings.values()].filter((m) => held(m) <= t).sort((a, b) => held(b) - held(a))[0];
}

/** `<prefix><n+1>`: ids are numbered in journal order, so a retried write renumbers against the new state. */
export function nextNumberedId(prefix: string, existing: ReadonlyMap<string, unknown>): string {
  let n = existing.size + 1;
  while (existing.has(`${prefix}${n}`)) n++;
  return `${prefix}${n}`;
}
