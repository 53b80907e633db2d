// Meetings of the crisis cell: the generated agenda of the next one (board changes since the last
// meeting, decisions to take, overdue actions, clocks about to fall due, communications awaiting
// approval), the meetings with their minutes, and the forms to schedule one and minute one.
import { get, post } from './api.ts';
import { clear, h } from './dom.ts';
import { fmtTime, lbl, t, tw } from './i18n.ts';
import { LETTER } from './board.ts';
import type { ActionItem, Comms, Coordination, Decision, Meeting } from './coord-types.ts';
import { cellNow, keepFocus, positionTitle } from './coordination.ts';
import { disclosure, field, input, isoOf, listOf, localOf, makeForm, select, textarea, val } from './forms.ts';
import type { AppCtx, View } from './view.ts';

type Status = 'operational' | 'degraded' | 'down' | 'unknown';
interface Agenda {
  readonly at: string;
  readonly meeting?: Meeting;
  readonly since?: Meeting;
  readonly boardSource: 'engine' | 'none';
  readonly boardChanges: readonly { serviceId: string; name: string; siteName: string; from?: Status; to: Status; fromCapacity?: number; toCapacity: number }[];
  readonly pendingDecisions: readonly Decision[];
  readonly overdueActions: readonly ActionItem[];
  readonly clocks: readonly { id: string; title: string; status: string; due?: string }[];
  readonly commsToApprove: readonly Comms[];
}

const pct = (x: number | undefined): string => (x === undefined ? '' : `${Math.round(x * 100)}%`);

function agendaDoc(a: Agenda, c: Coordination): HTMLElement {
  const m = a.meeting;
  const item = (title: string, n: number, body: HTMLElement | null): HTMLElement =>
    h('li', { class: 'agenda-item' }, h('h3', null, `${title} (${n})`), n === 0 ? h('p', { class: 'meta' }, t('nothingToReview')) : body);
  return h('article', { class: 'document agenda', id: 'agenda', 'aria-labelledby': 'agenda-title' },
    h('h2', { id: 'agenda-title' }, m ? `${t('agendaOf')} ${m.id} — ${m.title}` : t('agendaNoMeeting')),
    m ? h('p', { class: 'agenda-when' }, h('strong', null, fmtTime(m.at)), m.place ? ` · ${m.place}` : '', m.attendees.length ? ` · ${m.attendees.map((x) => positionTitle(c, x)).join(', ')}` : '') : null,
    h('p', { class: 'meta' }, a.since ? `${lbl('sinceLast')}${a.since.id} — ${a.since.title}, ${fmtTime(a.since.minutes?.heldAt ?? a.since.at)}` : t('firstMeeting'), ` · ${t('drawnUpAt')} ${fmtTime(a.at)}`),
    h('ol', { class: 'agenda-items' },
      item(t('agendaBoard'), a.boardChanges.length, h('ul', { class: 'changes' }, a.boardChanges.map((x) => h('li', { 'data-cell': x.serviceId },
        x.from ? h('span', { class: `cell mini st-${x.from}`, 'aria-hidden': 'true' }, LETTER[x.from]) : null, x.from ? ' → ' : '',
        h('span', { class: `cell mini st-${x.to}`, 'aria-hidden': 'true' }, LETTER[x.to]),
        ` ${x.name}: ${x.from ? `${tw(x.from)} ${pct(x.fromCapacity)} → ` : ''}${tw(x.to)} ${pct(x.toCapacity)}`)))),
      item(t('agendaDecisions'), a.pendingDecisions.length, h('ul', null, a.pendingDecisions.map((d) => h('li', { 'data-decision': d.id }, h('strong', null, `${d.id} `), d.question, d.options.length ? h('span', { class: 'meta' }, ` (${d.options.join(' / ')})`) : null)))),
      item(t('agendaActions'), a.overdueActions.length, h('ul', null, a.overdueActions.map((x) => h('li', null, h('strong', null, `${x.id} `), x.title, h('span', { class: 'meta' }, ` — ${positionTitle(c, x.ownerPosition)}, ${t('due')} ${fmtTime(x.due)}`))))),
      item(t('agendaClocks'), a.clocks.length, h('ul', null, a.clocks.map((x) => h('li', null, h('strong', null, x.title), ` — ${tw(x.status)}${x.due ? `, ${t('due').toLowerCase()} ${fmtTime(x.due)}` : ''}`)))),
      item(t('agendaComms'), a.commsToApprove.length, h('ul', null, a.commsToApprove.map((x) => h('li', null, h('strong', null, `${x.id} `), `${x.title} (${tw(`au_${x.audience}`)})`)))),
    ));
}

function minutesForm(ctx: AppCtx, m: Meeting, close: () => void): HTMLElement {
  const pre = `minutes-${m.id}`;
  const heldAt = field('heldAt', `${pre}-held`, t('heldAt'), input({ type: 'datetime-local', value: localOf(Date.parse(m.at)) }));
  const attendees = field('attendees', `${pre}-attendees`, t('attendees'), input({ size: '50', value: m.attendees.join(', ') }), t('commaList'));
  const text = field('minutes', `${pre}-text`, t('minutes'), textarea({ required: true, rows: '6' }));
  return makeForm(ctx, {
    id: pre, fields: [heldAt, attendees, text], submit: t('recordMinutes'), cancel: close,
    send: async () => post('/api/meetings/minutes', { id: m.id, ...(isoOf(heldAt.control) ? { heldAt: isoOf(heldAt.control) } : {}), attendees: listOf(attendees.control), minutes: text.control.value.trim() }),
  }).el;
}

export function meetingsView(ctx: AppCtx): View {
  const agendaBox = h('div', { id: 'agenda-box' });
  const list = h('div', { id: 'meetings' });
  const formBox = h('div');
  const minutesUi = new Map<string, HTMLElement>();

  const load = async (): Promise<void> => {
    const now = (await cellNow())();
    const at = new Date(now).toISOString();
    const [c, a] = await Promise.all([get<Coordination>('/api/coordination'), get<Agenda>(`/api/agenda?at=${encodeURIComponent(at)}`)]);
    if (!formBox.firstChild && ctx.can('meeting.manage')) formBox.append(scheduleForm(c, now));
    clear(agendaBox);
    agendaBox.append(agendaDoc(a, c));
    const sorted = [...c.meetings].sort((x, y) => x.at.localeCompare(y.at));
    const next = a.meeting?.id;
    keepFocus(() => {
      clear(list);
      list.append(sorted.length === 0 ? h('p', null, t('none')) : h('ul', { class: 'cards' }, sorted.map((m) => {
        let ui = minutesUi.get(m.id);
        // Minutes are written once a meeting has begun (the server refuses minutes of a future meeting).
        if (!ui && !m.minutes && Date.parse(m.at) <= now && ctx.can('meeting.manage')) {
          ui = disclosure(`minutes-${m.id}-open`, t('recordMinutesOf', { id: m.id }), (close) => minutesForm(ctx, m, close));
          minutesUi.set(m.id, ui);
        }
        if (m.minutes) minutesUi.delete(m.id);
        return h('li', { class: `card${m.id === next ? ' next' : ''}`, 'data-meeting': m.id },
          h('strong', null, `${m.id} · ${fmtTime(m.at)} — ${m.title}`),
          m.id === next ? h('span', { class: 'tag-next' }, ` ${t('next')}`) : null,
          m.minutes ? h('span', { class: 'tag-held' }, ` ${t('held')}`) : null,
          h('p', { class: 'meta' }, [m.place, m.attendees.map((x) => positionTitle(c, x)).join(', ')].filter(Boolean).join(' · ')),
          m.minutes ? h('p', { class: 'minutes' }, h('span', { class: 'label' }, lbl('minutes')), m.minutes.text) : null,
          m.minutes ? h('p', { class: 'meta' }, `${t('heldAt')} ${fmtTime(m.minutes.heldAt)} · ${m.minutes.stamp.actor}`) : null,
          m.minutes ? null : ui ?? null);
      })));
    });
  };

  const scheduleForm = (c: Coordination, now: number): HTMLElement => {
    const title = field('title', 'meeting-title', t('title'), input({ required: true, size: '50' }));
    // A sensible default: the next full hour after two hours from now.
    const when = field('at', 'meeting-at', t('meetingAt'), input({ type: 'datetime-local', required: true, value: localOf(Math.ceil((now + 2 * 3_600_000) / 3_600_000) * 3_600_000) }));
    const place = field('place', 'meeting-place', t('place'), input({ size: '40' }));
    const attendees = field('attendees', 'meeting-attendees', t('attendees'), input({ size: '50', value: c.positions.filter((p) => ['commander', 'medical', 'it', 'comms', 'liaison', 'dpo'].includes(p.id)).map((p) => p.id).join(', ') }), t('commaList'));
    const period = field('period', 'meeting-period', t('period'), select([['', '—'], ...c.periods.map((p) => [p.id, `${p.id} — ${p.name}`] as [string, string])]));
    return h('section', { class: 'panel', 'aria-labelledby': 'meeting-form-title' }, makeForm(ctx, {
      id: 'meeting-form', title: t('scheduleMeeting'), fields: [title, when, place, attendees, period], submit: t('schedule'),
      send: async () => post('/api/meetings', { title: title.control.value.trim(), at: isoOf(when.control), ...(val(place.control) ? { place: val(place.control) } : {}), attendees: listOf(attendees.control), ...(val(period.control) ? { period: period.control.value } : {}) }),
      done: () => {
        title.control.value = '';
      },
    }).el);
  };

  const printBtn = h('button', { type: 'button', class: 'noprint', id: 'print-agenda' }, t('print'));
  printBtn.addEventListener('click', () => window.print());
  const el = h('section', { class: 'view view-meetings', 'aria-labelledby': 'meetings-h' },
    h('div', { class: 'title-row' }, h('h1', { id: 'meetings-h' }, t('meetingsTitle')), printBtn),
    h('div', { class: 'two-col' },
      h('div', null, agendaBox),
      h('div', null, h('section', { class: 'panel noprint', 'aria-labelledby': 'meet-list-title' }, h('h2', { id: 'meet-list-title' }, t('allMeetings')), list), formBox)));
  return {
    el,
    refresh: load,
    onEntries(entries) {
      if (entries.some((e) => /^(decision|action|meeting|period|regulatory|comms|asset|measure|incident)/.test(e.kind))) load().catch(ctx.fail);
    },
  };
}
