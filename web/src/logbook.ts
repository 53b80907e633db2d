// The logbook: every journal entry, newest first, filtered by kind; each line links to the board
// as it was known at that moment. New entries appear live.
import { get, post } from './api.ts';
import type { Entry } from './api.ts';
import { clear, h } from './dom.ts';
import { fmtTime, t } from './i18n.ts';
import type { AppCtx, View } from './view.ts';

const KIND_FILTERS = ['', 'log.note', 'asset.*', 'measure.*', 'decision.*', 'action.*', 'meeting.*', 'comms.*', 'regulatory.*', 'incident.*', 'user.*', 'estate.*', 'crisis.*'];

const str = (v: unknown): string => (typeof v === 'string' ? v : '');

/** One line of text for an entry, from the fields people wrote. */
export function describe(e: Entry): string {
  const p = e.payload;
  switch (e.kind) {
    case 'asset.state': {
      const assets = Array.isArray(p.assets) ? p.assets : [];
      const what = [p.security && `security → ${str(p.security)}`, p.recovery && `recovery → ${str(p.recovery)}`, p.observed && `observed ${str(p.observed)}`].filter(Boolean).join(', ');
      return `${assets.length} asset(s) ${assets.slice(0, 4).join(', ')}${assets.length > 4 ? '…' : ''}: ${what} — ${str(p.reason)}`;
    }
    case 'measure.applied':
      return `${str(p.type)}${p.site ? ` @ ${str(p.site)}` : ''}${p.zone ? ` zone ${str(p.zone)}` : ''} — ${str(p.reason)}`;
    case 'measure.lifted':
      return `${str(p.id)} — ${str(p.reason)}`;
    case 'log.note':
      return `[${t(str(p.type) as 'fact')}] ${str(p.text)}${p.source ? ` (${str(p.source)})` : ''}`;
    case 'estate.upserted': {
      const c = (p.counts ?? {}) as Record<string, number>;
      return `${c.sites ?? 0} sites, ${c.services ?? 0} services, ${c.assets ?? 0} assets, ${c.needs ?? 0} dependencies`;
    }
    case 'crisis.initialised':
      return `${str(p.name)} — ${str(p.organisation)}`;
    case 'user.added':
    case 'user.role-changed':
      return `${str(p.name)} (${str(p.role)})${p.reason ? ` — ${str(p.reason)}` : ''}`;
    default: {
      const text = [p.question, p.decision, p.title, p.text, p.minutes, p.name, p.basis, p.reason, p.note, p.id].map(str).find((x) => x !== '');
      return text ?? '';
    }
  }
}

export function logView(ctx: AppCtx): View {
  let entries: Entry[] = [];
  const kind = h('select', { id: 'log-kind' }, KIND_FILTERS.map((k) => h('option', { value: k }, k || t('allEntries'))));
  const body = h('tbody', { id: 'log-body' });
  const count = h('p', { class: 'count', id: 'log-count' });

  const row = (e: Entry): HTMLElement => {
    const then = h('a', { href: `#/board?at=${encodeURIComponent(e.at)}`, class: 'small-link' }, t('boardThen'));
    return h('tr', { 'data-seq': String(e.seq), class: `kind-${e.kind.split('.')[0] ?? ''}` }, h('td', { class: 'num' }, String(e.seq)), h('td', { class: 'nowrap' }, fmtTime(e.at)), h('td', null, e.actor), h('td', { class: 'mono' }, e.kind), h('td', { class: 'what' }, describe(e)), h('td', { class: 'noprint' }, then));
  };
  const draw = (): void => {
    clear(body);
    for (const e of [...entries].reverse()) body.append(row(e));
    count.textContent = t('entries', { n: entries.length });
  };
  const load = async (): Promise<void> => {
    const k = kind.value;
    const r = await get<{ entries: Entry[] }>(`/api/log?limit=2000${k ? `&kind=${encodeURIComponent(k)}` : ''}`);
    entries = r.entries;
    draw();
  };
  kind.addEventListener('change', () => load().catch(ctx.fail));

  const type = h('select', { id: 'note-type' }, (['fact', 'decision', 'action', 'communication'] as const).map((x) => h('option', { value: x }, t(x))));
  const text = h('textarea', { id: 'note-text', rows: '2', cols: '60', required: true });
  const source = h('input', { id: 'note-source' });
  const form = h('form', { class: 'panel', id: 'note-form', 'aria-labelledby': 'note-title' }, h('h2', { id: 'note-title' }, t('noteTitle')),
    h('div', { class: 'grid' }, h('label', { for: 'note-type' }, t('noteType')), type, h('label', { for: 'note-text' }, t('text')), text, h('label', { for: 'note-source' }, t('source')), source),
    h('button', { type: 'submit', class: 'primary' }, t('write')));
  form.addEventListener('submit', (ev) => {
    ev.preventDefault();
    post('/api/notes', { type: type.value, text: text.value, ...(source.value.trim() ? { source: source.value.trim() } : {}) }).then(() => {
      text.value = '';
      source.value = '';
    }).catch(ctx.fail);
  });

  const el = h('section', { class: 'view view-log', 'aria-labelledby': 'log-title' },
    h('h1', { id: 'log-title' }, t('logTitle')),
    ctx.can('log.note') ? form : null,
    h('div', { class: 'toolbar' }, h('label', { for: 'log-kind' }, t('entryKind')), kind, count),
    h('table', { class: 'log', id: 'log-table' }, h('thead', null, h('tr', null, ['#', t('entryTime'), t('actor'), t('entryKind'), t('what'), ''].map((x) => h('th', { scope: 'col' }, x)))), body));

  return {
    el,
    refresh: load,
    onEntries(fresh) {
      const k = kind.value;
      const match = (e: Entry): boolean => k === '' || e.kind === k || (k.endsWith('*') && e.kind.startsWith(k.slice(0, -1)));
      const add = fresh.filter(match).filter((e) => !entries.some((x) => x.seq === e.seq));
      if (add.length === 0) return;
      entries = [...entries, ...add];
      for (const e of add) body.prepend(row(e));
      count.textContent = t('entries', { n: entries.length });
    },
  };
}
