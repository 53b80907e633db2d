/**
 * Sigma string values with wildcards, and their compilation into fast string tests.
 *
 * A value is parsed once into parts (literal text, `*`, `?`, or a character class produced by
 * `windash`). Matching then uses startsWith/endsWith/includes/=== whenever the shape allows and
 * falls back to a RegExp only for patterns with inner wildcards.
 */

/** `*` in a Sigma value. */
export const STAR = 0;
/** `?` in a Sigma value. */
export const ONE = 1;
/** One of several characters (windash alternatives). */
export interface CharClass {
  readonly cls: readonly string[];
}
export type Part = string | typeof STAR | typeof ONE | CharClass;
export type Pattern = readonly Part[];

/**
 * Parses a Sigma string: `*` and `?` are wildcards, `\` escapes `*`, `?` and itself.
 * The trap: a backslash before any other character is a literal backslash (Windows paths such as
 * `C:\Windows\` are written unescaped), and `\\` is one backslash, as pySigma reads it.
 */
export function parseSigmaString(s: string): Pattern {
  const parts: Part[] = [];
  let acc = '';
  for (let i = 0; i < s.length; i++) {
    const c = s[i] as string;
    if (c === '\\') {
      const n = s[i + 1];
      if (n === '*' || n === '?' || n === '\\') {
        acc += n;
        i++;
      } else {
        acc += c;
      }
    } else if (c === '*' || c === '?') {
      if (acc) parts.push(acc);
      acc = '';
      parts.push(c === '*' ? STAR : ONE);
    } else {
      acc += c;
    }
  }
  if (acc) parts.push(acc);
  return parts;
}

/** A pattern holding only literal text (no wildcards). */
export function literal(s: string): Pattern {
  return s === '' ? [] : [s];
}

export function isLiteral(p: Pattern): boolean {
  return p.every((x) => typeof x === 'string');
}

export function literalText(p: Pattern): string {
  return p.map((x) => (typeof x === 'string' ? x : '')).join('');
}

/** Adds `*` at the start and/or end unless already there (contains/startswith/endswith). */
export function wrap(p: Pattern, start: boolean, end: boolean): Pattern {
  const out = [...p];
  if (start && out[0] !== STAR) out.unshift(STAR);
  if (end && out[out.length - 1] !== STAR) out.push(STAR);
  return out;
}

/** Joins adjacent literals and collapses repeated stars so that shape detection is reliable. */
function normalize(p: Pattern): Part[] {
  const out: Part[] = [];
  for (const part of p) {
    const last = out[out.length - 1];
    if (typeof part === 'string') {
      if (part === '') continue;
      if (typeof last === 'string') out[out.length - 1] = last + part;
      else out.push(part);
    } else if (part === STAR && last === STAR) {
      continue;
    } else {
      out.push(part);
    }
  }
  return out;
}

function escapeRe(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
}

/**
 * The literal runs of a pattern exactly as compilePattern tests them (joined, lowercased unless
 * `cased`): a value the compiled test accepts contains every one of them. The prefilter uses them.
 */
export function patternLiterals(p: Pattern, cased: boolean): string[] {
  const out: string[] = [];
  for (const x of normalize(p)) if (typeof x === 'string') out.push(cased ? x : x.toLowerCase());
  return out;
}

/** A compiled string test. `lower` says whether it expects the lowercased event value. */
export type StringTest = (value: string) => boolean;

/**
 * Compiles a pattern into a test. With `cased` false the pattern is lowercased here and the
 * test must be given the lowercased event value (the engine lowercases each event value once).
 */
export function compilePattern(p: Pattern, cased: boolean): StringTest {
  const parts = normalize(p).map((x) => (typeof x === 'string' && !cased ? x.toLowerCase() : x));
  const lc = (x: Part): Part =>
    typeof x === 'object' && !cased ? { cls: x.cls.map((c) => c.toLowerCase()) } : x;
  const n = parts.length;
  if (n === 0) return (v) => v === '';
  const first = parts[0] as Part;
  const last = parts[n - 1] as Part;
  if (n === 1) {
    if (typeof first === 'string') return (v) => v === first;
    if (first === STAR) return () => true;
  }
  if (n === 2) {
    if (first === STAR && typeof last === 'string') return (v) => v.endsWith(last);
    if (last === STAR && typeof first === 'string') return (v) => v.startsWith(first);
  }
  if (n === 3 && first === STAR && last === STAR) {
    const mid = parts[1] as Part;
    if (typeof mid === 'string') return (v) => v.includes(mid);
  }
  let src = '^';
  for (const raw of parts) {
    const x = lc(raw);
    if (typeof x === 'string') src += escapeRe(x);
    else if (x === STAR) src += '[\\s\\S]*';
    else if (x === ONE) src += '[\\s\\S]';
    else src += `(?:${x.cls.map(escapeRe).join('|')})`;
  }
  src += '$';
  const re = new RegExp(src);
  // Most long literals are distinctive: checking the longest one first skips the regex in the
  // common non-matching case.
  const longest = parts.filter((x): x is string => typeof x === 'string').sort((a, b) => b.length - a.length)[0];
  if (longest && longest.length >= 3) return (v) => v.includes(longest) && re.test(v);
  return (v) => re.test(v);
}
