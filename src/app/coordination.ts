/**
 * Crisis-cell coordination commands and queries: decisions, actions, positions, periods, meetings,
 * contacts, channels, communications, the incident assessment, regulatory facts; clocks, agendas,
 * situation reports and downtime packs. Every write goes through `app.write`, which checks the
 * permission; the checks against state happen inside `build`, so bad input writes nothing.
 */
import { computeBoard } from '../core/impact/index.ts';
import type { Board } from '../core/impact/index.ts';
import type { CrisisError } from '../core/errors.ts';
import { sayError } from '../core/errors.ts';
import type { Lang, MessageKey, Params, Say } from '../core/i18n/index.ts';
import { DEFAULT_TIME_ZONE, toZonedIso } from '../core/clocks/time.ts';
import type { EntryKind, EntryPayloads } from '../core/entries.ts';
import type { AnyEntry, EntryDraft } from '../core/journal.ts';
import type { AssetId, ServiceId, SiteId } from '../core/ids.ts';
import { assetId, serviceId, siteId } from '../core/ids.ts';
import type { CrisisState } from '../core/state.ts';
import { stateAt } from '../core/state.ts';
import type { Agenda } from '../core/reports/agenda.ts';
import { buildAgenda } from '../core/reports/agenda.ts';
import type { ClockOptions, RegulatoryClock } from '../core/clocks/clocks.ts';
import { computeClocks } from '../core/clocks/clocks.ts';
import type { CoordinationView, Meeting } from '../core/coordination/coordination-state.ts';
import { CoordinationState, holderOf, lastMeeting, nextMeeting, nextNumberedId } from '../core/coordination/coordination-state.ts';
import type { DowntimePack, SitrepModel } from '../core/reports/sitrep.ts';
import { buildDowntimePack, buildSitrep } from '../core/reports/sitrep.ts';
import { COMMS_TEMPLATES, fillTemplate, templateFacts } from '../core/reports/templates.ts';
import type { ContactId, DecisionId, MeetingId, PeriodId, ReportKind } from '../core/coordination/types.ts';
import { actionId, commsId, contactId, decisionId, DEFAULT_POSITIONS, meetingId, periodId } from '../core/coordination/types.ts';
import type { CrisisApp } from './crisis-app.ts';
import type { Action, Actor } from './permissions.ts';
import {
  actionAddInput,
  actionUpdateInput,
  assessInput,
  awarenessInput,
  breachInput,
  channelInput,
  commsApproveInput,
  commsDraftInput,
  commsPublishInput,
  contactInput,
  decisionMadeInput,
  decisionOpenInput,
  fileInput,
  meetingMinutesInput,
  meetingScheduleInput,
  periodOpenInput,
  positionsInput,
  roleAssignInput,
} from './coordination-schemas.ts';
import { validate } from './validate.ts';

/** Options every report query takes. */
export interface ReportOptions {
  /** The time the report describes; absent: now (the app's clock). */
  readonly at?: string;
  /** Default: the crisis's own zone (init --time-zone). */
  readonly timeZone?: string;
  /** Language of the report's words (default English); what people typed stays as typed. */
  readonly lang?: Lang;
}

/** The zone and language options of a report, the zone defaulting to the crisis's. */
function wordsOf(state: CrisisState, opts: ReportOptions): { timeZone: string; lang: Lang } {
  return { timeZone: opts.timeZone ?? zoneOf(state), lang: opts.lang ?? 'en' };
}

const EMPTY = new CoordinationState();
const coord = (s: CrisisState): CoordinationView => s.coordination ?? EMPTY;

function bad(path: string, key: MessageKey, params: Params = {}): CrisisError {
  return sayError('invalid-input', key, params, { path });
}
function notFound(path: string, key: MessageKey, params: Params = {}): CrisisError {
  return sayError('not-found', key, params, { path });
}
const zoneOf = (s: CrisisState): string => s.crisis?.timeZone ?? DEFAULT_TIME_ZONE;
/** A list of ids for a message, or "none" in the reader's language. */
const ids = (xs: Iterable<string>): string | Say => [...xs].join(', ') || { key: 'word.none' };

/** Writes the one entry `make` builds against the latest state, and returns it. */
async function writeOne<K extends EntryKind>(
  app: CrisisApp,
  actor: Actor,
  action: Action,
  kind: K,
  at: string | undefined,
  make: (s: CrisisState, entryAt: string) => EntryPayloads[K],
): Promise<AnyEntry> {
  const [e] = await app.write(actor, action, (s) => {
    const entryAt = at ?? app.clockNow();
    return [app.makeDraft(actor, kind, make(s, entryAt), entryAt) as EntryDraft];
  });
  if (!e) throw new Error(`${kind} wrote nothing`);
  return e;
}

// ---- checks against state ----

function checkServices(s: CrisisState, ids: readonly string[], path = 'services'): ServiceId[] {
  return ids.map((raw) => {
    const id = serviceId(raw);
    if (!s.services.has(id)) {
      const near = [...s.services.keys()].filter((k) => k.startsWith(raw.split('@')[0] ?? raw)).slice(0, 5);
      throw near.length ? notFound(path, 'err.unknownServiceNear', { service: raw, near: near.join(', ') }) : notFound(path, 'err.unknownService', { service: raw });
    }
    return id;
  });
}

function checkSites(s: CrisisState, ids: readonly string[], path = 'sites'): SiteId[] {
  return ids.map((raw) => {
    const id = siteId(raw);
    if (!s.sites.has(id)) throw notFound(path, 'err.unknownSite', { site: raw, sites: [...s.sites.keys()].slice(0, 20).join(', ') || { key: 'err.noSites' } });
    return id;
  });
}

function checkAssets(s: CrisisState, ids: readonly string[]): AssetId[] {
  return ids.map((raw) => {
    const id = assetId(raw);
    if (!s.assets.has(id)) throw notFound('assets', 'err.unknownAsset', { asset: raw });
    return id;
  });
}

function checkPosition(s: CrisisState, position: string, path = 'position'): string {
  const ps = coord(s).positions;
  const p = ps.find((x) => x.id === position || x.title.toLowerCase() === position.toLowerCase());
  if (!p) throw bad(path, 'err.unknownPosition', { position, positions: ps.map((x) => x.id).join(', ') });
  return p.id;
}

function checkDecision(s: CrisisState, id: string): DecisionId {
  const d = decisionId(id.toUpperCase());
  if (!coord(s).decisions.has(d)) throw notFound('id', 'err.noDecision', { id, list: ids(coord(s).decisions.keys()) });
  return d;
}

function checkPeriod(s: CrisisState, id: string | undefined): PeriodId | undefined {
  if (id === undefined) return undefined;
  const p = periodId(id.toUpperCase());
  if (!coord(s).periods.has(p)) throw notFound('period', 'err.noPeriod', { id, list: ids(coord(s).periods.keys()) });
  return p;
}

/** Refuses `t` earlier than `ref`; both said in the crisis's zone with their offset, never raw UTC. */
function notBefore(s: CrisisState, path: string, t: string, ref: string, what: Say): void {
  if (Date.parse(t) < Date.parse(ref)) throw bad(path, 'err.before', { path, at: toZonedIso(t, zoneOf(s)), ref: toZonedIso(ref, zoneOf(s)), what });
}

// ---- decisions ----

export async function openDecision(app: CrisisApp, actor: Actor, input: unknown): Promise<AnyEntry> {
  const v = validate(decisionOpenInput, input);
  return writeOne(app, actor, 'decision.manage', 'decision.opened', v.at, (s, at) => {
    const services = checkServices(s, v.services);
    const sites = checkSites(s, v.sites);
    if (v.reviewAt) notBefore(s, 'reviewAt', v.reviewAt, at, { key: 'err.beforeDecisionOpened' });
    return {
      id: decisionId(nextNumberedId('D', coord(s).decisions)),
      question: v.question,
      options: v.options,
      services,
      sites,
      ...(v.reviewAt ? { reviewAt: v.reviewAt } : {}),
      ...(v.owner ? { owner: checkPosition(s, v.owner, 'owner') } : {}),
    };
  });
}

/**
 * Records a decision. The recorder is the logged-in actor (the entry's author). "Decided by" is
 * either a position the recorder holds (their role is that position: the person defaults to the
 * holder named for it, else the recorder), or a named person of another position, and then the
 * decision is marked as recorded on their behalf, which every reader is shown.
 */
export async function decide(app: CrisisApp, actor: Actor, input: unknown): Promise<AnyEntry> {
  const v = validate(decisionMadeInput, input);
  return writeOne(app, actor, 'decision.manage', 'decision.made', v.at, (s, at) => {
    const id = checkDecision(s, v.id);
    const d = coord(s).decisions.get(id);
    if (d?.made) throw sayError('already-exists', 'err.decisionMade', { id, at: toZonedIso(d.made.decidedAt, zoneOf(s)), decision: d.made.decision });
    const decidedAt = v.decidedAt ?? at;
    if (d) notBefore(s, 'decidedAt', decidedAt, d.opened.at, { key: 'err.beforeOpened' });
    const position = checkPosition(s, v.position);
    const holds = actor.role === position;
    if (!holds && v.person === undefined) throw bad('person', 'err.onBehalfNeedsPerson', { position: positionSay(s, position) });
    const person = v.person ?? holderOf(coord(s), position, decidedAt)?.person ?? actor.name;
    return {
      id,
      decision: v.decision,
      rationale: v.rationale,
      decidedBy: { position, person },
      decidedAt,
      ...(v.reviewAt ? { reviewAt: v.reviewAt } : {}),
      ...(holds ? {} : { onBehalf: true }),
    };
  });
}

// ---- actions ----

export async function addAction(app: CrisisApp, actor: Actor, input: unknown): Promise<AnyEntry> {
  const v = validate(actionAddInput, input);
  return writeOne(app, actor, 'action.manage', 'action.created', v.at, (s, at) => {
    if (v.due) notBefore(s, 'due', v.due, at, { key: 'err.beforeCreated' });
    return {
      id: actionId(nextNumberedId('A', coord(s).actions)),
      title: v.title,
      ownerPosition: checkPosition(s, v.ownerPosition, 'ownerPosition'),
      ...(v.owner ? { owner: v.owner } : {}),
      ...(v.due ? { due: v.due } : {}),
      status: v.status,
      links: { assets: checkAssets(s, v.assets), services: checkServices(s, v.services), decisions: v.decisions.map((d) => checkDecision(s, d)) },
    };
  });
}

/**
 * Changes an action. A status change needs a short note (what was done, or why not), and only the
 * owning position or the incident commander may make it: "done" on IT's forensic images is IT's
 * word, not anyone's click.
 */
export async function updateAction(app: CrisisApp, actor: Actor, input: unknown): Promise<AnyEntry> {
  const v = validate(actionUpdateInput, input);
  return writeOne(app, actor, 'action.manage', 'action.updated', v.at, (s) => {
    const id = actionId(v.id.toUpperCase());
    const a = coord(s).actions.get(id);
    if (!a) throw notFound('id', 'err.noAction', { id: v.id, list: ids(coord(s).actions.keys()) });
    if (v.due) notBefore(s, 'due', v.due, a.created.at, { key: 'err.beforeActionCreated', params: { id } });
    if (v.status !== undefined && v.status !== a.status) {
      if (actor.role !== a.ownerPosition && actor.role !== 'commander') {
        throw sayError('forbidden', 'err.notYourAction', { id, owner: positionSay(s, a.ownerPosition), role: { key: `role.${actor.role}` } });
      }
      if (v.note === undefined || v.note.trim().length < 3) throw bad('note', 'err.statusNeedsNote');
    }
    return {
      id,
      ...(v.status ? { status: v.status } : {}),
      ...(v.due ? { due: v.due } : {}),
      ...(v.ownerPosition ? { ownerPosition: checkPosition(s, v.ownerPosition, 'ownerPosition') } : {}),
      ...(v.owner ? { owner: v.owner } : {}),
      ...(v.note ? { note: v.note } : {}),
    };
  });
}

/** A position as said in a message: its title in the reader's language (a title the cell chose stays as it is). */
function positionSay(s: CrisisState, id: string): string | Say {
  const p = coord(s).positions.find((x) => x.id === id);
  const dflt = DEFAULT_POSITIONS.find((x) => x.id === id);
  if (dflt && (!p || p.title === dflt.title)) return { key: `position.${id}` as MessageKey };
  return p?.title ?? id;
}

// ---- positions, periods, meetings ----

export async function configurePositions(app: CrisisApp, actor: Actor, input: unknown): Promise<AnyEntry> {
  const v = validate(positionsInput, input);
  const ids = v.positions.map((p) => p.id);
  const dup = ids.find((id, i) => ids.indexOf(id) !== i);
  if (dup) throw bad('positions', 'err.positionTwice', { position: dup });
  return writeOne(app, actor, 'position.assign', 'positions.configured', v.at, () => ({ positions: v.positions }));
}

export async function openPeriod(app: CrisisApp, actor: Actor, input: unknown): Promise<AnyEntry> {
  const v = validate(periodOpenInput, input);
  return writeOne(app, actor, 'meeting.manage', 'period.opened', v.at, (s) => ({
    id: periodId(nextNumberedId('P', coord(s).periods)),
    name: v.name,
    start: v.start,
    end: v.end,
    objectives: v.objectives,
  }));
}

export async function assignRole(app: CrisisApp, actor: Actor, input: unknown): Promise<AnyEntry> {
  const v = validate(roleAssignInput, input);
  return writeOne(app, actor, 'position.assign', 'position.assigned', v.at, (s) => {
    const period = checkPeriod(s, v.period);
    return { position: checkPosition(s, v.position), person: v.person, ...(period ? { period } : {}), ...(v.reach ? { reach: v.reach } : {}) };
  });
}

export async function scheduleMeeting(app: CrisisApp, actor: Actor, input: unknown): Promise<AnyEntry> {
  const v = validate(meetingScheduleInput, input);
  return writeOne(app, actor, 'meeting.manage', 'meeting.scheduled', v.writtenAt, (s) => {
    let id: MeetingId;
    if (v.id !== undefined) {
      id = meetingId(v.id.toUpperCase());
      if (!coord(s).meetings.has(id)) throw notFound('id', 'err.noMeetingToMove', { id: v.id, list: ids(coord(s).meetings.keys()) });
    } else id = meetingId(nextNumberedId('M', coord(s).meetings));
    const period = checkPeriod(s, v.period);
    return { id, title: v.title, at: v.at, ...(v.place ? { place: v.place } : {}), attendees: v.attendees, ...(period ? { period } : {}) };
  });
}

export async function recordMinutes(app: CrisisApp, actor: Actor, input: unknown): Promise<AnyEntry> {
  const v = validate(meetingMinutesInput, input);
  return writeOne(app, actor, 'meeting.manage', 'meeting.minuted', v.at, (s, at) => {
    const id = meetingId(v.id.toUpperCase());
    const m = coord(s).meetings.get(id);
    if (!m) throw notFound('id', 'err.noMeeting', { id: v.id, list: ids(coord(s).meetings.keys()) });
    const heldAt = v.heldAt ?? m.at;
    if (Date.parse(heldAt) > Date.parse(at)) throw bad('heldAt', 'err.minutesFuture', { held: toZonedIso(heldAt, zoneOf(s)), now: toZonedIso(at, zoneOf(s)) });
    return { id, heldAt, attendees: v.attendees.length > 0 ? v.attendees : m.attendees, minutes: v.minutes };
  });
}

// ---- contacts and channels ----

/** `Federal Judicial Police` -> `federal-judicial-police`. */
export function slugOf(s: string): string {
  return s.normalize('NFD').replace(/[\u0300-\u036f]/g, '').toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '').slice(0, 80) || 'contact';
}

export async function upsertContact(app: CrisisApp, actor: Actor, input: unknown): Promise<AnyEntry> {
  const v = validate(contactInput, input);
  return writeOne(app, actor, 'contact.manage', 'contact.upserted', v.at, (s) => {
    const [site] = v.site ? checkSites(s, [v.site], 'site') : [];
    const [service] = v.service ? checkServices(s, [v.service], 'service') : [];
    const id: ContactId = contactId(v.id ?? slugOf(v.name));
    const { at: _at, id: _id, site: _s, service: _sv, ...rest } = v;
    return { ...stripUndefined(rest), id, ...(site ? { site } : {}), ...(service ? { service } : {}) } as EntryPayloads['contact.upserted'];
  });
}

export async function setChannel(app: CrisisApp, actor: Actor, input: unknown): Promise<AnyEntry> {
  const v = validate(channelInput, input);
  return writeOne(app, actor, 'channel.set', 'channel.status', v.at, (s) => {
    const [site] = v.site ? checkSites(s, [v.site], 'site') : [];
    return { channel: v.channel, status: v.status, ...(site ? { site } : {}), ...(v.fallback ? { fallback: v.fallback } : {}), ...(v.note ? { note: v.note } : {}) };
  });
}

// ---- communications ----

export async function draftComms(app: CrisisApp, actor: Actor, input: unknown): Promise<AnyEntry> {
  const v = validate(commsDraftInput, input);
  return writeOne(app, actor, 'comms.draft', 'comms.drafted', v.at, (s, at) => {
    const id = commsId(nextNumberedId('C', coord(s).comms));
    if (v.template === undefined) return { id, audience: v.audience, title: v.title ?? '', body: v.body ?? '' };
    const t = COMMS_TEMPLATES.find((x) => x.id === v.template);
    if (!t) throw bad('template', 'err.unknownTemplate', { template: v.template, list: COMMS_TEMPLATES.map((x) => x.id).join(', ') });
    // The facts are those of the moment of drafting; what was said stays as it was said.
    const facts = templateFacts(s, boardOf(s), at);
    const title = fillTemplate(v.title ?? t.title, facts);
    const body = fillTemplate(v.body ?? t.body, facts);
    const missing = [...new Set([...title.missing, ...body.missing])];
    return { id, audience: v.audience, title: title.text, body: body.text, template: t.id, ...(missing.length ? { missing } : {}) };
  });
}

/**
 * Approves a draft. Four eyes: the approver (the logged-in actor) must not be its drafter; the
 * drafter's name is kept in the approval so both show wherever it is read.
 */
export async function approveComms(app: CrisisApp, actor: Actor, input: unknown): Promise<AnyEntry> {
  const v = validate(commsApproveInput, input);
  return writeOne(app, actor, 'comms.approve', 'comms.approved', v.at, (s) => {
    const id = commsId(v.id.toUpperCase());
    const m = coord(s).comms.get(id);
    if (!m) throw notFound('id', 'err.noComms', { id: v.id });
    if (m.status !== 'draft') throw sayError('already-exists', 'err.commsNotDraft', { id, status: { key: `commsStatus.${m.status}` } });
    if (m.drafted.actor === actor.name) throw sayError('forbidden', 'err.fourEyes', { id, drafter: m.drafted.actor });
    // The permission table lets only commander and comms approve; the role is recorded as the position.
    return { id, approvedBy: { position: actor.role, person: v.person ?? actor.name }, draftedBy: m.drafted.actor };
  });
}

export async function publishComms(app: CrisisApp, actor: Actor, input: unknown): Promise<AnyEntry> {
  const v = validate(commsPublishInput, input);
  return writeOne(app, actor, 'comms.publish', 'comms.published', v.at, (s, at) => {
    const id = commsId(v.id.toUpperCase());
    const m = coord(s).comms.get(id);
    if (!m) throw notFound('id', 'err.noComms', { id: v.id });
    if (m.status === 'draft') throw bad('id', 'err.commsDraft', { id });
    if (m.status === 'published') throw sayError('already-exists', 'err.commsPublished', { id, at: toZonedIso(m.published?.at ?? m.drafted.at, zoneOf(s)) });
    return { id, channel: v.channel, publishedAt: v.publishedAt ?? at };
  });
}

// ---- assessment and regulatory facts ----

export async function assessIncident(app: CrisisApp, actor: Actor, input: unknown): Promise<AnyEntry> {
  const v = validate(assessInput, input);
  const { at, ...rest } = v;
  return writeOne(app, actor, 'incident.assess', 'incident.assessed', at, () => stripUndefined(rest) as EntryPayloads['incident.assessed']);
}

export async function recordAwareness(app: CrisisApp, actor: Actor, input: unknown): Promise<AnyEntry> {
  const v = validate(awarenessInput, input);
  return writeOne(app, actor, 'regulatory.record', 'regulatory.awareness', v.at, (s, at) => {
    if (Date.parse(v.awareAt) > Date.parse(at)) throw bad('awareAt', 'err.awarenessFuture', { at: toZonedIso(v.awareAt, zoneOf(s)), now: toZonedIso(at, zoneOf(s)) });
    return { awareAt: v.awareAt, basis: v.basis };
  });
}

export async function recordBreach(app: CrisisApp, actor: Actor, input: unknown): Promise<AnyEntry> {
  const v = validate(breachInput, input);
  const { at, ...rest } = v;
  return writeOne(app, actor, 'regulatory.record', 'regulatory.breach-assessed', at, () => stripUndefined(rest) as EntryPayloads['regulatory.breach-assessed']);
}

const DEFAULT_AUTHORITY: Readonly<Record<ReportKind, string>> = {
  'nis2-early-warning': 'CCB',
  'nis2-notification': 'CCB',
  'nis2-intermediate': 'CCB',
  'nis2-progress': 'CCB',
  'nis2-final': 'CCB',
  'gdpr-notification': 'APD/GBA',
  'gdpr-supplement': 'APD/GBA',
  'police-complaint': 'Federal Judicial Police',
};

export async function fileReport(app: CrisisApp, actor: Actor, input: unknown): Promise<AnyEntry> {
  const v = validate(fileInput, input);
  return writeOne(app, actor, 'regulatory.record', 'regulatory.filed', v.at, (s, at) => {
    const filedAt = v.filedAt ?? at;
    if (Date.parse(filedAt) > Date.parse(at)) throw bad('filedAt', 'err.filedFuture', { at: toZonedIso(filedAt, zoneOf(s)), now: toZonedIso(at, zoneOf(s)) });
    const aw = coord(s).regulatory.awareness;
    if (aw) notBefore(s, 'filedAt', filedAt, aw.awareAt, { key: 'err.beforeAwareness' });
    return {
      report: v.report,
      filedAt,
      authority: v.authority ?? DEFAULT_AUTHORITY[v.report],
      ...(v.reference ? { reference: v.reference } : {}),
      ...(v.delayReason ? { delayReason: v.delayReason } : {}),
      ...(v.note ? { note: v.note } : {}),
    };
  });
}

function stripUndefined<T extends object>(o: T): T {
  return Object.fromEntries(Object.entries(o).filter(([, x]) => x !== undefined)) as T;
}

// ---- queries ----

/** The impact engine's board of a state. */
export function boardOf(s: CrisisState): Board {
  return computeBoard(s, { causes: 'none' });
}

/** The state at `at` (author time), the time itself, and its board. */
export async function snapshot(app: CrisisApp, at?: string): Promise<{ state: CrisisState; at: string; board: Board }> {
  const when = at ?? app.clockNow();
  const state = await app.stateAt(at);
  if (!state.crisis) {
    const live = app.state.crisis;
    if (at !== undefined && live) throw sayError('not-initialised', 'err.nothingKnown', { at: toZonedIso(at, live.timeZone), start: toZonedIso(live.initialisedAt, live.timeZone) }, { path: 'at' });
    throw sayError('not-initialised', 'err.notInitialised');
  }
  return { state, at: when, board: boardOf(state) };
}

export async function clocksAt(app: CrisisApp, opts: ReportOptions & Pick<ClockOptions, 'dueSoonHours'> = {}): Promise<{ at: string; timeZone: string; clocks: RegulatoryClock[] }> {
  const snap = await snapshot(app, opts.at);
  const words = wordsOf(snap.state, opts);
  return { at: snap.at, timeZone: words.timeZone, clocks: computeClocks(snap.state, snap.at, { board: snap.board, ...words, ...(opts.dueSoonHours ? { dueSoonHours: opts.dueSoonHours } : {}) }) };
}

export async function sitrepAt(app: CrisisApp, opts: ReportOptions = {}): Promise<SitrepModel> {
  const snap = await snapshot(app, opts.at);
  const words = wordsOf(snap.state, opts);
  const clocks = computeClocks(snap.state, snap.at, { board: snap.board, ...words });
  return buildSitrep({ state: snap.state, board: snap.board, clocks, at: snap.at, ...words });
}

export async function downtimePackAt(app: CrisisApp, site: string, opts: ReportOptions = {}): Promise<DowntimePack> {
  const snap = await snapshot(app, opts.at);
  const [id] = checkSites(snap.state, [site], 'site');
  if (!id) throw notFound('site', 'err.unknownSite', { site, sites: [...snap.state.sites.keys()].join(', ') });
  return buildDowntimePack({ state: snap.state, board: snap.board, site: id, at: snap.at, ...wordsOf(snap.state, opts) });
}

/**
 * The agenda of a meeting (by id), else of the next meeting after `at`. Board changes compare the
 * engine's board at the last meeting with the board at `at`.
 */
export async function agendaFor(app: CrisisApp, opts: ReportOptions & { meeting?: string } = {}): Promise<Agenda> {
  const all = await app.log();
  const live = await app.stateAt();
  let meeting: Meeting | undefined;
  if (opts.meeting) {
    meeting = coord(live).meetings.get(meetingId(opts.meeting.toUpperCase()));
    if (!meeting) throw notFound('meeting', 'err.noMeeting', { id: opts.meeting, list: ids(coord(live).meetings.keys()) });
  }
  const at = opts.at ?? app.clockNow();
  const state = opts.at ? stateAt(all, at) : live;
  meeting ??= nextMeeting(coord(state), at);
  const since = lastMeeting(coord(state), at);
  const boardNow = boardOf(state);
  const boardThen = since ? boardOf(stateAt(all, since.minutes?.heldAt ?? since.at)) : undefined;
  const clocks = computeClocks(state, at, { board: boardNow, ...wordsOf(state, opts) });
  return buildAgenda({ state, at, clocks, boardNow, ...(boardThen ? { boardThen } : {}), ...(meeting ? { meeting } : {}) });
}

/** The coordination view at `at` (or now), for the list commands. */
export async function coordinationAt(app: CrisisApp, at?: string): Promise<{ state: CrisisState; view: CoordinationView; at: string }> {
  const state = await app.stateAt(at);
  return { state, view: coord(state), at: at ?? app.clockNow() };
}

