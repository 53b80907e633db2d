/**
 * Routes of the coordination features (decisions, actions, meetings, positions, contacts,
 * channels, communications, assessment, regulatory facts, clocks, sitrep, downtime packs), over
 * src/app/coordination.ts. Each command route is one line of the table below: the app function
 * validates with its schema and checks the same action the route declares.
 */
import type { z } from 'zod';
import type { CrisisApp } from '../app/crisis-app.ts';
import type { Action, Actor } from '../app/permissions.ts';
import * as co from '../app/coordination.ts';
import * as cs from '../app/coordination-schemas.ts';
import { isoTime } from '../app/schemas.ts';
import { validate } from '../app/validate.ts';
import type { AnyEntry } from '../core/journal.ts';
import { clientEntry } from './live.ts';
import type { Route, RouteCtx } from './router.ts';
import { LANG_QUERY, ok } from './router.ts';
import { zoneOf } from '../app/describe-entry.ts';

type Command = (app: CrisisApp, actor: Actor, input: unknown) => Promise<AnyEntry>;

const COMMANDS: readonly [path: string, action: Action, fn: Command, body: z.ZodType, summary: string][] = [
  ['/api/decisions', 'decision.manage', co.openDecision, cs.decisionOpenInput, 'Open a decision: the question, the options, the services concerned, a review time'],
  ['/api/decisions/decide', 'decision.manage', co.decide, cs.decisionMadeInput, 'Record what was decided, why, by whom'],
  ['/api/actions', 'action.manage', co.addAction, cs.actionAddInput, 'Add an action with an owner position and a due time'],
  ['/api/actions/update', 'action.manage', co.updateAction, cs.actionUpdateInput, "Change an action's status, due time or owner, or add a note"],
  ['/api/positions', 'position.assign', co.configurePositions, cs.positionsInput, 'Set the positions of the crisis cell'],
  ['/api/positions/assign', 'position.assign', co.assignRole, cs.roleAssignInput, 'Name who holds a position (for a period)'],
  ['/api/periods', 'meeting.manage', co.openPeriod, cs.periodOpenInput, 'Open an operational period with its objectives'],
  ['/api/meetings', 'meeting.manage', co.scheduleMeeting, cs.meetingScheduleInput, 'Schedule (or move) a meeting'],
  ['/api/meetings/minutes', 'meeting.manage', co.recordMinutes, cs.meetingMinutesInput, 'Record the minutes of a meeting'],
  ['/api/contacts', 'contact.manage', co.upsertContact, cs.contactInput, 'Add or change a contact'],
  ['/api/channels', 'channel.set', co.setChannel, cs.channelInput, 'Record the status of a communication channel (switchboard, email...) and its fallback'],
  ['/api/comms', 'comms.draft', co.draftComms, cs.commsDraftInput, 'Draft a communication (from a template filled from the state, or free text)'],
  ['/api/comms/approve', 'comms.approve', co.approveComms, cs.commsApproveInput, 'Approve a drafted communication'],
  ['/api/comms/publish', 'comms.publish', co.publishComms, cs.commsPublishInput, 'Record that an approved communication was published'],
  ['/api/incident/assess', 'incident.assess', co.assessIncident, cs.assessInput, 'Record what is known of the incident (ransom, exfiltration, severity, root cause...)'],
  ['/api/regulatory/awareness', 'regulatory.record', co.recordAwareness, cs.awarenessInput, 'Record when the organisation became aware (starts the NIS2 and GDPR clocks)'],
  ['/api/regulatory/breach', 'regulatory.record', co.recordBreach, cs.breachInput, 'Record the personal-data breach assessment (GDPR art. 33/34)'],
  ['/api/regulatory/file', 'regulatory.record', co.fileReport, cs.fileInput, 'Record a notification filed with an authority'],
];

/** JSON for views holding Maps and Sets: maps become arrays of their values. */
export function plain(v: unknown): unknown {
  if (v instanceof Map) return [...v.values()].map(plain);
  if (v instanceof Set) return [...v].map(plain);
  if (Array.isArray(v)) return v.map(plain);
  if (v !== null && typeof v === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v)) out[k] = plain(x);
    return out;
  }
  return v;
}


function atOf(ctx: RouteCtx): string {
  const at = ctx.query.get('at');
  if (at) return validate(isoTime, at);
  return ctx.app.clockNow();
}

const AT_QUERY = [
  { name: 'at', description: 'ISO time with offset the report describes; default now (the demo: its own running clock)', schema: { type: 'string', format: 'date-time' } },
  LANG_QUERY,
] as const;

export const COORDINATION_ROUTES: readonly Route[] = [
  ...COMMANDS.map(([path, action, fn, body, summary]): Route => ({
    method: 'POST', path, tag: 'coordination', access: action, body, summary, errors: [400, 404, 409],
    handler: async (ctx) => ok({ entry: clientEntry(await fn(ctx.app, ctx.actor as Actor, ctx.body), ctx.lang, ctx.app.liveProjection) }, 201),
  })),
  {
    method: 'GET', path: '/api/clock', tag: 'coordination', access: 'board.read',
    summary: 'The time reports describe by default (a demo runs its own clock from the article\'s moment) and the crisis\'s time zone',
    handler: (ctx) => ok({ now: ctx.app.clockNow(), demo: ctx.app.liveProjection.crisis?.demo === true, timeZone: zoneOf(ctx.app.liveProjection) }),
  },
  {
    method: 'GET', path: '/api/coordination', tag: 'coordination', access: 'board.read', query: AT_QUERY, errors: [400],
    summary: 'Decisions, actions, meetings, positions, contacts, channels, communications, assessment and regulatory facts',
    async handler(ctx) {
      const at = ctx.query.get('at') ? atOf(ctx) : undefined;
      const r = await co.coordinationAt(ctx.app, at);
      return ok({ at: at ?? ctx.app.clockNow(), ...(plain(r.view) as object) });
    },
  },
  {
    method: 'GET', path: '/api/clocks', tag: 'coordination', access: 'board.read', query: AT_QUERY, errors: [400, 409],
    summary: 'Regulatory clocks (NIS2 early warning, notification, final report; GDPR art. 33) with their deadlines',
    handler: async (ctx) => ok(plain(await co.clocksAt(ctx.app, { at: atOf(ctx), lang: ctx.lang }))),
  },
  {
    method: 'GET', path: '/api/sitrep', tag: 'coordination', access: 'board.read', query: AT_QUERY, errors: [400, 409],
    summary: 'The situation report model (board summary, decisions, actions, clocks, communications)',
    handler: async (ctx) => ok(plain(await co.sitrepAt(ctx.app, { at: atOf(ctx), lang: ctx.lang }))),
  },
  {
    method: 'GET', path: '/api/agenda', tag: 'coordination', access: 'board.read', query: [...AT_QUERY, { name: 'meeting', description: 'meeting id; default the next one', schema: { type: 'string' } }], errors: [400, 404, 409],
    summary: 'The agenda of a meeting: board changes since the last one, due actions, pending decisions, clocks',
    handler: async (ctx) => ok(plain(await co.agendaFor(ctx.app, { at: atOf(ctx), lang: ctx.lang, ...(ctx.query.get('meeting') ? { meeting: ctx.query.get('meeting') ?? '' } : {}) }))),
  },
  {
    method: 'GET', path: '/api/packs/:site', tag: 'coordination', access: 'board.read', query: AT_QUERY, errors: [400, 404, 409],
    summary: 'The downtime pack of a site: services down or degraded, their procedures, direct numbers',
    handler: async (ctx) => ok(plain(await co.downtimePackAt(ctx.app, ctx.params.site ?? '', { at: atOf(ctx), lang: ctx.lang }))),
  },
];
