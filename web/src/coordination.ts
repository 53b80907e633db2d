// The crisis cell's work: decisions (pending first), actions (overdue first), meetings, the
// regulatory clocks with live countdowns, and communications from draft to published.
import { get, post } from './api.ts';
import { clear, h } from './dom.ts';
import { fmtDuration, fmtTime, t, tw } from './i18n.ts';
import type { AppCtx, View } from './view.ts';

interface Stamp { readonly at: string; readonly actor: string; readonly seq: number }
interface Decision { readonly id: string; readonly question: string; readonly options: readonly string[]; readonly services: readonly string[]; readonly reviewAt?: string; readonly owner?: string; readonly opened: Stamp; readonly made?: { decision: string; rationale: string; decidedBy: { position: string; person: string }; decidedAt: string } }
interface ActionItem { readonly id: string; readonly title: string; readonly ownerPosition: string; readonly owner?: string; readonly due?: string; readonly status: string; readonly created: Stamp }
interface Meeting { readonly id: string; readonly title: string; readonly at: string; readonly place?: string; readonly attendees: readonly string[]; readonly minutes?: { heldAt: string; text: string } }
interface Comms { readonly id: string; readonly audience: string; readonly title: string; readonly body: string; readonly status: string; readonly missing: readonly string[]; readonly drafted: Stamp; readonly approved?: { by: { person: string } }; readonly published?: { channel: string; at: string } }
interface Coordination { readonly at: string; readonly decisions: Decision[]; readonly actions: ActionItem[]; readonly meetings: Meeting[]; readonly comms: Comms[]; readonly positions: { id: string; title: string }[] }

/** The time the cell works at: real now, or the demo's running clock (from the server). */
export async function cellNow(): Promise<() => number> {
  const c = await get<{ now: string }>('/api/clock');
  const base = Date.parse(c.now);
  const t0 = Date.now();
  return () => base + (Date.now() - t0);
}

const isOpen = (a: ActionItem): boolean => a.status === 'open' || a.status === 'in-progress';

export function cellView(ctx: AppCtx): View {
  const decisions = h('div', { id: 'decisions' });
  const actions = h('div', { id: 'actions' });
  const meetings = h('div', { id: 'meetings' });
  let positions: { id: string; title: string }[] = [];

  const load = async (): Promise<void> => {
    const now = (await cellNow())();
    const c = await get<Coordination>('/api/coordination');
    positions = c.positions;
    clear(decisions);
    const pending = c.decisions.filter((d) => !d.made);
    const made = c.decisions.filter((d) => d.made);
    decisions.append(
      h('h3', null, `${t('pending')} (${pending.length})`),
      pending.length === 0 ? h('p', null, t('none')) : h('ul', { class: 'cards' }, pending.map((d) => h('li', { class: 'card pending' }, h('strong', null, `${d.id} `), d.question, d.options.length ? h('ul', null, d.options.map((o) => h('li', null, o))) : null, h('p', { class: 'meta' }, `${d.opened.actor} · ${fmtTime(d.opened.at)}${d.reviewAt ? ` · ${t('reviewAt')} ${fmtTime(d.reviewAt)}` : ''}`)))),
      h('h3', null, `${t('decided')} (${made.length})`),
      made.length === 0 ? h('p', null, t('none')) : h('ul', { class: 'cards' }, made.map((d) => h('li', { class: 'card' }, h('strong', null, `${d.id} `), d.question, h('p', null, `→ ${d.made?.decision ?? ''}`), h('p', { class: 'meta' }, `${d.made?.rationale ?? ''} — ${d.made?.decidedBy.person ?? ''} (${d.made?.decidedBy.position ?? ''}), ${fmtTime(d.made?.decidedAt)}`)))),
    );
    clear(actions);
    // Overdue first, then by due time; finished ones last.
    const overdue = (a: ActionItem): boolean => isOpen(a) && a.due !== undefined && Date.parse(a.due) < now;
    const sorted = [...c.actions].sort((a, b) => Number(overdue(b)) - Number(overdue(a)) || Number(isOpen(b)) - Number(isOpen(a)) || (a.due ?? '9').localeCompare(b.due ?? '9'));
    actions.append(
      sorted.length === 0
        ? h('p', null, t('none'))
        : h('table', { class: 'list', id: 'actions-table' }, h('thead', null, h('tr', null, ['#', t('title'), t('owner'), t('due'), t('status')].map((x) => h('th', { scope: 'col' }, x)))), h('tbody', null, sorted.map((a) => {
            const st = ctx.can('action.manage') ? h('select', { 'aria-label': `${t('status')} ${a.id}` }, ['open', 'in-progress', 'done', 'cancelled'].map((s) => h('option', { value: s }, s))) : null;
            if (st) {
              st.value = a.status;
              st.addEventListener('change', () => post('/api/actions/update', { id: a.id, status: st.value }).catch(ctx.fail));
            }
            return h('tr', { class: overdue(a) ? 'overdue' : isOpen(a) ? '' : 'done', 'data-action': a.id }, h('td', null, a.id), h('td', null, a.title, overdue(a) ? h('span', { class: 'tag-overdue' }, ` ${t('overdue')}`) : null), h('td', null, `${a.ownerPosition}${a.owner ? ` (${a.owner})` : ''}`), h('td', { class: 'nowrap' }, fmtTime(a.due)), h('td', null, st ?? a.status));
          }))),
    );
    clear(meetings);
    const sortedM = [...c.meetings].sort((a, b) => a.at.localeCompare(b.at));
    const next = sortedM.find((m) => Date.parse(m.at) >= now && !m.minutes);
    meetings.append(
      sortedM.length === 0 ? h('p', null, t('none')) : h('ul', { class: 'cards' }, sortedM.map((m) => h('li', { class: `card${m === next ? ' next' : ''}` }, h('strong', null, `${fmtTime(m.at)} — ${m.title}`), m === next ? h('span', { class: 'tag-next' }, ` ${t('next')}`) : null, m.minutes ? h('span', { class: 'tag-held' }, ` ${t('held')}`) : null, h('p', { class: 'meta' }, [m.place, m.attendees.join(', ')].filter(Boolean).join(' · ')), m.minutes ? h('p', { class: 'minutes' }, m.minutes.text) : null))),
    );
  };

  const question = h('input', { id: 'decision-question', size: '60', required: true });
  const options = h('input', { id: 'decision-options', size: '60' });
  const dForm = h('form', { class: 'inline-form', id: 'decision-form' }, h('label', { for: 'decision-question' }, t('question')), question, h('label', { for: 'decision-options' }, t('options')), options, h('button', { type: 'submit', class: 'primary' }, t('openDecision')));
  dForm.addEventListener('submit', (ev) => {
    ev.preventDefault();
    post('/api/decisions', { question: question.value, options: options.value.split(',').map((x) => x.trim()).filter(Boolean) }).then(() => {
      question.value = '';
      options.value = '';
    }).catch(ctx.fail);
  });
  const title = h('input', { id: 'action-title', size: '50', required: true });
  const owner = h('input', { id: 'action-owner', size: '16', required: true, placeholder: 'it-director' });
  const due = h('input', { id: 'action-due', type: 'datetime-local' });
  const aForm = h('form', { class: 'inline-form', id: 'action-form' }, h('label', { for: 'action-title' }, t('title')), title, h('label', { for: 'action-owner' }, t('ownerPosition')), owner, h('label', { for: 'action-due' }, t('due')), due, h('button', { type: 'submit', class: 'primary' }, t('addAction')));
  aForm.addEventListener('submit', (ev) => {
    ev.preventDefault();
    const dueIso = due.value ? new Date(due.value).toISOString() : undefined;
    post('/api/actions', { title: title.value, ownerPosition: owner.value || positions[0]?.id, ...(dueIso ? { due: dueIso } : {}) }).then(() => {
      title.value = '';
    }).catch(ctx.fail);
  });

  const el = h('section', { class: 'view view-cell', 'aria-labelledby': 'cell-title' },
    h('h1', { id: 'cell-title' }, t('navCell')),
    h('section', { class: 'panel', 'aria-labelledby': 'dec-title' }, h('h2', { id: 'dec-title' }, t('decisionsTitle')), decisions, ctx.can('decision.manage') ? dForm : null),
    h('section', { class: 'panel', 'aria-labelledby': 'act-title' }, h('h2', { id: 'act-title' }, t('actionsTitle')), actions, ctx.can('action.manage') ? aForm : null),
    h('section', { class: 'panel', 'aria-labelledby': 'meet-title' }, h('h2', { id: 'meet-title' }, t('meetingsTitle')), meetings));
  return {
    el,
    refresh: load,
    onEntries(entries) {
      if (entries.some((e) => /^(decision|action|meeting|period|position)/.test(e.kind))) load().catch(ctx.fail);
    },
  };
}

interface Clock { readonly id: string; readonly title: string; readonly law: string; readonly authority: string; readonly runsFrom: string; readonly startedAt?: string; readonly due?: string; readonly status: string; readonly filedAt?: string; readonly provisional: boolean; readonly notes: readonly string[]; readonly draft: { missing: readonly string[] } }

export function clocksView(ctx: AppCtx): View {
  const list = h('div', { id: 'clocks', class: 'clocks' });
  const head = h('p', { class: 'meta', id: 'clock-now' });
  let timer: ReturnType<typeof setInterval> | undefined;
  let now: () => number = () => Date.now();
  const ticks: { el: HTMLElement; due: number }[] = [];
  const tick = (): void => {
    const n = now();
    head.textContent = `${t('clockAt')}: ${fmtTime(new Date(n).toISOString())}`;
    for (const x of ticks) {
      const left = x.due - n;
      x.el.textContent = left >= 0 ? `${fmtDuration(left)} ${t('left')}` : `${t('overdueBy')} ${fmtDuration(-left)}`;
      x.el.classList.toggle('late', left < 0);
    }
  };
  const load = async (): Promise<void> => {
    now = await cellNow();
    const demo = await get<{ demo: boolean }>('/api/clock');
    const at = new Date(now()).toISOString();
    const r = await get<{ clocks: Clock[] }>(`/api/clocks?at=${encodeURIComponent(at)}`);
    clear(list);
    ticks.length = 0;
    if (demo.demo) list.append(h('p', { class: 'demo-note' }, t('demoClock')));
    for (const c of r.clocks) {
      const countdown = h('span', { class: 'countdown' });
      if (c.due && (c.status === 'upcoming' || c.status === 'due-soon' || c.status === 'overdue')) ticks.push({ el: countdown, due: Date.parse(c.due) });
      list.append(h('article', { class: `clock clock-${c.status}`, 'data-clock': c.id },
        h('h2', null, c.title),
        h('p', { class: 'clock-status' }, h('span', { class: `badge clock-${c.status}` }, tw(c.status)), c.provisional ? h('span', { class: 'badge' }, t('provisional')) : null, ' ', countdown),
        h('p', { class: 'meta' }, `${c.law} · ${c.authority}`),
        h('p', null, `${t('due')}: ${c.due ? fmtTime(c.due) : '—'}${c.filedAt ? ` · ${t('filed')} ${fmtTime(c.filedAt)}` : ''}`),
        h('p', { class: 'meta' }, c.runsFrom),
        c.notes.length ? h('ul', null, c.notes.map((n) => h('li', null, n))) : null,
        c.draft.missing.length ? h('details', null, h('summary', null, `${t('missingFields')} (${c.draft.missing.length})`), h('ul', null, c.draft.missing.map((m) => h('li', null, m)))) : null));
    }
    tick();
  };
  timer = setInterval(tick, 1000);
  const el = h('section', { class: 'view view-clocks', 'aria-labelledby': 'clocks-title' }, h('h1', { id: 'clocks-title' }, t('clocksTitle')), head, list);
  return {
    el,
    refresh: load,
    onEntries(entries) {
      if (entries.some((e) => /^(regulatory|incident)/.test(e.kind))) load().catch(ctx.fail);
    },
    dispose() {
      if (timer) clearInterval(timer);
      timer = undefined;
    },
  };
}

export function commsView(ctx: AppCtx): View {
  const list = h('div', { id: 'comms' });
  const load = async (): Promise<void> => {
    const c = await get<Coordination>('/api/coordination');
    clear(list);
    if (c.comms.length === 0) list.append(h('p', null, t('none')));
    for (const m of [...c.comms].reverse()) {
      const buttons: HTMLElement[] = [];
      if (m.status === 'draft' && ctx.can('comms.approve')) {
        const b = h('button', { type: 'button' }, t('approve'));
        b.addEventListener('click', () => post('/api/comms/approve', { id: m.id }).catch(ctx.fail));
        buttons.push(b);
      }
      if (m.status === 'approved' && ctx.can('comms.publish')) {
        const b = h('button', { type: 'button' }, t('publish'));
        b.addEventListener('click', () => {
          const ch = prompt(t('channel'));
          if (ch) post('/api/comms/publish', { id: m.id, channel: ch }).catch(ctx.fail);
        });
        buttons.push(b);
      }
      list.append(h('article', { class: `card comms comms-${m.status}`, 'data-comms': m.id },
        h('h2', null, `${m.id} · ${m.title}`),
        h('p', { class: 'meta' }, h('span', { class: `badge comms-${m.status}` }, tw(m.status)), ` ${t('audience')}: ${m.audience} · ${m.drafted.actor} · ${fmtTime(m.drafted.at)}${m.published ? ` · ${m.published.channel}` : ''}`),
        h('pre', { class: 'comms-body' }, m.body),
        m.missing.length ? h('p', { class: 'warn' }, `${t('missingFields')}: ${m.missing.join(', ')}`) : null,
        buttons.length ? h('div', { class: 'buttons noprint' }, buttons) : null));
    }
  };
  const audience = h('select', { id: 'comms-audience' }, ['staff', 'patients', 'public', 'press', 'partners'].map((a) => h('option', { value: a }, a)));
  const title = h('input', { id: 'comms-title', size: '50', required: true });
  const body = h('textarea', { id: 'comms-body', rows: '5', cols: '70', required: true });
  const form = h('form', { class: 'panel', id: 'comms-form' }, h('h2', null, t('draftComms')), h('div', { class: 'grid' }, h('label', { for: 'comms-audience' }, t('audience')), audience, h('label', { for: 'comms-title' }, t('title')), title, h('label', { for: 'comms-body' }, t('body')), body), h('button', { type: 'submit', class: 'primary' }, t('write')));
  form.addEventListener('submit', (ev) => {
    ev.preventDefault();
    post('/api/comms', { audience: audience.value, title: title.value, body: body.value }).then(() => {
      title.value = '';
      body.value = '';
    }).catch(ctx.fail);
  });
  const el = h('section', { class: 'view view-comms', 'aria-labelledby': 'comms-h' }, h('h1', { id: 'comms-h' }, t('commsTitle')), ctx.can('comms.draft') ? form : null, list);
  return {
    el,
    refresh: load,
    onEntries(entries) {
      if (entries.some((e) => e.kind.startsWith('comms.'))) load().catch(ctx.fail);
    },
  };
}
