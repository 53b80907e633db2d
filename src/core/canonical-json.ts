/**
 * Canonical JSON: object keys sorted by code unit, no white space, `undefined` members dropped.
 * The hash chain is computed over this form so that any store (SQLite TEXT, PostgreSQL) and any
 * key order in memory gives the same bytes.
 */
export function canonicalJson(value: unknown): string {
  return write(value, 0);
}

function write(v: unknown, depth: number): string {
  if (depth > 100) throw new TypeError('canonicalJson: nesting deeper than 100 levels');
  if (v === null) return 'null';
  switch (typeof v) {
    case 'string':
      return JSON.stringify(v);
    case 'number':
      // NaN and Infinity have no JSON form; writing them as null would make two payloads hash alike.
      if (!Number.isFinite(v)) throw new TypeError(`canonicalJson: ${v} has no JSON form`);
      return JSON.stringify(v);
    case 'boolean':
      return v ? 'true' : 'false';
    case 'object': {
      if (Array.isArray(v)) {
        return `[${v.map((x) => (x === undefined ? 'null' : write(x, depth + 1))).join(',')}]`;
      }
      const o = v as Record<string, unknown>;
      const keys = Object.keys(o)
        .filter((k) => o[k] !== undefined)
        .sort();
      return `{${keys.map((k) => `${JSON.stringify(k)}:${write(o[k], depth + 1)}`).join(',')}}`;
    }
    default:
      throw new TypeError(`canonicalJson: cannot encode a ${typeof v}`);
  }
}

/**
 * canonicalJson in pieces: the same text, yielded an element of a large array at a time (arrays
 * directly under the top-level object, like the lists of an estate import), so that a caller can
 * hash and join it in slices. `pieces.join('') === canonicalJson(value)`.
 */
export function* canonicalJsonPieces(value: unknown): Generator<string, void, void> {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    yield canonicalJson(value);
    return;
  }
  const o = value as Record<string, unknown>;
  const keys = Object.keys(o)
    .filter((k) => o[k] !== undefined)
    .sort();
  yield '{';
  for (const [i, k] of keys.entries()) {
    const v = o[k];
    yield `${i === 0 ? '' : ','}${JSON.stringify(k)}:`;
    if (Array.isArray(v)) {
      yield '[';
      for (let j = 0; j < v.length; j++) yield `${j === 0 ? '' : ','}${v[j] === undefined ? 'null' : canonicalJson(v[j])}`;
      yield ']';
    } else yield canonicalJson(v);
  }
  yield '}';
}
