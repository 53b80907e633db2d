/**
 * Necessary-literal prefilter.
 *
 * For every compiled rule variant we derive, from its condition tree, a set of literals at least
 * one of which must occur in the event for the rule to match (a "need"): `and` keeps the most
 * selective child's set, `or` unites its children's sets, `not`, `neq`, `exists`, regexes,
 * numbers, CIDR, fieldref and `null` give nothing usable (the rule is then always a candidate).
 * A literal is tied to a field (`field` null: keyword search over every EventData value) and is
 * lowercased exactly as the compiled test lowercases it, so "the test accepts the value" implies
 * "the lowercased value contains the literal".
 *
 * At match time, for the rules indexed under an event's channel and EventID (a "plan", built once
 * per channel/EventID), each field's lowercased value is scanned once by an Aho-Corasick automaton
 * holding the literals of that field; only rules whose need is met (or that have no need) run their
 * full predicate. Results are identical to running every candidate rule; `prefilter: false` in
 * RuleSet.build keeps the unfiltered path for comparison.
 */
import type { Cond } from './condition.ts';

/** A literal that must occur in a field's lowercased value (field null: in some EventData value). */
export interface Atom {
  readonly field: string | null;
  readonly lit: string;
}

/** null: nothing usable (always a candidate); otherwise at least one of the atoms must hold. */
export type Need = readonly Atom[] | null;

/** Fields that every event of a plan shares or that rarely discriminate: their literals are weak. */
const WEAK_FIELDS = new Set(['EventID', 'Channel', 'Provider_Name', 'ProviderName', 'Provider', 'Level', 'Computer', 'ComputerName']);

/**
 * Text that occurs in most events: a literal found inside one of these is nearly useless as a
 * filter (e.g. `\system32\`, `.exe`), whatever its length.
 */
const COMMON_TEXT = [
  'c:\\windows\\system32\\windowspowershell\\v1.0\\powershell.exe',
  'c:\\windows\\syswow64\\windowspowershell\\v1.0\\powershell.exe',
  'c:\\windows\\system32\\cmd.exe',
  'c:\\windows\\system32\\svchost.exe -k netsvcs',
  'c:\\windows\\system32\\rundll32.exe',
  'c:\\windows\\system32\\conhost.exe 0xffffffff -forcev1',
  'c:\\windows\\system32\\wbem\\wmiprvse.exe',
  'c:\\windows\\explorer.exe',
  'c:\\program files (x86)\\microsoft\\edge\\application\\msedge.exe',
  'c:\\program files\\common files\\',
  'c:\\users\\public\\appdata\\local\\temp\\',
  'c:\\programdata\\microsoft\\windows defender\\platform\\',
  '\\device\\harddiskvolume2\\windows\\system32\\',
  'hklm\\system\\currentcontrolset\\services\\',
  'hklm\\software\\microsoft\\windows\\currentversion\\',
  'hkcr\\clsid\\',
  'hku\\s-1-5-21-',
  'microsoft corporation',
  'microsoft® windows® operating system',
  'windows command processor',
  'nt authority\\system',
  'nt authority\\network service',
  'sha1=,md5=,sha256=,imphash=',
  'system medium high',
  'true false',
  '.dll .tmp .txt .log .ps1 .bat',
  'http://https://',
];

/** Rough probability that an event's field contains `lit` (lower is more selective). */
function atomCost(a: Atom): number {
  if (a.field !== null && WEAK_FIELDS.has(a.field)) return 1;
  const len = a.lit.length;
  let p = Math.pow(0.55, Math.min(len, 24));
  if (len <= 12 && COMMON_TEXT.some((t) => t.includes(a.lit))) p = Math.max(p, 0.5);
  return p;
}

export function needCost(n: Need): number {
  if (n === null) return Infinity;
  let c = 0;
  for (const a of n) c += atomCost(a);
  return c;
}

/** An atom for a literal the compiled test requires, or null when it cannot be used. */
export function atom(field: string | null, lit: string, cased: boolean): Atom | null {
  if (lit === '') return null;
  // Cased tests see the raw value; its lowercased form contains the lowercased literal when the
  // literal is ASCII (lowercasing is per character outside the Greek final sigma).
  if (cased) {
    if (!/^[\x00-\x7f]*$/.test(lit)) return null;
    return { field, lit: lit.toLowerCase() };
  }
  return { field, lit };
}

/** The most selective single literal of a pattern (every literal run of a pattern is required). */
export function patternNeed(field: string | null, lits: readonly string[], cased: boolean): Need {
  let best: Atom | null = null;
  let bestCost = Infinity;
  for (const l of lits) {
    const a = atom(field, l, cased);
    if (!a) continue;
    const c = atomCost(a);
    if (c < bestCost) {
      best = a;
      bestCost = c;
    }
  }
  return best ? [best] : null;
}

/** Any of the parts may hold: the union of their needs (nothing usable if one has none). */
export function needOr(parts: readonly Need[]): Need {
  if (parts.length === 0) return null;
  const out: Atom[] = [];
  const seen = new Set<string>();
  for (const p of parts) {
    if (p === null) return null;
    for (const a of p) {
      const k = `${a.field ?? '\u0000'}\u0001${a.lit}`;
      if (seen.has(k)) continue;
      seen.add(k);
      out.push(a);
    }
  }
  return out;
}

/** All parts must hold: any one part's need is necessary; keep the most selective. */
export function needAnd(parts: readonly Need[]): Need {
  let best: Need = null;
  let bestCost = Infinity;
  for (const p of parts) {
    if (p === null) continue;
    const c = needCost(p);
    if (c < bestCost) {
      best = p;
      bestCost = c;
    }
  }
  return best;
}

/** The need of a condition, given the needs of its search identifiers. */
export function conditionNeed(c: Cond, ids: ReadonlyMap<string, Need>): Need {
  switch (c.k) {
    case 'id':
      return ids.get(c.name) ?? null;
    case 'not':
      return null;
    case 'and':
      return needAnd(c.items.map((it) => conditionNeed(it, ids)));
    case 'or':
      return needOr(c.items.map((it) => conditionNeed(it, ids)));
    case 'of': {
      const parts = c.names.map((n) => ids.get(n) ?? null);
      if (parts.length === 0) return null;
      // all of: every part holds; N of: at least one part holds.
      return c.n === 'all' ? needAnd(parts) : needOr(parts);
    }
  }
}

/**
 * Aho-Corasick automaton over UTF-16 code units. Trie edges live in one open-addressing hash
 * table (typed arrays); the root's ASCII edges in a dense table, since most characters of a value
 * are read at the root.
 */
export class Automaton {
  readonly size: number;
  private readonly rootAscii: Int32Array;
  private hNode: Int32Array;
  private hCode: Uint16Array;
  private hNext: Int32Array;
  private shift: number;
  private mask: number;
  private readonly fail: Int32Array;
  /** Pattern ending at the node, or -1. */
  private readonly out: Int32Array;
  /** Next node on the failure chain with an output, or 0. */
  private readonly dict: Int32Array;
  /** 1 when the node or its failure chain has an output. */
  private readonly term: Uint8Array;
  /**
   * Per node, bit (c & 31) is set when the node has an edge for some character c with those low
   * bits: most characters of a value continue no literal, and this skips their hash probe.
   */
  private readonly kidMask: Int32Array;
  /** Per pattern: the stamp of the last scan that found it. */
  private readonly seen: Int32Array;

  /** `lits` must be distinct and non-empty; pattern i is lits[i]. */
  constructor(lits: readonly string[]) {
    // Built in typed arrays only: a Map per trie node made a plan of thousands of literals leave
    // tens of MB of garbage behind (and the heap, hence RSS, grew to hold it).
    let bound = 1;
    for (const l of lits) bound += l.length;
    let bits = 4;
    while (1 << bits < bound * 2 + 16) bits++;
    const cap = 1 << bits;
    this.shift = 32 - bits;
    this.mask = cap - 1;
    this.hNode = new Int32Array(cap).fill(-1);
    this.hCode = new Uint16Array(cap);
    this.hNext = new Int32Array(cap);
    this.rootAscii = new Int32Array(128);
    const out = new Int32Array(bound).fill(-1);
    // 1. Trie: edges go straight into the hash table.
    let n = 1;
    for (let pi = 0; pi < lits.length; pi++) {
      const lit = lits[pi] as string;
      let s = 0;
      for (let i = 0; i < lit.length; i++) {
        const c = lit.charCodeAt(i);
        let t = this.edge(s, c);
        if (t < 0) {
          t = n++;
          let h = this.hash(s, c);
          while (this.hNode[h] !== -1) h = (h + 1) & this.mask;
          this.hNode[h] = s;
          this.hCode[h] = c;
          this.hNext[h] = t;
          if (s === 0 && c < 128) this.rootAscii[c] = t;
        }
        s = t;
      }
      out[s] = pi;
    }
    this.size = n;
    // Shared prefixes leave the table far emptier than sized: shrink it to ~1.5x the edges.
    let fit = 4;
    while (1 << fit < (n - 1) * 1.5 + 16) fit++;
    if (fit < bits) {
      const [oNode, oCode, oNext] = [this.hNode, this.hCode, this.hNext];
      this.shift = 32 - fit;
      this.mask = (1 << fit) - 1;
      this.hNode = new Int32Array(1 << fit).fill(-1);
      this.hCode = new Uint16Array(1 << fit);
      this.hNext = new Int32Array(1 << fit);
      for (let h = 0; h < cap; h++) {
        const k = oNode[h] as number;
        if (k === -1) continue;
        let j = this.hash(k, oCode[h] as number);
        while (this.hNode[j] !== -1) j = (j + 1) & this.mask;
        this.hNode[j] = k;
        this.hCode[j] = oCode[h] as number;
        this.hNext[j] = oNext[h] as number;
      }
    }
    const tcap = this.mask + 1;
    // 2. Children lists (CSR) from the edge table, for the breadth-first pass.
    const first = new Int32Array(n + 1);
    for (let h = 0; h < tcap; h++) {
      const k = this.hNode[h] as number;
      if (k !== -1) first[k + 1] = (first[k + 1] as number) + 1;
    }
    for (let i = 0; i < n; i++) first[i + 1] = (first[i + 1] as number) + (first[i] as number);
    const fill = first.slice(0, n);
    const kidNode = new Int32Array(n);
    const kidCode = new Uint16Array(n);
    this.kidMask = new Int32Array(n);
    for (let h = 0; h < tcap; h++) {
      const k = this.hNode[h] as number;
      if (k === -1) continue;
      const at = fill[k] as number;
      fill[k] = at + 1;
      kidNode[at] = this.hNext[h] as number;
      kidCode[at] = this.hCode[h] as number;
      this.kidMask[k] = (this.kidMask[k] as number) | (1 << ((this.hCode[h] as number) & 31));
    }
    // 3. Failure and dictionary links, breadth first.
    this.fail = new Int32Array(n);
    this.dict = new Int32Array(n);
    this.out = out.slice(0, n);
    this.term = new Uint8Array(n);
    const queue = new Int32Array(n);
    let qn = 0;
    for (let j = first[0] as number; j < (first[1] as number); j++) queue[qn++] = kidNode[j] as number;
    for (let qi = 0; qi < qn; qi++) {
      const s = queue[qi] as number;
      const f = this.fail[s] as number;
      this.dict[s] = (this.out[f] as number) >= 0 ? f : (this.dict[f] as number);
      this.term[s] = (this.out[s] as number) >= 0 || this.dict[s] !== 0 ? 1 : 0;
      for (let j = first[s] as number; j < (first[s + 1] as number); j++) {
        const nx = kidNode[j] as number;
        const c = kidCode[j] as number;
        let g = f;
        let t = this.edge(g, c);
        while (t < 0 && g !== 0) {
          g = this.fail[g] as number;
          t = this.edge(g, c);
        }
        this.fail[nx] = t >= 0 && t !== nx ? t : 0;
        queue[qn++] = nx;
      }
    }
    this.seen = new Int32Array(lits.length);
  }

  private hash(s: number, c: number): number {
    return (Math.imul(s, 0x9e3779b1) ^ Math.imul(c + 1, 0x85ebca6b)) >>> this.shift;
  }

  private edge(s: number, c: number): number {
    let h = this.hash(s, c);
    for (;;) {
      const k = this.hNode[h] as number;
      if (k === -1) return -1;
      if (k === s && this.hCode[h] === c) return this.hNext[h] as number;
      h = (h + 1) & this.mask;
    }
  }

  /**
   * Scans `text`; appends to `found` every pattern seen for the first time under `stamp` (one
   * stamp per event, so a pattern found in two fields' values is reported once).
   */
  scan(text: string, stamp: number, found: number[]): void {
    const rootAscii = this.rootAscii;
    const fail = this.fail;
    const term = this.term;
    const kidMask = this.kidMask;
    let s = 0;
    for (let i = 0, n = text.length; i < n; i++) {
      const c = text.charCodeAt(i);
      const bit = 1 << (c & 31);
      for (;;) {
        if (s === 0) {
          if (c < 128) s = rootAscii[c] as number;
          else if (((kidMask[0] as number) & bit) !== 0) {
            const t = this.edge(0, c);
            s = t < 0 ? 0 : t;
          }
          break;
        }
        if (((kidMask[s] as number) & bit) !== 0) {
          const t = this.edge(s, c);
          if (t >= 0) {
            s = t;
            break;
          }
        }
        s = fail[s] as number;
      }
      if (term[s] === 1) this.report(s, stamp, found);
    }
  }

  private report(s: number, stamp: number, found: number[]): void {
    let o = (this.out[s] as number) >= 0 ? s : (this.dict[s] as number);
    while (o !== 0) {
      const p = this.out[o] as number;
      if (this.seen[p] !== stamp) {
        this.seen[p] = stamp;
        found.push(p);
      }
      o = this.dict[o] as number;
    }
  }

  /** Forgets every stamp (when the stamp counter restarts). */
  resetStamps(): void {
    this.seen.fill(0);
  }
}

/** One field's automaton in a plan and, per literal, the plan positions it makes candidates. */
export interface FieldScan {
  readonly field: string | null;
  readonly ac: Automaton;
  readonly targets: readonly Int32Array[];
}

/**
 * Literals are cut to their last MAX_LITERAL characters in the automata: a value that contains a
 * literal contains its suffix, so the prefilter stays exact, and the tries stay small (SigmaHQ's
 * vulnerable-driver rules alone list thousands of 64-character hashes).
 */
const MAX_LITERAL = 16;

/** Splits a plan's candidates into always-candidates and per-field literal scans. */
export function buildScans(needs: readonly Need[]): { always: Uint8Array; scans: FieldScan[] } {
  const always = new Uint8Array(needs.length);
  const byField = new Map<string | null, Map<string, number[]>>();
  needs.forEach((need, pos) => {
    if (need === null) {
      always[pos] = 1;
      return;
    }
    for (const a of need) {
      let lits = byField.get(a.field);
      if (!lits) byField.set(a.field, (lits = new Map()));
      const key = a.lit.length > MAX_LITERAL ? a.lit.slice(-MAX_LITERAL) : a.lit;
      let l = lits.get(key);
      if (!l) lits.set(key, (l = []));
      if (l[l.length - 1] !== pos) l.push(pos);
    }
  });
  const scans: FieldScan[] = [];
  for (const [field, lits] of byField) {
    const keys = [...lits.keys()];
    scans.push({ field, ac: new Automaton(keys), targets: keys.map((k) => Int32Array.from(lits.get(k) as number[])) });
  }
  return { always, scans };
}
