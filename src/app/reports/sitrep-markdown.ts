/** The situation report as Markdown: for the logbook, e-mail (when it works) and plain terminals. */
import type { ServiceGroup, SitrepModel } from '../../core/reports/sitrep.ts';
import type { MessageKey, Params } from '../../core/i18n/index.ts';
import { label, t } from '../../core/i18n/index.ts';
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

function table(m: SitrepModel, header: readonly MessageKey[], rows: readonly (readonly string[])[]): string[] {
  if (rows.length === 0) return [`_${t(m.lang, 'sitrep.none')}_`];
  const h = header.map((k) => t(m.lang, k));
  return [`| ${h.join(' | ')} |`, `|${h.map(() => '---').join('|')}|`, ...rows.map((r) => `| ${r.map(cell).join(' | ')} |`)];
}

/** The status of a group as the board says it, in capitals, with the at-risk and vital marks. */
export function groupStatus(m: SitrepModel, g: ServiceGroup): string {
  const st = label(m.lang, 'status', g.status).toUpperCase();
  const marks = [g.vital ? label(m.lang, 'criticality', 'vital') : '', g.atRisk > 0 ? `${t(m.lang, 'sitrep.markAtRisk').toUpperCase()} (${g.atRisk})` : ''].filter(Boolean);
  return marks.length ? `${st} — ${marks.join(', ')}` : st;
}

/** The services the sitrep lists, worst first: vital not working, down, degraded, unknown, at risk, vital working. */
export function listedGroups(m: SitrepModel): ServiceGroup[] {
  const b = m.board;
  const seen = new Set<string>();
  const out: ServiceGroup[] = [];
  const add = (gs: readonly ServiceGroup[]) => {
    for (const g of gs) {
      if (seen.has(`${g.kind}|${g.status}`)) continue;
      seen.add(`${g.kind}|${g.status}`);
      out.push(g);
    }
  };
  add(b.vitalNotWorking);
  add(b.down);
  add(b.degraded);
  add(b.unknown);
  add(b.atRisk.filter((g) => g.status === 'operational'));
  add(b.vitalWorking);
  return out;
}

/** Renders the sitrep model as Markdown, in the model's language. */
export function renderSitrepMarkdown(m: SitrepModel, opts: { readonly checkpoint?: PrintedCheckpoint } = {}): string {
  const tr = (key: MessageKey, params?: Params) => t(m.lang, key, params);
  const pct = (x: number) => tr('pct', { n: Math.round(x * 100) });
  const out: string[] = [];
  out.push(`# ${md(m.title)}`, '');
  out.push(`**${md(m.organisation)}** — ${md(m.crisisName)}  `, `${tr('sitrep.situationAt', { at: `**${m.atLocal}**`, zone: m.timeZone })}${m.period ? `  \n${tr('sitrep.periodLine', { id: md(m.period.id), name: md(m.period.name) })}` : ''}`, '');
  out.push(`## ${tr('sitrep.hSummary')}`, '', ...m.summary.map((s) => `- ${md(s)}`), '');
  out.push(`## ${tr('sitrep.hServices')}`, '');
  if (!m.board.available) out.push(`_${tr('sitrep.noBoard')}_`, '');
  else {
    out.push(tr('sitrep.servicesIntro', { n: m.board.operational, total: m.board.total }), '');
    out.push(...table(m, ['col.status', 'col.service', 'col.sites', 'col.capacity', 'col.procedure'], listedGroups(m).map((g) => [groupStatus(m, g), g.label, g.sites.join(', '), pct(g.capacity), g.procedures.join('; ')])), '');
  }
  const where = (site: string | undefined) => site ?? tr('sitrep.wholeGroup');
  out.push(`## ${tr('sitrep.hChannels')}`, '', ...table(m, ['col.channel', 'col.where', 'col.status', 'col.fallback'], m.channels.map((c) => [label(m.lang, 'channel', c.channel), where(c.site), label(m.lang, 'channelStatus', c.status).toUpperCase(), c.fallback ?? ''])), '');
  if (m.measures.length) out.push(`## ${tr('sitrep.hMeasures')}`, '', ...m.measures.map((s) => `- ${md(s)}`), '');
  if (m.objectives.length) out.push(`## ${tr('sitrep.hObjectives')}`, '', ...m.objectives.map((s, i) => `${i + 1}. ${md(s)}`), '');
  out.push(`## ${tr('sitrep.hDecisions')}`, '', `### ${tr('sitrep.hPending')}`, '', ...table(m, ['col.id', 'col.question', 'col.options', 'col.affects', 'col.reviewBy'], m.decisions.pending.map((d) => [d.id, d.question, d.options.join(' / '), d.affects, d.reviewAt ?? ''])), '');
  out.push(`### ${m.period ? tr('sitrep.hMadePeriod') : tr('sitrep.hMade')}`, '', ...table(m, ['col.id', 'col.decision', 'col.rationale', 'col.by', 'col.at'], m.decisions.made.map((d) => [d.id, d.decision, d.rationale, d.by, d.at])), '');
  out.push(`## ${tr('sitrep.hActions')}`, '', ...table(m, ['col.id', 'col.action', 'col.owner', 'col.due', 'col.status'], m.actions.map((a) => [a.id, a.title, a.owner, a.due ?? '', a.overdue ? `**${tr('sitrep.markOverdue').toUpperCase()}** (${label(m.lang, 'actionStatus', a.status)})` : label(m.lang, 'actionStatus', a.status)])), '');
  out.push(`## ${tr('sitrep.hClocks')}`, '', ...table(m, ['col.report', 'col.authority', 'col.status', 'col.missing'], m.clocks.map((k) => [k.title, k.authority, k.line, k.missing.join('; ')])), '');
  out.push(`## ${tr('sitrep.hComms')}`, '', ...table(m, ['col.id', 'col.audience', 'col.title', 'col.status', 'col.when', 'col.draftedBy', 'col.approvedBy'], m.communications.map((c) => [c.id, label(m.lang, 'audience', c.audience), c.title, label(m.lang, 'commsStatus', c.status), c.when, c.draftedBy, c.approvedBy ?? ''])), '');
  out.push(`## ${tr('sitrep.hCellOnly')}`, '', ...table(m, ['col.position', 'col.heldBy', 'col.reach'], m.positions.map((p) => [p.title, p.person ?? tr('sitrep.vacant'), p.reach ?? ''])), '');
  if (m.partners.length) out.push(`## ${tr('sitrep.hPartners')}`, '', ...table(m, ['col.partner', 'col.type', 'col.reach'], m.partners.map((p) => [p.name, label(m.lang, 'party', p.party), p.reach])), '');
  out.push(`## ${tr('sitrep.hNextMeeting')}`, '', m.nextMeeting ? `${md(m.nextMeeting.title)}: **${md(m.nextMeeting.at)}**${m.nextMeeting.place ? `, ${md(m.nextMeeting.place)}` : ''}${m.nextMeeting.attendees.length ? ` — ${md(m.nextMeeting.attendees.join(', '))}` : ''}` : `_${tr('sitrep.noMeeting')}_`, '');
  if (opts.checkpoint) {
    const c = opts.checkpoint;
    out.push('## Signed checkpoint', '', `Entry ${c.seq}, signed ${md(c.at)}; head hash \`${c.hash}\`; journal (entry 1) \`${c.origin}\`; ed25519 key \`${c.key}\` (fingerprint **${c.keyId}**); signature \`${c.sig}\`.`, '', `Check it later: \`crisiscell verify --checkpoint "${c.seq}:${c.hash}"\``, '');
  }
  out.push('---', `_${tr('sitrep.footer', { at: m.at })}_`, '');
  return out.join('\n');
}
