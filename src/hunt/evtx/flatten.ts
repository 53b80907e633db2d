/**
 * Turns a compiled BinXML tree plus its substitution values into the flat maps of EventRecord:
 *
 * - `system`: each child of <System> by element name (`EventID`, `Channel`, `Computer`, …);
 *   each non-empty attribute as `<Element>_<Attribute>` (`Provider_Name`, `Provider_Guid`,
 *   `TimeCreated_SystemTime`, `Execution_ProcessID`, `Security_UserID`, `EventID_Qualifiers`).
 *   An element with neither text nor non-empty attributes is null (`Correlation: null`).
 * - `data`: <EventData>'s <Data Name="X">v</Data> as X -> v (an empty Data is ""); other
 *   children (e.g. <Binary>) by element name; unnamed <Data> values under the key "Data"
 *   (one value, or an array when several), which is evtx_dump's `Data: {"#text": …}` unwrapped.
 *   <UserData> (and other Event children such as ProcessingErrorData) are flattened to their
 *   leaf elements, name -> value; attributes other than xmlns as `<Element>_<Attribute>`.
 *   A repeated key gets a `_1`, `_2`, … suffix, as evtx_dump does for repeated siblings.
 *
 * Values are typed as evtx_dump renders them: a content made of a single substitution keeps
 * its type (number, boolean, array); mixed content is concatenated text.
 */
import type { EventValue } from '../record.ts';
import { EvtxFormatError } from './bytes.ts';
import type { ChunkContext, ElementNode, Node, Scope } from './binxml.ts';
import { MAX_INTERNED_LENGTH } from './binxml.ts';
import { K_ELEMENT, K_INSTANCE, K_SUB, K_TEXT, MAX_EXPANSION_DEPTH, TAG_DATA, TAG_EVENT, TAG_EVENTDATA, TAG_RENDERING, TAG_SYSTEM } from './binxml.ts';
import { decodeValue, valueText, VT_BINXML, VT_NULL } from './values.ts';

const M_ROOT = 0;
const M_EVENT = 1;
const M_SYSTEM = 2;
const M_EVENTDATA = 3;
const M_FLAT = 4;

/** Elements visited per record; beyond this a (damaged, self-referencing) record is dropped. */
const MAX_VISITS = 50_000;

/**
 * Shapes: the key sequences of built objects, as a trie shared by every walk. A record's
 * `system` and `data` keys are collected first (with the same duplicate rules as plain
 * assignment), then the object is made in one go. A key sequence met often gets a compiled
 * object-literal factory: V8 turns objects grown key by key through computed names into slow
 * dictionaries past a dozen properties, which was the single largest cost of a record; a
 * literal makes a fast object of the right size at once. The result is the same object (same
 * own keys in the same order, same values); only its internal layout differs.
 */
class Shape {
  /** Child shapes, by the key they add (never a key already on the path). */
  children: Map<string, Shape> | undefined = undefined;
  /** The last key looked up here and what it gave: records of one template repeat one path. */
  lastKey: string | undefined = undefined;
  lastFound: number | Shape | undefined = undefined;
  hits = 0;
  make: ((v: EventValue[]) => Record<string, EventValue>) | undefined;

  /** `depth` keys on the path from the root; `key` is the last one (position depth - 1). */
  constructor(readonly parent: Shape | undefined, readonly key: string, readonly depth: number) {}

}

/** The position of `key` on the path to `shape`, else the child shape that adds it (if any). */
function lookup(shape: Shape, key: string): number | Shape | undefined {
  for (let s = shape; s.parent !== undefined; s = s.parent) if (s.key === key) return s.depth - 1;
  return shape.children?.get(key);
}

function shapeKeys(shape: Shape): string[] {
  const keys = new Array<string>(shape.depth);
  for (let s = shape; s.parent !== undefined; s = s.parent) keys[s.depth - 1] = s.key;
  return keys;
}

/** Key -> position, for the keys of a shape. */
function shapeIndex(shape: Shape): Map<string, number> {
  const m = new Map<string, number>();
  const keys = shapeKeys(shape);
  for (let i = 0; i < keys.length; i++) m.set(keys[i] as string, i);
  return m;
}

/** Keys per shape; an object with more is built key by key (damaged data, huge UserData). */
const MAX_SHAPE_KEYS = 64;
/** Shape nodes in all; past this the trie starts over (bounds memory on damaged input). */
const MAX_SHAPES = 16384;
/** Objects of one shape built key by key before its factory is compiled. */
const FACTORY_AFTER = 8;

let shapeCount = 0;
let systemRoot = new Shape(undefined, '', 0);
let dataRoot = new Shape(undefined, '', 0);

function newShape(parent: Shape, key: string): Shape {
  if (++shapeCount > MAX_SHAPES) {
    // Start over; the walk in progress keeps its (now detached) path, which is still correct.
    shapeCount = 1;
    systemRoot = new Shape(undefined, '', 0);
    dataRoot = new Shape(undefined, '', 0);
  }
  const s = new Shape(parent, key, parent.depth + 1);
  (parent.children ??= new Map()).set(key, s);
  return s;
}

function compileFactory(keys: readonly string[]): (v: EventValue[]) => Record<string, EventValue> {
  // Keys are quoted by JSON.stringify (a valid JS string literal); "__proto__" must be a
  // computed key, or the literal would set the prototype instead of an own property.
  let body = '';
  for (let i = 0; i < keys.length; i++) {
    const k = keys[i] as string;
    body += (i > 0 ? ',' : '') + (k === '__proto__' ? '["__proto__"]' : JSON.stringify(k)) + ':v[' + i + ']';
  }
  return new Function('v', `return {${body}};`) as (v: EventValue[]) => Record<string, EventValue>;
}

/** Collects one object's keys and values, then builds it. */
class ObjectBuilder {
  private shape: Shape;
  /** Set once the key sequence left the trie (too many keys): key -> position. */
  private loose: Map<string, number> | undefined;
  private readonly keys: string[] = [];
  private readonly vals: EventValue[] = [];
  private n = 0;
  /** Next free suffix per key, per record (shared with the nested builders of textOf). */
  suffixes: Map<string, number> | undefined;

  constructor(private readonly system: boolean, private readonly shared: boolean) {
    this.shape = this.root();
  }

  private root(): Shape {
    return this.system ? systemRoot : dataRoot;
  }

  reset(): void {
    this.shape = this.root();
    this.loose = this.shared ? undefined : new Map();
    this.n = 0;
    this.suffixes = undefined;
  }

  /** The position of `key`, or the shape that adds it (undefined when none yet or loose). */
  private find(key: string): number | Shape | undefined {
    if (this.loose !== undefined) return this.loose.get(key);
    const shape = this.shape;
    if (shape.lastKey === key) return shape.lastFound;
    const f = lookup(shape, key);
    if (f !== undefined) {
      shape.lastKey = key;
      shape.lastFound = f;
    }
    return f;
  }

  private append(key: string, v: EventValue, next: Shape | undefined): void {
    const n = this.n;
    this.keys[n] = key;
    this.vals[n] = v;
    this.n = n + 1;
    if (this.loose !== undefined) {
      this.loose.set(key, n);
      return;
    }
    if (n >= MAX_SHAPE_KEYS || key.length > MAX_INTERNED_LENGTH) {
      this.loose = shapeIndex(this.shape);
      this.loose.set(key, n);
      return;
    }
    this.shape = next ?? newShape(this.shape, key);
  }

  /** Plain assignment: a key already present keeps its place and takes the new value. */
  set(key: string, v: EventValue): void {
    const f = this.find(key);
    if (typeof f === 'number') this.vals[f] = v;
    else this.append(key, v, f);
  }

  /** Sets `key`, or `key_1`, `key_2`, … when the key is already taken. */
  put(key: string, v: EventValue): void {
    const f = this.find(key);
    if (typeof f !== 'number') {
      this.append(key, v, f);
      return;
    }
    // The next free suffix per key is remembered: damaged data can repeat one name thousands
    // of times, and probing key_1, key_2, … from 1 each time made that quadratic.
    const suffixes = (this.suffixes ??= new Map());
    for (let i = suffixes.get(key) ?? 1; ; i++) {
      const k = key + '_' + i;
      const g = this.find(k);
      if (typeof g !== 'number') {
        this.append(k, v, g);
        suffixes.set(key, i + 1);
        return;
      }
    }
  }

  /** The object: same own keys in the same order, same values, as assigning them one by one. */
  build(): Record<string, EventValue> {
    const n = this.n;
    if (this.loose === undefined) {
      const shape = this.shape;
      if (shape.make !== undefined) return shape.make(this.vals);
      if (++shape.hits >= FACTORY_AFTER) {
        shape.make = compileFactory(shapeKeys(shape));
        return shape.make(this.vals);
      }
    }
    const o: Record<string, EventValue> = {};
    for (let i = 0; i < n; i++) setOwn(o, this.keys[i] as string, this.vals[i] as EventValue);
    return o;
  }
}

export class Flattener {
  system: Record<string, EventValue> = {};
  data: Record<string, EventValue> = {};
  private readonly sys = new ObjectBuilder(true, true);
  private out = new ObjectBuilder(false, true);
  private readonly unnamed: EventValue[] = [];
  private visits = 0;

  constructor(private readonly ctx: ChunkContext) {}

  /** Flattens one record's top-level nodes; results are in `system` and `data`. */
  run(nodes: readonly Node[]): void {
    this.sys.reset();
    this.out.reset();
    this.unnamed.length = 0;
    this.visits = 0;
    this.visitNodes(nodes, EMPTY_SCOPE, M_ROOT, 0);
    this.system = this.sys.build();
    this.data = this.out.build();
  }

  /** Visits the element children of `nodes`, expanding template instances and BinXML values. */
  private visitNodes(nodes: readonly Node[], scope: Scope, mode: number, depth: number): void {
    for (let i = 0; i < nodes.length; i++) {
      const n = nodes[i] as Node;
      if (n.kind === K_ELEMENT) {
        this.visitElement(n, scope, mode, depth);
      } else if (n.kind === K_INSTANCE) {
        if (n.template.error !== undefined) throw new EvtxFormatError(n.template.error);
        if (depth >= MAX_EXPANSION_DEPTH) throw new EvtxFormatError('template instances nested too deep');
        this.visitNodes(n.template.nodes, n.scope, mode, depth + 1);
      } else if (n.kind === K_SUB) {
        const k = n.index;
        if (k < scope.count && this.ctx.poolType[scope.base + k] === VT_BINXML) this.expandBinXml(scope.base + k, mode, depth);
      }
    }
  }

  /** A substitution value of type BinXML is a nested fragment: its elements join the parent. */
  private expandBinXml(slot: number, mode: number, depth: number): void {
    if (depth >= MAX_EXPANSION_DEPTH) throw new EvtxFormatError('BinXML values nested too deep');
    const ctx = this.ctx;
    const off = ctx.poolOff[slot] as number;
    const size = ctx.poolSize[slot] as number;
    if (size === 0) return;
    const nodes: Node[] = [];
    ctx.parseFragment(off, off + size, nodes, 0);
    this.visitNodes(nodes, EMPTY_SCOPE, mode, depth + 1);
  }

  private visitElement(el: ElementNode, scope: Scope, mode: number, depth: number): void {
    if (++this.visits > MAX_VISITS) throw new EvtxFormatError('record expands to too many elements');
    switch (mode) {
      case M_ROOT:
        // The root is <Event>; a fragment without it (rare) is still flattened as data.
        this.visitNodes(el.children, scope, el.tag === TAG_EVENT ? M_EVENT : M_FLAT, depth);
        return;
      case M_EVENT:
        if (el.tag === TAG_SYSTEM) this.visitNodes(el.children, scope, M_SYSTEM, depth);
        else if (el.tag === TAG_EVENTDATA) this.eventData(el, scope, depth);
        else if (el.tag === TAG_RENDERING) return; // localized text added by forwarding; not event data
        else this.visitNodes(el.children, scope, M_FLAT, depth);
        return;
      case M_SYSTEM:
        this.systemField(el, scope, depth);
        return;
      case M_EVENTDATA:
        this.eventDataChild(el, scope, depth);
        return;
      default:
        this.flatLeaf(el, scope, depth);
    }
  }

  private eventData(el: ElementNode, scope: Scope, depth: number): void {
    const before = this.unnamed.length;
    this.visitNodes(el.children, scope, M_EVENTDATA, depth);
    const n = this.unnamed.length - before;
    if (n > 0) {
      const vals = this.unnamed.slice(before);
      this.unnamed.length = before;
      this.out.put('Data', n === 1 ? (vals[0] as EventValue) : vals);
    }
  }

  private systemField(el: ElementNode, scope: Scope, depth: number): void {
    let anyAttr = false;
    for (const a of el.attrs) {
      const v = this.content(a.parts, scope, null);
      if (v === null || v === '') continue;
      this.sys.set(a.key, v);
      anyAttr = true;
    }
    if (this.elementChildren(el, scope)) {
      this.visitNodes(el.children, scope, M_SYSTEM, depth);
      return;
    }
    const v = this.content(el.children, scope, null);
    if (v !== null || !anyAttr) this.sys.set(el.name, v);
  }

  private eventDataChild(el: ElementNode, scope: Scope, depth: number): void {
    if (el.tag === TAG_DATA) {
      const nameAttr = this.dataName(el, scope);
      if (nameAttr === '') {
        this.unnamed.push(this.elementChildren(el, scope) ? this.textOf(el, scope, depth) : this.content(el.children, scope, ''));
        return;
      }
      if (this.elementChildren(el, scope)) this.visitNodes(el.children, scope, M_FLAT, depth);
      else this.out.put(nameAttr, this.content(el.children, scope, ''));
      return;
    }
    this.flatLeaf(el, scope, depth);
  }

  private flatLeaf(el: ElementNode, scope: Scope, depth: number): void {
    for (const a of el.attrs) {
      if (a.name === 'xmlns' || a.name.startsWith('xmlns:') || (el.tag === TAG_DATA && a.name === 'Name')) continue;
      const v = this.content(a.parts, scope, null);
      if (v === null || v === '') continue;
      this.out.put(a.key, v);
    }
    if (this.elementChildren(el, scope)) {
      this.visitNodes(el.children, scope, M_FLAT, depth);
      return;
    }
    if (el.tag === TAG_DATA) {
      const key = this.dataName(el, scope);
      this.out.put(key === '' ? 'Data' : key, this.content(el.children, scope, ''));
      return;
    }
    this.out.put(el.name, this.content(el.children, scope, null));
  }

  /** True when the element has element children, statically or through a BinXML value. */
  private elementChildren(el: ElementNode, scope: Scope): boolean {
    if (el.hasElementChild) return true;
    if (!el.hasSub) return false;
    const pool = this.ctx.poolType;
    for (const c of el.children) {
      if (c.kind === K_SUB && c.index < scope.count && pool[scope.base + c.index] === VT_BINXML && (this.ctx.poolSize[scope.base + c.index] as number) > 0) return true;
    }
    return false;
  }

  /** The Name attribute's text ("" when absent or empty). */
  private dataName(el: ElementNode, scope: Scope): string {
    if (el.staticName !== undefined) return el.staticName;
    if (el.nameAttr === undefined) return '';
    return valueText(this.content(el.nameAttr.parts, scope, ''));
  }

  /** Concatenated leaf text of an element that has element children (for unnamed Data). */
  private textOf(el: ElementNode, scope: Scope, depth: number): string {
    const saved = this.out;
    this.out = new ObjectBuilder(false, false);
    this.out.reset();
    // One suffix memory per record, as when this used a scratch object beside `data`.
    this.out.suffixes = saved.suffixes ??= new Map();
    try {
      this.visitNodes(el.children, scope, M_FLAT, depth);
      return Object.values(this.out.build()).map(valueText).join(' ');
    } finally {
      this.out = saved;
    }
  }

  /**
   * Value of a content list (element children or attribute parts): a single substitution
   * keeps its type; several parts are concatenated; nothing at all gives `empty`.
   */
  content(parts: readonly Node[], scope: Scope, empty: EventValue): EventValue {
    let single: EventValue = null;
    let count = 0;
    let text = '';
    const ctx = this.ctx;
    for (let i = 0; i < parts.length; i++) {
      const p = parts[i] as Node;
      let v: EventValue;
      if (p.kind === K_TEXT) {
        if (p.text === '') continue;
        v = p.text;
      } else if (p.kind === K_SUB) {
        if (p.index >= scope.count) continue;
        const slot = scope.base + p.index;
        const t = ctx.poolType[slot] as number;
        const size = ctx.poolSize[slot] as number;
        if (t === VT_NULL || t === VT_BINXML || size === 0) continue;
        v = decodeValue(ctx.b, ctx.buf, ctx.poolOff[slot] as number, size, t);
        if (v === null || v === '') continue;
      } else {
        continue;
      }
      count++;
      if (count === 1) {
        single = v;
      } else {
        if (count === 2) text = valueText(single);
        text += valueText(v);
      }
    }
    if (count === 0) return empty;
    if (count === 1) return single;
    return text;
  }
}

const EMPTY_SCOPE: Scope = { base: 0, count: 0 };

/** Plain assignment, except for "__proto__", which would replace the object's prototype. */
function setOwn(target: Record<string, EventValue>, key: string, v: EventValue): void {
  if (key === '__proto__') Object.defineProperty(target, key, { value: v, writable: true, enumerable: true, configurable: true });
  else target[key] = v;
}
