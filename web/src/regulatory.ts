// The facts the regulatory clocks run from (awareness time, the GDPR personal-data breach
// finding, filings) and the incident assessment (ransom demand, data theft...), shown under the
// clocks with the forms that record them. Recording one moves the clocks above at once (live).
import { get, post } from './api.ts';
import { clear, h } from './dom.ts';
import { fmtTime, t, tw } from './i18n.ts';
import type { Key } from './i18n.ts';
import type { Coordination } from './coord-types.ts';
import { ASSESSMENT_VALUES, REPORT_KINDS } from './coord-types.ts';
import { disclosure, field, input, isoOf, listOf, makeForm, select, textarea, val } from './forms.ts';
import type { Field } from './forms.ts';
import type { AppCtx } from './view.ts';

type AssessKey = keyof typeof ASSESSMENT_VALUES;
const ASSESS_LABEL: Record<AssessKey | 'rootCause' | 'mitigation', Key> = {
  ransomDemand: 'ransomDemand',
  dataExfiltration: 'dataExfiltration',
  maliciousAct: 'maliciousAct',
  crossBorderImpact: 'crossBorderImpact',
  severity: 'severity',
  rootCause: 'rootCause',
  mitigation: 'mitigation',
};

const stampLine = (s: { actor: string; at: string }): string => `${s.actor} · ${fmtTime(s.at)}`;

function awarenessForm(ctx: AppCtx, close: () => void): HTMLElement {
  const awareAt = field('awareAt', 'aware-at', t('awareAt'), input({ type: 'datetime-local', required: true }));
  const basis = field('basis', 'aware-basis', t('basis'), textarea({ required: true }), t('basisHint'));
  return makeForm(ctx, {
    id: 'awareness-form', fields: [awareAt, basis], submit: t('record'), cancel: close,
    send: async () => post('/api/regulatory/awareness', { awareAt: isoOf(awareAt.control), basis: basis.control.value.trim() }),
    done: close,
  }).el;
}

function breachForm(ctx: AppCtx, close: () => void): HTMLElement {
  const finding = field('personalDataBreach', 'breach-finding', t('breachFinding'), select([['', '—'], ['yes', t('breachYes')], ['no', t('breachNo')]], { required: true }));
  const reason = field('reason', 'breach-reason', t('breachReason'), textarea({ required: true }), t('breachReasonHint'));
  const nature = field('nature', 'breach-nature', t('breachNature'), input({ size: '50' }));
  const dataCats = field('dataCategories', 'breach-data', t('dataCategories'), input({ size: '50' }), t('commaList'));
  const subjects = field('subjectCategories', 'breach-subjects', t('subjectCategories'), input({ size: '50' }), t('commaList'));
  const approx = field('approxSubjects', 'breach-approx', t('approxSubjects'), input({ type: 'number', min: '0', step: '1', inputmode: 'numeric' }));
  const awareAt = field('awareAt', 'breach-aware', t('breachAwareAt'), input({ type: 'datetime-local' }));
  return makeForm(ctx, {
    id: 'breach-form', fields: [finding, reason, nature, dataCats, subjects, approx, awareAt], submit: t('record'), cancel: close,
    send: async () => {
      const n = val(approx.control);
      return post('/api/regulatory/breach', {
        personalDataBreach: finding.control.value === 'yes',
        reason: reason.control.value.trim(),
        ...(val(nature.control) ? { nature: val(nature.control) } : {}),
        ...(listOf(dataCats.control).length ? { dataCategories: listOf(dataCats.control) } : {}),
        ...(listOf(subjects.control).length ? { subjectCategories: listOf(subjects.control) } : {}),
        ...(n !== undefined ? { approxSubjects: Number(n) } : {}),
        ...(isoOf(awareAt.control) ? { awareAt: isoOf(awareAt.control) } : {}),
      });
    },
    done: close,
  }).el;
}

function filingForm(ctx: AppCtx, close: () => void): HTMLElement {
  const report = field('report', 'file-report', t('report'), select(REPORT_KINDS.map((r) => [r, tw(`rk_${r}`)] as [string, string])));
  const filedAt = field('filedAt', 'file-at', t('filedAt'), input({ type: 'datetime-local' }), t('defaultNow'));
  const authority = field('authority', 'file-authority', t('authority'), input({ size: '30' }), t('authorityHint'));
  const reference = field('reference', 'file-reference', t('reference'), input({ size: '30' }));
  const delay = field('delayReason', 'file-delay', t('delayReason'), input({ size: '50' }));
  return makeForm(ctx, {
    id: 'filing-form', fields: [report, filedAt, authority, reference, delay], submit: t('record'), cancel: close,
    send: async () => post('/api/regulatory/file', {
      report: report.control.value,
      ...(isoOf(filedAt.control) ? { filedAt: isoOf(filedAt.control) } : {}),
      ...(val(authority.control) ? { authority: val(authority.control) } : {}),
      ...(val(reference.control) ? { reference: val(reference.control) } : {}),
      ...(val(delay.control) ? { delayReason: val(delay.control) } : {}),
    }),
    done: close,
  }).el;
}

function assessForm(ctx: AppCtx, close: () => void): HTMLElement {
  const selects: Field[] = (Object.keys(ASSESSMENT_VALUES) as AssessKey[]).map((k) =>
    field(k, `assess-${k}`, t(ASSESS_LABEL[k]), select([['', t('unchanged')], ...ASSESSMENT_VALUES[k].map((v) => [v, tw(`av_${v}`)] as [string, string])])));
  const rootCause = field('rootCause', 'assess-rootCause', t('rootCause'), input({ size: '50' }));
  const source = field('source', 'assess-source', t('sourceOfFact'), input({ required: true, size: '50' }), t('sourceHint'));
  const note = field('note', 'assess-note', t('note'), input({ size: '50' }));
  const fields = [...selects, rootCause, source, note];
  return makeForm(ctx, {
    id: 'assess-form', fields, submit: t('record'), cancel: close,
    send: async () => {
      const body: Record<string, unknown> = { source: source.control.value.trim() };
      for (const f of [...selects, rootCause, note]) if (val(f.control)) body[f.name] = val(f.control);
      return post('/api/incident/assess', body);
    },
    done: close,
  }).el;
}

/** The panel under the clocks; `load` redraws the facts (the forms keep what is typed). */
export function regulatoryPanel(ctx: AppCtx): { el: HTMLElement; load(): Promise<void> } {
  const awareness = h('div', { id: 'reg-awareness' });
  const breach = h('div', { id: 'reg-breach' });
  const filings = h('div', { id: 'reg-filings' });
  const assessment = h('div', { id: 'reg-assessment' });
  const mayRecord = ctx.can('regulatory.record');
  const mayAssess = ctx.can('incident.assess');

  const load = async (): Promise<void> => {
    const c = await get<Coordination>('/api/coordination');
    const r = c.regulatory;
    clear(awareness);
    awareness.append(r.awareness
      ? h('p', null, h('strong', null, fmtTime(r.awareness.awareAt)), ` — ${r.awareness.basis}`, h('br'), h('span', { class: 'meta' }, stampLine(r.awareness.stamp)))
      : h('p', { class: 'warn' }, t('notRecorded')));
    clear(breach);
    const b = r.breach;
    breach.append(b
      ? h('dl', { class: 'facts' },
          h('dt', null, t('breachFinding')), h('dd', null, h('strong', null, b.personalDataBreach ? t('breachYes') : t('breachNo'))),
          h('dt', null, t('breachReason')), h('dd', null, b.reason),
          b.nature ? [h('dt', null, t('breachNature')), h('dd', null, b.nature)] : null,
          b.dataCategories?.length ? [h('dt', null, t('dataCategories')), h('dd', null, b.dataCategories.join(', '))] : null,
          b.subjectCategories?.length ? [h('dt', null, t('subjectCategories')), h('dd', null, b.subjectCategories.join(', '))] : null,
          b.approxSubjects !== undefined ? [h('dt', null, t('approxSubjects')), h('dd', null, String(b.approxSubjects))] : null,
          h('dt', null, t('recordedBy')), h('dd', { class: 'meta' }, stampLine(b.stamp)))
      : h('p', { class: 'warn' }, t('notRecorded')));
    clear(filings);
    filings.append(r.filings.length === 0
      ? h('p', null, t('noFilings'))
      : h('table', { class: 'list', id: 'filings-table' },
          h('thead', null, h('tr', null, [t('report'), t('authority'), t('filedAt'), t('reference'), t('recordedBy')].map((x) => h('th', { scope: 'col' }, x)))),
          h('tbody', null, r.filings.map((f) => h('tr', null, h('td', null, tw(`rk_${f.report}`)), h('td', null, f.authority), h('td', { class: 'nowrap' }, fmtTime(f.filedAt)), h('td', null, f.reference ?? '—'), h('td', { class: 'meta' }, stampLine(f.stamp)))))));
    clear(assessment);
    const rows = (Object.keys(ASSESS_LABEL) as (keyof typeof ASSESS_LABEL)[]).map((k) => {
      const a = c.assessment[k];
      return h('tr', { 'data-assess': k }, h('th', { scope: 'row' }, t(ASSESS_LABEL[k])), h('td', null, a ? h('strong', null, typeof a.value === 'string' ? tw(`av_${a.value}`) : String(a.value)) : h('span', { class: 'meta' }, t('notAssessed'))), h('td', null, a ? a.source : ''), h('td', { class: 'meta nowrap' }, a ? stampLine(a.stamp) : ''));
    });
    assessment.append(h('table', { class: 'list', id: 'assessment-table' }, h('thead', null, h('tr', null, [t('question'), t('finding'), t('source'), t('recordedBy')].map((x) => h('th', { scope: 'col' }, x)))), h('tbody', null, rows)));
  };

  const box = (id: string, title: Key, body: HTMLElement, form: HTMLElement | null): HTMLElement =>
    h('section', { class: 'fact-box', 'aria-labelledby': id }, h('h3', { id }, t(title)), body, form);
  const el = h('div', { class: 'regulatory' },
    h('section', { class: 'panel', 'aria-labelledby': 'reg-title' },
      h('h2', { id: 'reg-title' }, t('regulatoryTitle')),
      h('p', { class: 'meta' }, t('regulatoryIntro')),
      h('div', { class: 'fact-grid' },
        h('div', { class: 'fact-col' },
          box('aw-title', 'awarenessTitle', awareness, mayRecord ? disclosure('awareness-open', t('recordAwareness'), (close) => awarenessForm(ctx, close)) : null),
          box('fi-title', 'filingsTitle', filings, mayRecord ? disclosure('filing-open', t('recordFiling'), (close) => filingForm(ctx, close)) : null)),
        box('br-title', 'breachTitle', breach, mayRecord ? disclosure('breach-open', t('recordBreach'), (close) => breachForm(ctx, close)) : null))),
    h('section', { class: 'panel', 'aria-labelledby': 'assess-title' },
      h('h2', { id: 'assess-title' }, t('assessmentTitle')),
      assessment,
      mayAssess ? disclosure('assess-open', t('recordAssessment'), (close) => assessForm(ctx, close)) : null));
  return { el, load };
}
