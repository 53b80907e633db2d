/**
 * Compiles one `Field|mod|mod: value(s)` entry of a Sigma detection into a predicate over an
 * EventView. Every modifier of the Sigma modifiers appendix v2.1 is handled here; anything else
 * throws a RuleError-style message that the loader reports with the rule file.
 */
import { compileCidr } from './cidr.ts';
import { anyOf, type EventView } from './event-view.ts';
import {
  compilePattern,
  isLiteral,
  literal,
  literalText,
  parseSigmaString,
  patternLiterals,
  wrap,
  type Part,
  type Pattern,
  type StringTest,
} from './pattern.ts';
import { needAnd, needOr, patternNeed, type Need } from './prefilter.ts';

export type Predicate = (ev: EventView) => boolean;

/** Values for `%name%` placeholders used with `expand`. */
export type Placeholders = Readonly<Record<string, readonly string[]>>;

export interface FieldTestOptions {
  readonly placeholders: Placeholders;
  /** Work out the prefilter literals (default true; workers get them from the main thread). */
  readonly needs?: boolean;
}

const KNOWN = new Set([
  'contains', 'startswith', 'endswith', 'all', 're', 'i', 'm', 's', 'windash', 'cidr', 'base64',
  'base64offset', 'utf16le', 'utf16be', 'utf16', 'wide', 'exists', 'cased', 'neq', 'lt', 'lte', 'gt',
  'gte', 'expand', 'fieldref', 'minute', 'hour', 'day', 'week', 'month', 'year',
]);
const TIME = new Set(['minute', 'hour', 'day', 'week', 'month', 'year']);
const NUMERIC = new Set(['lt', 'lte', 'gt', 'gte']);

type Scalar = string | number | boolean | null;
/** A value on its way through the modifier chain: a (wildcard) pattern or encoded bytes. */
type Val = { readonly p: Pattern } | { readonly bytes: Uint8Array };

function scalarText(v: Scalar): string {
  return v === null ? '' : String(v);
}

function bytesOf(v: Val): Uint8Array {
  if ('bytes' in v) return v.bytes;
  if (!isLiteral(v.p)) throw new Error('wildcards cannot be encoded (base64/utf16 need a plain value)');
  return new TextEncoder().encode(literalText(v.p));
}

function utf16(s: string, be: boolean, bom: boolean): Uint8Array {
  const out = new Uint8Array(s.length * 2 + (bom ? 2 : 0));
  let o = 0;
  if (bom) {
    out[o++] = 0xff;
    out[o++] = 0xfe;
  }
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    out[o++] = be ? c >> 8 : c & 0xff;
    out[o++] = be ? c & 0xff : c >> 8;
  }
  return out;
}

function b64(bytes: Uint8Array): string {
  return Buffer.from(bytes).toString('base64');
}

/**
 * The three base64 renderings of `bytes` at offsets 0, 1 and 2 inside a longer encoded string,
 * with the characters that depend on the unknown neighbouring bytes cut off.
 */
function base64Offsets(bytes: Uint8Array): string[] {
  const out: string[] = [];
  for (let i = 0; i < 3; i++) {
    const padded = new Uint8Array(i + bytes.length);
    padded.fill(0x20, 0, i);
    padded.set(bytes, i);
    const enc = b64(padded);
    const start = [0, 2, 3][i] as number;
    const endCut = [0, 3, 2][(bytes.length + i) % 3] as number;
    out.push(enc.slice(start, enc.length - endCut));
  }
  return out;
}

/** windash: a `-` or `/` that starts a word after a non-word character becomes any dash form. */
const DASHES = ['-', '/', '\u2013', '\u2014', '\u2015'];
function windash(p: Pattern): Pattern[] {
  const out: Part[] = [];
  let count = 0;
  for (let k = 0; k < p.length; k++) {
    const part = p[k] as Part;
    if (typeof part !== 'string') {
      out.push(part);
      continue;
    }
    let acc = '';
    for (let i = 0; i < part.length; i++) {
      const c = part[i] as string;
      const prev = i > 0 ? part[i - 1] : undefined;
      const next = part[i + 1];
      if ((c === '-' || c === '/') && (prev === undefined || !/\w/.test(prev)) && next !== undefined && /\w/.test(next)) {
        if (acc) out.push(acc);
        acc = '';
        out.push({ cls: DASHES });
        count++;
      } else {
        acc += c;
      }
    }
    if (acc) out.push(acc);
  }
  if (count === 0) return [p];
  // One dash: five plain variants keep the fast includes/startsWith paths; more: a class.
  if (count === 1) {
    return DASHES.map((d) => out.map((x) => (typeof x === 'object' ? d : x)));
  }
  return [out];
}

function expand(p: Pattern, ph: Placeholders): Pattern[] {
  let results: Part[][] = [[]];
  for (const part of p) {
    if (typeof part !== 'string') {
      for (const r of results) r.push(part);
      continue;
    }
    const pieces = part.split(/(%[A-Za-z0-9_.-]+%)/);
    for (const piece of pieces) {
      if (!piece) continue;
      const m = /^%([A-Za-z0-9_.-]+)%$/.exec(piece);
      if (!m) {
        for (const r of results) r.push(piece);
        continue;
      }
      const name = m[1] as string;
      const vals = ph[name];
      if (!vals || vals.length === 0) throw new Error(`placeholder %${name}% has no configured values`);
      const next: Part[][] = [];
      for (const r of results) for (const v of vals) next.push([...r, ...parseSigmaString(v)]);
      results = next;
    }
  }
  return results;
}

function translateRegex(src: string, flags: string): RegExp {
  let s = src;
  let f = flags;
  // PCRE inline flags at the start ((?i), (?s), (?m), (?is)...) are not JavaScript syntax on
  // Node 20: turn them into RegExp flags.
  const m = /^\(\?([ims]+)\)/.exec(s);
  if (m) {
    for (const c of m[1] as string) if (!f.includes(c)) f += c;
    s = s.slice(m[0].length);
  }
  // \A and \Z anchors (PCRE) -> ^ and $.
  s = s.replace(/(^|[^\\])\\A/g, '$1^').replace(/(^|[^\\])\\[Zz]/g, '$1$');
  try {
    return new RegExp(s, f);
  } catch (e) {
    throw new Error(`regex does not compile: ${(e as Error).message}`);
  }
}

function toNumber(v: unknown): number | null {
  if (typeof v === 'number') return v;
  if (typeof v === 'string' && v.trim() !== '') {
    const t = v.trim();
    const n = /^0x[0-9a-f]+$/i.test(t) ? parseInt(t, 16) : Number(t);
    return Number.isFinite(n) ? n : null;
  }
  if (typeof v === 'boolean') return null;
  return null;
}

function numericValues(ev: EventView, field: string): number[] {
  const v = ev.value(field);
  if (v === undefined || v === null) return [];
  const list = Array.isArray(v) ? (v as unknown[]) : [v];
  const out: number[] = [];
  for (const x of list) {
    const n = toNumber(x);
    if (n !== null) out.push(n);
  }
  return out;
}

function isoWeek(d: Date): number {
  const t = new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate()));
  const day = t.getUTCDay() || 7;
  t.setUTCDate(t.getUTCDate() + 4 - day);
  const y0 = new Date(Date.UTC(t.getUTCFullYear(), 0, 1));
  return Math.ceil(((t.getTime() - y0.getTime()) / 86400000 + 1) / 7);
}

function timePart(s: string, unit: string): number | null {
  const t = /[zZ]|[+-]\d\d:?\d\d$/.test(s) ? s : s.replace(' ', 'T') + 'Z';
  const d = new Date(t);
  if (Number.isNaN(d.getTime())) return null;
  switch (unit) {
    case 'minute': return d.getUTCMinutes();
    case 'hour': return d.getUTCHours();
    case 'day': return d.getUTCDate();
    case 'week': return isoWeek(d);
    case 'month': return d.getUTCMonth() + 1;
    default: return d.getUTCFullYear();
  }
}

function cmp(op: string, a: number, b: number): boolean {
  switch (op) {
    case 'lt': return a < b;
    case 'lte': return a <= b;
    case 'gt': return a > b;
    case 'gte': return a >= b;
    case 'neq': return a !== b;
    default: return a === b;
  }
}

/** The field name a detection key refers to (before the first `|`). */
export function keyField(key: string): string {
  const i = key.indexOf('|');
  return i < 0 ? key : key.slice(0, i);
}

/**
 * Compiles `key: value` where key is `Field|modifiers` (field `''` = keyword search over all
 * values). `field` has already been renamed by the logsource field mapping.
 */
export function compileFieldTest(field: string | null, mods: readonly string[], value: unknown, opts: FieldTestOptions): Predicate {
  return compileField(field, mods, value, opts).pred;
}

/** A compiled field test and the literals it requires (see prefilter.ts). */
export interface FieldTest {
  readonly pred: Predicate;
  readonly need: Need;
}

/** compileFieldTest plus the test's need for the prefilter. */
export function compileField(field: string | null, mods: readonly string[], value: unknown, opts: FieldTestOptions): FieldTest {
  const none = (pred: Predicate): FieldTest => ({ pred, need: null });
  for (const m of mods) if (!KNOWN.has(m)) throw new Error(`unknown modifier '${m}'`);
  const has = (m: string): boolean => mods.includes(m);
  const values: unknown[] = Array.isArray(value) ? value : [value];
  for (const v of values) {
    if (v !== null && typeof v !== 'string' && typeof v !== 'number' && typeof v !== 'boolean') {
      throw new Error(`value of ${field ?? 'keyword'} must be a string, number, boolean or null, not ${Array.isArray(v) ? 'a nested list' : typeof v}`);
    }
  }
  const scalars = values as Scalar[];
  if (values.length === 0) throw new Error(`empty value list for ${field ?? 'keyword'}`);
  const allMode = has('all');
  const neq = has('neq');
  const cased = has('cased');
  const get = field === null ? null : field;

  const combine = (tests: Predicate[]): Predicate => {
    if (neq) {
      // neq: the field differs from every listed value. As pySigma renders it (NOT field=v), an
      // absent field counts as different.
      return (ev) => !tests.some((t) => t(ev));
    }
    if (tests.length === 1) return tests[0] as Predicate;
    if (allMode) return (ev) => tests.every((t) => t(ev));
    return (ev) => {
      for (const t of tests) if (t(ev)) return true;
      return false;
    };
  };

  if (has('exists')) {
    if (get === null) throw new Error('exists needs a field');
    const want = scalars[0];
    if (typeof want !== 'boolean' || scalars.length !== 1) throw new Error(`${get}|exists takes true or false`);
    return none((ev) => ev.has(get) === want);
  }

  if (has('re')) {
    let flags = '';
    if (has('i')) flags += 'i';
    if (has('m')) flags += 'm';
    if (has('s')) flags += 's';
    const tests = scalars.map((v): Predicate => {
      if (typeof v !== 'string') throw new Error(`${get ?? 'keyword'}|re needs a string pattern`);
      const re = translateRegex(v, flags);
      if (get === null) return (ev) => ev.allValues().some((x) => re.test(x));
      return (ev) => anyOf(ev.strings(get), (x) => re.test(x));
    });
    return none(combine(tests));
  }

  if (has('cidr')) {
    if (get === null) throw new Error('cidr needs a field');
    const tests = scalars.map((v): Predicate => {
      const t = compileCidr(scalarText(v));
      return (ev) => anyOf(ev.strings(get), t);
    });
    return none(combine(tests));
  }

  const numOp = mods.find((m) => NUMERIC.has(m));
  const timeUnit = mods.find((m) => TIME.has(m));
  if (timeUnit) {
    if (get === null) throw new Error(`${timeUnit} needs a field`);
    const op = numOp ?? 'eq';
    const tests = scalars.map((v): Predicate => {
      const n = toNumber(v);
      if (n === null) throw new Error(`${get}|${timeUnit} needs a number, got '${scalarText(v)}'`);
      return (ev) => anyOf(ev.strings(get), (s) => {
        const x = timePart(s, timeUnit);
        return x !== null && cmp(op, x, n);
      });
    });
    return none(combine(tests));
  }
  if (numOp) {
    if (get === null) throw new Error(`${numOp} needs a field`);
    const tests = scalars.map((v): Predicate => {
      const n = toNumber(v);
      if (n === null) throw new Error(`${get}|${numOp} needs a number, got '${scalarText(v)}'`);
      return (ev) => numericValues(ev, get).some((x) => cmp(numOp, x, n));
    });
    return none(combine(tests));
  }

  if (has('fieldref')) {
    if (get === null) throw new Error('fieldref needs a field');
    const tests = scalars.map((v): Predicate => {
      if (typeof v !== 'string') throw new Error(`${get}|fieldref needs a field name`);
      const other = v;
      const mode = has('contains') ? 'c' : has('startswith') ? 's' : has('endswith') ? 'e' : '=';
      return (ev) => {
        const a = cased ? ev.strings(get) : ev.lower(get);
        const b = cased ? ev.strings(other) : ev.lower(other);
        if (a === null || b === null) return false;
        const bs = typeof b === 'string' ? [b] : b;
        return anyOf(a, (x) => bs.some((y) => (mode === '=' ? x === y : mode === 'c' ? x.includes(y) : mode === 's' ? x.startsWith(y) : x.endsWith(y))));
      };
    });
    return none(combine(tests));
  }

  // String patterns: parse wildcards, then apply the transforming modifiers left to right.
  const tests: Predicate[] = [];
  const needs: Need[] = [];
  for (const v of scalars) {
    if (v === null) {
      if (get === null) throw new Error('null is not a keyword');
      // null: the field is absent or has no value.
      tests.push((ev) => {
        const x = ev.value(get);
        return x === undefined || x === null;
      });
      needs.push(null);
      continue;
    }
    const raw = scalarText(v);
    // Numbers and booleans are plain values: no wildcard parsing.
    let vals: Val[] = [{ p: typeof v === 'string' ? parseSigmaString(raw) : literal(raw) }];
    for (const m of mods) {
      switch (m) {
        case 'expand':
          vals = vals.flatMap((x): Val[] => ('p' in x ? expand(x.p, opts.placeholders).map((p) => ({ p })) : [x]));
          break;
        case 'windash':
          vals = vals.flatMap((x): Val[] => ('p' in x ? windash(x.p).map((p) => ({ p })) : [x]));
          break;
        case 'utf16le':
        case 'wide':
        case 'utf16be':
        case 'utf16':
          vals = vals.map((x) => {
            if ('bytes' in x) throw new Error(`${m} applied twice`);
            if (!isLiteral(x.p)) throw new Error('wildcards cannot be encoded (base64/utf16 need a plain value)');
            return { bytes: utf16(literalText(x.p), m === 'utf16be', m === 'utf16') };
          });
          break;
        case 'base64':
          vals = vals.map((x) => ({ p: literal(b64(bytesOf(x))) }));
          break;
        case 'base64offset':
          vals = vals.flatMap((x) => base64Offsets(bytesOf(x)).map((s) => ({ p: literal(s) })));
          break;
        case 'contains':
          vals = vals.map((x) => ('p' in x ? { p: wrap(x.p, true, true) } : x));
          break;
        case 'startswith':
          vals = vals.map((x) => ('p' in x ? { p: wrap(x.p, false, true) } : x));
          break;
        case 'endswith':
          vals = vals.map((x) => ('p' in x ? { p: wrap(x.p, true, false) } : x));
          break;
        default:
          break; // all, cased, neq: handled around the value tests
      }
    }
    const pats: Pattern[] = vals.map((x) => ('p' in x ? x.p : literal(Buffer.from(x.bytes).toString('latin1'))));
    const final = pats.map((p) => (get === null ? wrap(p, true, true) : p));
    const fns: StringTest[] = final.map((p) => compilePattern(p, cased));
    // The value test holds when one of its patterns does; a pattern needs its literal runs.
    needs.push(opts.needs === false ? null : needOr(final.map((p) => patternNeed(get, patternLiterals(p, cased), cased))));
    const one: StringTest = fns.length === 1 ? (fns[0] as StringTest) : (s) => fns.some((f) => f(s));
    if (get === null) {
      tests.push(cased ? (ev) => ev.allValues().some(one) : (ev) => ev.allValuesLower().some(one));
    } else {
      tests.push(cased ? (ev) => anyOf(ev.strings(get), one) : (ev) => anyOf(ev.lower(get), one));
    }
  }
  // Many plain equality values (e.g. EventID lists) would loop; a Set answers in one lookup.
  if (!allMode && !neq && !cased && get !== null && scalars.length > 4 && mods.length === 0 && scalars.every((v) => v !== null && (typeof v !== 'string' || !/[*?\\]/.test(v)))) {
    const set = new Set(scalars.map((v) => scalarText(v).toLowerCase()));
    return { pred: (ev) => anyOf(ev.lower(get), (s) => set.has(s)), need: needOr(needs) };
  }
  return { pred: combine(tests), need: neq ? null : allMode ? needAnd(needs) : needOr(needs) };
}
