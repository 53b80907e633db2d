/**
 * The situation report of an operational period, in the spirit of the hospital incident briefing
 * form (summary, board, objectives, decisions, actions, clocks, communications, next meeting), and
 * the downtime pack of a site. Pure models: every sentence is built from state, the board and the
 * clocks at a time `at`, so the same journal replayed gives the same report, and a changed state a
 * changed report. Renderers (Markdown, HTML, PDF) live in src/app/reports.
 */
import type { SiteId } from '../ids.ts';
import type { Board, ServiceStatus } from '../impact/types.ts';
import type { CrisisState } from '../state.ts';
import type { ServiceLine } from './board-facts.ts';
import { byKind, inSentence, kindLabel, lineOf, WORKING_CAPACITY } from './board-facts.ts';
import type { ClockId, RegulatoryClock } from '../clocks/clocks.ts';
import { describeClock } from '../clocks/clocks.ts';
import type { ActionItem, Assessed, ChannelState, Contact, CoordinationView, Decision } from '../coordination/coordination-state.ts';
import { channelKey, CoordinationState, holderOf, isOverdue, nextMeeting, pendingDecisions, periodAt } from '../coordination/coordination-state.ts';
import { DEFAULT_POSITIONS } from '../coordination/types.ts';
import { DEFAULT_TIME_ZONE, formatLocal, toZonedIso } from '../clocks/time.ts';
import type { Lang, MessageKey, Params } from '../i18n/index.ts';
import { joinList, label, t } from '../i18n/index.ts';
import { measureText, reachText } from '../entry-text.ts';

/** A group of services of one kind and one status across sites, as the sitrep lists them. */
export interface ServiceGroup {
  readonly kind: string;
  /** The kind in the report's language (`Radiologie`). */
  readonly label: string;
  /** The board's status of every service in the group: the sitrep never calls degraded "working". */
  readonly status: ServiceStatus;
  readonly sites: readonly string[];
  readonly procedures: readonly string[];
  /** Lowest capacity we can count on across the group, 0..1. */
  readonly capacity: number;
  /** How many of the group's services still rely on a compromised or suspected system. */
  readonly atRisk: number;
  /** True when every service of the group is vital. */
  readonly vital: boolean;
}

/** A statement with where it came from, so a reader can check it. */
export interface SourcedFact {
  readonly topic: string;
  readonly text: string;
  readonly source: string;
  readonly recordedAt: string;
}

export interface SitrepModel {
  /** The language the sentences and labels below are in. */
  readonly lang: Lang;
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
  /** The regulatory deadline that comes first among the clocks still running (overdue ones included). */
  readonly nextDeadline?: { readonly clock: ClockId; readonly title: string; readonly due: string; readonly dueLocal: string; readonly status: string; readonly hoursLeft: number; readonly line: string };
  readonly board: {
    readonly available: boolean;
    /** Vital services fully operational. */
    readonly vitalWorking: readonly ServiceGroup[];
    /** Vital services degraded: working on downtime procedures, at reduced capacity. */
    readonly vitalDegraded: readonly ServiceGroup[];
    /** Vital services down, or whose state is unknown. */
    readonly vitalNotWorking: readonly ServiceGroup[];
    /** Every degraded service, vital or not, worst capacity first. */
    readonly degraded: readonly ServiceGroup[];
    /** Degraded below `workingCapacity`. */
    readonly mostImpacted: readonly ServiceGroup[];
    readonly down: readonly ServiceGroup[];
    readonly unknown: readonly ServiceGroup[];
    /** Services in use that rely on a compromised or suspected system, whatever their status. */
    readonly atRisk: readonly ServiceGroup[];
    readonly operational: number;
    readonly total: number;
    /** Below this capacity a degraded service is "most impacted". */
    readonly workingCapacity: number;
  };
  readonly channels: readonly { readonly channel: string; readonly site?: string; readonly status: string; readonly fallback?: string }[];
  readonly facts: readonly SourcedFact[];
  readonly measures: readonly string[];
  readonly objectives: readonly string[];
  readonly decisions: {
    readonly pending: readonly { readonly id: string; readonly question: string; readonly options: readonly string[]; readonly reviewAt?: string; readonly affects: string }[];
    readonly made: readonly {
      readonly id: string;
      readonly question: string;
      readonly decision: string;
      readonly rationale: string;
      /** Who decided, and who recorded it when that was someone else: "Anne Lambert (Incident commander), recorded by medical on their behalf". */
      readonly by: string;
      readonly decidedBy: { readonly position: string; readonly positionTitle: string; readonly person: string };
      /** The account that wrote the decision into the journal. */
      readonly recordedBy: string;
      readonly onBehalf: boolean;
      readonly at: string;
    }[];
  };
  readonly actions: readonly { readonly id: string; readonly title: string; readonly owner: string; readonly due?: string; readonly status: string; readonly overdue: boolean }[];
  readonly clocks: readonly { readonly id: ClockId; readonly title: string; readonly authority: string; readonly status: string; readonly line: string; readonly missing: readonly string[] }[];
  readonly communications: readonly {
    readonly id: string;
    readonly audience: string;
    readonly title: string;
    readonly status: string;
    readonly when: string;
    /** The account that drafted it, and the approver (never the same: four eyes). */
    readonly draftedBy: string;
    readonly approvedBy?: string;
  }[];
  readonly positions: readonly { readonly id: string; readonly title: string; readonly person?: string; readonly reach?: string }[];
  readonly partners: readonly { readonly name: string; readonly party: string; readonly reach: string }[];
  readonly nextMeeting?: { readonly title: string; readonly at: string; readonly place?: string; readonly attendees: readonly string[] };
}

export interface SitrepInput {
  readonly state: CrisisState;
  /** The board at `at`, from the impact engine; absent: the report says the board is unavailable. */
  readonly board?: Board;
  readonly clocks: readonly RegulatoryClock[];
  readonly at: string;
  /** Default: the crisis's own zone. */
  readonly timeZone?: string;
  /** Default English; what people typed stays as typed. */
  readonly lang?: Lang;
}

const EMPTY = new CoordinationState();

/** The title of a position in `lang`: the default positions are translated, those the cell named keep its words. */
export function positionTitle(c: CoordinationView, id: string, lang: Lang): string {
  const own = c.positions.find((p) => p.id === id);
  const dflt = DEFAULT_POSITIONS.find((p) => p.id === id);
  if (dflt && (own === undefined || own.title === dflt.title)) return label(lang, 'position', id);
  return own?.title ?? id;
}

function groups(lines: readonly ServiceLine[], status: ServiceStatus, lang: Lang): ServiceGroup[] {
  return byKind(lines, lang).map((g) => ({
    kind: g.kind,
    label: g.label,
    status,
    sites: g.sites,
    procedures: [...new Set(g.lines.flatMap((l) => l.procedures))],
    capacity: Math.min(...g.lines.map((l) => l.capacity)),
    atRisk: g.lines.filter((l) => l.atRisk).length,
    vital: g.lines.every((l) => l.criticality === 'vital'),
  }));
}

/** Builds the situation report at `at`; `state` should be the state as known at `at`. */
export function buildSitrep(input: SitrepInput): SitrepModel {
  const { state, at } = input;
  const lang = input.lang ?? 'en';
  const tz = input.timeZone ?? state.crisis?.timeZone ?? DEFAULT_TIME_ZONE;
  const tr = (key: MessageKey, params?: Params) => t(lang, key, params);
  const list = (xs: readonly string[]) => joinList(lang, xs);
  const c: CoordinationView = state.coordination ?? EMPTY;
  const local = (iso: string) => formatLocal(iso, tz, lang);
  const pct = (x: number) => tr('pct', { n: Math.round(x * 100) });
  const tm = Date.parse(at);
  const period = periodAt(c, at);

  const lines = (input.board?.cells ?? []).map(lineOf);
  const of = (f: (l: ServiceLine) => boolean, status: ServiceStatus) => groups(lines.filter((l) => f(l) && l.status === status), status, lang);
  const vital = (l: ServiceLine) => l.criticality === 'vital';
  const any = () => true;
  const degraded = of(any, 'degraded').sort((a, b) => a.capacity - b.capacity);
  const atRiskLines = lines.filter((l) => l.atRisk && l.status !== 'down');
  const board = {
    available: input.board !== undefined,
    vitalWorking: of(vital, 'operational'),
    vitalDegraded: of(vital, 'degraded').sort((a, b) => a.capacity - b.capacity),
    vitalNotWorking: [...of(vital, 'down'), ...of(vital, 'unknown')],
    degraded,
    mostImpacted: degraded.filter((g) => g.capacity < WORKING_CAPACITY),
    down: of(any, 'down'),
    unknown: of(any, 'unknown'),
    atRisk: byKind(atRiskLines, lang).map((g) => ({ ...groups(g.lines, g.lines[0]?.status ?? 'operational', lang)[0]!, atRisk: g.lines.length })),
    operational: lines.filter((l) => l.status === 'operational').length,
    total: lines.length,
    workingCapacity: WORKING_CAPACITY,
  };

  const facts = assessedFacts(c, lang);
  const channels = [...c.channels.values()].sort(channelOrder).map((ch) => ({ channel: ch.channel, ...(ch.site ? { site: ch.site } : {}), status: ch.status, ...(ch.fallback ? { fallback: ch.fallback } : {}) }));
  const meeting = nextMeeting(c, at);
  const pending = pendingDecisions(c, at);
  const made = [...c.decisions.values()].filter((d) => d.made && Date.parse(d.made.decidedAt) <= tm && (!period || Date.parse(d.made.decidedAt) >= Date.parse(period.start)));
  const actions = [...c.actions.values()].filter((a) => Date.parse(a.created.at) <= tm);
  const running = input.clocks.filter((k) => (k.status === 'upcoming' || k.status === 'due-soon' || k.status === 'overdue') && k.due !== undefined).sort((a, b) => Date.parse(a.due ?? '') - Date.parse(b.due ?? ''));
  const next = running[0];

  const summary: string[] = [];
  if (input.board) {
    const where = (g: ServiceGroup) => (g.sites.length > 2 ? tr('sitrep.nSites', { n: g.sites.length }) : list(g.sites));
    const named = (g: ServiceGroup) => tr('sitrep.groupWhere', { label: inSentence(g.label), where: where(g) });
    const withCap = (g: ServiceGroup) => tr('sitrep.groupWhereCap', { label: inSentence(g.label), where: where(g), cap: pct(g.capacity) });
    summary.push(board.vitalWorking.length > 0 ? tr('sitrep.vitalOperational', { list: list(board.vitalWorking.map(named)) }) : tr('sitrep.noVitalOperational'));
    if (board.vitalDegraded.length > 0) summary.push(tr('sitrep.vitalDegraded', { list: list(board.vitalDegraded.map(withCap)) }));
    if (board.vitalNotWorking.length > 0) summary.push(tr('sitrep.vitalNotWorking', { list: list(board.vitalNotWorking.map((g) => `${named(g)}: ${label(lang, 'status', g.status)}`)) }));
    if (board.mostImpacted.length > 0) summary.push(tr('sitrep.mostImpacted', { list: list(board.mostImpacted.map((g) => inSentence(g.label))) }));
    for (const g of board.mostImpacted) {
      const p = { label: g.label, where: where(g), cap: pct(g.capacity) };
      summary.push(g.procedures.length ? tr('sitrep.degradedLine', { ...p, procedures: g.procedures.join(tr('punct.sep')) }) : tr('sitrep.degradedLineBare', p));
    }
    const down = board.down.filter((g) => !g.vital);
    if (down.length > 0) summary.push(tr('sitrep.down', { list: list(down.map(named)) }));
    const unknown = board.unknown.filter((g) => !g.vital);
    if (unknown.length > 0) summary.push(tr('sitrep.unknown', { list: list(unknown.map((g) => inSentence(g.label))) }));
    if (board.atRisk.length > 0) summary.push(tr('sitrep.atRisk', { list: list(board.atRisk.map((g) => tr('sitrep.groupWhere', { label: inSentence(g.label), where: g.atRisk > 2 ? tr('sitrep.nSites', { n: g.atRisk }) : list(g.sites) }))) }));
  } else summary.push(tr('sitrep.noBoard'));
  const sb = switchboardSentence(c, lang);
  if (sb) summary.push(`${sb}.`);
  for (const x of facts) summary.push(tr('sitrep.fact', { text: x.text, source: x.source, at: local(x.recordedAt) }));
  if (pending.length > 0) summary.push(tr('sitrep.pending', { n: pending.length, list: pending.map((d) => d.question.replace(/[.?!]\s*$/, '')).join(tr('punct.sep')) }));
  const overdue = actions.filter((a) => isOverdue(a, at));
  if (overdue.length > 0) summary.push(tr('sitrep.overdue', { n: overdue.length }));
  for (const k of input.clocks.filter((k) => k.status === 'overdue' || k.status === 'due-soon')) summary.push(tr('sitrep.clockLine', { title: k.title, line: describeClock(k, tz, lang) }));
  // The deadline that comes next, even 12 h away: a summary that omits it hides the cell's next obligation.
  if (next && next.status === 'upcoming') summary.push(tr('sitrep.nextDeadline', { title: next.title, line: describeClock(next, tz, lang) }));
  summary.push(meeting ? tr('sitrep.nextMeeting', { meeting: [meeting.title, local(meeting.at), meeting.place].filter(Boolean).join(', ') }) : tr('sitrep.noNextMeeting'));

  const positions = c.positions.map((p) => {
    const h = holderOf(c, p.id, at);
    return { id: p.id, title: positionTitle(c, p.id, lang), ...(h ? { person: h.person, ...(h.reach ? { reach: h.reach } : {}) } : {}) };
  });

  return {
    lang,
    title: period ? tr('sitrep.titlePeriod', { period: period.name }) : tr('sitrep.title'),
    organisation: state.crisis?.organisation ?? '',
    crisisName: state.crisis?.name ?? '',
    at: toZonedIso(at, tz),
    atLocal: local(at),
    timeZone: tz,
    ...(period ? { period: { id: period.id, name: period.name, start: toZonedIso(period.start, tz), end: toZonedIso(period.end, tz), objectives: period.objectives } } : {}),
    preparedFor: tr('sitrep.preparedFor'),
    summary,
    ...(next?.due !== undefined
      ? { nextDeadline: { clock: next.id, title: next.title, due: next.due, dueLocal: local(next.due), status: next.status, hoursLeft: next.hoursLeft ?? 0, line: describeClock(next, tz, lang) } }
      : {}),
    board,
    channels,
    facts,
    measures: [...state.measures.values()].map((m) => tr('sitrep.measure', { measure: measureText({ tr }, m), at: local(m.appliedAt), reason: m.reason })),
    objectives: period?.objectives ?? [],
    decisions: {
      pending: pending.map((d) => ({ id: d.id, question: d.question, options: d.options, ...(d.reviewAt ? { reviewAt: local(d.reviewAt) } : {}), affects: affects(d, state) })),
      made: made.map((d) => {
        const m = d.made!;
        const position = positionTitle(c, m.decidedBy.position, lang);
        const by = m.onBehalf ? tr('sitrep.onBehalf', { person: m.decidedBy.person, position, recorder: m.recordedBy }) : tr('sitrep.byPerson', { person: m.decidedBy.person, position });
        return { id: d.id, question: d.question, decision: m.decision, rationale: m.rationale, by, decidedBy: { position: m.decidedBy.position, positionTitle: position, person: m.decidedBy.person }, recordedBy: m.recordedBy, onBehalf: m.onBehalf, at: local(m.decidedAt) };
      }),
    },
    actions: actions
      .filter((a) => a.status === 'open' || a.status === 'in-progress' || (period !== undefined && Date.parse(a.updated.at) >= Date.parse(period.start)))
      .sort((a, b) => Number(isOverdue(b, at)) - Number(isOverdue(a, at)) || (Date.parse(a.due ?? '9999') - Date.parse(b.due ?? '9999')))
      .map((a) => actionLine(a, at, local, (id) => positionTitle(c, id, lang))),
    clocks: input.clocks.map((k) => ({ id: k.id, title: k.title, authority: k.authority, status: k.status, line: describeClock(k, tz, lang), missing: k.draft.missing })),
    communications: [...c.comms.values()]
      .filter((m) => Date.parse(m.drafted.at) <= tm)
      .map((m) => ({
        id: m.id,
        audience: m.audience,
        title: m.title,
        status: m.status,
        when: local(m.published?.at ?? m.approved?.stamp.at ?? m.drafted.at),
        draftedBy: m.drafted.actor,
        ...(m.approved ? { approvedBy: tr('sitrep.byPerson', { person: m.approved.by.person, position: positionTitle(c, m.approved.by.position, lang) }) } : {}),
      })),
    positions,
    partners: [...c.contacts.values()].filter((x) => x.party !== 'internal' && x.party !== 'call-centre').map((x) => ({ name: x.organisation ? `${x.name}, ${x.organisation}` : x.name, party: x.party, reach: reachOf(x, lang) })),
    ...(meeting ? { nextMeeting: { title: meeting.title, at: local(meeting.at), ...(meeting.place ? { place: meeting.place } : {}), attendees: meeting.attendees } } : {}),
  };
}

/** `Switchboard: down; <fallback>; direct lines: working` from the channel states, in `lang`. */
export function switchboardSentence(c: CoordinationView, lang: Lang = 'en'): string | undefined {
  const sb = c.channels.get(channelKey('switchboard'));
  if (!sb) return undefined;
  const direct = c.channels.get(channelKey('direct-lines'));
  const parts = [t(lang, 'sitrep.switchboard', { status: label(lang, 'channelStatus', sb.status) })];
  if (sb.fallback) parts.push(sb.fallback);
  if (direct && direct.status !== sb.status) parts.push(t(lang, 'sitrep.directLines', { status: label(lang, 'channelStatus', direct.status) }));
  return parts.join(t(lang, 'punct.sep'));
}

function actionLine(a: ActionItem, at: string, local: (iso: string) => string, position: (id: string) => string): SitrepModel['actions'][number] {
  return { id: a.id, title: a.title, owner: `${position(a.ownerPosition)}${a.owner ? ` (${a.owner})` : ''}`, ...(a.due ? { due: local(a.due) } : {}), status: a.status, overdue: isOverdue(a, at) };
}

function affects(d: Decision, state: CrisisState): string {
  const names = [...d.services.map((s) => state.services.get(s)?.name ?? s), ...d.sites.map((s) => state.sites.get(s)?.name ?? s)];
  return names.join(', ');
}

/** Contact numbers first, e-mail last: when IT is down the phone is what works. */
export function reachOf(x: Contact, lang: Lang = 'en'): string {
  return reachText({ tr: (key, params) => t(lang, key, params) }, x);
}

const CHANNEL_ORDER = ['switchboard', 'direct-lines', 'mobiles', 'radio', 'email', 'internet', 'messaging', 'pager', 'fax'];
function channelOrder(a: ChannelState, b: ChannelState): number {
  return CHANNEL_ORDER.indexOf(a.channel) - CHANNEL_ORDER.indexOf(b.channel) || (a.site ?? '').localeCompare(b.site ?? '');
}

/** The assessment as sentences with their source, in `lang`. */
function assessedFacts(c: CoordinationView, lang: Lang): SourcedFact[] {
  const a = c.assessment;
  const out: SourcedFact[] = [];
  const push = <T>(topic: string, x: Assessed<T> | undefined, text: (v: T) => string) => {
    if (x) out.push({ topic, text: text(x.value), source: x.source, recordedAt: x.stamp.at });
  };
  const tr = (key: MessageKey, params?: Params) => t(lang, key, params);
  push('ransom', a.ransomDemand, (v) => tr(v === 'none' ? 'fact.ransomNone' : 'fact.ransomReceived'));
  push('data-theft', a.dataExfiltration, (v) => tr(v === 'no-indication' ? 'fact.theftNone' : v === 'suspected' ? 'fact.theftSuspected' : 'fact.theftConfirmed'));
  push('malicious-act', a.maliciousAct, (v) => tr(v === 'ruled-out' ? 'fact.maliciousRuledOut' : v === 'suspected' ? 'fact.maliciousSuspected' : 'fact.maliciousConfirmed'));
  push('origin', a.rootCause, (v) => tr('fact.origin', { origin: v }));
  push('cross-border', a.crossBorderImpact, (v) => tr(v === 'none' ? 'fact.crossBorderNone' : v === 'possible' ? 'fact.crossBorderPossible' : 'fact.crossBorderConfirmed'));
  return out;
}

/** The downtime pack of one site: its services with status and procedures, and the numbers to call. */
export interface DowntimePack {
  /** The language of the words below (what people typed stays as typed). */
  readonly lang: Lang;
  readonly site: { readonly id: string; readonly name: string; readonly kind: string; readonly location?: string };
  readonly organisation: string;
  readonly at: string;
  readonly atLocal: string;
  readonly timeZone: string;
  readonly boardAvailable: boolean;
  readonly services: readonly { readonly name: string; readonly kind: string; readonly criticality: string; readonly status: string; readonly capacity?: number; readonly atRisk: boolean; readonly procedures: readonly string[]; readonly phone?: string }[];
  /** Direct numbers: services' own numbers, then people and desks recorded for the site. */
  readonly directory: readonly { readonly name: string; readonly detail: string; readonly number: string }[];
  readonly channels: readonly { readonly channel: string; readonly status: string; readonly fallback?: string; readonly scope: string }[];
  readonly crisisCell: readonly { readonly title: string; readonly person: string; readonly reach?: string }[];
  readonly nextMeeting?: string;
}

/** Builds the downtime pack of `site` at `at`. Throws nothing: an unknown site is the caller's check. */
export function buildDowntimePack(input: { state: CrisisState; board?: Board; site: SiteId; at: string; timeZone?: string; lang?: Lang }): DowntimePack {
  const { state, site, at } = input;
  const lang = input.lang ?? 'en';
  const tz = input.timeZone ?? state.crisis?.timeZone ?? DEFAULT_TIME_ZONE;
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
        status: l?.status ?? 'not-computed',
        ...(l ? { capacity: l.capacity } : {}),
        atRisk: l?.atRisk ?? false,
        procedures: l?.procedures ?? [],
        ...(x.phone ? { phone: x.phone } : {}),
      };
    })
    .sort((a, b) => critRank(a.criticality) - critRank(b.criticality) || a.name.localeCompare(b.name));
  const directory = [
    ...services.filter((x) => x.phone).map((x) => ({ name: x.name, detail: kindLabel(x.kind, lang), number: x.phone ?? '' })),
    ...[...c.contacts.values()]
      .filter((x) => x.site === site || (x.service !== undefined && state.services.get(x.service)?.site === site))
      .map((x) => ({ name: x.name, detail: [x.function, x.service ? state.services.get(x.service)?.name : undefined].filter(Boolean).join(', '), number: reachOf(x, lang) })),
    ...[...c.contacts.values()].filter((x) => x.party === 'call-centre').map((x) => ({ name: x.name, detail: t(lang, 'pack.callCentre'), number: reachOf(x, lang) })),
  ];
  const channels = [...c.channels.values()]
    .filter((ch) => ch.site === undefined || ch.site === site)
    .sort(channelOrder)
    .map((ch) => ({ channel: ch.channel, status: ch.status, ...(ch.fallback ? { fallback: ch.fallback } : {}), scope: ch.site ? (state.sites.get(ch.site)?.name ?? ch.site) : t(lang, 'sitrep.wholeGroup') }));
  const crisisCell = c.positions
    .map((p) => ({ p, h: holderOf(c, p.id, at) }))
    .filter((x) => x.h !== undefined)
    .map(({ p, h }) => ({ title: positionTitle(c, p.id, lang), person: h?.person ?? '', ...(h?.reach ? { reach: h.reach } : {}) }));
  const meeting = nextMeeting(c, at);
  return {
    lang,
    site: { id: site, name: s?.name ?? site, kind: s?.kind ?? 'unknown', ...(s?.location ? { location: s.location } : {}) },
    organisation: state.crisis?.organisation ?? '',
    at: toZonedIso(at, tz),
    atLocal: formatLocal(at, tz, lang),
    timeZone: tz,
    boardAvailable: input.board !== undefined,
    services,
    directory,
    channels,
    crisisCell,
    ...(meeting ? { nextMeeting: [meeting.title, formatLocal(meeting.at, tz, lang), meeting.place].filter(Boolean).join(', ') } : {}),
  };
}

function critRank(c: string): number {
  return c === 'vital' ? 0 : c === 'essential' ? 1 : 2;
}
