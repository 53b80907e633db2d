/**
 * Little-endian readers and text decoders over a Uint8Array, written for the hot path:
 * no DataView allocation per read, no bounds exceptions (callers check bounds first).
 */
import * as zlib from 'node:zlib';

// A namespace import: a named import of `crc32` would fail to link on Node < 20.15.
const zlibCrc32 = (zlib as { crc32?: (data: Uint8Array, value?: number) => number }).crc32;

/** Thrown for malformed content; caught per record or per chunk, never escapes the public API. */
export class EvtxFormatError extends Error {
  constructor(message: string, readonly offset?: number) {
    super(message);
    this.name = 'EvtxFormatError';
  }
}

export function u16(b: Uint8Array, o: number): number {
  return (b[o] as number) | ((b[o + 1] as number) << 8);
}

export function u32(b: Uint8Array, o: number): number {
  // `>>> 0` keeps the value unsigned; `<< 24` alone would go negative for bytes >= 0x80.
  return ((b[o] as number) | ((b[o + 1] as number) << 8) | ((b[o + 2] as number) << 16) | ((b[o + 3] as number) << 24)) >>> 0;
}

export function i32(b: Uint8Array, o: number): number {
  return (b[o] as number) | ((b[o + 1] as number) << 8) | ((b[o + 2] as number) << 16) | ((b[o + 3] as number) << 24);
}

/** u64 as a JS number; exact below 2^53 (record ids, sizes), approximate above. */
export function u64(b: Uint8Array, o: number): number {
  return u32(b, o + 4) * 0x1_0000_0000 + u32(b, o);
}

const asciiOnly = /^[\x20-\x7e]*$/;

/** A Buffer view over the same memory (no copy), for Node's native string decoders. */
export function asBuffer(b: Uint8Array): Buffer {
  return Buffer.isBuffer(b) ? b : Buffer.from(b.buffer, b.byteOffset, b.byteLength);
}

/** CODES[n]: a reused array of n code units (n <= 32). */
const CODES: number[][] = [];
for (let n = 0; n <= 32; n++) CODES.push(new Array<number>(n).fill(0));

/**
 * Decodes `count` UTF-16LE code units at `o`. With `stopAtNul`, the string ends at the first
 * U+0000 (substitution strings usually carry their terminator inside the declared size).
 * Short strings are built in JS: crossing into native code costs more than the loop.
 */
export function utf16(b: Uint8Array, buf: Buffer, o: number, count: number, stopAtNul: boolean): string {
  if (count <= 0) return '';
  if (count <= 32) {
    // One fromCharCode over a reused array of the right length: one flat string, where
    // appending char by char built a chain of intermediate strings.
    let n = count;
    if (stopAtNul) {
      for (let i = 0, p = o; i < count; i++, p += 2) {
        if (b[p] === 0 && b[p + 1] === 0) {
          n = i;
          break;
        }
      }
      if (n === 0) return '';
    }
    const codes = CODES[n] as number[];
    for (let i = 0, p = o; i < n; i++, p += 2) codes[i] = (b[p] as number) | ((b[p + 1] as number) << 8);
    return String.fromCharCode.apply(null, codes);
  }
  const s = buf.toString('utf16le', o, o + count * 2);
  if (!stopAtNul) return s;
  const z = s.indexOf('\0');
  return z < 0 ? s : s.slice(0, z);
}

/** ANSI strings: Windows-1252 in practice; latin1 is the same for every byte that matters here. */
export function ansi(buf: Buffer, o: number, size: number): string {
  const s = buf.toString('latin1', o, o + size);
  const z = s.indexOf('\0');
  return z < 0 ? s : s.slice(0, z);
}

const HEX_UPPER: string[] = [];
const HEX_LOWER: string[] = [];
for (let i = 0; i < 256; i++) {
  HEX_UPPER.push(i.toString(16).toUpperCase().padStart(2, '0'));
  HEX_LOWER.push(i.toString(16).padStart(2, '0'));
}
export { HEX_UPPER, HEX_LOWER };

export function hexUpper(buf: Buffer, o: number, size: number): string {
  if (size <= 0) return '';
  return buf.toString('hex', o, o + size).toUpperCase();
}

/** True when the string is printable ASCII (used to validate names read from damaged tables). */
export function isPrintableAscii(s: string): boolean {
  return asciiOnly.test(s);
}

let table: Int32Array | undefined;
function crcTable(): Int32Array {
  if (table) return table;
  table = new Int32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    table[n] = c;
  }
  return table;
}

/** CRC-32 (IEEE, as zlib and the EVTX format use). zlib's native one exists from Node 20.15. */
export function crc32(b: Uint8Array, start: number, end: number, seed = 0): number {
  if (end <= start) return seed >>> 0;
  if (typeof zlibCrc32 === 'function') return zlibCrc32(b.subarray(start, end), seed) >>> 0;
  const t = crcTable();
  let c = ~seed;
  for (let i = start; i < end; i++) c = (t[(c ^ (b[i] as number)) & 0xff] as number) ^ (c >>> 8);
  return ~c >>> 0;
}
