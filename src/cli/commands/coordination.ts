/**
 * Crisis-cell coordination commands: decision, action, meeting, role, period, contact, channel,
 * comms, assess, regulatory, clocks, agenda, sitrep, pack. Each one is a thin shell over
 * src/app/coordination.ts: parse options, call, print text for people or JSON with --json.
 */
import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { CrisisError } from '../../core/errors.ts';
import type { AnyEntry } from '../../core/journal.ts';
import type { RegulatoryClock } from '../../core/clocks/clocks.ts';
import { describeClock } from '../../core/clocks/clocks.ts';
import { isOverdue } from '../../core/coordination/coordination-state.ts';
import { COMMS_TEMPLATES } from '../../core/reports/templates.ts';
import * as co from '../../app/coordination.ts';
import { renderSitrepMarkdown } from '../../app/reports/sitrep-markdown.ts';
import { renderSitrepHtml } from '../../app/reports/sitrep-html.ts';
import { renderPackHtml } from '../../app/reports/pack-html.ts';
import { htmlToPdf } from '../../app/reports/pdf.ts';
import type { Ctx } from '../context.ts';
import { describeEntry } from '../../app/describe-entry.ts';
import type { When } from '../when.ts';
import { whenFor } from '../when.ts';
import { label } from '../../core/i18n/index.ts';
import type { CommandSpec, Options, Values } from '../spec.ts';
import { str } from '../spec.ts';
import { table } from '../text.ts';

const s = { type: 'string' as const };
const many = { type: 'string' as const, multiple: true as const };
const atOpt: Options = { at: s };

/** `--x a,b --x c` -> [a, b, c]. */
function list(v: Values, k: string): string[] {
  const x = v[k];
  const raw = Array.isArray(x) ? x : typeof x === 'string' ? [x] : [];
  return raw.flatMap((r) => r.split(',')).map((r) => r.trim()).filter((r) => r !== '');
}

function need(p: string[], n: number, what: string): void {
  if (p.length < n) throw new CrisisError('invalid-input', `missing ${what}`);
}

function yesNo(x: string | undefined, what: string): boolean {
  if (x === 'yes' || x === 'true') return true;
  if (x === 'no' || x === 'false') return false;
  throw new CrisisError('invalid-input', `${what}: say yes or no`);
}

function intOpt(v: Values, k: string): number | undefined {
  const x = str(v, k);
  if (x === undefined) return undefined;
  const n = Number(x);
  if (!Number.isInteger(n) || n < 0) throw new CrisisError('invalid-input', `--${k} must be a whole number, not "${x}"`);
  return n;
}


function done(ctx: Ctx, e: AnyEntry, text: string): number {
  if (ctx.json) ctx.printJson(e);
  else ctx.out(`Entry ${e.seq}: ${text}`);
  return 0;
}

/** A command that writes one entry through an app function. */
function writer(
  name: string,
  summary: string,
  usage: string,
  example: string,
  options: Options,
  input: (v: Values, p: string[], w: When) => unknown,
  call: (app: Awaited<ReturnType<Ctx['openApp']>>, actor: ReturnType<Ctx['actor']>, input: unknown) => Promise<AnyEntry>,
  say: (e: AnyEntry, w: When) => string,
  details?: string,
): CommandSpec {
  return {
    name,
    summary,
    usage,
    example,
    options,
    ...(details ? { details } : {}),
    async run(ctx, v, p) {
      const app = await ctx.openApp();
      const w = whenFor(app, ctx.lang);
      const e = await call(app, ctx.actor(), input(v, p, w));
      return done(ctx, e, say(e, w));
    },
  };
}

/** The id in a payload that has one (decision, action, meeting, comms, contact, period). */
function idOf(e: AnyEntry): string {
  const p = e.payload as { id?: unknown };
  return typeof p.id === 'string' ? p.id : '';
}

function printClocks(ctx: Ctx, w: When, at: string, clocks: readonly RegulatoryClock[]): void {
  ctx.out(`Regulatory clocks at ${w.local(at)} (${w.zone})`);
  ctx.out(table(['CLOCK', 'AUTHORITY', 'STATUS', 'DUE / FILED'], clocks.map((k) => [k.title, k.authority, label(ctx.lang, 'clockStatus', k.status).toUpperCase(), describeClock(k, w.zone, ctx.lang)])));
  for (const k of clocks) {
    for (const n of k.notes) ctx.out(`  ${k.title}: ${n}`);
    if (k.status !== 'filed' && k.status !== 'not-applicable' && k.draft.missing.length > 0) ctx.out(`  ${k.title}: still missing in the draft: ${k.draft.missing.join('; ')}`);
  }
}

async function writeOutput(ctx: Ctx, out: string | undefined, data: string | Buffer, what: string): Promise<void> {
  if (out === undefined) {
    if (Buffer.isBuffer(data)) throw new CrisisError('invalid-input', `a PDF is not printed to the terminal: give -o FILE.pdf`);
    ctx.io.stdout.write(data);
    return;
  }
  const dest = resolve(ctx.io.cwd, out);
  try {
    writeFileSync(dest, data);
  } catch (e) {
    throw new CrisisError('io', `cannot write ${out}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`, { cause: e });
  }
  ctx.err(`${what} written to ${dest}`);
}

function format(v: Values, allowed: readonly string[], dflt: string): string {
  const f = str(v, 'format') ?? dflt;
  if (!allowed.includes(f)) throw new CrisisError('invalid-input', `--format must be one of ${allowed.join(', ')}, not "${f}"`);
  return f;
}

export const COORDINATION_COMMANDS: CommandSpec[] = [
  // ---- decisions ----
  writer(
    'decision open',
    'open a decision the cell has to take; it stays pending (on agendas and sitreps) until decided',
    'decision open <question> [--option TEXT]... [--service KIND@SITE]... [--site S]... [--review-at ISO] [--owner POSITION] [--at ISO]',
    'crisiscell decision open "Postpone consultations and surgery from Monday?" --option maintain --option postpone --service consultations@hsp-north --review-at 2022-05-16T08:00:00+02:00',
    { option: many, service: many, site: many, 'review-at': s, owner: s, ...atOpt },
    (v, p, w) => {
      need(p, 1, 'the question');
      return { question: p.join(' '), options: list(v, 'option'), services: list(v, 'service'), sites: list(v, 'site'), reviewAt: w.time(v, 'review-at', 'future'), owner: str(v, 'owner'), at: w.time(v, 'at') };
    },
    co.openDecision,
    (e) => `decision ${idOf(e)} opened (pending)`,
  ),
  writer(
    'decision decide',
    'record what was decided, why, and by whom (position and person)',
    'decision decide <id> <decision> --rationale "..." --position POSITION --person NAME [--decided-at ISO] [--review-at ISO]',
    'crisiscell decision decide D1 "Postpone non-urgent consultations and surgery" --rationale "no lab results in time" --position commander --person "A. Lambert"',
    { rationale: s, position: s, person: s, 'decided-at': s, 'review-at': s, ...atOpt },
    (v, p, w) => {
      need(p, 2, 'the decision id and the decision');
      return { id: p[0], decision: p.slice(1).join(' '), rationale: str(v, 'rationale') ?? '', position: str(v, 'position') ?? '', person: str(v, 'person') ?? '', decidedAt: w.time(v, 'decided-at'), reviewAt: w.time(v, 'review-at', 'future'), at: w.time(v, 'at') };
    },
    co.decide,
    (e) => `decision ${idOf(e)} made`,
  ),
  {
    name: 'decision list',
    summary: 'decisions, pending first, each said in one line: who decided, and who recorded it on their behalf',
    usage: 'decision list [--pending] [--at ISO] [--json] [--lang en|fr|nl]',
    example: 'crisiscell decision list --pending',
    options: { pending: { type: 'boolean' }, ...atOpt },
    async run(ctx, v) {
      const app = await ctx.openApp();
      const w = whenFor(app, ctx.lang);
      const { view, at } = await co.coordinationAt(app, w.time(v, 'at'));
      const rows = [...view.decisions.values()].filter((d) => v.pending !== true || d.made === undefined).sort((a, b) => Number(a.made !== undefined) - Number(b.made !== undefined));
      if (ctx.json) {
        ctx.printJson(rows);
        return 0;
      }
      // Each decision as the logbook says it: the description of its last entry (opened, or made).
      const last = new Map<string, AnyEntry>();
      for (const e of await app.log({ kinds: ['decision.*'] })) if (Date.parse(e.at) <= Date.parse(at)) last.set((e.payload as { id: string }).id, e);
      ctx.out(table(['ID', 'STATUS', 'REVIEW BY', 'DECISION'], rows.map((d) => {
        const e = last.get(d.id);
        return [d.id, d.made ? 'decided' : 'PENDING', w.local(d.reviewAt), e ? describeEntry(e, ctx.lang, app.state) : d.question];
      }), { wrap: 3 }));
      ctx.out(`${rows.length} decision(s) at ${w.local(at)}`);
      return 0;
    },
  },
  // ---- actions ----
  writer(
    'action add',
    'add an action (task) with an owner position and a due time',
    'action add <title> --owner-position POSITION [--owner NAME] [--due ISO] [--status open|in-progress] [--asset HOST]... [--service KIND@SITE]... [--decision ID]... [--at ISO]',
    'crisiscell action add "Image the PACS server before any wipe" --owner-position it --due 2022-05-15T18:00:00+02:00 --asset srv-pacs-01',
    { 'owner-position': s, owner: s, due: s, status: s, asset: many, service: many, decision: many, ...atOpt },
    (v, p, w) => {
      need(p, 1, 'the title');
      return { title: p.join(' '), ownerPosition: str(v, 'owner-position') ?? '', owner: str(v, 'owner'), due: w.time(v, 'due', 'future'), status: str(v, 'status'), assets: list(v, 'asset'), services: list(v, 'service'), decisions: list(v, 'decision'), at: w.time(v, 'at') };
    },
    co.addAction,
    (e) => `action ${idOf(e)} added`,
  ),
  writer(
    'action update',
    'change the status, due time or owner of an action, or add a note',
    'action update <id> [--status open|in-progress|done|cancelled] [--due ISO] [--owner-position P] [--owner NAME] [--note TEXT] [--at ISO]',
    'crisiscell action update A1 --status done --note "image on evidence disk 3"',
    { status: s, due: s, 'owner-position': s, owner: s, note: s, ...atOpt },
    (v, p, w) => {
      need(p, 1, 'the action id');
      return { id: p[0], status: str(v, 'status'), due: w.time(v, 'due', 'future'), ownerPosition: str(v, 'owner-position'), owner: str(v, 'owner'), note: str(v, 'note'), at: w.time(v, 'at') };
    },
    co.updateAction,
    (e) => `action ${idOf(e)} updated`,
  ),
  {
    name: 'action list',
    summary: 'actions, overdue first (OVERDUE is printed in capitals)',
    usage: 'action list [--all] [--at ISO] [--json]',
    details: 'Without --all, only open and in-progress actions.',
    example: 'crisiscell action list',
    options: { all: { type: 'boolean' }, ...atOpt },
    async run(ctx, v) {
      const app = await ctx.openApp();
      const w = whenFor(app, ctx.lang);
      const { view, at } = await co.coordinationAt(app, w.time(v, 'at'));
      const rows = [...view.actions.values()]
        .filter((a) => v.all === true || a.status === 'open' || a.status === 'in-progress')
        .sort((a, b) => Number(isOverdue(b, at)) - Number(isOverdue(a, at)) || Date.parse(a.due ?? '9999') - Date.parse(b.due ?? '9999'));
      if (ctx.json) ctx.printJson(rows.map((a) => ({ ...a, overdue: isOverdue(a, at) })));
      else {
        ctx.out(table(['ID', 'STATUS', 'TITLE', 'OWNER', 'DUE'], rows.map((a) => [a.id, isOverdue(a, at) ? `OVERDUE (${a.status})` : a.status, a.title, `${a.ownerPosition}${a.owner ? ` (${a.owner})` : ''}`, w.local(a.due)])));
        ctx.out(`${rows.length} action(s) at ${w.local(at)}`);
      }
      return 0;
    },
  },
  // ---- positions and periods ----
  writer(
    'role assign',
    'record who holds a crisis-cell position (for an operational period, or from now on)',
    'role assign <position> <person> [--period P1] [--reach "+32 470 ..."] [--at ISO]',
    'crisiscell role assign commander "Anne Lambert" --period P1 --reach "+32 470 10 00 01"',
    { period: s, reach: s, ...atOpt },
    (v, p, w) => {
      need(p, 2, 'the position and the person');
      return { position: p[0], person: p.slice(1).join(' '), period: str(v, 'period'), reach: str(v, 'reach'), at: w.time(v, 'at') };
    },
    co.assignRole,
    (e) => (e.kind === 'position.assigned' ? `${e.payload.person} holds ${e.payload.position}${e.payload.period ? ` for ${e.payload.period}` : ''}` : ''),
  ),
  {
    name: 'role list',
    summary: 'the crisis-cell positions and who holds them',
    usage: 'role list [--at ISO] [--json]',
    example: 'crisiscell role list',
    options: { ...atOpt },
    async run(ctx, v) {
      const app = await ctx.openApp();
      const w = whenFor(app, ctx.lang);
      const m = await co.sitrepAt(app, { at: w.time(v, 'at'), lang: ctx.lang });
      if (ctx.json) ctx.printJson(m.positions);
      else ctx.out(table(['POSITION', 'HELD BY', 'REACH'], m.positions.map((p) => [p.title, p.person ?? '(vacant)', p.reach ?? ''])));
      return 0;
    },
  },
  writer(
    'role configure',
    'replace the list of crisis-cell positions (default: commander, medical, it, comms, liaison, safety, dpo, logistics, finance)',
    'role configure <id=Title>...',
    'crisiscell role configure commander="Incident commander" medical="Medical lead" it="IT lead" comms=Communications sterilisation="Sterilisation lead"',
    { ...atOpt },
    (v, p, w) => {
      need(p, 1, 'the positions as id=Title');
      return { positions: p.map((x) => ({ id: x.split('=')[0] ?? '', title: x.split('=').slice(1).join('=') || (x.split('=')[0] ?? '') })), at: w.time(v, 'at') };
    },
    co.configurePositions,
    (e) => (e.kind === 'positions.configured' ? `${e.payload.positions.length} position(s) configured` : ''),
  ),
  writer(
    'period open',
    'open an operational period: a span of time with its objectives (the unit of the sitrep)',
    'period open <name> --start ISO --end ISO [--objective TEXT]...',
    'crisiscell period open "Saturday day" --start 2022-05-14T06:00:00+02:00 --end 2022-05-15T10:00:00+02:00 --objective "Keep vital services running"',
    { start: s, end: s, objective: many, ...atOpt },
    (v, p, w) => {
      need(p, 1, 'the name of the period');
      return { name: p.join(' '), start: w.time(v, 'start', 'exact'), end: w.time(v, 'end', 'exact'), objectives: Array.isArray(v.objective) ? v.objective : [], at: w.time(v, 'at') };
    },
    co.openPeriod,
    (e) => `operational period ${idOf(e)} opened`,
  ),
  // ---- meetings ----
  writer(
    'meeting schedule',
    'schedule a crisis meeting (or move one with --id)',
    'meeting schedule <title> --at ISO [--place P] [--attendee A]... [--period P1] [--id M2]',
    'crisiscell meeting schedule "Crisis meeting" --at 2022-05-15T10:00:00+02:00 --place "head office" --attendee commander --attendee medical --attendee police',
    { place: s, attendee: many, period: s, id: s, ...atOpt },
    (v, p, w) => {
      need(p, 1, 'the title');
      return { id: str(v, 'id'), title: p.join(' '), at: w.time(v, 'at', 'future'), place: str(v, 'place'), attendees: list(v, 'attendee'), period: str(v, 'period') };
    },
    co.scheduleMeeting,
    (e, w) => (e.kind === 'meeting.scheduled' ? `meeting ${e.payload.id} scheduled ${w.local(e.payload.at)}` : ''),
  ),
  writer(
    'meeting minutes',
    'record the minutes of a meeting',
    'meeting minutes <id> <minutes text> [--held-at ISO] [--attendee A]... [--at ISO]',
    'crisiscell meeting minutes M2 "Consultations postponed except exceptions; lab and radiology first to restart"',
    { 'held-at': s, attendee: many, ...atOpt },
    (v, p, w) => {
      need(p, 2, 'the meeting id and the minutes');
      return { id: p[0], minutes: p.slice(1).join(' '), heldAt: w.time(v, 'held-at'), attendees: list(v, 'attendee'), at: w.time(v, 'at') };
    },
    co.recordMinutes,
    (e) => `minutes of ${idOf(e)} recorded`,
  ),
  {
    name: 'meeting list',
    summary: 'meetings, with the next one marked',
    usage: 'meeting list [--at ISO] [--json]',
    example: 'crisiscell meeting list',
    options: { ...atOpt },
    async run(ctx, v) {
      const app = await ctx.openApp();
      const w = whenFor(app, ctx.lang);
      const { view } = await co.coordinationAt(app, w.time(v, 'at'));
      const rows = [...view.meetings.values()].sort((a, b) => Date.parse(a.at) - Date.parse(b.at));
      if (ctx.json) ctx.printJson(rows);
      else ctx.out(table(['ID', 'WHEN', 'TITLE', 'PLACE', 'MINUTES'], rows.map((m) => [m.id, w.local(m.at), m.title, m.place ?? '', m.minutes ? 'recorded' : ''])));
      return 0;
    },
  },
  {
    name: 'meeting agenda',
    summary: 'the generated agenda: board changes since the last meeting, pending decisions, overdue actions, clocks falling due, comms to approve',
    usage: 'meeting agenda [<id>] [--at ISO] [--json]',
    example: 'crisiscell meeting agenda M2',
    options: { ...atOpt },
    async run(ctx, v, p) {
      const app = await ctx.openApp();
      const w = whenFor(app, ctx.lang);
      const a = await co.agendaFor(app, { ...(p[0] ? { meeting: p[0] } : {}), ...(w.time(v, 'at') ? { at: w.time(v, 'at') } : {}) });
      if (ctx.json) {
        ctx.printJson(a);
        return 0;
      }
      ctx.out(`AGENDA${a.meeting ? `: ${a.meeting.title}, ${w.local(a.meeting.at)}` : ''} (drawn up ${w.local(a.at)})`);
      ctx.out(`\n1. Situation: board changes since ${a.since ? `the last meeting (${a.since.title}, ${w.local(a.since.minutes?.heldAt ?? a.since.at)})` : 'the start of the crisis'}`);
      if (a.boardChanges.length === 0) ctx.out('   no change');
      for (const c of a.boardChanges.slice(0, 40)) ctx.out(`   ${c.name}: ${c.from ?? 'new'} -> ${c.to} (${Math.round(c.toCapacity * 100)} %)`);
      if (a.boardChanges.length > 40) ctx.out(`   … and ${a.boardChanges.length - 40} more (--json for all)`);
      ctx.out('\n2. Decisions pending');
      if (a.pendingDecisions.length === 0) ctx.out('   none');
      for (const d of a.pendingDecisions) ctx.out(`   ${d.id} ${d.question}${d.options.length ? ` [${d.options.join(' / ')}]` : ''}${d.reviewAt ? ` (by ${w.local(d.reviewAt)})` : ''}`);
      ctx.out('\n3. Overdue actions');
      if (a.overdueActions.length === 0) ctx.out('   none');
      for (const x of a.overdueActions) ctx.out(`   ${x.id} OVERDUE since ${w.local(x.due)}: ${x.title} (${x.ownerPosition})`);
      ctx.out('\n4. Regulatory clocks falling due within 24 h');
      if (a.clocks.length === 0) ctx.out('   none');
      for (const k of a.clocks) ctx.out(`   ${k.title}: ${describeClock(k, w.zone, ctx.lang)}`);
      ctx.out('\n5. Communications awaiting approval');
      if (a.commsToApprove.length === 0) ctx.out('   none');
      for (const m of a.commsToApprove) ctx.out(`   ${m.id} [${m.audience}] ${m.title}`);
      return 0;
    },
  },
  // ---- contacts and channels ----
  writer(
    'contact add',
    'add or replace a contact: an external party (police, CERT, governor, DPA, insurer...) or a direct number for the fallback directory',
    'contact add <name> --party TYPE [--organisation O] [--function F] [--phone N] [--mobile N] [--email E] [--radio R] [--site S] [--service KIND@SITE] [--id SLUG] [--notes T]',
    'crisiscell contact add "Computer crime unit" --party police --organisation "Federal Judicial Police" --phone "+32 2 000 00 02"',
    { party: s, organisation: s, function: s, phone: s, mobile: s, email: s, radio: s, site: s, service: s, id: s, notes: s, ...atOpt },
    (v, p, w) => {
      need(p, 1, 'the name');
      return { name: p.join(' '), party: str(v, 'party') ?? 'other', organisation: str(v, 'organisation'), function: str(v, 'function'), phone: str(v, 'phone'), mobile: str(v, 'mobile'), email: str(v, 'email'), radio: str(v, 'radio'), site: str(v, 'site'), service: str(v, 'service'), id: str(v, 'id'), notes: str(v, 'notes'), at: w.time(v, 'at') };
    },
    co.upsertContact,
    (e) => `contact ${idOf(e)} recorded`,
    'Party types: internal, police, prosecutor, national-cert, cyber-authority, governor, data-protection-authority, health-authority, insurer, neighbouring-hospital, supplier, call-centre, press, other.',
  ),
  {
    name: 'contact list',
    summary: 'contacts and their numbers',
    usage: 'contact list [--party TYPE] [--json]',
    example: 'crisiscell contact list --party police',
    options: { party: s },
    async run(ctx, v) {
      const app = await ctx.openApp();
      const { view } = await co.coordinationAt(app);
      const rows = [...view.contacts.values()].filter((c) => str(v, 'party') === undefined || c.party === str(v, 'party'));
      if (ctx.json) ctx.printJson(rows);
      else ctx.out(table(['ID', 'PARTY', 'NAME', 'ORGANISATION', 'PHONE', 'MOBILE', 'EMAIL'], rows.map((c) => [c.id, c.party, c.name, c.organisation ?? '', c.phone ?? '', c.mobile ?? '', c.email ?? ''])));
      return 0;
    },
  },
  writer(
    'channel set',
    'record whether a channel works now (group-wide or at one site) and what to use instead',
    'channel set <switchboard|email|direct-lines|mobiles|radio|internet|messaging|pager|fax> <working|degraded|down|unknown> [--site S] [--fallback TEXT] [--note T] [--at ISO]',
    'crisiscell channel set switchboard down --fallback "the direct numbers of each service work"',
    { site: s, fallback: s, note: s, ...atOpt },
    (v, p, w) => {
      need(p, 2, 'the channel and its status');
      return { channel: p[0], status: p[1], site: str(v, 'site'), fallback: str(v, 'fallback'), note: str(v, 'note'), at: w.time(v, 'at') };
    },
    co.setChannel,
    (e) => (e.kind === 'channel.status' ? `${e.payload.channel}${e.payload.site ? ` at ${e.payload.site}` : ''}: ${e.payload.status}` : ''),
  ),
  {
    name: 'channel list',
    summary: 'which channels work now',
    usage: 'channel list [--json]',
    example: 'crisiscell channel list',
    options: {},
    async run(ctx) {
      const app = await ctx.openApp();
      const w = whenFor(app, ctx.lang);
      const { view } = await co.coordinationAt(app);
      const rows = [...view.channels.values()];
      if (ctx.json) ctx.printJson(rows);
      else ctx.out(table(['CHANNEL', 'WHERE', 'STATUS', 'FALLBACK', 'SINCE'], rows.map((c) => [c.channel, c.site ?? 'group', c.status.toUpperCase(), c.fallback ?? '', w.local(c.stamp.at)])));
      return 0;
    },
  },
  // ---- communications ----
  writer(
    'comms draft',
    'draft a communication from a template filled from state, or from your own --title and --body',
    'comms draft <staff|patients|public|press|partners> [--template ID] [--title T --body B] [--at ISO]',
    'crisiscell comms draft patients --template patients-notice',
    { template: s, title: s, body: s, ...atOpt },
    (v, p, w) => {
      need(p, 1, 'the audience');
      return { audience: p[0], template: str(v, 'template'), title: str(v, 'title'), body: str(v, 'body'), at: w.time(v, 'at') };
    },
    co.draftComms,
    (e) => (e.kind === 'comms.drafted' ? `draft ${e.payload.id} for ${e.payload.audience}${e.payload.missing?.length ? `; facts not recorded yet: ${e.payload.missing.join(', ')}` : ''}` : ''),
    `Templates: ${COMMS_TEMPLATES.map((t) => `${t.id} (${t.audience})`).join(', ')}. Only the commander or communications may approve (CRISISCELL_ROLE=commander|comms).`,
  ),
  writer(
    'comms approve',
    'approve a draft (commander or communications role only)',
    'comms approve <id> [--person NAME]',
    'CRISISCELL_ROLE=comms crisiscell comms approve C2',
    { person: s, ...atOpt },
    (v, p, w) => {
      need(p, 1, 'the communication id');
      return { id: p[0], person: str(v, 'person'), at: w.time(v, 'at') };
    },
    co.approveComms,
    (e) => `${idOf(e)} approved`,
  ),
  writer(
    'comms publish',
    'record that an approved communication went out, and how',
    'comms publish <id> --channel "press conference" [--published-at ISO]',
    'CRISISCELL_ROLE=comms crisiscell comms publish C2 --channel "hospital website and posters"',
    { channel: s, 'published-at': s, ...atOpt },
    (v, p, w) => {
      need(p, 1, 'the communication id');
      return { id: p[0], channel: str(v, 'channel') ?? '', publishedAt: w.time(v, 'published-at'), at: w.time(v, 'at') };
    },
    co.publishComms,
    (e) => `${idOf(e)} published`,
  ),
  {
    name: 'comms list',
    summary: 'communications and their status (draft, approved, published); --show prints one in full',
    usage: 'comms list [--show ID] [--json]',
    example: 'crisiscell comms list --show C1',
    options: { show: s },
    async run(ctx, v) {
      const app = await ctx.openApp();
      const w = whenFor(app, ctx.lang);
      const { view } = await co.coordinationAt(app);
      const show = str(v, 'show');
      if (show !== undefined) {
        const m = view.comms.get(show.toUpperCase() as never);
        if (!m) throw new CrisisError('not-found', `no communication ${show}`);
        if (ctx.json) ctx.printJson(m);
        else ctx.out(`${m.id} [${m.audience}] ${m.status.toUpperCase()}\n${m.title}\n\n${m.body}${m.missing.length ? `\n\n(facts not recorded when drafted: ${m.missing.join(', ')})` : ''}`);
        return 0;
      }
      const rows = [...view.comms.values()];
      if (ctx.json) ctx.printJson(rows);
      else ctx.out(table(['ID', 'AUDIENCE', 'STATUS', 'TITLE', 'WHEN'], rows.map((m) => [m.id, m.audience, m.status, m.title, w.local(m.published?.at ?? m.approved?.stamp.at ?? m.drafted.at)])));
      return 0;
    },
  },
  // ---- assessment and regulatory ----
  writer(
    'assess',
    'record what the cell believes about the incident (ransom demand, data theft, malicious act, cross-border impact...), with its source',
    'assess --source "who said so" [--ransom none|received] [--exfiltration no-indication|suspected|confirmed] [--malicious suspected|confirmed|ruled-out] [--cross-border none|possible|confirmed] [--severity low|medium|high|critical] [--root-cause T] [--ioc X]... [--mitigation T] [--handling-ended ISO] [--note T] [--at ISO]',
    'crisiscell assess --ransom none --exfiltration no-indication --source "IT director at the press conference"',
    { source: s, ransom: s, exfiltration: s, malicious: s, 'cross-border': s, severity: s, 'root-cause': s, ioc: many, mitigation: s, 'handling-ended': s, note: s, ...atOpt },
    (v, _p, w) => ({
      source: str(v, 'source') ?? '',
      ransomDemand: str(v, 'ransom'),
      dataExfiltration: str(v, 'exfiltration'),
      maliciousAct: str(v, 'malicious'),
      crossBorderImpact: str(v, 'cross-border'),
      severity: str(v, 'severity'),
      rootCause: str(v, 'root-cause'),
      indicators: list(v, 'ioc').length ? list(v, 'ioc') : undefined,
      mitigation: str(v, 'mitigation'),
      handlingEndedAt: w.time(v, 'handling-ended'),
      note: str(v, 'note'),
      at: w.time(v, 'at'),
    }),
    co.assessIncident,
    () => 'assessment recorded',
  ),
  writer(
    'regulatory awareness',
    'record when the organisation became aware of the incident: every regulatory clock runs from here',
    'regulatory awareness --aware-at ISO --basis "how we knew" [--at ISO]',
    'crisiscell regulatory awareness --aware-at 2022-05-14T03:28:00+02:00 --basis "IT on-call confirmed encrypted servers"',
    { 'aware-at': s, basis: s, ...atOpt },
    (v, _p, w) => ({ awareAt: w.time(v, 'aware-at'), basis: str(v, 'basis') ?? '', at: w.time(v, 'at') }),
    co.recordAwareness,
    (e, w) => (e.kind === 'regulatory.awareness' ? `awareness ${w.local(e.payload.awareAt)} recorded` : ''),
  ),
  writer(
    'regulatory breach',
    'record the finding on GDPR art. 33: is this a personal-data breach? (unavailability of health data counts)',
    'regulatory breach <yes|no> --reason "..." [--aware-at ISO] [--nature T] [--data-category C]... [--subject-category C]... [--subjects N] [--records N] [--consequences T] [--measures T] [--high-risk yes|no]',
    'crisiscell regulatory breach yes --reason "patient records unavailable (encrypted)" --subject-category patients --data-category "health data"',
    { reason: s, 'aware-at': s, nature: s, 'data-category': many, 'subject-category': many, subjects: s, records: s, consequences: s, measures: s, 'high-risk': s, ...atOpt },
    (v, p, w) => {
      need(p, 1, 'yes or no');
      return {
        personalDataBreach: yesNo(p[0], 'breach'),
        reason: str(v, 'reason') ?? '',
        awareAt: w.time(v, 'aware-at'),
        nature: str(v, 'nature'),
        dataCategories: list(v, 'data-category').length ? list(v, 'data-category') : undefined,
        subjectCategories: list(v, 'subject-category').length ? list(v, 'subject-category') : undefined,
        approxSubjects: intOpt(v, 'subjects'),
        approxRecords: intOpt(v, 'records'),
        likelyConsequences: str(v, 'consequences'),
        measures: str(v, 'measures'),
        highRisk: str(v, 'high-risk') === undefined ? undefined : yesNo(str(v, 'high-risk'), '--high-risk'),
        at: w.time(v, 'at'),
      };
    },
    co.recordBreach,
    (e) => (e.kind === 'regulatory.breach-assessed' ? (e.payload.personalDataBreach ? 'personal-data breach recorded: the GDPR 72 h clock runs' : 'no personal-data breach recorded') : ''),
  ),
  writer(
    'regulatory file',
    'record that a report was filed with an authority',
    'regulatory file <nis2-early-warning|nis2-notification|nis2-intermediate|nis2-progress|nis2-final|gdpr-notification|gdpr-supplement|police-complaint> [--filed-at ISO] [--authority A] [--reference R] [--delay-reason T] [--note T]',
    'crisiscell regulatory file nis2-early-warning --reference CCB-2022-0042',
    { 'filed-at': s, authority: s, reference: s, 'delay-reason': s, note: s, ...atOpt },
    (v, p, w) => {
      need(p, 1, 'the report');
      return { report: p[0], filedAt: w.time(v, 'filed-at'), authority: str(v, 'authority'), reference: str(v, 'reference'), delayReason: str(v, 'delay-reason'), note: str(v, 'note'), at: w.time(v, 'at') };
    },
    co.fileReport,
    (e, w) => (e.kind === 'regulatory.filed' ? `${e.payload.report} filed with ${e.payload.authority} ${w.local(e.payload.filedAt)}` : ''),
  ),
  {
    name: 'clocks',
    summary: 'regulatory clocks (NIS2 24 h / 72 h / one month, GDPR 72 h): due, status, filed, and what the draft still misses',
    usage: 'clocks [--at ISO] [--draft] [--json]',
    details: 'Status: upcoming, due-soon (< 6 h), overdue, filed, not-started (awareness not recorded), not-applicable. --draft prints the pre-filled content of each report.',
    example: 'crisiscell clocks --at 2022-05-14T15:00:00+02:00 --json',
    options: { draft: { type: 'boolean' }, ...atOpt },
    async run(ctx, v) {
      const app = await ctx.openApp();
      const w = whenFor(app, ctx.lang);
      const r = await co.clocksAt(app, { ...(w.time(v, 'at') ? { at: w.time(v, 'at') } : {}), lang: ctx.lang });
      if (ctx.json) {
        ctx.printJson(r);
        return 0;
      }
      printClocks(ctx, w, r.at, r.clocks);
      if (v.draft === true) {
        for (const k of r.clocks.filter((x) => x.draft.fields.length > 0)) {
          ctx.out(`\n== ${k.title} (${k.law}) to ${k.authority} ==`);
          for (const f of k.draft.fields) ctx.out(`  ${f.label}: ${f.value ?? '[MISSING]'}`);
        }
      }
      return 0;
    },
  },
  {
    name: 'sitrep',
    summary: 'the situation report at a time, as Markdown, print-ready HTML (A4) or PDF (local Chromium)',
    usage: 'sitrep [--at ISO] [--format md|html|pdf] [-o FILE] [--json]',
    details: 'Every statement is read from the journal as known at --at. PDF needs Chromium (apt-get install -y chromium, or CRISISCELL_CHROMIUM=/path); without it use --format html and print from a browser. --json prints the report model.',
    example: 'crisiscell sitrep --at 2022-05-14T15:00:00+02:00 --format pdf -o sitrep-sat-1500.pdf',
    options: { format: s, output: { type: 'string', short: 'o' }, ...atOpt },
    async run(ctx, v) {
      const f = format(v, ['md', 'html', 'pdf'], 'md');
      const out = str(v, 'output');
      if (f === 'pdf' && out === undefined) throw new CrisisError('invalid-input', 'a PDF needs -o FILE.pdf');
      const app = await ctx.openApp();
      const w = whenFor(app, ctx.lang);
      const m = await co.sitrepAt(app, { ...(w.time(v, 'at') ? { at: w.time(v, 'at') } : {}), lang: ctx.lang });
      if (ctx.json) {
        ctx.printJson(m);
        return 0;
      }
      // Every printout carries a signed checkpoint of the journal it was made from.
      const checkpoint = await app.checkpoint('sitrep');
      if (f === 'md') await writeOutput(ctx, out, renderSitrepMarkdown(m, { checkpoint }), 'Sitrep (Markdown)');
      else if (f === 'html') await writeOutput(ctx, out, renderSitrepHtml(m, { checkpoint }), 'Sitrep (HTML)');
      else await writeOutput(ctx, out, await htmlToPdf(renderSitrepHtml(m, { checkpoint }), { env: ctx.io.env }), 'Sitrep (PDF)');
      return 0;
    },
  },
  {
    name: 'pack',
    summary: 'the downtime pack of a site: its services, status and procedures, and the direct numbers (HTML or PDF)',
    usage: 'pack <site> [--at ISO] [--format html|pdf] [-o FILE] [--json]',
    example: 'crisiscell pack hsp-north --format pdf -o pack-hsp-north.pdf',
    options: { format: s, output: { type: 'string', short: 'o' }, ...atOpt },
    async run(ctx, v, p) {
      need(p, 1, 'the site id');
      const f = format(v, ['html', 'pdf'], 'html');
      const out = str(v, 'output');
      if (f === 'pdf' && out === undefined) throw new CrisisError('invalid-input', 'a PDF needs -o FILE.pdf');
      const app = await ctx.openApp();
      const w = whenFor(app, ctx.lang);
      const pack = await co.downtimePackAt(app, p[0] ?? '', { ...(w.time(v, 'at') ? { at: w.time(v, 'at') } : {}), lang: ctx.lang });
      if (ctx.json) {
        ctx.printJson(pack);
        return 0;
      }
      const html = renderPackHtml(pack);
      await writeOutput(ctx, out, f === 'html' ? html : await htmlToPdf(html, { env: ctx.io.env }), `Downtime pack of ${pack.site.name}`);
      return 0;
    },
  },
];
