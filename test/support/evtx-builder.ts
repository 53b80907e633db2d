/**
 * Builds small EVTX files byte by byte for tests: file header, chunks with valid CRCs, records
 * whose BinXML is a template instance (inline or referenced definition) with typed values.
 * Test support only; the layout follows the format notes in docs/evtx.md.
 */
import { crc32 } from '../../src/hunt/evtx/bytes.ts';

export type TplNode =
  | { readonly el: string; readonly attrs?: readonly TplAttr[]; readonly children?: readonly TplNode[] }
  | { readonly text: string }
  | { readonly sub: number; readonly type: number; readonly optional?: boolean };

export interface TplAttr {
  readonly name: string;
  readonly value: readonly TplNode[];
}

export interface Value {
  readonly type: number;
  readonly bytes: Uint8Array;
}

export const el = (name: string, attrs: readonly TplAttr[] = [], children: readonly TplNode[] = []): TplNode => ({ el: name, attrs, children });
export const text = (t: string): TplNode => ({ text: t });
export const sub = (index: number, type: number, optional = false): TplNode => ({ sub: index, type, optional });
export const attr = (name: string, ...value: TplNode[]): TplAttr => ({ name, value });

/** Growable little-endian byte writer. */
export class Bytes {
  buf = new Uint8Array(1024);
  len = 0;

  private room(n: number): void {
    if (this.len + n <= this.buf.length) return;
    let size = this.buf.length * 2;
    while (size < this.len + n) size *= 2;
    const next = new Uint8Array(size);
    next.set(this.buf.subarray(0, this.len));
    this.buf = next;
  }

  u8(v: number): this {
    this.room(1);
    this.buf[this.len++] = v & 0xff;
    return this;
  }

  u16(v: number): this {
    return this.u8(v).u8(v >>> 8);
  }

  u32(v: number): this {
    return this.u16(v & 0xffff).u16(v >>> 16);
  }

  u64(v: number | bigint): this {
    const b = BigInt(v);
    return this.u32(Number(b & 0xffffffffn)).u32(Number((b >> 32n) & 0xffffffffn));
  }

  bytes(b: Uint8Array): this {
    this.room(b.length);
    this.buf.set(b, this.len);
    this.len += b.length;
    return this;
  }

  utf16(s: string): this {
    for (let i = 0; i < s.length; i++) this.u16(s.charCodeAt(i));
    return this;
  }

  patch32(at: number, v: number): void {
    this.buf[at] = v & 0xff;
    this.buf[at + 1] = (v >>> 8) & 0xff;
    this.buf[at + 2] = (v >>> 16) & 0xff;
    this.buf[at + 3] = (v >>> 24) & 0xff;
  }

  done(): Uint8Array {
    return this.buf.slice(0, this.len);
  }
}

// Value encoders -------------------------------------------------------------------------

const le = (n: number, size: number): Uint8Array => {
  const w = new Bytes();
  if (size === 1) w.u8(n);
  else if (size === 2) w.u16(n);
  else w.u32(n);
  return w.done();
};

export const v = {
  str: (s: string): Value => ({ type: 0x01, bytes: new Bytes().utf16(s).u16(0).done() }),
  ansi: (s: string): Value => ({ type: 0x02, bytes: Uint8Array.from([...s].map((c) => c.charCodeAt(0)).concat(0)) }),
  i8: (n: number): Value => ({ type: 0x03, bytes: le(n, 1) }),
  u8: (n: number): Value => ({ type: 0x04, bytes: le(n, 1) }),
  i16: (n: number): Value => ({ type: 0x05, bytes: le(n, 2) }),
  u16: (n: number): Value => ({ type: 0x06, bytes: le(n, 2) }),
  i32: (n: number): Value => ({ type: 0x07, bytes: le(n, 4) }),
  u32: (n: number): Value => ({ type: 0x08, bytes: le(n, 4) }),
  i64: (n: bigint): Value => ({ type: 0x09, bytes: new Bytes().u64(BigInt.asUintN(64, n)).done() }),
  u64: (n: bigint): Value => ({ type: 0x0a, bytes: new Bytes().u64(n).done() }),
  f32: (n: number): Value => {
    const b = new Uint8Array(4);
    new DataView(b.buffer).setFloat32(0, n, true);
    return { type: 0x0b, bytes: b };
  },
  f64: (n: number): Value => {
    const b = new Uint8Array(8);
    new DataView(b.buffer).setFloat64(0, n, true);
    return { type: 0x0c, bytes: b };
  },
  bool: (raw: number): Value => ({ type: 0x0d, bytes: le(raw, 4) }),
  bin: (b: number[]): Value => ({ type: 0x0e, bytes: Uint8Array.from(b) }),
  guid: (b: number[]): Value => ({ type: 0x0f, bytes: Uint8Array.from(b) }),
  sizet64: (n: bigint): Value => ({ type: 0x10, bytes: new Bytes().u64(n).done() }),
  filetime: (ticks: bigint): Value => ({ type: 0x11, bytes: new Bytes().u64(ticks).done() }),
  systime: (y: number, mo: number, d: number, h: number, mi: number, s: number, ms: number): Value => ({
    type: 0x12,
    bytes: new Bytes().u16(y).u16(mo).u16(0).u16(d).u16(h).u16(mi).u16(s).u16(ms).done(),
  }),
  sid: (rev: number, auth: number, subs: number[]): Value => {
    const w = new Bytes().u8(rev).u8(subs.length);
    for (let i = 5; i >= 0; i--) w.u8(Math.floor(auth / 2 ** (8 * i)) & 0xff);
    for (const s of subs) w.u32(s);
    return { type: 0x13, bytes: w.done() };
  },
  hex32: (n: number): Value => ({ type: 0x14, bytes: le(n, 4) }),
  hex64: (n: bigint): Value => ({ type: 0x15, bytes: new Bytes().u64(n).done() }),
  strArray: (items: string[]): Value => {
    const w = new Bytes();
    for (const s of items) w.utf16(s).u16(0);
    return { type: 0x81, bytes: w.done() };
  },
  u16Array: (items: number[]): Value => {
    const w = new Bytes();
    for (const n of items) w.u16(n);
    return { type: 0x86, bytes: w.done() };
  },
  null: (): Value => ({ type: 0x00, bytes: new Uint8Array(0) }),
  raw: (type: number, bytes: Uint8Array): Value => ({ type, bytes }),
};

// BinXML ----------------------------------------------------------------------------------

/** Writes BinXML into a chunk-positioned writer (names inline, chunk-relative offsets). */
export class BinXmlWriter {
  constructor(
    readonly w: Bytes,
    /** Chunk offset of w's byte 0. */
    readonly base: number,
  ) {}

  pos(): number {
    return this.base + this.w.len;
  }

  private name(n: string): void {
    // Inline name: the offset points right after itself.
    this.w.u32(this.pos() + 4);
    this.w.u32(0).u16(0).u16(n.length).utf16(n).u16(0);
  }

  node(n: TplNode, depId: boolean): void {
    if ('text' in n) {
      this.w.u8(0x05).u8(0x01).u16(n.text.length).utf16(n.text);
      return;
    }
    if ('sub' in n) {
      this.w.u8(n.optional ? 0x0e : 0x0d).u16(n.sub).u8(n.type);
      return;
    }
    const attrs = n.attrs ?? [];
    const children = n.children ?? [];
    this.w.u8(attrs.length > 0 ? 0x41 : 0x01);
    if (depId) this.w.u16(0xffff);
    const sizeAt = this.w.len;
    this.w.u32(0);
    this.name(n.el);
    let listAt = -1;
    if (attrs.length > 0) {
      listAt = this.w.len;
      this.w.u32(0);
    }
    attrs.forEach((a, i) => {
      this.w.u8(i < attrs.length - 1 ? 0x46 : 0x06);
      this.name(a.name);
      for (const p of a.value) this.node(p, depId);
    });
    if (listAt >= 0) this.w.patch32(listAt, this.w.len - listAt - 4);
    if (children.length === 0) {
      this.w.u8(0x03);
    } else {
      this.w.u8(0x02);
      for (const c of children) this.node(c, depId);
      this.w.u8(0x04);
    }
    this.w.patch32(sizeAt, this.w.len - sizeAt - 4);
  }

  /** A template instance; the definition is written inline unless `defOffset` is given. */
  instance(root: TplNode, values: readonly Value[], defOffset?: number): number {
    this.w.u8(0x0c).u8(0x01).u32(0x1234);
    const inline = defOffset === undefined;
    const off = inline ? this.pos() + 4 : defOffset;
    this.w.u32(off);
    if (inline) {
      this.w.u32(0).bytes(new Uint8Array(16).fill(0xab));
      const sizeAt = this.w.len;
      this.w.u32(0);
      this.w.u8(0x0f).u8(1).u8(1).u8(0);
      this.node(root, true);
      this.w.u8(0x00);
      this.w.patch32(sizeAt, this.w.len - sizeAt - 4);
    }
    this.w.u32(values.length);
    for (const val of values) this.w.u16(val.bytes.length).u8(val.type).u8(0);
    for (const val of values) this.w.bytes(val.bytes);
    return off;
  }
}

// Records, chunks, files ------------------------------------------------------------------

export interface RecordSpec {
  readonly id: number;
  /** FILETIME ticks of the record header. */
  readonly written?: bigint;
  /** Writes the record's BinXML; returns nothing. */
  readonly body: (x: BinXmlWriter) => void;
}

export const CHUNK_SIZE = 65536;

/** Builds one 64 KiB chunk with valid header and records CRC32s. */
export function buildChunk(records: readonly RecordSpec[], opts: { flags?: number } = {}): { bytes: Uint8Array; offsets: number[] } {
  const w = new Bytes();
  w.bytes(new Uint8Array(512));
  const offsets: number[] = [];
  let lastOff = 512;
  for (const r of records) {
    const start = w.len;
    offsets.push(start);
    lastOff = start;
    w.u32(0x00002a2a).u32(0).u64(r.id).u64(r.written ?? 132_000_000_000_000_000n);
    r.body(new BinXmlWriter(w, 0));
    const size = w.len - start + 4;
    w.u32(size);
    w.patch32(start + 4, size);
    if (w.len > CHUNK_SIZE) throw new Error('records do not fit in one chunk');
  }
  const free = w.len;
  const out = new Uint8Array(CHUNK_SIZE);
  out.set(w.done());
  const h = new Bytes();
  h.bytes(new TextEncoder().encode('ElfChnk\0'));
  const first = records[0]?.id ?? 0;
  const last = records[records.length - 1]?.id ?? 0;
  h.u64(first).u64(last).u64(first).u64(last);
  h.u32(128).u32(lastOff).u32(free).u32(crc32(out, 512, free));
  out.set(h.done(), 0);
  const view = new DataView(out.buffer);
  view.setUint32(120, opts.flags ?? 0, true);
  view.setUint32(124, crc32(out, 128, 512, crc32(out, 0, 120)), true);
  return { bytes: out, offsets };
}

/** Rewrites a chunk's CRCs after a test modified it. */
export function fixChunkCrcs(chunk: Uint8Array): void {
  const view = new DataView(chunk.buffer, chunk.byteOffset, chunk.byteLength);
  const free = view.getUint32(48, true);
  view.setUint32(52, crc32(chunk, 512, Math.min(free, chunk.length)), true);
  view.setUint32(124, crc32(chunk, 128, 512, crc32(chunk, 0, 120)), true);
}

/** A file: 4 KiB header (claiming `headerChunks` chunks, default the real count) then chunks. */
export function buildFile(chunks: readonly Uint8Array[], opts: { headerChunks?: number } = {}): Uint8Array {
  const out = new Uint8Array(4096 + chunks.length * CHUNK_SIZE);
  const h = new Bytes();
  h.bytes(new TextEncoder().encode('ElfFile\0'));
  h.u64(0).u64(Math.max(0, chunks.length - 1)).u64(1000).u32(128).u16(1).u16(3).u16(4096).u16(opts.headerChunks ?? chunks.length);
  out.set(h.done(), 0);
  const view = new DataView(out.buffer);
  view.setUint32(124, crc32(out, 0, 120), true);
  chunks.forEach((c, i) => out.set(c, 4096 + i * CHUNK_SIZE));
  return out;
}

/** A typical Security-like event template: System fields then named EventData. */
export function standardEvent(dataNames: readonly string[], dataTypes: readonly number[]): TplNode {
  const sys = el('System', [], [
    el('Provider', [attr('Name', sub(0, 0x01)), attr('Guid', sub(1, 0x0f))]),
    el('EventID', [], [sub(2, 0x06)]),
    el('Level', [], [sub(3, 0x04)]),
    el('TimeCreated', [attr('SystemTime', sub(4, 0x11))]),
    el('EventRecordID', [], [sub(5, 0x0a)]),
    el('Correlation', [attr('ActivityID', sub(6, 0x0f, true))]),
    el('Channel', [], [text('Security')]),
    el('Computer', [], [sub(7, 0x01)]),
    el('Security', [attr('UserID', sub(8, 0x13, true))]),
  ]);
  const data = el('EventData', [], dataNames.map((n, i) => el('Data', [attr('Name', text(n))], [sub(9 + i, dataTypes[i] ?? 0x01)])));
  return el('Event', [attr('xmlns', text('http://schemas.microsoft.com/win/2004/08/events/event'))], [sys, data]);
}

/** System values for standardEvent (9 values), then the data values follow. */
export function standardSystemValues(eventId: number, recordId: number, computer = 'WS042.hospital.local'): Value[] {
  return [
    v.str('Microsoft-Windows-Security-Auditing'),
    v.guid([0x25, 0x54, 0x84, 0x54, 0xb8, 0x6b, 0x5a, 0x49, 0xa5, 0xba, 0x3e, 0x3b, 0x0d, 0x30, 0x1a, 0x3e]),
    v.u16(eventId),
    v.u8(0),
    v.filetime(132_000_000_000_000_000n + BigInt(recordId) * 10_000_000n),
    v.u64(BigInt(recordId)),
    v.null(),
    v.str(computer),
    v.null(),
  ];
}
