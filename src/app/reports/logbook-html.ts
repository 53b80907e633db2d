/**
 * The evidential logbook as print-ready HTML: every entry with its number, author time, author,
 * kind, what it says, and its hash, under the result of the chain verification. What the police,
 * the prosecutor or a regulator is handed on paper; the JSON-lines export is the same journal for
 * machines, and its head hash is printed here so the two can be matched.
 */
import type { AnyEntry, VerifyResult } from '../../core/journal.ts';
import type { Lang } from '../../core/i18n/index.ts';
import { t } from '../../core/i18n/index.ts';
import { describeEntry } from '../../core/entry-text.ts';
import { DEFAULT_TIME_ZONE, formatLocal, toZonedIso } from '../../core/clocks/time.ts';
import { checkpointBlock, esc, htmlDocument } from './html-kit.ts';
import type { PrintedCheckpoint } from './html-kit.ts';

export interface LogbookPrint {
  readonly organisation: string;
  readonly crisis: string;
  readonly entries: readonly AnyEntry[];
  readonly verify: VerifyResult;
  /** When it was printed (the app's clock), and from which store. */
  readonly printedAt: string;
  readonly location: string;
  /** Set when the print is filtered: then it is an extract, not the whole logbook. */
  readonly filter?: string;
  /** Language of the print (entries' own words stay as written); default English. */
  readonly lang?: Lang;
  /** Zone of the crisis: every time printed is local time with its offset. */
  readonly timeZone?: string;
  /** The signed checkpoint made for this print. */
  readonly checkpoint?: PrintedCheckpoint;
}

export function renderLogbookHtml(l: LogbookPrint): string {
  const lang = l.lang ?? 'en';
  const zone = l.timeZone ?? DEFAULT_TIME_ZONE;
  const v = l.verify;
  const chain = v.ok
    ? esc(t(lang, 'logbook.chainOk', { n: v.count, seq: v.headSeq, hash: '\u0000' })).replace('\u0000', `<span class="hash">${esc(v.headHash)}</span>`)
    : `<b>${esc(t(lang, 'logbook.chainBroken', { seq: v.badSeq, reason: v.reason }))}</b>`;
  const rows = l.entries
    .map((e) => {
      const at = toZonedIso(e.at, zone);
      return `<tr><td class="num">${e.seq}</td><td class="t">${esc(at.slice(0, 10))}<br>${esc(at.slice(11, 19))} ${esc(at.slice(19))}</td><td class="a">${esc(e.actor)}</td><td class="k">${esc(e.kind)}</td><td>${esc(describeEntry(e, { lang, timeZone: zone }))}</td><td class="hash">${esc(e.hash)}</td></tr>`;
    })
    .join('\n');
  const explain = esc(t(lang, 'logbook.explain', { verify: '\u0001', export: '\u0002' }))
    .replace('\u0001', '<span class="num">crisiscell verify</span>')
    .replace('\u0002', '<span class="num">crisiscell export --jsonl</span>');
  const body = `
<style>.hash { font-family: "DejaVu Sans Mono", "Liberation Mono", monospace; font-size: 6pt; word-break: break-all; } .t { font-family: "DejaVu Sans Mono", "Liberation Mono", monospace; font-size: 7.5pt; } td.k, td.a { font-size: 8pt; }</style>
<header class="doc">
  <div class="banner">${esc(t(lang, 'logbook.banner'))}${l.filter ? ` — ${esc(t(lang, 'logbook.extract').toUpperCase())}` : ''}</div>
  <h1>${esc(l.crisis)}</h1>
  <div class="meta"><b>${esc(l.organisation)}</b><br>${esc(t(lang, 'logbook.printed', { at: formatLocal(l.printedAt, zone, lang), location: l.location }))}${l.filter ? `<br>${esc(t(lang, 'logbook.extractOf', { filter: l.filter }))}` : ''}<br>${esc(t(lang, 'logbook.zone', { zone }))}</div>
</header>
<p>${chain}</p>
${checkpointBlock(l.checkpoint)}
<p class="small">${explain}</p>
<table><thead><tr><th style="width:5%">#</th><th style="width:12%">${esc(t(lang, 'logbook.colTime'))}</th><th style="width:10%">${esc(t(lang, 'logbook.colAuthor'))}</th><th style="width:11%">${esc(t(lang, 'logbook.colKind'))}</th><th>${esc(t(lang, 'logbook.colEntry'))}</th><th style="width:22%">${esc(t(lang, 'logbook.colHash'))}</th></tr></thead><tbody>
${rows}
</tbody></table>
<p class="small">${esc(t(lang, 'logbook.count', { n: l.entries.length }))}</p>`;
  return htmlDocument(t(lang, 'logbook.title', { crisis: l.crisis }), body, lang);
}
