/**
 * Test support for the language tests: finds English words left in a French or Dutch text. What
 * people typed (notes, reasons, names, the estate) is removed first; what remains must contain no
 * phrase of the English catalogue that the other language says differently.
 */
import { CATALOGUES } from '../../src/core/i18n/index.ts';
import type { Lang, MessageKey } from '../../src/core/i18n/index.ts';

/** Every string in a value (payloads, states), deeply. */
export function stringsIn(v: unknown, out: Set<string> = new Set(), seen: Set<unknown> = new Set()): Set<string> {
  if (typeof v === 'string') out.add(v);
  else if (v !== null && typeof v === 'object' && !seen.has(v)) {
    seen.add(v);
    if (v instanceof Map) {
      for (const [k, x] of v) {
        stringsIn(k, out, seen);
        stringsIn(x, out, seen);
      }
    }
    else if (v instanceof Set) for (const x of v) stringsIn(x, out, seen);
    else for (const x of Object.values(v)) stringsIn(x, out, seen);
  }
  return out;
}

const escapeRe = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

const PHRASES = new Map<Lang, { phrase: string; re: RegExp }[]>();
const ANY = new Map<Lang, RegExp>();

/** The English phrases (static parts of catalogue values) that `lang` translates differently, each with its matcher. */
function englishPhrases(lang: Exclude<Lang, 'en'>): { phrase: string; re: RegExp }[] {
  const cached = PHRASES.get(lang);
  if (cached) return cached;
  const en = CATALOGUES.en;
  const other = CATALOGUES[lang];
  const otherText = Object.values(other).join('\n').toLowerCase();
  const out = new Set<string>();
  for (const key of Object.keys(en) as MessageKey[]) {
    if (en[key] === other[key] || key.startsWith('cal.')) continue;
    for (const piece of en[key].split(/\{[^{}]*\}/)) {
      const p = piece.replace(/^[\s.,;:()“”"'—–-]+|[\s.,;:()“”"'—–-]+$/g, '');
      // Short or shared words ("ICU", "radio", "Dialyse"...) prove nothing.
      if (p.length < 6 || !/[a-z]{3}/i.test(p) || otherText.includes(p.toLowerCase())) continue;
      out.add(p);
    }
  }
  const list = [...out].sort((a, b) => b.length - a.length).map((phrase) => ({ phrase, re: new RegExp(`(^|[^\\p{L}])${escapeRe(phrase)}($|[^\\p{L}])`, 'iu') }));
  PHRASES.set(lang, list);
  // One pass finds whether any phrase is there at all; most texts have none.
  ANY.set(lang, new RegExp(list.map((p) => escapeRe(p.phrase)).join('|'), 'i'));
  return list;
}

/** English catalogue phrases found in `text` once the user's own words are taken out. */
export function englishLeaks(text: string, lang: Exclude<Lang, 'en'>, userWords: Iterable<string> = []): string[] {
  let rest = text;
  for (const w of [...userWords].filter((x) => x.length >= 4).sort((a, b) => b.length - a.length)) rest = rest.split(w).join('\u0000');
  const phrases = englishPhrases(lang);
  if (!ANY.get(lang)?.test(rest)) return [];
  return phrases.filter((p) => p.re.test(rest)).map((p) => p.phrase);
}

/** The text a reader sees in an HTML page: no styles, scripts, tags or attributes; entities decoded. */
export function htmlText(html: string): string {
  return html
    .replace(/<style[\s\S]*?<\/style>|<script[\s\S]*?<\/script>/gi, ' ')
    .replace(/<[^>]*>/g, ' ')
    .replace(/&nbsp;/g, ' ')
    .replace(/&#39;/g, "'")
    .replace(/&quot;/g, '"')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&');
}
