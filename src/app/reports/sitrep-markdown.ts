/** The situation report as Markdown: for the logbook, e-mail (when it works) and plain terminals. */
import type { SitrepModel } from '../../core/reports/sitrep.ts';
import type { PrintedCheckpoint } from './html-kit.ts';

/**
 * Free text as Markdown text: HTML escaped (Markdown renderers pass raw HTML through, and a note
 * such as `<img src=x onerror=...>` must stay words), controls and bidi overrides shown.
 */
const md = (s: string | number | undefined): string =>
  String(s ?? '')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
     
    .replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/g, (c) => `[U+${c.charCodeAt(0).toString(16).toUpperCase().padStart(4, '0')}]`);
const cell = (s: string) => md(s).replace(/\|/g, '\\|').replace(/\r?\n/g, ' ');
const pct = (x: number) => `${Math.round(x * 100)} %`;

function table(header: readonly string[], rows: readonly (readonly string[])[]): string[] {
  if (rows.length === 0) return ['_None._'];
  return [`| ${header.join(' | ')} |`, `|${header.map(() => '---').join('|')}|`, ...rows.map((r) => `| ${r.map(cell).join(' | ')} |`)];
}

/** Renders the sitrep model as Markdown. */
export function renderSitrepMarkdown(m: SitrepModel, opts: { readonly checkpoint?: PrintedCheckpoint } = {}): string {
  const out: string[] = [];
  out.push(`# ${md(m.title)}`, '');
  out.push(`**${md(m.organisation)}** — ${md(m.crisisName)}  `, `Situation at **${md(m.atLocal)}** (${md(m.timeZone)}, ${md(m.at)})${m.period ? `  \nOperational period ${md(m.period.id)}: ${md(m.period.name)}` : ''}`, '');
  out.push('## Summary', '', ...m.summary.map((s) => `- ${md(s)}`), '');
  out.push('## Services', '');
  if (!m.board.available) out.push('_The service board is not available._', '');
  else {
    out.push(`${m.board.operational} of ${m.board.total} services fully operational. Working: operational, or on downtime procedures at ${Math.round(m.board.workingCapacity * 100)} % capacity or more.`, '');
    const groups = [
      ...m.board.vitalNotWorking.map((g) => ['VITAL, NOT WORKING', g] as const),
      ...m.board.down.map((g) => ['DOWN', g] as const),
      ...m.board.degraded.map((g) => ['DEGRADED', g] as const),
      ...m.board.unknown.map((g) => ['UNKNOWN', g] as const),
      ...m.board.vitalWorking.map((g) => ['WORKING (vital)', g] as const),
      ...m.board.reduced.map((g) => ['WORKING', g] as const),
    ];
    out.push(...table(['Status', 'Service', 'Sites', 'Capacity', 'Downtime procedure'], groups.map(([st, g]) => [st, g.label, g.sites.join(', '), pct(g.capacity), g.procedures.join('; ')])), '');
  }
  out.push('## Communications channels', '', ...table(['Channel', 'Where', 'Status', 'Fallback'], m.channels.map((c) => [c.channel, c.site ?? 'group', c.status.toUpperCase(), c.fallback ?? ''])), '');
  if (m.measures.length) out.push('## Containment measures in force', '', ...m.measures.map((s) => `- ${md(s)}`), '');
  if (m.objectives.length) out.push('## Objectives of the period', '', ...m.objectives.map((s, i) => `${i + 1}. ${md(s)}`), '');
  out.push('## Decisions', '', '### Pending', '', ...table(['Id', 'Question', 'Options', 'Affects', 'Review'], m.decisions.pending.map((d) => [d.id, d.question, d.options.join(' / '), d.affects, d.reviewAt ?? ''])), '');
  out.push('### Made', '', ...table(['Id', 'Decision', 'Rationale', 'By', 'At'], m.decisions.made.map((d) => [d.id, d.decision, d.rationale, d.by, d.at])), '');
  out.push('## Actions', '', ...table(['Id', 'Action', 'Owner', 'Due', 'Status'], m.actions.map((a) => [a.id, a.title, a.owner, a.due ?? '', a.overdue ? `**OVERDUE** (${a.status})` : a.status])), '');
  out.push('## Regulatory clocks', '', ...table(['Report', 'Authority', 'Status', 'Still missing'], m.clocks.map((k) => [k.title, k.authority, k.line, k.missing.join('; ')])), '');
  out.push('## Communications', '', ...table(['Id', 'Audience', 'Title', 'Status', 'When'], m.communications.map((c) => [c.id, c.audience, c.title, c.status, c.when])), '');
  out.push('## Crisis cell', '', ...table(['Position', 'Held by', 'Reach'], m.positions.map((p) => [p.title, p.person ?? '(vacant)', p.reach ?? ''])), '');
  if (m.partners.length) out.push('## Partners', '', ...table(['Partner', 'Type', 'Reach'], m.partners.map((p) => [p.name, p.party, p.reach])), '');
  out.push('## Next meeting', '', m.nextMeeting ? `${md(m.nextMeeting.title)}: **${md(m.nextMeeting.at)}**${m.nextMeeting.place ? `, ${md(m.nextMeeting.place)}` : ''}${m.nextMeeting.attendees.length ? ` — ${md(m.nextMeeting.attendees.join(', '))}` : ''}` : '_None scheduled._', '');
  if (opts.checkpoint) {
    const c = opts.checkpoint;
    out.push('## Signed checkpoint', '', `Entry ${c.seq}, signed ${md(c.at)}; head hash \`${c.hash}\`; journal (entry 1) \`${c.origin}\`; ed25519 key \`${c.key}\` (fingerprint **${c.keyId}**); signature \`${c.sig}\`.`, '', `Check it later: \`crisiscell verify --checkpoint "${c.seq}:${c.hash}"\``, '');
  }
  out.push('---', `_Generated by crisiscell from the journal as known at ${md(m.at)}._`, '');
  return out.join('\n');
}
