/**
 * BinXML value types and their rendering. Rendering follows evtx_dump's JSON output so that
 * Sigma rules written against evtx_dump/Hayabusa output match our records:
 * integers and booleans as JSON numbers/booleans, hex32/hex64/size_t as "0x…" lower-case,
 * FILETIME/SYSTEMTIME as "YYYY-MM-DDTHH:MM:SS.ffffffZ", GUID upper-case without braces,
 * SID as "S-1-5-…", binary as upper-case hex, arrays as JSON arrays.
 */
import type { EventValue } from '../record.ts';
import { ansi, hexUpper, HEX_UPPER, i32, u16, u32, utf16 } from './bytes.ts';

export const VT_NULL = 0x00;
export const VT_STRING = 0x01;
export const VT_ANSI = 0x02;
export const VT_INT8 = 0x03;
export const VT_UINT8 = 0x04;
export const VT_INT16 = 0x05;
export const VT_UINT16 = 0x06;
export const VT_INT32 = 0x07;
export const VT_UINT32 = 0x08;
export const VT_INT64 = 0x09;
export const VT_UINT64 = 0x0a;
export const VT_REAL32 = 0x0b;
export const VT_REAL64 = 0x0c;
export const VT_BOOL = 0x0d;
export const VT_BINARY = 0x0e;
export const VT_GUID = 0x0f;
export const VT_SIZET = 0x10;
export const VT_FILETIME = 0x11;
export const VT_SYSTIME = 0x12;
export const VT_SID = 0x13;
export const VT_HEX32 = 0x14;
export const VT_HEX64 = 0x15;
export const VT_EVTHANDLE = 0x20;
export const VT_BINXML = 0x21;
export const VT_EVTXML = 0x23;
export const VT_ARRAY = 0x80;

/** Value types a template value descriptor may carry (anything else marks a damaged record). */
export function isKnownValueType(t: number): boolean {
  const base = t & 0x7f;
  if (t & VT_ARRAY) return base >= VT_STRING && base <= VT_HEX64 && base !== VT_BINARY;
  return base <= VT_HEX64 || base === VT_EVTHANDLE || base === VT_BINXML || base === VT_EVTXML;
}

const scratch = new DataView(new ArrayBuffer(8));

function real32(b: Uint8Array, o: number): number {
  scratch.setUint32(0, u32(b, o), true);
  return scratch.getFloat32(0, true);
}

function real64(b: Uint8Array, o: number): number {
  scratch.setUint32(0, u32(b, o), true);
  scratch.setUint32(4, u32(b, o + 4), true);
  return scratch.getFloat64(0, true);
}

/** Signed/unsigned 64-bit as a number when exact, otherwise as a decimal string (never lossy). */
function int64(b: Uint8Array, o: number, signed: boolean): number | string {
  const lo = u32(b, o);
  const hi = signed ? i32(b, o + 4) : u32(b, o + 4);
  const n = hi * 0x1_0000_0000 + lo;
  if (Number.isSafeInteger(n)) return n;
  const big = (BigInt(hi) << 32n) + BigInt(lo);
  return big.toString();
}

// Keywords, GUIDs and SIDs repeat from one record to the next: the last rendering is kept.
let lastHexHi = -1;
let lastHexLo = -1;
let lastHex = '';

function hex64(b: Uint8Array, o: number): string {
  const lo = u32(b, o);
  const hi = u32(b, o + 4);
  if (lo === lastHexLo && hi === lastHexHi) return lastHex;
  lastHexLo = lo;
  lastHexHi = hi;
  lastHex = hi === 0 ? '0x' + lo.toString(16) : '0x' + hi.toString(16) + lo.toString(16).padStart(8, '0');
  return lastHex;
}

function pad2(n: number): string {
  return n < 10 ? '0' + n : String(n);
}

const ZEROS = ['', '0', '00', '000', '0000', '00000', '000000'];
/** "000" … "999": microseconds are random, so String(n) missed V8's number-string cache. */
const DIGITS3: string[] = [];
for (let i = 0; i < 1000; i++) DIGITS3.push(String(i).padStart(3, '0'));

function pad6(n: number): string {
  if (n >= 0 && n < 1_000_000 && Number.isInteger(n)) {
    const hi = Math.floor(n / 1000);
    return (DIGITS3[hi] as string) + (DIGITS3[n - hi * 1000] as string);
  }
  const s = String(n);
  return s.length >= 6 ? s : (ZEROS[6 - s.length] as string) + s;
}

// Consecutive events mostly share their second: the date-time prefix is cached.
let lastSecs = NaN;
let lastPrefix = '';

/** ISO 8601 UTC from Unix seconds and microseconds, without allocating a Date. */
function isoFromUnix(secs: number, micros: number): string {
  if (secs !== lastSecs) {
    lastPrefix = isoPrefix(secs);
    lastSecs = secs;
  }
  return lastPrefix + pad6(micros) + 'Z';
}

/** "YYYY-MM-DDTHH:MM:SS." (proleptic Gregorian civil date from days since 1970-01-01). */
function isoPrefix(secs: number): string {
  let days = Math.floor(secs / 86400);
  let rem = secs - days * 86400;
  const hh = Math.floor(rem / 3600);
  rem -= hh * 3600;
  const mm = Math.floor(rem / 60);
  const ss = rem - mm * 60;
  days += 719468;
  const era = Math.floor(days / 146097);
  const doe = days - era * 146097;
  const yoe = Math.floor((doe - Math.floor(doe / 1460) + Math.floor(doe / 36524) - Math.floor(doe / 146096)) / 365);
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const d = doy - Math.floor((153 * mp + 2) / 5) + 1;
  const m = mp < 10 ? mp + 3 : mp - 9;
  const y = yoe + era * 400 + (m <= 2 ? 1 : 0);
  const ys = y >= 0 && y <= 9999 ? String(y).padStart(4, '0') : String(y);
  return `${ys}-${pad2(m)}-${pad2(d)}T${pad2(hh)}:${pad2(mm)}:${pad2(ss)}.`;
}

// 2^32 = 429 * 10^7 + 4_967_296: splitting FILETIME this way keeps the arithmetic exact in
// doubles (a plain hi * 2^32 + lo loses the 100 ns ticks above 2^53).
const EPOCH_DIFF_SECS = 11_644_473_600;

/** FILETIME (100 ns ticks since 1601) as ISO 8601 UTC with microseconds, like evtx_dump. */
export function filetimeIso(b: Uint8Array, o: number): string {
  const lo = u32(b, o);
  const hi = u32(b, o + 4);
  const t2 = hi * 4_967_296 + lo;
  const secs = hi * 429 + Math.floor(t2 / 10_000_000);
  const ticks = t2 % 10_000_000;
  return isoFromUnix(secs - EPOCH_DIFF_SECS, Math.floor(ticks / 10));
}

/** SYSTEMTIME (year, month, weekday, day, h, m, s, ms as u16) as ISO 8601 UTC. */
export function systemtimeIso(b: Uint8Array, o: number): string {
  const y = u16(b, o);
  const mo = u16(b, o + 2);
  const d = u16(b, o + 6);
  const h = u16(b, o + 8);
  const mi = u16(b, o + 10);
  const s = u16(b, o + 12);
  const ms = u16(b, o + 14);
  return `${String(y).padStart(4, '0')}-${pad2(mo)}-${pad2(d)}T${pad2(h)}:${pad2(mi)}:${pad2(s)}.${pad6(ms * 1000)}Z`;
}

const lastGuid = new Int32Array(4);
let lastGuidText = '';

/** GUID in evtx_dump's form: upper-case, no braces, first three groups little-endian. */
export function guid(b: Uint8Array, o: number): string {
  const w0 = i32(b, o);
  const w1 = i32(b, o + 4);
  const w2 = i32(b, o + 8);
  const w3 = i32(b, o + 12);
  if (lastGuidText !== '' && w0 === lastGuid[0] && w1 === lastGuid[1] && w2 === lastGuid[2] && w3 === lastGuid[3]) return lastGuidText;
  const h = HEX_UPPER;
  const text =
    (h[b[o + 3] as number] as string) + h[b[o + 2] as number] + h[b[o + 1] as number] + h[b[o] as number] + '-' +
    h[b[o + 5] as number] + h[b[o + 4] as number] + '-' + h[b[o + 7] as number] + h[b[o + 6] as number] + '-' +
    h[b[o + 8] as number] + h[b[o + 9] as number] + '-' + h[b[o + 10] as number] + h[b[o + 11] as number] +
    h[b[o + 12] as number] + h[b[o + 13] as number] + h[b[o + 14] as number] + h[b[o + 15] as number];
  lastGuid[0] = w0;
  lastGuid[1] = w1;
  lastGuid[2] = w2;
  lastGuid[3] = w3;
  lastGuidText = text;
  return text;
}

/** Byte length of the SID at `o` (8 + 4 per sub-authority), bounded by `max`. */
function sidLength(b: Uint8Array, o: number, max: number): number {
  if (max < 8) return max;
  return Math.min(max, 8 + 4 * (b[o + 1] as number));
}

/** SID as S-R-A-S1-…; an incomplete SID renders the sub-authorities that are present. */
export function sid(b: Uint8Array, o: number, size: number): string {
  if (size < 8) return 'S-?';
  const rev = b[o] as number;
  const n = b[o + 1] as number;
  // The 48-bit identifier authority is big-endian.
  let auth = 0;
  for (let i = 2; i < 8; i++) auth = auth * 256 + (b[o + i] as number);
  let s = 'S-' + rev + '-' + auth;
  const avail = Math.min(n, Math.floor((size - 8) / 4));
  for (let i = 0; i < avail; i++) s += '-' + u32(b, o + 8 + i * 4);
  return s;
}

function hex32(v: number): string {
  return '0x' + v.toString(16);
}

/**
 * Decodes one value of type `t` stored in `size` bytes at `o` (template instance data).
 * Returns null for NULL/empty and for types with no textual form (EvtHandle, EvtXml).
 * BinXML (0x21) is not decoded here: the caller expands it as elements.
 */
export function decodeValue(b: Uint8Array, buf: Buffer, o: number, size: number, t: number): EventValue {
  if (t & VT_ARRAY) return decodeArray(b, buf, o, size, t & 0x7f);
  switch (t) {
    case VT_NULL:
      return null;
    case VT_STRING:
      return utf16(b, buf, o, size >>> 1, true);
    case VT_ANSI:
      return ansi(buf, o, size);
    case VT_INT8:
      return size >= 1 ? ((b[o] as number) << 24) >> 24 : null;
    case VT_UINT8:
      return size >= 1 ? (b[o] as number) : null;
    case VT_INT16:
      return size >= 2 ? (u16(b, o) << 16) >> 16 : null;
    case VT_UINT16:
      return size >= 2 ? u16(b, o) : null;
    case VT_INT32:
      return size >= 4 ? i32(b, o) : null;
    case VT_UINT32:
      return size >= 4 ? u32(b, o) : null;
    case VT_INT64:
      return size >= 8 ? int64(b, o, true) : null;
    case VT_UINT64:
      return size >= 8 ? int64(b, o, false) : null;
    case VT_REAL32:
      return size >= 4 ? real32(b, o) : null;
    case VT_REAL64:
      return size >= 8 ? real64(b, o) : null;
    case VT_BOOL:
      // Stored as a 32-bit integer; any non-zero value is true (seen: 0x0100 in some logs).
      if (size >= 4) return u32(b, o) !== 0;
      return size >= 1 ? b[o] !== 0 : null;
    case VT_BINARY:
      return hexUpper(buf, o, size);
    case VT_GUID:
      return size >= 16 ? guid(b, o) : hexUpper(buf, o, size);
    case VT_SIZET:
      if (size === 4) return hex32(u32(b, o));
      return size >= 8 ? hex64(b, o) : null;
    case VT_FILETIME:
      return size >= 8 ? filetimeIso(b, o) : null;
    case VT_SYSTIME:
      return size >= 16 ? systemtimeIso(b, o) : null;
    case VT_SID:
      return sid(b, o, size);
    case VT_HEX32:
      return size >= 4 ? hex32(u32(b, o)) : null;
    case VT_HEX64:
      return size >= 8 ? hex64(b, o) : null;
    default:
      // EvtHandle, EvtXml, BinXml (expanded by the caller) and unknown types have no text.
      return null;
  }
}

function decodeArray(b: Uint8Array, buf: Buffer, o: number, size: number, base: number): EventValue {
  const out: EventValue[] = [];
  const end = o + size;
  switch (base) {
    case VT_STRING: {
      // NUL-separated UTF-16 strings; a trailing NUL ends the last one.
      let start = o;
      for (let p = o; p + 1 < end; p += 2) {
        if (b[p] === 0 && b[p + 1] === 0) {
          out.push(utf16(b, buf, start, (p - start) >>> 1, false));
          start = p + 2;
        }
      }
      if (start + 1 < end) out.push(utf16(b, buf, start, (end - start) >>> 1, true));
      return out;
    }
    case VT_ANSI: {
      let start = o;
      for (let p = o; p < end; p++) {
        if (b[p] === 0) {
          out.push(buf.toString('latin1', start, p));
          start = p + 1;
        }
      }
      if (start < end) out.push(ansi(buf, start, end - start));
      return out;
    }
    case VT_SID: {
      let p = o;
      while (p + 8 <= end) {
        const len = sidLength(b, p, end - p);
        out.push(sid(b, p, len));
        p += len;
      }
      return out;
    }
    default: {
      const w = elementWidth(base, size);
      if (w === 0) return out;
      for (let p = o; p + w <= end; p += w) out.push(decodeValue(b, buf, p, w, base));
      return out;
    }
  }
}

function elementWidth(base: number, size: number): number {
  switch (base) {
    case VT_INT8:
    case VT_UINT8:
      return 1;
    case VT_INT16:
    case VT_UINT16:
      return 2;
    case VT_INT32:
    case VT_UINT32:
    case VT_REAL32:
    case VT_BOOL:
    case VT_HEX32:
      return 4;
    case VT_INT64:
    case VT_UINT64:
    case VT_REAL64:
    case VT_FILETIME:
    case VT_HEX64:
      return 8;
    case VT_SIZET:
      // Pointer width is not recorded; 64-bit when the size allows it.
      return size % 8 === 0 ? 8 : 4;
    case VT_GUID:
    case VT_SYSTIME:
      return 16;
    default:
      return 0;
  }
}

/** Text form of a decoded value, for values that are concatenated with other content. */
export function valueText(v: EventValue): string {
  if (v === null) return '';
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  // Arrays joined with commas, as evtx_dump does when an array shares its element with text.
  let s = '';
  for (let i = 0; i < v.length; i++) {
    if (i > 0) s += ',';
    s += valueText(v[i] as EventValue);
  }
  return s;
}
