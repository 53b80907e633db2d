/**
 * Crisis-cell coordination commands and queries: decisions, actions, positions, periods, meetings,
 * contacts, channels, communications, the incident assessment, regulatory facts; clocks, agendas,
 * situation reports and downtime packs. Every write goes through `app.write`, which checks the
 * permission; the checks against state happen inside `build`, so bad input writes nothing.
 */
import { computeBoard } from '../core/impact/index.ts';
import type { Board } from '../core/impact/index.ts';
import { CrisisError } from '../core/errors.ts';
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
import { CoordinationState, lastMeeting, nextMeeting, nextNumberedId } from '../core/coordination/coordination-state.ts';
import type { DowntimePack, SitrepModel } from '../core/reports/sitrep.ts';
import { buildDowntimePack, buildSitrep } from '../core/reports/sitrep.ts';
import { COMMS_TEMPLATES, fillTemplate, templateFacts } from '../core/reports/templates.ts';
import type { ContactId, DecisionId, MeetingId, PeriodId, ReportKind } from '../core/coordination/types.ts';
import { actionId, commsId, contactId, decisionId, meetingId, periodId } from '../core/coordination/types.ts';
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
  readonly timeZone?: string;
}

const EMPTY = new CoordinationState();
const coord = (s: CrisisState): CoordinationView => s.coordination ?? EMPTY;

function bad(path: string, message: string): CrisisError {
  return new CrisisError('invalid-input', `${path}: ${message}`, { details: [{ path, message }] });
}
function notFound(path: string, message: string): CrisisError {
  return new CrisisError('not-found', message, { details: [{ path, message }] });
}

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
      throw notFound(path, `unknown service "${raw}": services are named <kind>@<site>, e.g. radiology@hsp-north${near.length ? ` (did you mean ${near.join(', ')}?)` : ''}`);
    }
    return id;
  });
}

function checkSites(s: CrisisState, ids: readonly string[], path = 'sites'): SiteId[] {
  return ids.map((raw) => {
    const id = siteId(raw);
    if (!s.sites.has(id)) throw notFound(path, `unknown site "${raw}" (sites: ${[...s.sites.keys()].slice(0, 20).join(', ') || 'none imported'})`);
    return id;
  });
}

function checkAssets(s: CrisisState, ids: readonly string[]): AssetId[] {
  return ids.map((raw) => {
    const id = assetId(raw);
    if (!s.assets.has(id)) throw notFound('assets', `unknown asset "${raw}"`);
    return id;
  });
}

function checkPosition(s: CrisisState, position: string, path = 'position'): string {
  const ps = coord(s).positions;
  const p = ps.find((x) => x.id === position || x.title.toLowerCase() === position.toLowerCase());
  if (!p) throw bad(path, `unknown position "${position}" (positions: ${ps.map((x) => x.id).join(', ')})`);
  return p.id;
}

function checkDecision(s: CrisisState, id: string): DecisionId {
  const d = decisionId(id.toUpperCase());
  if (!coord(s).decisions.has(d)) throw notFound('id', `no decision ${id} (decisions: ${[...coord(s).decisions.keys()].join(', ') || 'none'})`);
  return d;
}

function checkPeriod(s: CrisisState, id: string | undefined): PeriodId | undefined {
  if (id === undefined) return undefined;
  const p = periodId(id.toUpperCase());
  if (!coord(s).periods.has(p)) throw notFound('period', `no operational period ${id} (periods: ${[...coord(s).periods.keys()].join(', ') || 'none'})`);
  return p;
}

function notBefore(path: string, t: string, ref: string, what: string): void {
  if (Date.parse(t) < Date.parse(ref)) throw bad(path, `${t} is before ${what} (${ref})`);
}

// ---- decisions ----

export async function openDecision(app: CrisisApp, actor: Actor, input: unknown): Promise<AnyEntry> {
  const v = validate(decisionOpenInput, input);
  return writeOne(app, actor, 'decision.manage', 'decision.opened', v.at, (s, at) => {
    const services = checkServices(s, v.services);
    const sites = checkSites(s, v.sites);
    if (v.reviewAt) notBefore('reviewAt', v.reviewAt, at, 'the time the decision is opened');
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

export async function decide(app: CrisisApp, actor: Actor, input: unknown): Promise<AnyEntry> {
  const v = validate(decisionMadeInput, input);
  return writeOne(app, actor, 'decision.manage', 'decision.made', v.at, (s, at) => {
    const id = checkDecision(s, v.id);
    const d = coord(s).decisions.get(id);
    if (d?.made) throw new CrisisError('already-exists', `decision ${id} was already made at ${d.made.decidedAt}: "${d.made.decision}"; open a new decision to revisit it`);
    const decidedAt = v.decidedAt ?? at;
    if (d) notBefore('decidedAt', decidedAt, d.opened.at, 'the time the question was opened');
    return {
      id,
      decision: v.decision,
      rationale: v.rationale,
      decidedBy: { position: checkPosition(s, v.position), person: v.person },
      decidedAt,
      ...(v.reviewAt ? { reviewAt: v.reviewAt } : {}),
    };
  });
}

// ---- actions ----

export async function addAction(app: CrisisApp, actor: Actor, input: unknown): Promise<AnyEntry> {
  const v = validate(actionAddInput, input);
  return writeOne(app, actor, 'action.manage', 'action.created', v.at, (s, at) => {
    if (v.due) notBefore('due', v.due, at, 'the time the action is created');
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

export async function updateAction(app: CrisisApp, actor: Actor, input: unknown): Promise<AnyEntry> {
  const v = validate(actionUpdateInput, input);
  return writeOne(app, actor, 'action.manage', 'action.updated', v.at, (s) => {
    const id = actionId(v.id.toUpperCase());
    const a = coord(s).actions.get(id);
    if (!a) throw notFound('id', `no action ${v.id} (actions: ${[...coord(s).actions.keys()].join(', ') || 'none'})`);
    if (v.due) notBefore('due', v.due, a.created.at, `the time action ${id} was created`);
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

// ---- positions, periods, meetings ----

export async function configurePositions(app: CrisisApp, actor: Actor, input: unknown): Promise<AnyEntry> {
  const v = validate(positionsInput, input);
  const ids = v.positions.map((p) => p.id);
  const dup = ids.find((id, i) => ids.indexOf(id) !== i);
  if (dup) throw bad('positions', `position "${dup}" is listed twice`);
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
      if (!coord(s).meetings.has(id)) throw notFound('id', `no meeting ${v.id} to move (meetings: ${[...coord(s).meetings.keys()].join(', ') || 'none'})`);
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
    if (!m) throw notFound('id', `no meeting ${v.id} (meetings: ${[...coord(s).meetings.keys()].join(', ') || 'none'})`);
    const heldAt = v.heldAt ?? m.at;
    if (Date.parse(heldAt) > Date.parse(at)) throw bad('heldAt', `minutes of a meeting that has not happened yet (held ${heldAt}, now ${at})`);
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
    if (!t) throw bad('template', `unknown template "${v.template}" (templates: ${COMMS_TEMPLATES.map((x) => x.id).join(', ')})`);
    // The facts are those of the moment of drafting; what was said stays as it was said.
    const facts = templateFacts(s, boardOf(s), at);
    const title = fillTemplate(v.title ?? t.title, facts);
    const body = fillTemplate(v.body ?? t.body, facts);
    const missing = [...new Set([...title.missing, ...body.missing])];
    return { id, audience: v.audience, title: title.text, body: body.text, template: t.id, ...(missing.length ? { missing } : {}) };
  });
}

export async function approveComms(app: CrisisApp, actor: Actor, input: unknown): Promise<AnyEntry> {
  const v = validate(commsApproveInput, input);
  return writeOne(app, actor, 'comms.approve', 'comms.approved', v.at, (s) => {
    const id = commsId(v.id.toUpperCase());
    const m = coord(s).comms.get(id);
    if (!m) throw notFound('id', `no communication ${v.id}`);
    if (m.status !== 'draft') throw new CrisisError('already-exists', `${id} is already ${m.status}`);
    // The permission table lets only commander and comms approve; the role is recorded as the position.
    return { id, approvedBy: { position: actor.role, person: v.person ?? actor.name } };
  });
}

export async function publishComms(app: CrisisApp, actor: Actor, input: unknown): Promise<AnyEntry> {
  const v = validate(commsPublishInput, input);
  return writeOne(app, actor, 'comms.publish', 'comms.published', v.at, (s, at) => {
    const id = commsId(v.id.toUpperCase());
    const m = coord(s).comms.get(id);
    if (!m) throw notFound('id', `no communication ${v.id}`);
    if (m.status === 'draft') throw bad('id', `${id} is a draft: it must be approved by the commander or communications before it is published`);
    if (m.status === 'published') throw new CrisisError('already-exists', `${id} was already published (${m.published?.at})`);
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
  return writeOne(app, actor, 'regulatory.record', 'regulatory.awareness', v.at, (_s, at) => {
    if (Date.parse(v.awareAt) > Date.parse(at)) throw bad('awareAt', `awareness at ${v.awareAt} is in the future of this entry (${at})`);
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
    if (Date.parse(filedAt) > Date.parse(at)) throw bad('filedAt', `filed at ${filedAt}, after this entry (${at}): record a filing once it is done`);
    const aw = coord(s).regulatory.awareness;
    if (aw) notBefore('filedAt', filedAt, aw.awareAt, 'the awareness time');
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
  if (!state.crisis) throw new CrisisError('not-initialised', at ? `nothing was known at ${at}` : 'this database holds no crisis yet: run `crisiscell init` (or `crisiscell demo`)');
  return { state, at: when, board: boardOf(state) };
}

export async function clocksAt(app: CrisisApp, opts: ReportOptions & Pick<ClockOptions, 'dueSoonHours'> = {}): Promise<{ at: string; clocks: RegulatoryClock[] }> {
  const snap = await snapshot(app, opts.at);
  return { at: snap.at, clocks: computeClocks(snap.state, snap.at, { board: snap.board, ...(opts.timeZone ? { timeZone: opts.timeZone } : {}), ...(opts.dueSoonHours ? { dueSoonHours: opts.dueSoonHours } : {}) }) };
}

export async function sitrepAt(app: CrisisApp, opts: ReportOptions = {}): Promise<SitrepModel> {
  const snap = await snapshot(app, opts.at);
  const tz = opts.timeZone ? { timeZone: opts.timeZone } : {};
  const clocks = computeClocks(snap.state, snap.at, { board: snap.board, ...tz });
  return buildSitrep({ state: snap.state, board: snap.board, clocks, at: snap.at, ...tz });
}

export async function downtimePackAt(app: CrisisApp, site: string, opts: ReportOptions = {}): Promise<DowntimePack> {
  const snap = await snapshot(app, opts.at);
  const [id] = checkSites(snap.state, [site], 'site');
  if (!id) throw notFound('site', `unknown site "${site}"`);
  return buildDowntimePack({ state: snap.state, board: snap.board, site: id, at: snap.at, ...(opts.timeZone ? { timeZone: opts.timeZone } : {}) });
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
    if (!meeting) throw notFound('meeting', `no meeting ${opts.meeting}`);
  }
  const at = opts.at ?? app.clockNow();
  const state = opts.at ? stateAt(all, at) : live;
  meeting ??= nextMeeting(coord(state), at);
  const since = lastMeeting(coord(state), at);
  const boardNow = boardOf(state);
  const boardThen = since ? boardOf(stateAt(all, since.minutes?.heldAt ?? since.at)) : undefined;
  const clocks = computeClocks(state, at, { board: boardNow, ...(opts.timeZone ? { timeZone: opts.timeZone } : {}) });
  return buildAgenda({ state, at, clocks, boardNow, ...(boardThen ? { boardThen } : {}), ...(meeting ? { meeting } : {}) });
}

/** The coordination view at `at` (or now), for the list commands. */
export async function coordinationAt(app: CrisisApp, at?: string): Promise<{ state: CrisisState; view: CoordinationView; at: string }> {
  const state = await app.stateAt(at);
  return { state, view: coord(state), at: at ?? app.clockNow() };
}

