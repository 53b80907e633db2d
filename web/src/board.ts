// The board: one row per site, one column per service kind; each cell shows its status as a
// colour AND a letter (O, D, X, ?) so it reads in black and white and for colour-blind eyes.
// Click (or Enter on) a cell for its cause chains and procedures. A time slider shows the board
// as it was known at any moment of the journal.
import { get } from './api.ts';
import { clear, debounce, h } from './dom.ts';
import { fmtTime, siteKindLabel, svcLabel, t, tw } from './i18n.ts';
import type { AppCtx, View } from './view.ts';

export interface Cell {
  readonly site: string;
  readonly siteKind: string;
  readonly siteName: string;
  readonly service: string;
  readonly serviceId: string;
  readonly name: string;
  readonly criticality: string;
  readonly status: 'operational' | 'degraded' | 'down' | 'unknown';
  readonly capacity: number;
  readonly capacityRange: readonly [number, number];
  readonly procedures: readonly string[];
  readonly causes: readonly { readonly text: string; readonly certainty: string }[];
  readonly atRisk: boolean;
  readonly atRiskBecause?: readonly { readonly text: string }[];
  readonly rtoHours?: number;
  readonly phone?: string;
}

export interface Board {
  readonly seq: number;
  readonly at: string;
  readonly sites: readonly { readonly id: string; readonly name: string; readonly kind: string }[];
  readonly cells: readonly Cell[];
}

export const LETTER: Record<Cell['status'], string> = { operational: 'O', degraded: 'D', down: 'X', unknown: '?' };

const SERVICE_ORDER = ['emergency', 'icu', 'operating-theatre', 'dialysis', 'cath-lab', 'radiology', 'laboratory', 'pharmacy', 'e-prescription', 'patient-record', 'admissions', 'consultations', 'switchboard', 'sterilisation', 'blood-bank', 'email', 'payroll', 'nursing-care', 'childcare'];

const pct = (x: number): string => `${Math.round(x * 100)}%`;

/** The matrix itself, also used by the what-if preview. */
export function boardTable(board: Board, opts: { kind: string; group: boolean; onCell?: (c: Cell) => void }): HTMLElement {
  const kinds = [...new Set(board.cells.map((c) => c.service))].sort((a, b) => {
    const ia = SERVICE_ORDER.indexOf(a);
    const ib = SERVICE_ORDER.indexOf(b);
    return (ia < 0 ? 99 : ia) - (ib < 0 ? 99 : ib) || a.localeCompare(b);
  });
  const byKey = new Map(board.cells.map((c) => [`${c.site}|${c.service}`, c]));
  const sites = board.sites.filter((s) => opts.kind === '' || s.kind === opts.kind).filter((s) => board.cells.some((c) => c.site === s.id));
  const head = h('tr', null, h('th', { scope: 'col', class: 'site-col' }, t('site')), kinds.map((k) => h('th', { scope: 'col', class: 'svc-col', title: k }, svcLabel(k))));
  const rows: HTMLElement[] = [];
  let lastKind = '';
  for (const s of sites) {
    if (opts.group && s.kind !== lastKind) {
      rows.push(h('tr', { class: 'group-row' }, h('th', { colspan: String(kinds.length + 1), scope: 'rowgroup' }, siteKindLabel(s.kind))));
      lastKind = s.kind;
    }
    rows.push(
      h(
        'tr',
        { 'data-site': s.id },
        h('th', { scope: 'row', class: 'site-col' }, s.name, h('small', null, s.id)),
        kinds.map((k) => {
          const c = byKey.get(`${s.id}|${k}`);
          if (!c) return h('td', { class: 'cell-empty' });
          const label = `${c.name}, ${s.name}: ${tw(c.status)}${c.status === 'operational' ? '' : ` ${pct(c.capacity)}`}${c.atRisk ? `, ${t('atRisk')}` : ''}`;
          const btn = h(
            'button',
            // The name comes from the text a screen reader reads (the letter and capacity are
            // shorthand for the eye): an aria-label would not contain the visible "D85%".
            { type: 'button', class: `cell st-${c.status}${c.atRisk ? ' risk' : ''}`, 'data-cell': c.serviceId, 'data-status': c.status, title: label },
            h('span', { class: 'letter', 'aria-hidden': 'true' }, LETTER[c.status]),
            c.status === 'degraded' || c.status === 'unknown' ? h('span', { class: 'cap', 'aria-hidden': 'true' }, pct(c.capacity)) : null,
            c.atRisk ? h('span', { class: 'risk-mark', 'aria-hidden': 'true' }, '!') : null,
            h('span', { class: 'sr-only' }, label),
          );
          if (opts.onCell) btn.addEventListener('click', () => opts.onCell?.(c));
          return h('td', null, btn);
        }),
      ),
    );
  }
  return h('div', { class: 'board-scroll' }, h('table', { class: 'board', id: 'board-table' }, h('thead', null, head), h('tbody', null, rows)));
}

export function legend(): HTMLElement {
  const item = (st: Cell['status']): HTMLElement => h('span', { class: 'legend-item' }, h('span', { class: `cell mini st-${st}` }, LETTER[st]), tw(st));
  return h('p', { class: 'legend' }, h('strong', null, `${t('legend')}: `), item('operational'), item('degraded'), item('down'), item('unknown'), h('span', { class: 'legend-item' }, h('span', { class: 'cell mini risk' }, '!'), t('atRisk')));
}

function explain(c: Cell, at: string | undefined): HTMLDialogElement {
  const close = h('button', { type: 'button', class: 'close', id: 'explain-close' }, t('close'));
  const dlg = h(
    'dialog',
    { class: 'explain', id: 'explain', 'aria-labelledby': 'explain-title' },
    h('h2', { id: 'explain-title' }, `${c.name} — ${c.siteName}`),
    h('p', { class: `status-line st-text-${c.status}` }, `${LETTER[c.status]} · ${tw(c.status)} · ${t('capacity')} ${pct(c.capacityRange[0])}${c.capacityRange[0] !== c.capacityRange[1] ? `–${pct(c.capacityRange[1])}` : ''}`, at ? ` · ${t('asKnownAt')} ${fmtTime(at)}` : ''),
    h('dl', null, h('dt', null, t('criticality')), h('dd', null, c.criticality), c.phone ? [h('dt', null, t('phone')), h('dd', null, c.phone)] : null, c.rtoHours !== undefined ? [h('dt', null, t('rto')), h('dd', null, `${c.rtoHours} ${t('hours')}`)] : null),
    h('h3', null, t('procedures')),
    c.procedures.length ? h('ul', { class: 'procedures' }, c.procedures.map((p) => h('li', null, p))) : h('p', null, '—'),
    h('h3', null, t('causes')),
    c.causes.length ? h('ol', { class: 'causes' }, c.causes.map((x) => h('li', { class: `certainty-${x.certainty}` }, x.text))) : h('p', null, t('noCauses')),
    c.atRiskBecause?.length ? [h('h3', null, t('riskBecause')), h('ul', null, c.atRiskBecause.map((r) => h('li', null, r.text)))] : null,
    close,
  );
  close.addEventListener('click', () => dlg.close());
  dlg.addEventListener('close', () => dlg.remove());
  return dlg;
}

export function boardView(ctx: AppCtx, params: URLSearchParams): View {
  let board: Board | undefined;
  let at = params.get('at') ?? '';
  let kind = '';
  let group = true;
  // The slider steps through the moments something was written, not linear time: a crisis has
  // bursts and silences, and entries recorded today about last night must stay reachable.
  let times: string[] = [];
  const holder = h('div', { class: 'board-holder' });
  const summary = h('p', { class: 'board-summary', id: 'board-summary' });
  const banner = h('p', { class: 'asof', id: 'asof', hidden: true });
  const kindSel = h('select', { id: 'site-kind' }, h('option', { value: '' }, t('allKinds')));
  const groupBox = h('input', { type: 'checkbox', id: 'group-kind', checked: true });
  const slider = h('input', { type: 'range', id: 'time-slider', min: '0', max: '1', value: '1', step: '1', 'aria-label': t('timeSlider') });
  const sliderLabel = h('output', { for: 'time-slider', id: 'time-label' });
  const liveBtn = h('button', { type: 'button', id: 'back-live' }, t('backToLive'));

  const draw = (): void => {
    clear(holder);
    if (!board) return;
    if (board.cells.length === 0) {
      holder.append(h('p', null, t('emptyBoard')));
      return;
    }
    const kinds = [...new Set(board.sites.map((s) => s.kind))];
    if (kindSel.options.length === 1) for (const k of kinds) kindSel.append(h('option', { value: k }, siteKindLabel(k)));
    const counts = { operational: 0, degraded: 0, down: 0, unknown: 0 };
    for (const c of board.cells) if (kind === '' || c.siteKind === kind) counts[c.status]++;
    summary.textContent = (Object.keys(counts) as Cell['status'][]).map((k) => `${LETTER[k]} ${tw(k)}: ${counts[k]}`).join(' · ');
    holder.append(
      boardTable(board, {
        kind,
        group,
        onCell: (c) => {
          // The board carries no cause chains (they are most of its bytes): fetch this cell's.
          get<Cell>(`/api/board/cells/${encodeURIComponent(c.serviceId)}${at ? `?at=${encodeURIComponent(at)}` : ''}`)
            .then((full) => {
              const d = explain(full, at || undefined);
              document.body.append(d);
              d.showModal();
            })
            .catch(ctx.fail);
        },
      }),
    );
    banner.hidden = at === '';
    banner.textContent = at ? `${t('asKnownAt')} ${fmtTime(at)}` : '';
    liveBtn.hidden = at === '';
  };

  const load = async (): Promise<void> => {
    board = await get<Board>(at ? `/api/board?at=${encodeURIComponent(at)}` : '/api/board');
    draw();
  };

  const sliderToTime = (): string => {
    const v = Number(slider.value);
    return v >= times.length ? '' : (times[v] ?? '');
  };
  const loadTimes = async (): Promise<void> => {
    const log = await get<{ entries: { at: string }[] }>('/api/log?limit=10000');
    times = [...new Set(log.entries.map((e) => new Date(e.at).toISOString()))].sort();
    slider.max = String(times.length);
    if (!at) slider.value = String(times.length);
    else {
      const i = times.findIndex((x) => Date.parse(x) >= Date.parse(at));
      slider.value = String(i < 0 ? times.length : i);
    }
  };
  const onSlide = debounce(() => {
    at = sliderToTime();
    load().catch(ctx.fail);
  }, 150);
  slider.addEventListener('input', () => {
    const x = sliderToTime();
    sliderLabel.textContent = x ? fmtTime(x) : t('liveBoard');
    onSlide();
  });
  liveBtn.addEventListener('click', () => {
    at = '';
    slider.value = String(times.length);
    sliderLabel.textContent = t('liveBoard');
    load().catch(ctx.fail);
  });
  kindSel.addEventListener('change', () => {
    kind = kindSel.value;
    draw();
  });
  groupBox.addEventListener('change', () => {
    group = groupBox.checked;
    draw();
  });

  const el = h(
    'section',
    { class: 'view view-board', 'aria-labelledby': 'board-title' },
    h('h1', { id: 'board-title' }, t('boardTitle')),
    h(
      'div',
      { class: 'toolbar' },
      h('label', { for: 'site-kind' }, t('siteKind')),
      kindSel,
      h('label', { class: 'check' }, groupBox, t('groupByKind')),
      h('span', { class: 'slider' }, h('label', { for: 'time-slider' }, t('timeSlider')), slider, sliderLabel, liveBtn),
    ),
    banner,
    summary,
    holder,
    legend(),
  );

  return {
    el,
    async refresh() {
      await loadTimes();
      sliderLabel.textContent = at ? fmtTime(at) : t('liveBoard');
      await load();
    },
    onEntries() {
      // A past board does not move; the live one reloads (one cached JSON on the server).
      if (!at) load().catch(ctx.fail);
      loadTimes().catch(() => undefined);
    },
  };
}
