// The crisis cell's work: decisions (pending first), actions (overdue first), meetings, the
// regulatory clocks with live countdowns, and communications from draft to published.
import { get, post } from './api.ts';
import { clear, h } from './dom.ts';
import { fmtDuration, fmtTime, lbl, t, tw } from './i18n.ts';
import type { AppCtx, View } from './view.ts';

import type { ActionItem, Comms, Coordination, Decision, Position } from './coord-types.ts';
import { currentPeriod, holderOf } from './coord-types.ts';
import { disclosure, field, input, isoOf, listOf, makeForm, select, textarea, val } from './forms.ts';
import { regulatoryPanel } from './regulatory.ts';

/** The time the cell works at: real now, or the demo's running clock (from the server). */
export async function cellNow(): Promise<() => number> {
  const c = await get<{ now: string }>('/api/clock');
  const base = Date.parse(c.now);
  const t0 = Date.now();
  return () => base + (Date.now() - t0);
}

/**
 * Re-renders a live list without losing the user's place: the focused control (found again by
 * id) gets the focus back, and nodes kept across renders keep what was typed in them.
 */
export function keepFocus(render: () => void): void {
  const id = document.activeElement instanceof HTMLElement ? document.activeElement.id : '';
  render();
  if (id && document.activeElement?.id !== id) document.getElementById(id)?.focus();
}

export const positionOptions = (ps: readonly Position[]): [string, string][] => ps.map((p) => [p.id, p.title]);

const isOpen = (a: ActionItem): boolean => a.status === 'open' || a.status === 'in-progress';

/** The form recording what was decided on a pending decision, who decided, and why. */
function decideForm(ctx: AppCtx, c: Coordination, d: Decision, now: number, close: () => void): HTMLElement {
  const period = currentPeriod(c, now);
  const pre = `decide-${d.id}`;
  const list = h('datalist', { id: `${pre}-options` }, d.options.map((o) => h('option', { value: o })));
  const decision = field('decision', `${pre}-decision`, t('theDecision'), input({ required: true, list: `${pre}-options`, autocomplete: 'off' }), d.options.length ? t('decisionHint') : undefined);
  decision.wrap.classList.add('field-wide');
  const rationale = field('rationale', `${pre}-rationale`, t('rationale'), textarea({ required: true }));
  const position = field('position', `${pre}-position`, t('decidedByPosition'), select(positionOptions(c.positions)));
  position.control.value = d.owner && c.positions.some((p) => p.id === d.owner) ? d.owner : 'commander';
  const person = field('person', `${pre}-person`, t('decidedByPerson'), input({ required: true, autocomplete: 'off' }));
  let personEdited = false;
  const fillPerson = (): void => {
    if (!personEdited) person.control.value = holderOf(c, position.control.value, period)?.person ?? '';
  };
  fillPerson();
  person.control.addEventListener('input', () => {
    personEdited = true;
  });
  position.control.addEventListener('change', fillPerson);
  const f = makeForm(ctx, {
    id: pre,
    fields: [decision, rationale, position, person],
    submit: t('recordDecision'),
    extra: [list],
    cancel: close,
    send: async () => post('/api/decisions/decide', { id: d.id, decision: decision.control.value.trim(), rationale: rationale.control.value.trim(), position: position.control.value, person: person.control.value.trim() }),
  });
  return f.el;
}

export function cellView(ctx: AppCtx): View {
  const decisions = h('div', { id: 'decisions' });
  const actions = h('div', { id: 'actions' });
  const formHolder = h('div');
  // Decide forms survive live re-renders (what was typed stays), keyed by decision id.
  const decideUi = new Map<string, HTMLElement>();
  let coordination: Coordination | undefined;
  let now = Date.now();

  const load = async (): Promise<void> => {
    now = (await cellNow())();
    const c = await get<Coordination>('/api/coordination');
    coordination = c;
    if (!formHolder.firstChild) formHolder.append(...forms(c));
    const pending = c.decisions.filter((d) => !d.made);
    const made = c.decisions.filter((d) => d.made);
    for (const id of decideUi.keys()) if (!pending.some((d) => d.id === id)) decideUi.delete(id);
    keepFocus(() => {
      clear(decisions);
      decisions.append(
        h('h3', { id: 'pending-title' }, `${t('pending')} (${pending.length})`),
        pending.length === 0
          ? h('p', null, t('none'))
          : h('ul', { class: 'cards', id: 'pending-list', 'aria-labelledby': 'pending-title' }, pending.map((d) => {
              let ui = decideUi.get(d.id);
              if (!ui && ctx.can('decision.manage')) {
                ui = disclosure(`decide-${d.id}-open`, t('recordDecisionOn', { id: d.id }), (close) => decideForm(ctx, coordination ?? c, d, now, close));
                decideUi.set(d.id, ui);
              }
              return h('li', { class: 'card pending', 'data-decision': d.id },
                h('strong', null, `${d.id} `), d.question,
                d.options.length ? h('ul', null, d.options.map((o) => h('li', null, o))) : null,
                h('p', { class: 'meta' }, `${d.opened.actor} · ${fmtTime(d.opened.at)}${d.owner ? ` · ${t('owner')}: ${positionTitle(c, d.owner)}` : ''}${d.reviewAt ? ` · ${t('reviewAt')} ${fmtTime(d.reviewAt)}` : ''}`),
                ui ?? null);
            })),
        h('h3', { id: 'made-title' }, `${t('decided')} (${made.length})`),
        made.length === 0
          ? h('p', null, t('none'))
          : h('ul', { class: 'cards', id: 'made-list', 'aria-labelledby': 'made-title' }, made.map((d) => h('li', { class: 'card', 'data-decision': d.id },
              h('strong', null, `${d.id} `), d.question,
              h('p', { class: 'decided' }, `→ ${d.made?.decision ?? ''}`),
              h('p', null, h('span', { class: 'label' }, lbl('rationale')), d.made?.rationale ?? ''),
              h('p', { class: 'meta' }, `${d.made?.decidedBy.person ?? ''} (${positionTitle(c, d.made?.decidedBy.position ?? '')}), ${fmtTime(d.made?.decidedAt)}`)))),
      );
    });
    // Overdue first, then by due time; finished ones last.
    const overdue = (a: ActionItem): boolean => isOpen(a) && a.due !== undefined && Date.parse(a.due) < now;
    const sorted = [...c.actions].sort((a, b) => Number(overdue(b)) - Number(overdue(a)) || Number(isOpen(b)) - Number(isOpen(a)) || (a.due ?? '9').localeCompare(b.due ?? '9'));
    keepFocus(() => {
      clear(actions);
      actions.append(
        sorted.length === 0
          ? h('p', null, t('none'))
          : h('table', { class: 'list', id: 'actions-table' }, h('thead', null, h('tr', null, ['#', t('title'), t('owner'), t('due'), t('status')].map((x) => h('th', { scope: 'col' }, x)))), h('tbody', null, sorted.map((a) => {
              const st = ctx.can('action.manage') ? h('select', { 'aria-label': `${t('status')} ${a.id}`, id: `action-status-${a.id}` }, ['open', 'in-progress', 'done', 'cancelled'].map((s) => h('option', { value: s }, tw(`as_${s}`)))) : null;
              if (st) {
                st.value = a.status;
                st.addEventListener('change', () => void post('/api/actions/update', { id: a.id, status: st.value }).catch(ctx.fail));
              }
              return h('tr', { class: overdue(a) ? 'overdue' : isOpen(a) ? '' : 'done', 'data-action': a.id }, h('td', null, a.id), h('td', null, a.title, overdue(a) ? h('span', { class: 'tag-overdue' }, ` ${t('overdue')}`) : null), h('td', null, `${positionTitle(c, a.ownerPosition)}${a.owner ? ` (${a.owner})` : ''}`), h('td', { class: 'nowrap' }, fmtTime(a.due)), h('td', null, st ?? tw(`as_${a.status}`)));
            }))),
      );
    });
  };

  const forms = (c: Coordination): HTMLElement[] => {
    const out: HTMLElement[] = [];
    if (ctx.can('decision.manage')) {
      const question = field('question', 'decision-question', t('question'), input({ required: true, size: '60' }));
      const options = field('options', 'decision-options', t('options'), input({ size: '60' }));
      const owner = field('owner', 'decision-owner', t('ownerPosition'), select([['', '—'], ...positionOptions(c.positions)]));
      const review = field('reviewAt', 'decision-review', t('reviewAt'), input({ type: 'datetime-local' }));
      const f = makeForm(ctx, {
        id: 'decision-form', title: t('openDecision'), fields: [question, options, owner, review], submit: t('openDecision'),
        send: async () => post('/api/decisions', { question: question.control.value.trim(), options: listOf(options.control), ...(val(owner.control) ? { owner: owner.control.value } : {}), ...(isoOf(review.control) ? { reviewAt: isoOf(review.control) } : {}) }),
        done: () => {
          question.control.value = '';
          options.control.value = '';
        },
      });
      out.push(h('section', { class: 'panel', 'aria-labelledby': 'decision-form-title' }, f.el));
    }
    if (ctx.can('action.manage')) {
      const title = field('title', 'action-title', t('title'), input({ required: true, size: '50' }));
      const owner = field('ownerPosition', 'action-owner', t('ownerPosition'), select(positionOptions(c.positions)));
      const person = field('owner', 'action-person', t('ownerPerson'), input({ autocomplete: 'off' }));
      const due = field('due', 'action-due', t('due'), input({ type: 'datetime-local' }));
      const f = makeForm(ctx, {
        id: 'action-form', title: t('addAction'), fields: [title, owner, person, due], submit: t('addAction'),
        send: async () => post('/api/actions', { title: title.control.value.trim(), ownerPosition: owner.control.value, ...(val(person.control) ? { owner: val(person.control) } : {}), ...(isoOf(due.control) ? { due: isoOf(due.control) } : {}) }),
        done: () => {
          title.control.value = '';
          person.control.value = '';
        },
      });
      out.push(h('section', { class: 'panel', 'aria-labelledby': 'action-form-title' }, f.el));
    }
    return out;
  };

  const el = h('section', { class: 'view view-cell', 'aria-labelledby': 'cell-title' },
    h('h1', { id: 'cell-title' }, t('navCell')),
    h('div', { class: 'two-col' },
      h('div', null,
        h('section', { class: 'panel', 'aria-labelledby': 'dec-title' }, h('h2', { id: 'dec-title' }, t('decisionsTitle')), decisions),
        h('section', { class: 'panel', 'aria-labelledby': 'act-title' }, h('h2', { id: 'act-title' }, t('actionsTitle')), actions)),
      formHolder));
  return {
    el,
    refresh: load,
    onEntries(entries) {
      if (entries.some((e) => /^(decision|action|period|position)/.test(e.kind))) load().catch(ctx.fail);
    },
  };
}

export function positionTitle(c: Coordination, id: string): string {
  return c.positions.find((p) => p.id === id)?.title ?? id;
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
  const regulatory = regulatoryPanel(ctx);
  const load = async (): Promise<void> => {
    void regulatory.load().catch(ctx.fail);
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
  const el = h('section', { class: 'view view-clocks', 'aria-labelledby': 'clocks-title' }, h('h1', { id: 'clocks-title' }, t('clocksTitle')), head, list, regulatory.el);
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
    const c = await get<{ comms: Comms[] }>('/api/coordination');
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
