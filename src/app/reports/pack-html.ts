/**
 * The downtime pack of one site as print-ready HTML: what works and how to work without IT, and the
 * numbers to call when the switchboard is down. Meant to be printed and pinned up on the ward, in
 * the ward's language.
 */
import type { DowntimePack } from '../../core/reports/sitrep.ts';
import type { MessageKey, Params } from '../../core/i18n/index.ts';
import { label, t } from '../../core/i18n/index.ts';
import { esc, htmlDocument, status } from './html-kit.ts';

/** Renders a downtime pack as a standalone HTML document. */
export function renderPackHtml(p: DowntimePack): string {
  const tr = (key: MessageKey, params?: Params) => t(p.lang, key, params);
  const statusWords = (s: string) => (s === 'not-computed' ? tr('pack.statusNotComputed') : label(p.lang, 'status', s));
  const rows = p.services.map((s) => [
    `<b>${esc(s.name)}</b><br><span class="small">${esc(label(p.lang, 'criticality', s.criticality))}</span>`,
    `${status(s.status, statusWords(s.status))}${s.capacity !== undefined && s.status !== 'operational' ? `<br><span class="small">${esc(tr('pack.capacity', { n: Math.round(s.capacity * 100) }))}</span>` : ''}${s.atRisk ? `<br>${status('at-risk', tr('sitrep.markAtRisk'))}` : ''}`,
    s.procedures.length ? `<ul>${s.procedures.map((x) => `<li>${esc(x)}</li>`).join('')}</ul>` : `<span class="muted">${esc(tr('pack.normal'))}</span>`,
    `<span class="num">${esc(s.phone ?? '')}</span>`,
  ]);
  const th = (k: MessageKey, width?: string) => `<th${width ? ` style="width:${width}"` : ''}>${esc(tr(k))}</th>`;
  const body = `
<header class="doc">
  <div class="banner">${esc(tr('pack.banner'))}</div>
  <h1>${esc(p.site.name)}</h1>
  <div class="meta"><b>${esc(p.organisation)}</b>${p.site.location ? ` · ${esc(p.site.location)}` : ''}<br>${esc(tr('pack.statusAt', { at: '\u0000' })).replace('\u0000', `<b>${esc(p.atLocal)}</b>`)}${p.nextMeeting ? ` ${esc(tr('pack.nextMeeting', { meeting: p.nextMeeting }))}` : ''}</div>
</header>

<h2>${esc(tr('pack.hChannels'))}</h2>
${
  p.channels.length
    ? `<table><thead><tr>${th('col.channel')}${th('col.scope')}${th('col.status')}${th('col.useInstead')}</tr></thead><tbody>${p.channels
        .map((c) => `<tr><td>${esc(label(p.lang, 'channel', c.channel))}</td><td>${esc(c.scope)}</td><td>${status(c.status, label(p.lang, 'channelStatus', c.status))}</td><td>${esc(c.fallback ?? '')}</td></tr>`)
        .join('')}</tbody></table>`
    : `<p class="muted">${esc(tr('pack.noChannels'))}</p>`
}

<h2>${esc(tr('pack.hServices'))}</h2>
${p.boardAvailable ? '' : `<p><b>${esc(tr('pack.notComputed'))}</b></p>`}
<table><thead><tr>${th('col.service', '28%')}${th('col.status', '16%')}${th('col.procedure')}${th('col.directNumber', '20%')}</tr></thead><tbody>
${rows.map((r) => `<tr>${r.map((c) => `<td>${c}</td>`).join('')}</tr>`).join('\n')}
</tbody></table>

<h2>${esc(tr('pack.hDirectory'))}</h2>
${
  p.directory.length
    ? `<table><thead><tr>${th('col.who')}${th('col.what')}${th('col.number')}</tr></thead><tbody>${p.directory.map((d) => `<tr><td>${esc(d.name)}</td><td>${esc(d.detail)}</td><td class="num">${esc(d.number)}</td></tr>`).join('')}</tbody></table>`
    : `<p class="muted">${esc(tr('pack.noNumbers'))}</p>`
}

<h2>${esc(tr('pack.hCell'))}</h2>
${
  p.crisisCell.length
    ? `<table><thead><tr>${th('col.position')}${th('col.heldBy')}${th('col.reach')}</tr></thead><tbody>${p.crisisCell.map((c) => `<tr><td>${esc(c.title)}</td><td>${esc(c.person)}</td><td class="num">${esc(c.reach ?? '')}</td></tr>`).join('')}</tbody></table>`
    : `<p class="muted">${esc(tr('pack.noHolders'))}</p>`
}

<footer class="doc">${esc(tr('pack.footer', { at: p.at }))}</footer>
`;
  return htmlDocument(tr('pack.title', { site: p.site.name, at: p.atLocal }), body, p.lang);
}
