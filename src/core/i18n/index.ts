/**
 * The server's words in every language it speaks: English, French and Dutch (Belgium's hospitals
 * work in both). One catalogue per language (catalogue.ts, built from areas that keep the three
 * languages side by side) with the same keys: a key missing in one language is a type error, and
 * a test checks that every key carries the same placeholders everywhere. Reports, entry descriptions, clock texts, explanations and error messages all come
 * from here; what people typed (reasons, notes, names) is never translated.
 *
 * Placeholders: `{name}` is replaced by the parameter; `{n:one|other}` picks the singular or the
 * plural form by the number `n` and the language's rule (French counts 0 and 1 as singular).
 */
import { en, fr, nl } from './catalogue.ts';
import type { MessageKey } from './catalogue.ts';

export type { MessageKey };

export const LANGS = ['en', 'fr', 'nl'] as const;
export type Lang = (typeof LANGS)[number];

/**
 * Parameters of a message: strings are inserted as they are, numbers as they are written, and a
 * `{ key, params }` is itself said in the reader's language (an action's name inside a refusal).
 */
export type Params = { readonly [name: string]: string | number | Say };

/** A message to say in whatever language the reader asks for: a catalogue key and its parameters. */
export interface Say {
  readonly key: MessageKey;
  readonly params?: Params;
}

export const CATALOGUES: Readonly<Record<Lang, Readonly<Record<MessageKey, string>>>> = { en, fr, nl };

export function isLang(s: unknown): s is Lang {
  return typeof s === 'string' && (LANGS as readonly string[]).includes(s);
}

/** True when `s` is a key of the catalogue. */
export function isMessageKey(s: string): s is MessageKey {
  return Object.prototype.hasOwnProperty.call(en, s);
}

/**
 * The language to answer in: the first of `wanted` we speak (an explicit `lang` parameter, then an
 * Accept-Language header such as `fr-BE,fr;q=0.9,en;q=0.8`), else English.
 */
export function pickLang(...wanted: readonly (string | null | undefined)[]): Lang {
  for (const w of wanted) {
    if (w === undefined || w === null || w.trim() === '') continue;
    const ranked = w
      .split(',')
      .map((part, i) => {
        const [tag = '', ...rest] = part.trim().split(';');
        const q = rest.map((r) => /^\s*q=([0-9.]+)\s*$/.exec(r)?.[1]).find((x) => x !== undefined);
        return { lang: tag.trim().toLowerCase().split('-')[0] ?? '', q: q === undefined ? 1 : Number(q), i };
      })
      .filter((x) => x.q > 0)
      .sort((a, b) => b.q - a.q || a.i - b.i);
    const hit = ranked.find((x) => isLang(x.lang));
    if (hit) return hit.lang as Lang;
  }
  return 'en';
}

/** Plural rule: French treats 0 and 1 as singular, English and Dutch only 1. */
function isOne(lang: Lang, n: number): boolean {
  return lang === 'fr' ? Math.abs(n) < 2 : n === 1;
}

/** The message `key` in `lang` with its placeholders filled. */
export function t(lang: Lang, key: MessageKey, params: Params = {}): string {
  // A key built at run time (`position.${id}` of a position the cell added) may not exist: say the key.
  const text = CATALOGUES[lang][key] ?? CATALOGUES.en[key] ?? key;
  return fill(lang, text, params);
}

/** Fills `{name}` and `{n:one|other}` in `text`; an unknown parameter is left visible, never dropped. */
export function fill(lang: Lang, text: string, params: Params): string {
  return text.replace(/\{(\w+)(?::([^{}|]*)\|([^{}]*))?\}/g, (m, name: string, one: string | undefined, other: string | undefined) => {
    const v = params[name];
    if (one !== undefined && other !== undefined) {
      const n = typeof v === 'number' ? v : Number(v);
      return Number.isFinite(n) && isOne(lang, n) ? one : other;
    }
    if (v === undefined) return m;
    return typeof v === 'object' ? t(lang, v.key, v.params) : String(v);
  });
}

/** A translator bound to one language: `tr('key', params)`. */
export type Translate = (key: MessageKey, params?: Params) => string;

export function translator(lang: Lang): Translate {
  return (key, params) => t(lang, key, params);
}

/** Says a `Say` in `lang`. */
export function say(lang: Lang, s: Say): string {
  return t(lang, s.key, s.params);
}

/** `a, b and c` in the language. */
export function joinList(lang: Lang, words: readonly string[]): string {
  if (words.length <= 1) return words[0] ?? '';
  return `${words.slice(0, -1).join(', ')} ${t(lang, 'word.and')} ${words[words.length - 1]}`;
}

/** The label of a value from a closed list (`security.compromised`), or the value itself if the catalogue has none. */
export function label(lang: Lang, prefix: string, value: string): string {
  const key = `${prefix}.${value}`;
  return isMessageKey(key) ? t(lang, key) : value;
}
