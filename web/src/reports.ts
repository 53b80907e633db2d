// Documents made for paper: the situation report and each site's downtime pack. The print
// stylesheet hides the cockpit around them.
import { get } from './api.ts';
import { clear, h } from './dom.ts';
import { fmtTime, t, tw } from './i18n.ts';
import { cellNow } from './coordination.ts';
import { LETTER } from './board.ts';
import type { AppCtx, View } from './view.ts';

interface Group { readonly label: string; readonly sites: readonly string[]; readonly procedures: readonly string[]; readonly capacity: number }
interface Sitrep {
  readonly title: string; readonly organisation: string; readonly crisisName: string; readonly atLocal: string;
  readonly summary: readonly string[];
  readonly board: { available: boolean; vitalWorking: Group[]; vitalNotWorking: Group[]; degraded: Group[]; down: Group[]; unknown: Group[]; operational: number; total: number };
  readonly measures: readonly string[];
  readonly decisions: { pending: { id: string; question: string }[]; made: { id: string; question: string; decision: string; by: string }[] };
  readonly actions: readonly { id: string; title: string; owner: string; due?: string; status: string; overdue: boolean }[];
  readonly clocks: readonly { title: string; status: string; line: string }[];
  readonly communications: readonly { id: string; audience: string; title: string; status: string; when: string }[];
  readonly nextMeeting?: { title: string; at: string; place?: string };
}

const cap = (x: string): string => x.charAt(0).toUpperCase() + x.slice(1);

const printBtn = (): HTMLElement => {
  const b = h('button', { type: 'button', class: 'noprint primary', id: 'print' }, t('print'));
  b.addEventListener('click', () => window.print());
  return b;
};

const groupList = (gs: readonly Group[]): HTMLElement =>
  gs.length === 0 ? h('p', null, '—') : h('ul', null, gs.map((g) => h('li', null, h('strong', null, g.label), ` (${g.sites.join(', ')}) ${Math.round(g.capacity * 100)}%`, g.procedures.length ? h('br') : null, g.procedures.join('; '))));

export function sitrepView(ctx: AppCtx): View {
  const doc = h('article', { class: 'document', id: 'sitrep' });
  const load = async (): Promise<void> => {
    const now = (await cellNow())();
    const s = await get<Sitrep>(`/api/sitrep?at=${encodeURIComponent(new Date(now).toISOString())}`);
    clear(doc);
    doc.append(h('div', null,
      h('h1', null, s.title),
      h('p', { class: 'meta' }, `${s.organisation} — ${s.crisisName} — ${s.atLocal}`),
      h('h2', null, t('summary')), h('ul', null, s.summary.map((x) => h('li', null, x))),
      h('h2', null, t('vitalNotWorking')), groupList(s.board.vitalNotWorking),
      h('h2', null, cap(t('down'))), groupList(s.board.down),
      h('h2', null, cap(t('degraded'))), groupList(s.board.degraded),
      h('h2', null, t('vitalWorking')), groupList(s.board.vitalWorking),
      h('h2', null, t('measures')), h('ul', null, s.measures.map((m) => h('li', null, m))),
      h('h2', null, t('decisionsTitle')),
      h('ul', null, s.decisions.pending.map((d) => h('li', null, `${t('pending')}: ${d.id} ${d.question}`)), s.decisions.made.map((d) => h('li', null, `${d.id} ${d.question} → ${d.decision} (${d.by})`))),
      h('h2', null, t('actionsTitle')),
      h('table', { class: 'list' },
        h('thead', null, h('tr', null, ['#', t('title'), t('owner'), t('due'), t('status')].map((x) => h('th', { scope: 'col' }, x)))),
        h('tbody', null, s.actions.map((a) => h('tr', { class: a.overdue ? 'overdue' : '' }, h('td', null, a.id), h('td', null, a.title), h('td', null, a.owner), h('td', { class: 'nowrap' }, fmtTime(a.due)), h('td', null, a.overdue ? h('strong', null, t('overdue').toUpperCase()) : tw(`as_${a.status}`)))))),
      h('h2', null, t('clocksTitle')), h('ul', null, s.clocks.map((c) => h('li', null, h('strong', null, `${c.title}: `), `${tw(c.status)} — ${c.line}`))),
      h('h2', null, t('commsTitle')), h('ul', null, s.communications.map((c) => h('li', null, `${c.id} [${tw(c.status)}] ${c.audience}: ${c.title}`))),
      s.nextMeeting ? [h('h2', null, t('nextMeeting')), h('p', null, `${fmtTime(s.nextMeeting.at)} — ${s.nextMeeting.title}${s.nextMeeting.place ? `, ${s.nextMeeting.place}` : ''}`)] : null,
    ));
  };
  const el = h('section', { class: 'view view-sitrep' }, printBtn(), doc);
  return { el, refresh: load, onEntries: () => void load().catch(ctx.fail) };
}

interface Pack {
  readonly site: { id: string; name: string; kind: string; location?: string };
  readonly organisation: string; readonly atLocal: string;
  readonly services: readonly { name: string; criticality: string; status: string; capacity?: number; procedures: readonly string[]; phone?: string }[];
  readonly directory: readonly { name: string; detail: string; number: string }[];
  readonly channels: readonly { channel: string; status: string; fallback?: string }[];
  readonly crisisCell: readonly { title: string; person: string; reach?: string }[];
  readonly nextMeeting?: string;
}

export function packsView(ctx: AppCtx): View {
  const site = h('select', { id: 'pack-site', class: 'noprint', 'aria-label': t('chooseSite') });
  const doc = h('article', { class: 'document', id: 'pack' });
  const load = async (): Promise<void> => {
    if (!site.value) return;
    const now = (await cellNow())();
    const p = await get<Pack>(`/api/packs/${encodeURIComponent(site.value)}?at=${encodeURIComponent(new Date(now).toISOString())}`);
    clear(doc);
    doc.append(h('div', null,
      h('h1', null, `${t('packTitle')} — ${p.site.name}`),
      h('p', { class: 'meta' }, `${p.organisation} · ${p.site.location ?? ''} · ${p.atLocal}`),
      h('table', { class: 'list pack-services' }, h('thead', null, h('tr', null, [t('service'), t('status'), t('procedures'), t('phone')].map((x) => h('th', { scope: 'col' }, x)))),
        h('tbody', null, p.services.map((s) => h('tr', { class: `st-row-${s.status}` }, h('td', null, h('strong', null, s.name), h('br'), h('small', null, s.criticality)), h('td', { class: 'nowrap' }, h('span', { class: 'print-mark', 'aria-hidden': 'true' }, LETTER[s.status as keyof typeof LETTER] ?? '?'), `${tw(s.status)}${s.capacity !== undefined && s.status !== 'operational' ? ` ${Math.round(s.capacity * 100)}%` : ''}`), h('td', null, s.procedures.join('; ') || '—'), h('td', { class: 'nowrap' }, s.phone ?? ''))))),
      h('h2', null, t('directory')), h('table', { class: 'list' }, h('tbody', null, p.directory.map((d) => h('tr', null, h('td', null, d.name), h('td', null, d.detail), h('td', { class: 'nowrap mono' }, d.number))))),
      h('h2', null, t('channels')), h('ul', null, p.channels.map((c) => h('li', null, `${tw(`ch_${c.channel}`)}: ${tw(`cs_${c.status}`)}${c.fallback ? ` → ${c.fallback}` : ''}`))),
      h('h2', null, t('crisisCell')), h('ul', null, p.crisisCell.map((c) => h('li', null, `${c.title}: ${c.person}${c.reach ? ` (${c.reach})` : ''}`))),
      p.nextMeeting ? h('p', null, `${t('nextMeeting')}: ${p.nextMeeting}`) : null,
    ));
  };
  site.addEventListener('change', () => load().catch(ctx.fail));
  const el = h('section', { class: 'view view-packs' }, h('div', { class: 'toolbar noprint' }, h('label', { for: 'pack-site' }, t('chooseSite')), site, printBtn()), doc);
  return {
    el,
    async refresh() {
      const c = await get<{ sites: { id: string; name: string; kind: string }[] }>('/api/crisis');
      for (const s of c.sites.filter((x) => x.kind !== 'datacenter')) site.append(h('option', { value: s.id }, s.name));
      await load();
    },
    onEntries: () => void load().catch(ctx.fail),
  };
}
