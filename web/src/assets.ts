// Assets: 1,700+ rows filtered on the server and drawn virtually (only the rows in view exist in
// the DOM), a bulk state change with a reason and a what-if preview of the board, and the
// network measures in force.
import { get, post } from './api.ts';
import type { Entry } from './api.ts';
import { clear, debounce, h } from './dom.ts';
import { fmtTime, t, tw } from './i18n.ts';
import { LETTER } from './board.ts';
import type { AppCtx, View } from './view.ts';

interface AssetRow {
  readonly id: string;
  readonly hostname: string;
  readonly kind: string;
  readonly os: string;
  readonly site: string;
  readonly zone: string;
  readonly roles: readonly string[];
  readonly security: string;
  readonly recovery: string;
  readonly observed: string | null;
  readonly reason: string;
  readonly changedAt: string;
  readonly changedBy: string;
}

interface WhatIf {
  readonly assets?: number;
  readonly changes: readonly { serviceId: string; name: string; site: string; significant?: boolean; before: { status: 'operational' | 'degraded' | 'down' | 'unknown'; capacity: number }; after: { status: 'operational' | 'degraded' | 'down' | 'unknown'; capacity: number } }[];
}

const ROW_H = 30;
const SECURITY = ['unknown', 'suspected', 'compromised', 'clean'];
const RECOVERY = ['in-service', 'isolated', 'preserved', 'wiped', 'rebuilding', 'restored', 'verified'];
const OBSERVED = ['up', 'down', 'unknown'];
const KINDS = ['server', 'workstation', 'network', 'medical-device', 'application'];

function select(id: string, values: readonly string[], first: string): HTMLSelectElement {
  return h('select', { id }, h('option', { value: '' }, first), values.map((v) => h('option', { value: v }, v)));
}

export function previewList(w: WhatIf): HTMLElement {
  const pct = (x: number): string => `${Math.round(x * 100)}%`;
  // Cells whose status or capacity would change come first and alone; cells where only the causes
  // or the at-risk flag change are counted in one line, or the list drowns what matters.
  const main = w.changes.filter((c) => c.significant !== false);
  const minor = w.changes.length - main.length;
  return h(
    'div',
    { class: 'preview', id: 'preview' },
    w.assets !== undefined ? h('p', null, (w.assets === 1 ? t('previewAsset1') : t('previewAssets', { n: w.assets }))) : null,
    main.length === 0
      ? h('p', null, t('previewNone'))
      : h(
          'ul',
          { class: 'changes' },
          main.map((c) =>
            h('li', { 'data-cell': c.serviceId }, h('span', { class: `cell mini st-${c.before.status}` }, LETTER[c.before.status]), ' → ', h('span', { class: `cell mini st-${c.after.status}` }, LETTER[c.after.status]), ` ${c.name} @ ${c.site}: ${tw(c.before.status)} ${pct(c.before.capacity)} → ${tw(c.after.status)} ${pct(c.after.capacity)}`),
          ),
        ),
    minor > 0 ? h('p', { class: 'count' }, t('previewMinor', { n: minor })) : null,
  );
}

export function assetsView(ctx: AppCtx): View {
  let rows: AssetRow[] = [];
  let total = 0;
  const q = h('input', { id: 'asset-q', type: 'search', placeholder: 'srv-pacs-*', 'aria-label': t('search') });
  const site = h('select', { id: 'asset-site' }, h('option', { value: '' }, t('any')));
  const kind = select('asset-kind', KINDS, t('any'));
  const sec = select('asset-security', SECURITY, t('any'));
  const rec = select('asset-recovery', RECOVERY, t('any'));
  const count = h('p', { id: 'asset-count', class: 'count' });
  // One ARIA table: a header row group and the scrolling body row group (drawn virtually).
  const viewport = h('div', { class: 'vlist', id: 'asset-list', role: 'rowgroup', 'aria-label': t('navAssets'), tabindex: '0' });
  const spacer = h('div', { class: 'vlist-spacer' });
  viewport.append(spacer);
  const header = h('div', { class: 'vrow vhead', role: 'row' }, [t('hostname'), t('kind'), t('os'), t('site'), t('zone'), t('security'), t('recovery'), t('changedBy')].map((x) => h('span', { role: 'columnheader' }, x)));

  const side = h('div', { class: 'assets-side' });
  // The list is as tall as its rows, up to the bottom of the window: a long list fills the
  // screen, a short one leaves no empty box above the tools beside it.
  const fit = (): void => {
    const top = viewport.getBoundingClientRect().top + window.scrollY;
    const avail = Math.max(8 * ROW_H, window.innerHeight - top - 16);
    viewport.style.height = `${Math.max(2 * ROW_H, Math.min(rows.length * ROW_H + 2, avail))}px`;
    // The tools beside it scroll within the window too (side by side on wide screens only).
    const sideTop = side.getBoundingClientRect().top + window.scrollY;
    side.style.maxHeight = getComputedStyle(side).position === 'sticky' ? `${Math.max(300, window.innerHeight - sideTop - 16)}px` : '';
  };
  const draw = (): void => {
    fit();
    spacer.style.height = `${rows.length * ROW_H}px`;
    for (const old of viewport.querySelectorAll('.vrow')) old.remove();
    const first = Math.max(0, Math.floor(viewport.scrollTop / ROW_H) - 5);
    const last = Math.min(rows.length, first + Math.ceil(viewport.clientHeight / ROW_H) + 10);
    for (let i = first; i < last; i++) {
      const r = rows[i];
      if (!r) continue;
      const row = h(
        'div',
        { class: `vrow sec-${r.security} rec-${r.recovery}`, role: 'row', 'data-host': r.id, title: r.reason ? `${r.reason} (${fmtTime(r.changedAt)})` : null },
        h('span', { role: 'cell', class: 'mono' }, r.hostname),
        h('span', { role: 'cell' }, r.kind),
        h('span', { role: 'cell' }, r.os),
        h('span', { role: 'cell' }, r.site),
        h('span', { role: 'cell' }, r.zone),
        h('span', { role: 'cell', class: `badge sec-${r.security}` }, r.security),
        h('span', { role: 'cell', class: `badge rec-${r.recovery}` }, r.recovery + (r.observed ? ` (${r.observed})` : '')),
        h('span', { role: 'cell' }, r.changedBy),
      );
      // CSSOM, not a style attribute: the CSP forbids inline style attributes.
      row.style.top = `${i * ROW_H}px`;
      row.addEventListener('click', () => {
        pattern.value = r.hostname;
      });
      viewport.append(row);
    }
  };
  viewport.addEventListener('scroll', () => requestAnimationFrame(draw), { passive: true });
  const onResize = (): void => {
    requestAnimationFrame(draw);
  };
  window.addEventListener('resize', onResize);

  const load = async (): Promise<void> => {
    const p = new URLSearchParams({ limit: '5000' });
    if (q.value.trim()) p.set('q', q.value.trim());
    if (site.value) p.set('site', site.value);
    if (kind.value) p.set('kind', kind.value);
    if (sec.value) p.set('security', sec.value);
    if (rec.value) p.set('recovery', rec.value);
    const r = await get<{ total: number; items: AssetRow[] }>(`/api/assets?${p.toString()}`);
    rows = r.items;
    total = r.total;
    count.textContent = t('assetsShown', { n: total });
    draw();
  };
  const reload = debounce(() => load().catch(ctx.fail), 200);
  for (const x of [q, site, kind, sec, rec]) x.addEventListener(x === q ? 'input' : 'change', reload);

  // ---- bulk change ----
  const pattern = h('input', { id: 'bulk-pattern', required: true, placeholder: 'srv-pacs-*' });
  const bSec = select('bulk-security', SECURITY, t('noChange'));
  const bRec = select('bulk-recovery', RECOVERY, t('noChange'));
  const bObs = select('bulk-observed', OBSERVED, t('noChange'));
  const reason = h('input', { id: 'bulk-reason', required: true, minlength: '3', size: '50' });
  const previewBox = h('div', { 'aria-live': 'polite' });
  const input = (): Record<string, unknown> => ({
    pattern: pattern.value.trim() || (q.value.trim() && /[*?]/.test(q.value) ? q.value.trim() : ''),
    ...(site.value ? { site: site.value } : {}),
    ...(kind.value ? { kind: kind.value } : {}),
    ...(bSec.value ? { security: bSec.value } : {}),
    ...(bRec.value ? { recovery: bRec.value } : {}),
    ...(bObs.value ? { observed: bObs.value } : {}),
    reason: reason.value,
  });
  const previewBtn = h('button', { type: 'button', id: 'bulk-preview' }, t('preview'));
  previewBtn.addEventListener('click', () => {
    post<WhatIf>('/api/what-if', { kind: 'asset.state', input: input() })
      .then((w) => {
        clear(previewBox);
        previewBox.append(previewList(w));
        // Scroll the tools column (not the page) so the preview shows under its buttons.
        side.scrollTop = Math.max(0, previewBox.offsetTop - side.clientHeight / 3);
      })
      .catch(ctx.fail);
  });
  const bulk = h(
    'form',
    { class: 'panel bulk', id: 'bulk-form', 'aria-labelledby': 'bulk-title' },
    h('h2', { id: 'bulk-title' }, t('bulkTitle')),
    h('div', { class: 'grid' },
      h('label', { for: 'bulk-pattern' }, t('pattern')), pattern,
      h('label', { for: 'bulk-security' }, t('security')), bSec,
      h('label', { for: 'bulk-recovery' }, t('recovery')), bRec,
      h('label', { for: 'bulk-observed' }, t('observed')), bObs,
      h('label', { for: 'bulk-reason' }, t('reason')), reason,
    ),
    h('div', { class: 'buttons' }, previewBtn, h('button', { type: 'submit', class: 'primary', id: 'bulk-apply' }, t('apply'))),
    previewBox,
  );
  bulk.addEventListener('submit', (ev) => {
    ev.preventDefault();
    post<{ entry: Entry; assets: string[] }>('/api/assets/state', input())
      .then((r) => {
        ctx.toast(t('applied', { seq: r.entry.seq }));
        clear(previewBox);
        reason.value = '';
      })
      .catch(ctx.fail);
  });

  // ---- measures ----
  const measures = h('ul', { id: 'measures' });
  const mType = select('measure-type', ['internet-cut', 'link-cut', 'quarantine'], '—');
  const mSite = h('select', { id: 'measure-site' }, h('option', { value: '' }, t('any')));
  const mZone = h('input', { id: 'measure-zone', size: '12' });
  const mReason = h('input', { id: 'measure-reason', size: '40' });
  const mPreview = h('div', { 'aria-live': 'polite' });
  const mInput = (): Record<string, unknown> => ({ type: mType.value, ...(mSite.value ? { site: mSite.value } : {}), ...(mZone.value.trim() ? { zone: mZone.value.trim() } : {}), reason: mReason.value });
  const mPreviewBtn = h('button', { type: 'button' }, t('preview'));
  mPreviewBtn.addEventListener('click', () => {
    post<WhatIf>('/api/what-if', { kind: 'measure.applied', input: mInput() }).then((w) => {
      clear(mPreview);
      mPreview.append(previewList(w));
    }).catch(ctx.fail);
  });
  const mForm = h('form', { class: 'inline-form', id: 'measure-form' },
    h('label', { for: 'measure-type' }, t('measureType')), mType,
    h('label', { for: 'measure-site' }, t('site')), mSite,
    h('label', { for: 'measure-zone' }, t('zone')), mZone,
    h('label', { for: 'measure-reason' }, t('reason')), mReason,
    mPreviewBtn, h('button', { type: 'submit', class: 'primary' }, t('applyMeasure')), mPreview);
  mForm.addEventListener('submit', (ev) => {
    ev.preventDefault();
    post<{ entry: Entry }>('/api/measures/apply', mInput()).then((r) => {
      ctx.toast(t('applied', { seq: r.entry.seq }));
      clear(mPreview);
    }).catch(ctx.fail);
  });

  const loadMeasures = async (): Promise<void> => {
    const ms = await get<{ id: string; type: string; site?: string; zone?: string; reason: string; appliedAt: string; appliedBy: string }[]>('/api/measures');
    clear(measures);
    if (ms.length === 0) measures.append(h('li', null, t('noMeasures')));
    for (const m of ms) {
      const lift = ctx.can('measure.lift') ? h('button', { type: 'button', class: 'small' }, t('lift')) : null;
      lift?.addEventListener('click', () => {
        const why = prompt(t('reason'));
        if (!why) return;
        post('/api/measures/lift', { type: m.type, ...(m.site ? { site: m.site } : {}), ...(m.zone ? { zone: m.zone } : {}), reason: why }).catch(ctx.fail);
      });
      measures.append(h('li', null, h('strong', null, m.id), ` — ${m.reason} (${m.appliedBy}, ${fmtTime(m.appliedAt)}) `, lift));
    }
  };

  side.append(...[ctx.can('asset.set') ? bulk : null, h('section', { class: 'panel', 'aria-labelledby': 'measures-title' }, h('h2', { id: 'measures-title' }, t('measuresTitle')), measures, ctx.can('measure.apply') ? mForm : null)].filter((x): x is HTMLElement => x !== null));
  const el = h(
    'section',
    { class: 'view view-assets', 'aria-labelledby': 'assets-title' },
    h('h1', { id: 'assets-title' }, t('navAssets')),
    h('div', { class: 'toolbar' },
      h('label', { for: 'asset-q', class: 'grow' }, t('search'), q),
      h('label', { for: 'asset-site' }, t('site'), site),
      h('label', { for: 'asset-kind' }, t('kind'), kind),
      h('label', { for: 'asset-security' }, t('security'), sec),
      h('label', { for: 'asset-recovery' }, t('recovery'), rec)),
    h('div', { class: 'assets-layout' },
      h('div', { class: 'assets-main' }, count, h('div', { class: 'vtable', role: 'table', 'aria-label': t('navAssets') }, h('div', { role: 'rowgroup' }, header), viewport)),
      side),
  );

  return {
    el,
    async refresh() {
      const c = await get<{ sites: { id: string; name: string }[] }>('/api/crisis');
      for (const s of c.sites) {
        site.append(h('option', { value: s.id }, `${s.name} (${s.id})`));
        mSite.append(h('option', { value: s.id }, s.id));
      }
      await Promise.all([load(), loadMeasures()]);
    },
    dispose() {
      window.removeEventListener('resize', onResize);
    },
    onEntries(entries) {
      if (entries.some((e) => e.kind === 'asset.state' || e.kind === 'estate.upserted')) load().catch(ctx.fail);
      if (entries.some((e) => e.kind.startsWith('measure.'))) loadMeasures().catch(ctx.fail);
    },
  };
}
