/**
 * BinXML token parser. A fragment is compiled to a small node tree:
 * elements (with static names), text, substitutions (placeholders that refer to a template
 * instance's values) and template instances. Template definitions are compiled once per chunk
 * and cached by their offset; a record is then only a template reference plus its values.
 *
 * Every read is bounded by an explicit `end`; nesting depth is capped; a malformed token
 * throws EvtxFormatError, which the caller turns into one ReadError for one record.
 */
import { asBuffer, EvtxFormatError, u16, u32, utf16 } from './bytes.ts';
import { VT_STRING, isKnownValueType, decodeValue, valueText } from './values.ts';

export const T_EOF = 0x00;
export const T_OPEN_START = 0x01;
export const T_CLOSE_START = 0x02;
export const T_CLOSE_EMPTY = 0x03;
export const T_END_ELEMENT = 0x04;
export const T_VALUE = 0x05;
export const T_ATTRIBUTE = 0x06;
export const T_CDATA = 0x07;
export const T_CHARREF = 0x08;
export const T_ENTITYREF = 0x09;
export const T_PITARGET = 0x0a;
export const T_PIDATA = 0x0b;
export const T_TEMPLATE_INSTANCE = 0x0c;
export const T_NORMAL_SUB = 0x0d;
export const T_OPTIONAL_SUB = 0x0e;
export const T_FRAGMENT_HEADER = 0x0f;
/** Flag bit on open-start (has attributes), attribute (more follow), value/cdata/refs (more data). */
export const T_MORE = 0x40;

export const K_ELEMENT = 0;
export const K_TEXT = 1;
export const K_SUB = 2;
export const K_INSTANCE = 3;

/** Element names the flattener treats specially, resolved once at compile time. */
export const TAG_OTHER = 0;
export const TAG_EVENT = 1;
export const TAG_SYSTEM = 2;
export const TAG_EVENTDATA = 3;
export const TAG_DATA = 4;
export const TAG_RENDERING = 5;

function tagOf(name: string): number {
  switch (name) {
    case 'Event':
      return TAG_EVENT;
    case 'System':
      return TAG_SYSTEM;
    case 'EventData':
      return TAG_EVENTDATA;
    case 'Data':
      return TAG_DATA;
    case 'RenderingInfo':
      return TAG_RENDERING;
    default:
      return TAG_OTHER;
  }
}

export interface ElementNode {
  readonly kind: 0;
  readonly name: string;
  readonly tag: number;
  /** The Name attribute when it is plain text (the usual <Data Name="X">); else undefined. */
  staticName: string | undefined;
  /** The Name attribute when it has to be computed (substitution); else undefined. */
  nameAttr: AttrNode | undefined;
  readonly attrs: AttrNode[];
  readonly children: Node[];
  /** True when a child is an element or a template instance (static knowledge). */
  hasElementChild: boolean;
  /** True when a child is a substitution (which may expand to elements when it is BinXML). */
  hasSub: boolean;
}

export interface AttrNode {
  readonly name: string;
  /** `<Element>_<Attribute>`, the flattened key, built once at compile time. */
  readonly key: string;
  readonly parts: Node[];
}

export interface TextNode {
  readonly kind: 1;
  readonly text: string;
}

export interface SubNode {
  readonly kind: 2;
  readonly index: number;
  readonly optional: boolean;
}

/** Values of one template instance: a window [base, base+count) into the chunk's value pool. */
export interface Scope {
  readonly base: number;
  readonly count: number;
}

export interface InstanceNode {
  readonly kind: 3;
  readonly template: Template;
  readonly scope: Scope;
}

export type Node = ElementNode | TextNode | SubNode | InstanceNode;

export interface Template {
  readonly offset: number;
  readonly nodes: Node[];
  /** Set when the definition could not be parsed; every record using it fails with this. */
  readonly error: string | undefined;
}

/** Element nesting deeper than this is treated as damage (real events nest < 10 levels). */
const MAX_DEPTH = 64;
/** Nested BinXML / template expansions per path (guards self-referencing damaged data). */
export const MAX_EXPANSION_DEPTH = 12;
/** Substitution values per record, all instances together (a record is < 64 KiB, 4 bytes each). */
const POOL_SIZE = 1 << 16;

/** Descriptor arrays (type, chunk offset, size) of the substitution values of one record. */
export interface ValuePool {
  readonly type: Uint8Array;
  readonly off: Int32Array;
  readonly size: Int32Array;
}

export function newValuePool(): ValuePool {
  return { type: new Uint8Array(POOL_SIZE), off: new Int32Array(POOL_SIZE), size: new Int32Array(POOL_SIZE) };
}

/**
 * Element and attribute names (and the keys built from them) are shared strings across chunks:
 * they are the keys of every record's objects, and one flat string per name keeps those key
 * lookups to a pointer comparison instead of a character walk over a freshly built string.
 */
const interned = new Map<string, string>();
const MAX_INTERNED = 4096;
/** Longer names (damaged tables: up to 64 Ki characters) are not kept. */
export const MAX_INTERNED_LENGTH = 128;

export function intern(s: string): string {
  if (s.length > MAX_INTERNED_LENGTH) return s;
  const hit = interned.get(s);
  if (hit !== undefined) return hit;
  if (interned.size >= MAX_INTERNED) interned.clear(); // damaged tables: bounded
  interned.set(s, s);
  return s;
}

/** `<Element>_<Attribute>` keys by (interned) element then attribute name: no string built per use. */
const attrKeys = new Map<string, Map<string, string>>();
let attrKeyCount = 0;

function attrKey(element: string, attr: string): string {
  let m = attrKeys.get(element);
  if (m === undefined) {
    m = new Map();
    attrKeys.set(element, m);
  }
  let k = m.get(attr);
  if (k === undefined) {
    k = intern(element + '_' + attr);
    if (++attrKeyCount > MAX_INTERNED) {
      // Damaged tables make endless names: bounded, start over.
      attrKeys.clear();
      attrKeyCount = 0;
    } else {
      m.set(attr, k);
    }
  }
  return k;
}

const ENTITIES: Readonly<Record<string, string>> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };

/**
 * Parsing state for one chunk: the chunk bytes, the name cache and template cache (both keyed
 * by chunk offset), and a bump-allocated pool of substitution value descriptors reset per record.
 */
export class ChunkContext {
  b: Uint8Array = new Uint8Array(0);
  buf: Buffer = Buffer.alloc(0);
  len = 0;
  private names = new Map<number, string>();
  private nameSizes = new Map<number, number>();
  private templates = new Map<number, Template>();
  readonly poolType: Uint8Array;
  readonly poolOff: Int32Array;
  readonly poolSize: Int32Array;
  poolTop = 0;

  constructor(pool: ValuePool) {
    this.poolType = pool.type;
    this.poolOff = pool.off;
    this.poolSize = pool.size;
  }

  /** Starts a new chunk: caches are per chunk because offsets are chunk-relative. */
  reset(chunk: Uint8Array): void {
    this.b = chunk;
    this.buf = asBuffer(chunk);
    this.len = chunk.length;
    this.names.clear();
    this.nameSizes.clear();
    this.templates.clear();
    this.poolTop = 0;
  }

  /** Reads the name structure at a chunk offset: u32 next, u16 hash, u16 count, UTF-16, NUL. */
  name(off: number): string {
    const cached = this.names.get(off);
    if (cached !== undefined) return cached;
    if (off < 0 || off + 8 > this.len) throw new EvtxFormatError(`name offset ${off} outside chunk`, off);
    const n = u16(this.b, off + 6);
    if (off + 8 + n * 2 > this.len) throw new EvtxFormatError(`name at ${off} runs past chunk end`, off);
    const s = intern(utf16(this.b, this.buf, off + 8, n, false));
    this.names.set(off, s);
    this.nameSizes.set(off, 8 + n * 2 + 2);
    return s;
  }

  /**
   * Reads a name reference at `p` (u32 chunk offset). When the offset points right after the
   * reference, the name is stored inline and must be skipped. Returns the position after it.
   */
  private nameRef(p: number, end: number, out: { name: string }): number {
    if (p + 4 > end) throw new EvtxFormatError('truncated name reference', p);
    const off = u32(this.b, p);
    p += 4;
    out.name = this.name(off);
    if (off === p) {
      p += this.nameSizes.get(off) as number;
      if (p > end) throw new EvtxFormatError('inline name runs past fragment end', off);
    }
    return p;
  }

  /** Returns the (cached) compiled template whose definition header starts at `off`. */
  template(off: number): Template {
    const hit = this.templates.get(off);
    if (hit) return hit;
    let tpl: Template;
    try {
      if (off < 512 || off + 24 > this.len) throw new EvtxFormatError(`template offset ${off} outside chunk`, off);
      const size = u32(this.b, off + 20);
      const start = off + 24;
      // A definition cut short by the chunk end is parsed as far as it goes (evtx does too).
      const end = Math.min(start + size, this.len);
      const nodes: Node[] = [];
      this.parseContent(start, end, true, 0, nodes, true);
      tpl = { offset: off, nodes, error: undefined };
    } catch (e) {
      if (!(e instanceof EvtxFormatError)) throw e;
      tpl = { offset: off, nodes: [], error: `template at ${off}: ${e.message}` };
    }
    this.templates.set(off, tpl);
    return tpl;
  }

  /**
   * Parses a fragment (record body or nested BinXML value) into `out`.
   * Top level: fragment headers, elements, template instances, PIs, until EOF or `end`.
   */
  parseFragment(start: number, end: number, out: Node[], depth: number): void {
    this.parseContent(start, end, false, depth, out, true);
  }

  private hasDepIdFor(p: number, end: number, preferred: boolean): boolean {
    // Element headers carry a u16 dependency id in template definitions but not in nested
    // BinXML values or elements written directly in a record. When the preferred layout
    // yields an impossible name offset, the other one is tried (damaged/odd producers).
    if (this.plausibleName(p + (preferred ? 6 : 4), end)) return preferred;
    if (this.plausibleName(p + (preferred ? 4 : 6), end)) return !preferred;
    return preferred;
  }

  private plausibleName(q: number, end: number): boolean {
    if (q + 4 > end) return false;
    const off = u32(this.b, q);
    return off >= 128 && off + 8 <= this.len;
  }

  /**
   * Parses content tokens from `p` into `out` until an end-element token (returns the position
   * after it), EOF, or `end`. `topLevel` allows fragment headers and stops at EOF.
   */
  private parseContent(p: number, end: number, inTemplate: boolean, depth: number, out: Node[], topLevel: boolean): number {
    if (depth > MAX_DEPTH) throw new EvtxFormatError('element nesting too deep', p);
    const b = this.b;
    while (p < end) {
      const tok = b[p] as number;
      const base = tok & ~T_MORE;
      switch (base) {
        case T_EOF:
          if (!topLevel) throw new EvtxFormatError('end of stream inside an element', p);
          return p + 1;
        case T_FRAGMENT_HEADER:
          p += 4;
          break;
        case T_OPEN_START:
          p = this.parseElement(p, end, inTemplate, depth, out);
          break;
        case T_END_ELEMENT:
          if (topLevel) throw new EvtxFormatError('unexpected end-element token', p);
          return p + 1;
        case T_VALUE:
        case T_NORMAL_SUB:
        case T_OPTIONAL_SUB:
        case T_CDATA:
        case T_CHARREF:
        case T_ENTITYREF:
          p = this.parsePart(p, end, inTemplate, out);
          break;
        case T_PITARGET: {
          // Processing instructions carry no event data; parsed only to be skipped.
          const tmp = { name: '' };
          p = this.nameRef(p + 1, end, tmp);
          break;
        }
        case T_PIDATA: {
          if (p + 3 > end) throw new EvtxFormatError('truncated PI data', p);
          p += 3 + u16(b, p + 1) * 2;
          break;
        }
        case T_TEMPLATE_INSTANCE:
          p = this.parseInstance(p, end, out);
          break;
        default:
          throw new EvtxFormatError(`invalid BinXML token 0x${tok.toString(16)}`, p);
      }
    }
    if (p > end) throw new EvtxFormatError('token runs past fragment end', end);
    // Running out of bytes inside an element: some producers cut templates short. The
    // content read so far is kept (the element is closed implicitly).
    return p;
  }

  /** Value text, substitution, CDATA, character or entity reference: one text-like part. */
  private parsePart(p: number, end: number, inTemplate: boolean, out: Node[]): number {
    const b = this.b;
    const base = (b[p] as number) & ~T_MORE;
    switch (base) {
      case T_VALUE: {
        if (p + 2 > end) throw new EvtxFormatError('truncated value token', p);
        const t = b[p + 1] as number;
        if (t === VT_STRING) {
          if (p + 4 > end) throw new EvtxFormatError('truncated value text', p);
          const n = u16(b, p + 2);
          const q = p + 4 + n * 2;
          if (q > end) throw new EvtxFormatError('value text runs past fragment end', p);
          out.push({ kind: K_TEXT, text: utf16(b, this.buf, p + 4, n, false) });
          return q;
        }
        // Value tokens outside strings are rare; fixed-size types only (size is implicit).
        const size = fixedSize(t);
        if (size < 0 || p + 2 + size > end) throw new EvtxFormatError(`unsupported value token type 0x${t.toString(16)}`, p);
        out.push({ kind: K_TEXT, text: valueText(decodeValue(b, this.buf, p + 2, size, t)) });
        return p + 2 + size;
      }
      case T_NORMAL_SUB:
      case T_OPTIONAL_SUB: {
        if (p + 4 > end) throw new EvtxFormatError('truncated substitution', p);
        if (!inTemplate) throw new EvtxFormatError('substitution outside a template', p);
        out.push({ kind: K_SUB, index: u16(b, p + 1), optional: base === T_OPTIONAL_SUB });
        return p + 4;
      }
      case T_CDATA: {
        if (p + 3 > end) throw new EvtxFormatError('truncated CDATA', p);
        const n = u16(b, p + 1);
        const q = p + 3 + n * 2;
        if (q > end) throw new EvtxFormatError('CDATA runs past fragment end', p);
        out.push({ kind: K_TEXT, text: utf16(b, this.buf, p + 3, n, false) });
        return q;
      }
      case T_CHARREF: {
        if (p + 3 > end) throw new EvtxFormatError('truncated character reference', p);
        const c = u16(b, p + 1);
        out.push({ kind: K_TEXT, text: String.fromCharCode(c) });
        return p + 3;
      }
      default: {
        // Entity reference: a name; the five XML entities are decoded, others kept as &name;.
        const tmp = { name: '' };
        const q = this.nameRef(p + 1, end, tmp);
        out.push({ kind: K_TEXT, text: ENTITIES[tmp.name] ?? `&${tmp.name};` });
        return q;
      }
    }
  }

  private parseElement(p: number, end: number, inTemplate: boolean, depth: number, out: Node[]): number {
    const b = this.b;
    const tok = b[p] as number;
    const dep = this.hasDepIdFor(p + 1, end, inTemplate);
    p += dep ? 3 : 1;
    if (p + 4 > end) throw new EvtxFormatError('truncated element start', p);
    p += 4; // data size: not trusted, the tokens delimit the element
    const tmp = { name: '' };
    p = this.nameRef(p, end, tmp);
    if (tok & T_MORE) {
      if (p + 4 > end) throw new EvtxFormatError('truncated attribute list', p);
      p += 4;
    }
    const el: ElementNode = {
      kind: K_ELEMENT, name: tmp.name, tag: tagOf(tmp.name), staticName: undefined, nameAttr: undefined,
      attrs: [], children: [], hasElementChild: false, hasSub: false,
    };
    out.push(el);
    // Attributes: each is a name followed by text-like parts, until a close token.
    while (p < end && ((b[p] as number) & ~T_MORE) === T_ATTRIBUTE) {
      p = this.nameRef(p + 1, end, tmp);
      const parts: Node[] = [];
      while (p < end && isPartToken(b[p] as number)) p = this.parsePart(p, end, inTemplate, parts);
      const attr: AttrNode = { name: tmp.name, key: attrKey(el.name, tmp.name), parts };
      el.attrs.push(attr);
      if (tmp.name === 'Name') {
        const only = parts.length === 1 ? parts[0] : undefined;
        if (only?.kind === K_TEXT) el.staticName = only.text;
        else if (parts.length === 0) el.staticName = '';
        else el.nameAttr = attr;
      }
    }
    if (p >= end) return p; // cut short: keep what was read
    const close = b[p] as number;
    if (close === T_CLOSE_EMPTY) return p + 1;
    if (close !== T_CLOSE_START) throw new EvtxFormatError(`expected close of element <${el.name}>, got 0x${close.toString(16)}`, p);
    p = this.parseContent(p + 1, end, inTemplate, depth + 1, el.children, false);
    for (const c of el.children) {
      if (c.kind === K_ELEMENT || c.kind === K_INSTANCE) el.hasElementChild = true;
      else if (c.kind === K_SUB) el.hasSub = true;
    }
    return p;
  }

  /**
   * Template instance: u8 unknown, u32 template id, u32 definition offset, [inline definition],
   * u32 value count, count x (u16 size, u8 type, u8 pad), then the values back to back.
   */
  private parseInstance(p: number, end: number, out: Node[]): number {
    const b = this.b;
    if (p + 10 > end) throw new EvtxFormatError('truncated template instance', p);
    const defOff = u32(b, p + 6);
    p += 10;
    if (defOff === p) {
      // The definition is stored inline (first use in this chunk): skip over it.
      if (p + 24 > end) throw new EvtxFormatError('truncated inline template definition', p);
      p += 24 + u32(b, p + 20);
      if (p > end) throw new EvtxFormatError('inline template definition runs past record end', p);
    }
    const template = this.template(defOff);
    if (p + 4 > end) throw new EvtxFormatError('truncated template value count', p);
    const count = u32(b, p);
    p += 4;
    if (count > (end - p) / 4) throw new EvtxFormatError(`template value count ${count} exceeds record`, p);
    const base = this.poolTop;
    if (base + count > POOL_SIZE) throw new EvtxFormatError('too many substitution values', p);
    let v = p + count * 4;
    for (let i = 0; i < count; i++) {
      const d = p + i * 4;
      const size = u16(b, d);
      const type = b[d + 2] as number;
      if (!isKnownValueType(type)) throw new EvtxFormatError(`invalid value type 0x${type.toString(16)} in substitution ${i}`, d);
      this.poolType[base + i] = type;
      this.poolOff[base + i] = v;
      this.poolSize[base + i] = size;
      v += size;
    }
    if (v > end) throw new EvtxFormatError('substitution values run past record end', p);
    this.poolTop = base + count;
    out.push({ kind: K_INSTANCE, template, scope: { base, count } });
    return v;
  }
}

function isPartToken(t: number): boolean {
  const base = t & ~T_MORE;
  return (
    base === T_VALUE || base === T_NORMAL_SUB || base === T_OPTIONAL_SUB || base === T_CHARREF ||
    base === T_ENTITYREF || base === T_CDATA
  );
}

function fixedSize(t: number): number {
  switch (t) {
    case 0x00:
      return 0;
    case 0x03:
    case 0x04:
      return 1;
    case 0x05:
    case 0x06:
      return 2;
    case 0x07:
    case 0x08:
    case 0x0b:
    case 0x0d:
    case 0x14:
      return 4;
    case 0x09:
    case 0x0a:
    case 0x0c:
    case 0x11:
    case 0x15:
      return 8;
    case 0x0f:
    case 0x12:
      return 16;
    default:
      return -1;
  }
}
