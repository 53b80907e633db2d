/**
 * The situation report of an operational period, in the spirit of the hospital incident briefing
 * form (summary, board, objectives, decisions, actions, clocks, communications, next meeting), and
 * the downtime pack of a site. Pure models: every sentence is built from state, the board and the
 * clocks at a time `at`, so the same journal replayed gives the same report, and a changed state a
 * changed report. Renderers (Markdown, HTML, PDF) live in src/app/reports.
 */
import type { SiteId } from '../ids.ts';
import type { Board } from '../impact/types.ts';
import type { CrisisState } from '../state.ts';
import type { ServiceLine } from './board-facts.ts';
import { boardFacts, byKind, inSentence, joinWords, kindLabel, lineOf } from './board-facts.ts';
import type { RegulatoryClock } from '../clocks/clocks.ts';
import { describeClock } from '../clocks/clocks.ts';
import type { ActionItem, Assessed, ChannelState, Contact, CoordinationView, Decision } from '../coordination/coordination-state.ts';
import { CoordinationState, holderOf, isOverdue, nextMeeting, pendingDecisions, periodAt } from '../coordination/coordination-state.ts';
import { switchboardSentence } from './templates.ts';
import { formatLocal, toZonedIso } from '../clocks/time.ts';

/** A group of services of one kind across sites, as the sitrep lists them. */
export interface ServiceGroup {
  readonly kind: string;
  readonly label: string;
  readonly sites: readonly string[];
  readonly procedures: readonly string[];
  /** Lowest capacity we can count on across the group, 0..1. */
  readonly capacity: number;
}

/** A statement with where it came from, so a reader can check it. */
export interface SourcedFact {
  readonly topic: string;
  readonly text: string;
  readonly source: string;
  readonly recordedAt: string;
}

export interface SitrepModel {
  readonly title: string;
  readonly organisation: string;
  readonly crisisName: string;
  /** The time the report describes, with the zone's offset. */
  readonly at: string;
  readonly atLocal: string;
  readonly timeZone: string;
  readonly period?: { readonly id: string; readonly name: string; readonly start: string; readonly end: string; readonly objectives: readonly string[] };
  readonly preparedFor: string;
  /** Sentences of the summary, each built from state. */
  readonly summary: readonly string[];
  readonly board: {
    readonly available: boolean;
    readonly vitalWorking: readonly ServiceGroup[];
    readonly vitalNotWorking: readonly ServiceGroup[];
    /** Non-vital services working on downtime procedures (degraded, at the working capacity or more). */
    readonly reduced: readonly ServiceGroup[];
    /** Degraded below the working capacity: the most impacted. */
    readonly degraded: readonly ServiceGroup[];
    readonly down: readonly ServiceGroup[];
    readonly unknown: readonly ServiceGroup[];
    readonly operational: number;
    readonly total: number;
    readonly workingCapacity: number;
  };
  readonly channels: readonly { readonly channel: string; readonly site?: string; readonly status: string; readonly fallback?: string }[];
  readonly facts: readonly SourcedFact[];
  readonly measures: readonly string[];
  readonly objectives: readonly string[];
  readonly decisions: {
    readonly pending: readonly { readonly id: string; readonly question: string; readonly options: readonly string[]; readonly reviewAt?: string; readonly affects: string }[];
    readonly made: readonly { readonly id: string; readonly question: string; readonly decision: string; readonly rationale: string; readonly by: string; readonly at: string }[];
  };
  readonly actions: readonly { readonly id: string; readonly title: string; readonly owner: string; readonly due?: string; readonly status: string; readonly overdue: boolean }[];
  readonly clocks: readonly { readonly title: string; readonly authority: string; readonly status: string; readonly line: string; readonly missing: readonly string[] }[];
  readonly communications: readonly { readonly id: string; readonly audience: string; readonly title: string; readonly status: string; readonly when: string }[];
  readonly positions: readonly { readonly title: string; readonly person?: string; readonly reach?: string }[];
  readonly partners: readonly { readonly name: string; readonly party: string; readonly reach: string }[];
  readonly nextMeeting?: { readonly title: string; readonly at: string; readonly place?: string; readonly attendees: readonly string[] };
}

export interface SitrepInput {
  readonly state: CrisisState;
  /** The board at `at`, from the impact engine; absent: the report says the board is unavailable. */
  readonly board?: Board;
  readonly clocks: readonly RegulatoryClock[];
  readonly at: string;
  readonly timeZone?: string;
}

const EMPTY = new CoordinationState();

function groups(lines: readonly ServiceLine[]): ServiceGroup[] {
  return byKind(lines).map((g) => ({
    kind: g.kind,
    label: g.label,
    sites: g.sites,
    procedures: [...new Set(g.lines.flatMap((l) => l.procedures))],
    capacity: Math.min(...g.lines.map((l) => l.capacity)),
  }));
}

const pct = (x: number) => `${Math.round(x * 100)} %`;

/** Builds the situation report at `at`; `state` should be the state as known at `at`. */
export function buildSitrep(input: SitrepInput): SitrepModel {
  const { state, at } = input;
  const tz = input.timeZone ?? 'Europe/Brussels';
  const c: CoordinationView = state.coordination ?? EMPTY;
  const local = (iso: string) => formatLocal(iso, tz);
  const t = Date.parse(at);
  const period = periodAt(c, at);
  const f = input.board ? boardFacts(input.board) : undefined;
  const board = {
    available: f !== undefined,
    vitalWorking: f ? groups(f.vitalWorking) : [],
    vitalNotWorking: f ? groups(f.vitalNotWorking) : [],
    reduced: f ? groups(f.reduced) : [],
    degraded: f ? groups(f.degraded) : [],
    down: f ? groups(f.down) : [],
    unknown: f ? groups(f.unknown) : [],
    operational: f?.operationalCount ?? 0,
    total: f?.total ?? 0,
    workingCapacity: f?.workingCapacity ?? 0,
  };

  const facts = assessedFacts(c, local);
  const channels = [...c.channels.values()].sort(channelOrder).map((ch) => ({ channel: ch.channel, ...(ch.site ? { site: ch.site } : {}), status: ch.status, ...(ch.fallback ? { fallback: ch.fallback } : {}) }));
  const meeting = nextMeeting(c, at);
  const pending = pendingDecisions(c, at);
  const made = [...c.decisions.values()].filter((d) => d.made && Date.parse(d.made.decidedAt) <= t && (!period || Date.parse(d.made.decidedAt) >= Date.parse(period.start)));
  const actions = [...c.actions.values()].filter((a) => Date.parse(a.created.at) <= t);

  const summary: string[] = [];
  if (f) {
    const where = (g: ServiceGroup) => (g.sites.length > 2 ? `${g.sites.length} sites` : joinWords(g.sites));
    const onProcedures = board.vitalWorking.filter((g) => g.capacity < 1);
    summary.push(
      board.vitalWorking.length > 0
        ? `Vital services working: ${joinWords(board.vitalWorking.map((g) => `${inSentence(g.label)} (${where(g)})`))}${onProcedures.length ? `; ${joinWords(onProcedures.map((g) => inSentence(g.label)))} on downtime procedures at ${pct(board.workingCapacity)} capacity or more` : ''}.`
        : 'No vital service is working.',
    );
    if (board.vitalNotWorking.length > 0) summary.push(`Vital services NOT working: ${joinWords(board.vitalNotWorking.map((g) => `${inSentence(g.label)} (${where(g)}, ${pct(g.capacity)})`))}.`);
    if (board.degraded.length > 0) summary.push(`Most impacted: ${joinWords(board.degraded.map((g) => inSentence(g.label)))}.`);
    for (const g of board.degraded) summary.push(`${g.label} degraded at ${where(g)} (${pct(g.capacity)} capacity)${g.procedures.length ? `: ${g.procedures.join('; ')}` : ''}.`);
    if (board.down.length > 0) summary.push(`Down: ${joinWords(board.down.map((g) => `${inSentence(g.label)} (${where(g)})`))}.`);
    if (board.unknown.length > 0) summary.push(`Status unknown (not checked since the attack): ${joinWords(board.unknown.map((g) => inSentence(g.label)))}.`);
  } else summary.push('The service board is not available for this report.');
  const sb = switchboardSentence(c);
  if (sb) summary.push(`${sb.charAt(0).toUpperCase()}${sb.slice(1)}.`);
  for (const x of facts) summary.push(`${x.text} (source: ${x.source}, recorded ${local(x.recordedAt)}).`);
  if (pending.length > 0) summary.push(`Pending decision${pending.length > 1 ? 's' : ''}: ${pending.map((d) => d.question.replace(/[.?!]$/, '')).join('; ')}?`);
  const overdue = actions.filter((a) => isOverdue(a, at));
  if (overdue.length > 0) summary.push(`${overdue.length} action${overdue.length > 1 ? 's' : ''} OVERDUE.`);
  for (const k of input.clocks.filter((k) => k.status === 'overdue' || k.status === 'due-soon')) summary.push(`${k.title}: ${describeClock(k, tz)}.`);
  summary.push(meeting ? `Next meeting: ${meeting.title}, ${local(meeting.at)}${meeting.place ? `, ${meeting.place}` : ''}.` : 'No next meeting is scheduled.');

  const positions = c.positions.map((p) => {
    const h = holderOf(c, p.id, at);
    return { title: p.title, ...(h ? { person: h.person, ...(h.reach ? { reach: h.reach } : {}) } : {}) };
  });

  return {
    title: `Situation report${period ? ` — ${period.name}` : ''}`,
    organisation: state.crisis?.organisation ?? '',
    crisisName: state.crisis?.name ?? '',
    at: toZonedIso(at, tz),
    atLocal: local(at),
    timeZone: tz,
    ...(period ? { period: { id: period.id, name: period.name, start: toZonedIso(period.start, tz), end: toZonedIso(period.end, tz), objectives: period.objectives } } : {}),
    preparedFor: 'Crisis cell',
    summary,
    board,
    channels,
    facts,
    measures: [...state.measures.values()].map((m) => `${kindLabel(m.type)}${m.site ? ` at ${m.site}` : ' (group-wide)'}${m.zone ? `, zone ${m.zone}` : ''} since ${local(m.appliedAt)}: ${m.reason}`),
    objectives: period?.objectives ?? [],
    decisions: {
      pending: pending.map((d) => ({ id: d.id, question: d.question, options: d.options, ...(d.reviewAt ? { reviewAt: local(d.reviewAt) } : {}), affects: affects(d, state) })),
      made: made.map((d) => ({ id: d.id, question: d.question, decision: d.made?.decision ?? '', rationale: d.made?.rationale ?? '', by: `${d.made?.decidedBy.person} (${d.made?.decidedBy.position})`, at: local(d.made?.decidedAt ?? '') })),
    },
    actions: actions
      .filter((a) => a.status === 'open' || a.status === 'in-progress' || (period !== undefined && Date.parse(a.updated.at) >= Date.parse(period.start)))
      .sort((a, b) => Number(isOverdue(b, at)) - Number(isOverdue(a, at)) || (Date.parse(a.due ?? '9999') - Date.parse(b.due ?? '9999')))
      .map((a) => actionLine(a, at, local)),
    clocks: input.clocks.map((k) => ({ title: k.title, authority: k.authority, status: k.status, line: describeClock(k, tz), missing: k.draft.missing })),
    communications: [...c.comms.values()]
      .filter((m) => Date.parse(m.drafted.at) <= t)
      .map((m) => ({ id: m.id, audience: m.audience, title: m.title, status: m.status, when: local(m.published?.at ?? m.approved?.stamp.at ?? m.drafted.at) })),
    positions,
    partners: [...c.contacts.values()].filter((x) => x.party !== 'internal' && x.party !== 'call-centre').map((x) => ({ name: x.organisation ? `${x.name}, ${x.organisation}` : x.name, party: x.party, reach: reachOf(x) })),
    ...(meeting ? { nextMeeting: { title: meeting.title, at: local(meeting.at), ...(meeting.place ? { place: meeting.place } : {}), attendees: meeting.attendees } } : {}),
  };
}

function actionLine(a: ActionItem, at: string, local: (iso: string) => string): SitrepModel['actions'][number] {
  return { id: a.id, title: a.title, owner: `${a.ownerPosition}${a.owner ? ` (${a.owner})` : ''}`, ...(a.due ? { due: local(a.due) } : {}), status: a.status, overdue: isOverdue(a, at) };
}

function affects(d: Decision, state: CrisisState): string {
  const names = [...d.services.map((s) => state.services.get(s)?.name ?? s), ...d.sites.map((s) => state.sites.get(s)?.name ?? s)];
  return names.join(', ');
}

/** Contact numbers first, e-mail last: when IT is down the phone is what works. */
export function reachOf(x: Contact): string {
  return [x.phone, x.mobile && `mobile ${x.mobile}`, x.radio && `radio ${x.radio}`, x.email].filter((s): s is string => typeof s === 'string' && s !== '').join(', ');
}

const CHANNEL_ORDER = ['switchboard', 'direct-lines', 'mobiles', 'radio', 'email', 'internet', 'messaging', 'pager', 'fax'];
function channelOrder(a: ChannelState, b: ChannelState): number {
  return CHANNEL_ORDER.indexOf(a.channel) - CHANNEL_ORDER.indexOf(b.channel) || (a.site ?? '').localeCompare(b.site ?? '');
}

/** The assessment as sentences with their source. */
function assessedFacts(c: CoordinationView, _local: (iso: string) => string): SourcedFact[] {
  const a = c.assessment;
  const out: SourcedFact[] = [];
  const push = <T>(topic: string, x: Assessed<T> | undefined, text: (v: T) => string) => {
    if (x) out.push({ topic, text: text(x.value), source: x.source, recordedAt: x.stamp.at });
  };
  push('ransom', a.ransomDemand, (v) => (v === 'none' ? 'No ransom demand has been received' : 'A ransom demand has been received'));
  push('data-theft', a.dataExfiltration, (v) =>
    v === 'no-indication' ? 'There is no indication that personal data has been stolen' : v === 'suspected' ? 'Theft of personal data is suspected' : 'Theft of personal data is confirmed',
  );
  push('malicious-act', a.maliciousAct, (v) => (v === 'ruled-out' ? 'A malicious act has been ruled out' : `A malicious act is ${v}`));
  push('origin', a.rootCause, (v) => `Origin: ${v}`);
  push('cross-border', a.crossBorderImpact, (v) => (v === 'none' ? 'No cross-border impact' : `Cross-border impact ${v}`));
  return out;
}

/** The downtime pack of one site: its services with status and procedures, and the numbers to call. */
export interface DowntimePack {
  readonly site: { readonly id: string; readonly name: string; readonly kind: string; readonly location?: string };
  readonly organisation: string;
  readonly at: string;
  readonly atLocal: string;
  readonly boardAvailable: boolean;
  readonly services: readonly { readonly name: string; readonly kind: string; readonly criticality: string; readonly status: string; readonly capacity?: number; readonly procedures: readonly string[]; readonly phone?: string }[];
  /** Direct numbers: services' own numbers, then people and desks recorded for the site. */
  readonly directory: readonly { readonly name: string; readonly detail: string; readonly number: string }[];
  readonly channels: readonly { readonly channel: string; readonly status: string; readonly fallback?: string; readonly scope: string }[];
  readonly crisisCell: readonly { readonly title: string; readonly person: string; readonly reach?: string }[];
  readonly nextMeeting?: string;
}

/** Builds the downtime pack of `site` at `at`. Throws nothing: an unknown site is the caller's check. */
export function buildDowntimePack(input: { state: CrisisState; board?: Board; site: SiteId; at: string; timeZone?: string }): DowntimePack {
  const { state, site, at } = input;
  const tz = input.timeZone ?? 'Europe/Brussels';
  const c: CoordinationView = state.coordination ?? EMPTY;
  const s = state.sites.get(site);
  const cells = new Map((input.board?.cells ?? []).filter((x) => x.site === site).map((x) => [x.serviceId as string, lineOf(x)]));
  const services = [...state.services.values()]
    .filter((x) => x.site === site)
    .map((x) => {
      const l = cells.get(x.id);
      return {
        name: x.name,
        kind: x.kind,
        criticality: x.criticality,
        status: l?.status ?? 'not computed',
        ...(l ? { capacity: l.capacity } : {}),
        procedures: l?.procedures ?? [],
        ...(x.phone ? { phone: x.phone } : {}),
      };
    })
    .sort((a, b) => critRank(a.criticality) - critRank(b.criticality) || a.name.localeCompare(b.name));
  const directory = [
    ...services.filter((x) => x.phone).map((x) => ({ name: x.name, detail: kindLabel(x.kind), number: x.phone ?? '' })),
    ...[...c.contacts.values()]
      .filter((x) => x.site === site || (x.service !== undefined && state.services.get(x.service)?.site === site))
      .map((x) => ({ name: x.name, detail: [x.function, x.service ? state.services.get(x.service)?.name : undefined].filter(Boolean).join(', '), number: reachOf(x) })),
    ...[...c.contacts.values()].filter((x) => x.party === 'call-centre').map((x) => ({ name: x.name, detail: 'call centre (patients, families)', number: reachOf(x) })),
  ];
  const channels = [...c.channels.values()]
    .filter((ch) => ch.site === undefined || ch.site === site)
    .sort(channelOrder)
    .map((ch) => ({ channel: ch.channel, status: ch.status, ...(ch.fallback ? { fallback: ch.fallback } : {}), scope: ch.site ? (state.sites.get(ch.site)?.name ?? ch.site) : 'whole group' }));
  const crisisCell = c.positions
    .map((p) => ({ p, h: holderOf(c, p.id, at) }))
    .filter((x) => x.h !== undefined)
    .map(({ p, h }) => ({ title: p.title, person: h?.person ?? '', ...(h?.reach ? { reach: h.reach } : {}) }));
  const meeting = nextMeeting(c, at);
  return {
    site: { id: site, name: s?.name ?? site, kind: s?.kind ?? 'unknown', ...(s?.location ? { location: s.location } : {}) },
    organisation: state.crisis?.organisation ?? '',
    at: toZonedIso(at, tz),
    atLocal: formatLocal(at, tz),
    boardAvailable: input.board !== undefined,
    services,
    directory,
    channels,
    crisisCell,
    ...(meeting ? { nextMeeting: `${meeting.title}, ${formatLocal(meeting.at, tz)}${meeting.place ? `, ${meeting.place}` : ''}` } : {}),
  };
}

function critRank(c: string): number {
  return c === 'vital' ? 0 : c === 'essential' ? 1 : 2;
}
