/**
 * The situation report as one print-ready HTML page (A4, readable in black and white), in the
 * spirit of the hospital incident briefing form: summary first, then the board, objectives,
 * decisions, actions, clocks, communications, positions and the next meeting.
 */
import type { ServiceGroup, SitrepModel } from '../../core/reports/sitrep.ts';
import { checkpointBlock, esc, htmlDocument, status } from './html-kit.ts';
import type { PrintedCheckpoint } from './html-kit.ts';

const pct = (x: number) => `${Math.round(x * 100)}&nbsp;%`;

function table(header: readonly string[], rows: readonly (readonly string[])[], empty = 'None.'): string {
  if (rows.length === 0) return `<p class="muted">${esc(empty)}</p>`;
  return `<table><thead><tr>${header.map((h) => `<th>${esc(h)}</th>`).join('')}</tr></thead><tbody>${rows.map((r) => `<tr>${r.map((c) => `<td>${c}</td>`).join('')}</tr>`).join('')}</tbody></table>`;
}

function serviceRows(label: string, gs: readonly ServiceGroup[]): string[][] {
  return gs.map((g) => [status(label), `<b>${esc(g.label)}</b>`, esc(g.sites.join(', ')), pct(g.capacity), esc(g.procedures.join('; '))]);
}

/** Renders the sitrep model as a standalone HTML document (no external assets). */
export function renderSitrepHtml(m: SitrepModel, opts: { readonly checkpoint?: PrintedCheckpoint } = {}): string {
  const b = m.board;
  const body = `
<header class="doc">
  <div class="banner">Situation report — restricted to the crisis cell and its partners</div>
  <h1>${esc(m.title)}</h1>
  <div class="meta"><b>${esc(m.organisation)}</b> — ${esc(m.crisisName)}<br>
  Situation at <b>${esc(m.atLocal)}</b> (${esc(m.timeZone)})${m.period ? ` · Operational period ${esc(m.period.id)}: ${esc(m.period.name)}` : ''}</div>
</header>

<h2>1. Summary</h2>
<ul class="summary">${m.summary.map((s) => `<li>${esc(s)}</li>`).join('')}</ul>

<h2>2. Services</h2>
${
  b.available
    ? `<p>${b.operational} of ${b.total} services fully operational. Working: operational, or on downtime procedures at ${Math.round(b.workingCapacity * 100)}&nbsp;% capacity or more. Fully operational non-vital services are not listed.</p>${table(
        ['Status', 'Service', 'Sites', 'Capacity', 'Downtime procedure'],
        [...serviceRows('vital, not working', b.vitalNotWorking), ...serviceRows('down', b.down), ...serviceRows('degraded', b.degraded), ...serviceRows('unknown', b.unknown), ...serviceRows('working', b.vitalWorking), ...serviceRows('working', b.reduced)],
      )}`
    : '<p class="muted">The service board is not available.</p>'
}

<h2>3. Communications channels</h2>
${table(['Channel', 'Where', 'Status', 'Fallback'], m.channels.map((c) => [esc(c.channel), esc(c.site ?? 'whole group'), status(c.status), esc(c.fallback ?? '')]), 'No channel status recorded.')}
${m.measures.length ? `<h3>Containment measures in force</h3><ul>${m.measures.map((s) => `<li>${esc(s)}</li>`).join('')}</ul>` : ''}

${m.objectives.length ? `<h2>4. Objectives of the period</h2><ol>${m.objectives.map((s) => `<li>${esc(s)}</li>`).join('')}</ol>` : '<h2>4. Objectives of the period</h2><p class="muted">No operational period with objectives covers this time.</p>'}

<h2>5. Decisions</h2>
<h3>Pending</h3>
${table(['Id', 'Question', 'Options', 'Affects', 'Review by'], m.decisions.pending.map((d) => [esc(d.id), `<b>${esc(d.question)}</b>`, esc(d.options.join(' / ')), esc(d.affects), esc(d.reviewAt ?? '')]))}
<h3>Made${m.period ? ' in this period' : ''}</h3>
${table(['Id', 'Decision', 'Rationale', 'By', 'At'], m.decisions.made.map((d) => [esc(d.id), `<b>${esc(d.decision)}</b><br><span class="small">${esc(d.question)}</span>`, esc(d.rationale), esc(d.by), esc(d.at)]))}

<h2>6. Actions</h2>
${table(['Id', 'Action', 'Owner', 'Due', 'Status'], m.actions.map((a) => [esc(a.id), esc(a.title), esc(a.owner), esc(a.due ?? ''), a.overdue ? status('overdue') : esc(a.status)]))}

<h2>7. Regulatory clocks</h2>
${table(['Report', 'Authority', 'Status', 'Still missing in the draft'], m.clocks.map((k) => [`<b>${esc(k.title)}</b>`, esc(k.authority), `${status(k.status)}<br><span class="small">${esc(k.line)}</span>`, esc(k.missing.join('; '))]))}

<h2>8. Communications</h2>
${table(['Id', 'Audience', 'Title', 'Status', 'When'], m.communications.map((c) => [esc(c.id), esc(c.audience), esc(c.title), esc(c.status), esc(c.when)]))}

<h2>9. Crisis cell and partners</h2>
${table(['Position', 'Held by', 'Reach'], m.positions.map((p) => [esc(p.title), p.person ? esc(p.person) : '<span class="muted">(vacant)</span>', `<span class="num">${esc(p.reach ?? '')}</span>`]))}
${m.partners.length ? table(['Partner', 'Type', 'Reach'], m.partners.map((p) => [esc(p.name), esc(p.party), `<span class="num">${esc(p.reach)}</span>`])) : ''}

<h2>10. Next meeting</h2>
${m.nextMeeting ? `<div class="box"><b>${esc(m.nextMeeting.title)}</b>: <b>${esc(m.nextMeeting.at)}</b>${m.nextMeeting.place ? `, ${esc(m.nextMeeting.place)}` : ''}${m.nextMeeting.attendees.length ? `<br><span class="small">Invited: ${esc(m.nextMeeting.attendees.join(', '))}</span>` : ''}</div>` : '<p class="muted">No meeting scheduled.</p>'}

${checkpointBlock(opts.checkpoint)}
<footer class="doc">Generated by crisiscell from the hash-chained journal as known at ${esc(m.at)}. Every statement above is read from a journal entry; check the logbook for sources.</footer>
`;
  return htmlDocument(`${m.title} — ${m.organisation} — ${m.atLocal}`, body);
}
