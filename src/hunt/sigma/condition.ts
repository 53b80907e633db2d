/**
 * Sigma detection conditions: `and`, `or`, `not`, parentheses, `N of x*`, `all of x*`,
 * `1 of them`, `all of them`. Precedence: not > and > or.
 */

export type Cond =
  | { readonly k: 'id'; readonly name: string }
  | { readonly k: 'not'; readonly a: Cond }
  | { readonly k: 'and' | 'or'; readonly items: readonly Cond[] }
  | { readonly k: 'of'; readonly n: number | 'all'; readonly names: readonly string[] };

type Tok = { t: 'lp' | 'rp' | 'and' | 'or' | 'not' | 'of' | 'word'; v: string };

function tokenize(s: string): Tok[] {
  const out: Tok[] = [];
  const re = /\s*(\(|\)|[^\s()]+)/gy;
  let m: RegExpExecArray | null;
  let pos = 0;
  while ((m = re.exec(s)) !== null) {
    pos = re.lastIndex;
    const w = m[1] as string;
    const lw = w.toLowerCase();
    if (w === '(') out.push({ t: 'lp', v: w });
    else if (w === ')') out.push({ t: 'rp', v: w });
    else if (lw === 'and' || lw === 'or' || lw === 'not' || lw === 'of') out.push({ t: lw, v: w });
    else if (w === '|') throw new Error('aggregation expressions (| count() ...) are obsolete Sigma; use a correlation rule');
    else out.push({ t: 'word', v: w });
  }
  if (s.slice(pos).trim() !== '') throw new Error(`cannot read condition near '${s.slice(pos)}'`);
  return out;
}

const globs = new Map<string, RegExp>();
/** Matches an identifier pattern (`selection_*`) against a name (one RegExp per pattern). */
function globMatch(pattern: string, name: string): boolean {
  if (!pattern.includes('*') && !pattern.includes('?')) return pattern === name;
  let re = globs.get(pattern);
  if (!re) {
    re = new RegExp('^' + pattern.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.') + '$');
    if (globs.size > 10000) globs.clear();
    globs.set(pattern, re);
  }
  return re.test(name);
}

/** Parses a condition string; `names` are the search identifiers of the detection. */
export function parseCondition(src: string, names: readonly string[]): Cond {
  const toks = tokenize(src);
  let i = 0;
  const peek = (): Tok | undefined => toks[i];
  const fail = (msg: string): never => {
    throw new Error(`condition '${src}': ${msg}`);
  };

  const resolve = (pat: string): string[] => {
    if (pat === 'them') return names.filter((n) => !n.startsWith('_'));
    const hit = names.filter((n) => globMatch(pat, n));
    if (hit.length === 0) fail(`no search identifier matches '${pat}'`);
    return hit;
  };

  const primary = (): Cond => {
    const t = toks[i++];
    if (!t) return fail('unexpected end');
    if (t.t === 'lp') {
      const e = orExpr();
      if (toks[i++]?.t !== 'rp') fail('missing )');
      return e;
    }
    if (t.t === 'not') return { k: 'not', a: primary() };
    if (t.t === 'word') {
      const nx = peek();
      if (nx?.t === 'of') {
        i++;
        const target = toks[i++];
        if (!target || target.t !== 'word') return fail(`'of' needs a name pattern or 'them'`);
        let n: number | 'all';
        if (t.v.toLowerCase() === 'all') n = 'all';
        else if (/^\d+$/.test(t.v)) n = Number(t.v);
        else return fail(`'${t.v} of' is not 'N of' or 'all of'`);
        return { k: 'of', n, names: resolve(target.v) };
      }
      if (!names.includes(t.v)) fail(`unknown search identifier '${t.v}'`);
      return { k: 'id', name: t.v };
    }
    return fail(`unexpected '${t.v}'`);
  };

  const andExpr = (): Cond => {
    const items = [primary()];
    while (peek()?.t === 'and') {
      i++;
      items.push(primary());
    }
    return items.length === 1 ? (items[0] as Cond) : { k: 'and', items };
  };
  const orExpr = (): Cond => {
    const items = [andExpr()];
    while (peek()?.t === 'or') {
      i++;
      items.push(andExpr());
    }
    return items.length === 1 ? (items[0] as Cond) : { k: 'or', items };
  };

  if (toks.length === 0) fail('empty');
  const e = orExpr();
  if (i < toks.length) fail(`unexpected '${toks[i]?.v}'`);
  return e;
}

/** Compiles a condition into a predicate, given compiled search identifiers. */
export function compileCondition<T>(c: Cond, ids: ReadonlyMap<string, (x: T) => boolean>): (x: T) => boolean {
  switch (c.k) {
    case 'id': {
      const f = ids.get(c.name);
      if (!f) throw new Error(`unknown search identifier '${c.name}'`);
      return f;
    }
    case 'not': {
      const a = compileCondition(c.a, ids);
      return (x) => !a(x);
    }
    case 'and': {
      const fs = c.items.map((it) => compileCondition(it, ids));
      if (fs.length === 2) {
        const [a, b] = fs as [(x: T) => boolean, (x: T) => boolean];
        return (x) => a(x) && b(x);
      }
      return (x) => fs.every((f) => f(x));
    }
    case 'or': {
      const fs = c.items.map((it) => compileCondition(it, ids));
      return (x) => fs.some((f) => f(x));
    }
    case 'of': {
      const fs = c.names.map((n) => compileCondition({ k: 'id', name: n }, ids));
      if (c.n === 'all') return (x) => fs.every((f) => f(x));
      const need = c.n;
      if (need === 1) return (x) => fs.some((f) => f(x));
      return (x) => {
        let hit = 0;
        for (const f of fs) if (f(x) && ++hit >= need) return true;
        return false;
      };
    }
  }
}

/**
 * Which EventIDs can satisfy a condition, given per-identifier sets (null = any). Used to index
 * rules: `and` intersects, `or` unites, `not` knows nothing.
 */
export function conditionEventIds(c: Cond, ids: ReadonlyMap<string, ReadonlySet<number> | null>): Set<number> | null {
  const inter = (a: Set<number> | null, b: Set<number> | null): Set<number> | null =>
    a === null ? b : b === null ? a : new Set([...a].filter((x) => b.has(x)));
  const union = (a: Set<number> | null, b: Set<number> | null): Set<number> | null =>
    a === null || b === null ? null : new Set([...a, ...b]);
  switch (c.k) {
    case 'id': {
      const s = ids.get(c.name);
      return s ? new Set(s) : null;
    }
    case 'not':
      return null;
    case 'and':
      return c.items.map((it) => conditionEventIds(it, ids)).reduce((a, b) => inter(a, b));
    case 'or':
      return c.items.map((it) => conditionEventIds(it, ids)).reduce((a, b) => union(a, b));
    case 'of': {
      const sets = c.names.map((n) => conditionEventIds({ k: 'id', name: n }, ids));
      if (sets.length === 0) return null;
      if (c.n === 'all') return sets.reduce((a, b) => inter(a, b), null as Set<number> | null);
      return sets.reduce((a, b) => union(a, b));
    }
  }
}
