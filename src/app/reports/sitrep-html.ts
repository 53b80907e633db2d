/**
 * The situation report as one print-ready HTML page (A4, readable in black and white), in the
 * spirit of the hospital incident briefing form: summary first, then the board, objectives,
 * decisions, actions, clocks, communications, positions and the next meeting; in the model's
 * language.
 */
import type { SitrepModel } from '../../core/reports/sitrep.ts';
import type { MessageKey, Params } from '../../core/i18n/index.ts';
import { label, t } from '../../core/i18n/index.ts';
import { checkpointBlock, esc, htmlDocument, status } from './html-kit.ts';
import type { PrintedCheckpoint } from './html-kit.ts';
import { listedGroups } from './sitrep-markdown.ts';

/** Renders the sitrep model as a standalone HTML document (no external assets). */
export function renderSitrepHtml(m: SitrepModel, opts: { readonly checkpoint?: PrintedCheckpoint } = {}): string {
  const tr = (key: MessageKey, params?: Params) => t(m.lang, key, params);
  const pct = (x: number) => esc(tr('pct', { n: Math.round(x * 100) })).replace(' ', '&nbsp;');
  const table = (header: readonly MessageKey[], rows: readonly (readonly string[])[], empty: MessageKey = 'sitrep.none'): string => {
    if (rows.length === 0) return `<p class="muted">${esc(tr(empty))}</p>`;
    return `<table><thead><tr>${header.map((h) => `<th>${esc(tr(h))}</th>`).join('')}</tr></thead><tbody>${rows.map((r) => `<tr>${r.map((c) => `<td>${c}</td>`).join('')}</tr>`).join('')}</tbody></table>`;
  };
  const st = (id: string, words: string) => status(id, words);
  const b = m.board;
  const serviceRows = listedGroups(m).map((g) => [
    [
      st(g.status, label(m.lang, 'status', g.status)),
      g.vital ? `<br><span class="small">${esc(label(m.lang, 'criticality', 'vital'))}</span>` : '',
      g.atRisk > 0 ? `<br>${st('at-risk', `${tr('sitrep.markAtRisk')} (${g.atRisk})`)}` : '',
    ].join(''),
    `<b>${esc(g.label)}</b>`,
    esc(g.sites.join(', ')),
    pct(g.capacity),
    esc(g.procedures.join('; ')),
  ]);
  const where = (site: string | undefined) => esc(site ?? tr('sitrep.wholeGroup'));
  const body = `
<header class="doc">
  <div class="banner">${esc(tr('sitrep.banner'))}</div>
  <h1>${esc(m.title)}</h1>
  <div class="meta"><b>${esc(m.organisation)}</b> — ${esc(m.crisisName)}<br>
  ${esc(tr('sitrep.situationAt', { at: '\u0000', zone: m.timeZone })).replace('\u0000', `<b>${esc(m.atLocal)}</b>`)}${m.period ? ` · ${esc(tr('sitrep.periodLine', { id: m.period.id, name: m.period.name }))}` : ''}</div>
</header>

<h2>1. ${esc(tr('sitrep.hSummary'))}</h2>
<ul class="summary">${m.summary.map((s) => `<li>${esc(s)}</li>`).join('')}</ul>

<h2>2. ${esc(tr('sitrep.hServices'))}</h2>
${b.available ? `<p>${esc(tr('sitrep.servicesIntro', { n: b.operational, total: b.total }))}</p>${table(['col.status', 'col.service', 'col.sites', 'col.capacity', 'col.procedure'], serviceRows)}` : `<p class="muted">${esc(tr('sitrep.noBoard'))}</p>`}

<h2>3. ${esc(tr('sitrep.hChannels'))}</h2>
${table(['col.channel', 'col.where', 'col.status', 'col.fallback'], m.channels.map((c) => [esc(label(m.lang, 'channel', c.channel)), where(c.site), st(c.status, label(m.lang, 'channelStatus', c.status)), esc(c.fallback ?? '')]), 'sitrep.noChannels')}
${m.measures.length ? `<h3>${esc(tr('sitrep.hMeasures'))}</h3><ul>${m.measures.map((s) => `<li>${esc(s)}</li>`).join('')}</ul>` : ''}

<h2>4. ${esc(tr('sitrep.hObjectives'))}</h2>
${m.objectives.length ? `<ol>${m.objectives.map((s) => `<li>${esc(s)}</li>`).join('')}</ol>` : `<p class="muted">${esc(tr('sitrep.noObjectives'))}</p>`}

<h2>5. ${esc(tr('sitrep.hDecisions'))}</h2>
<h3>${esc(tr('sitrep.hPending'))}</h3>
${table(['col.id', 'col.question', 'col.options', 'col.affects', 'col.reviewBy'], m.decisions.pending.map((d) => [esc(d.id), `<b>${esc(d.question)}</b>`, esc(d.options.join(' / ')), esc(d.affects), esc(d.reviewAt ?? '')]))}
<h3>${esc(m.period ? tr('sitrep.hMadePeriod') : tr('sitrep.hMade'))}</h3>
${table(['col.id', 'col.decision', 'col.rationale', 'col.by', 'col.at'], m.decisions.made.map((d) => [esc(d.id), `<b>${esc(d.decision)}</b><br><span class="small">${esc(d.question)}</span>`, esc(d.rationale), esc(d.by), esc(d.at)]))}

<h2>6. ${esc(tr('sitrep.hActions'))}</h2>
${table(['col.id', 'col.action', 'col.owner', 'col.due', 'col.status'], m.actions.map((a) => [esc(a.id), esc(a.title), esc(a.owner), esc(a.due ?? ''), a.overdue ? st('overdue', tr('sitrep.markOverdue')) : esc(label(m.lang, 'actionStatus', a.status))]))}

<h2>7. ${esc(tr('sitrep.hClocks'))}</h2>
${table(['col.report', 'col.authority', 'col.status', 'col.missing'], m.clocks.map((k) => [`<b>${esc(k.title)}</b>`, esc(k.authority), `${st(k.status, label(m.lang, 'clockStatus', k.status))}<br><span class="small">${esc(k.line)}</span>`, esc(k.missing.join('; '))]))}

<h2>8. ${esc(tr('sitrep.hComms'))}</h2>
${table(['col.id', 'col.audience', 'col.title', 'col.status', 'col.when', 'col.draftedBy', 'col.approvedBy'], m.communications.map((c) => [esc(c.id), esc(label(m.lang, 'audience', c.audience)), esc(c.title), esc(label(m.lang, 'commsStatus', c.status)), esc(c.when), esc(c.draftedBy), esc(c.approvedBy ?? '')]))}

<h2>9. ${esc(tr('sitrep.hCell'))}</h2>
${table(['col.position', 'col.heldBy', 'col.reach'], m.positions.map((p) => [esc(p.title), p.person ? esc(p.person) : `<span class="muted">${esc(tr('sitrep.vacant'))}</span>`, `<span class="num">${esc(p.reach ?? '')}</span>`]))}
${m.partners.length ? table(['col.partner', 'col.type', 'col.reach'], m.partners.map((p) => [esc(p.name), esc(label(m.lang, 'party', p.party)), `<span class="num">${esc(p.reach)}</span>`])) : ''}

<h2>10. ${esc(tr('sitrep.hNextMeeting'))}</h2>
${m.nextMeeting ? `<div class="box"><b>${esc(m.nextMeeting.title)}</b>: <b>${esc(m.nextMeeting.at)}</b>${m.nextMeeting.place ? `, ${esc(m.nextMeeting.place)}` : ''}${m.nextMeeting.attendees.length ? `<br><span class="small">${esc(tr('sitrep.invited', { list: m.nextMeeting.attendees.join(', ') }))}</span>` : ''}</div>` : `<p class="muted">${esc(tr('sitrep.noMeeting'))}</p>`}

${checkpointBlock(opts.checkpoint)}
<footer class="doc">${esc(tr('sitrep.footer', { at: m.at }))}</footer>
`;
  return htmlDocument(`${m.title} — ${m.organisation} — ${m.atLocal}`, body, m.lang);
}
