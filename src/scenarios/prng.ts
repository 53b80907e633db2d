/**
 * A small seeded PRNG (mulberry32) and deterministic UUIDs: the demo must be the same estate and
 * the same journal, byte for byte, for the same seed, on every machine.
 */
import type { EntryId } from '../core/ids.ts';
import { entryId } from '../core/ids.ts';

/** FNV-1a, 32 bits: mixes labels into seeds. */
export function hash32(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

export class Prng {
  private s: number;

  constructor(seed: number) {
    this.s = seed >>> 0;
  }

  /** Uniform in [0, 1). */
  next(): number {
    this.s = (this.s + 0x6d2b79f5) >>> 0;
    let t = this.s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  /** Integer in [lo, hi], both included. */
  int(lo: number, hi: number): number {
    return lo + Math.floor(this.next() * (hi - lo + 1));
  }

  chance(p: number): boolean {
    return this.next() < p;
  }

  pick<T>(items: readonly T[]): T {
    const x = items[Math.floor(this.next() * items.length)];
    if (x === undefined) throw new RangeError('pick from an empty list');
    return x;
  }

  /** A new array, shuffled (Fisher-Yates). */
  shuffled<T>(items: readonly T[]): T[] {
    const a = [...items];
    for (let i = a.length - 1; i > 0; i--) {
      const j = Math.floor(this.next() * (i + 1));
      [a[i], a[j]] = [a[j]!, a[i]!];
    }
    return a;
  }

  /** A PRNG of its own for a named part, so adding draws in one part does not shift the others. */
  fork(label: string): Prng {
    return new Prng((this.s ^ hash32(label)) >>> 0);
  }
}

/** A version-4-shaped UUID derived from the seed and a label: stable ids for demo entries. */
export function uuidFor(seed: number, label: string): EntryId {
  const r = new Prng((seed ^ hash32(label)) >>> 0);
  const hex: string[] = [];
  for (let i = 0; i < 16; i++) {
    let b = Math.floor(r.next() * 256);
    if (i === 6) b = (b & 0x0f) | 0x40;
    if (i === 8) b = (b & 0x3f) | 0x80;
    hex.push(b.toString(16).padStart(2, '0'));
  }
  const h = hex.join('');
  return entryId(`${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`);
}
