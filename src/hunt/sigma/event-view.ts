/**
 * One event as the compiled rules see it: field lookup (EventData first, then System) and a
 * per-event cache of lowercased string forms, so that a value is lowercased once per event no
 * matter how many of the candidate rules look at it.
 */
import type { EventRecord, EventValue } from '../record.ts';

/** String forms of a field: one string, several (array values), or null when absent. */
export type Strings = string | readonly string[] | null;

const MISSING = Symbol('missing');

function toStr(v: EventValue): string {
  if (typeof v === 'string') return v;
  if (v === null) return '';
  return String(v);
}

function stringsOf(v: EventValue | undefined): Strings {
  if (v === undefined) return null;
  if (Array.isArray(v)) {
    const out: string[] = [];
    const walk = (x: EventValue): void => {
      if (Array.isArray(x)) for (const y of x as readonly EventValue[]) walk(y);
      else if (x !== null) out.push(toStr(x));
    };
    walk(v);
    return out;
  }
  if (v === null) return null;
  return toStr(v as EventValue);
}

/**
 * Resolves a Sigma field name on a record. EventData wins; then the well-known System names that
 * rules use (EventID, Channel, Provider_Name, Computer, Level), then any flattened System field.
 */
export function resolveField(r: EventRecord, field: string): EventValue | undefined {
  const d = r.data[field];
  if (d !== undefined) return d;
  switch (field) {
    case 'EventID':
      return r.eventId;
    case 'Channel':
      return r.channel;
    case 'Provider_Name':
    case 'ProviderName':
    case 'Provider':
      return r.provider;
    case 'Computer':
    case 'ComputerName':
      return r.computer;
    case 'Level':
      return r.level;
    default:
      break;
  }
  const s = r.system[field];
  if (s !== undefined) return s;
  return undefined;
}

export class EventView {
  readonly record: EventRecord;
  /** Space-free aliases of EventData names (Defender writes "Threat Name"; rules say ThreatName). */
  private spaced: Map<string, string> | null | undefined;
  private readonly rawCache = new Map<string, Strings | typeof MISSING>();
  private readonly lowerCache = new Map<string, Strings>();
  private allLower: readonly string[] | undefined;

  constructor(record: EventRecord) {
    this.record = record;
  }

  /** True when the field is present (even when its value is null or empty). */
  has(field: string): boolean {
    return this.value(field) !== undefined;
  }

  /** The raw value (for null checks and numeric comparisons). */
  value(field: string): EventValue | undefined {
    const v = resolveField(this.record, field);
    if (v !== undefined) return v;
    if (this.spaced === undefined) {
      this.spaced = null;
      for (const k of Object.keys(this.record.data)) {
        if (k.includes(' ')) (this.spaced ??= new Map()).set(k.replace(/ /g, ''), k);
      }
    }
    const alias = this.spaced?.get(field);
    return alias === undefined ? undefined : this.record.data[alias];
  }

  /** String forms as in the event (for `cased` matching and regexes). */
  strings(field: string): Strings {
    const c = this.rawCache.get(field);
    if (c !== undefined) return c === MISSING ? null : c;
    const s = stringsOf(this.value(field));
    this.rawCache.set(field, s === null ? MISSING : s);
    return s;
  }

  /** Lowercased string forms (computed once per field per event). */
  lower(field: string): Strings {
    const c = this.lowerCache.get(field);
    if (c !== undefined) return c;
    const s = this.strings(field);
    const l = s === null ? null : typeof s === 'string' ? s.toLowerCase() : s.map((x) => x.toLowerCase());
    this.lowerCache.set(field, l);
    return l;
  }

  /** Every EventData value, lowercased, for keyword (field-less) searches. */
  allValuesLower(): readonly string[] {
    if (this.allLower) return this.allLower;
    const out: string[] = [];
    for (const v of Object.values(this.record.data)) {
      const s = stringsOf(v);
      if (s === null) continue;
      if (typeof s === 'string') out.push(s.toLowerCase());
      else for (const x of s) out.push(x.toLowerCase());
    }
    this.allLower = out;
    return out;
  }

  /** Every EventData value as in the event, for cased keyword searches. */
  allValues(): readonly string[] {
    const out: string[] = [];
    for (const v of Object.values(this.record.data)) {
      const s = stringsOf(v);
      if (s === null) continue;
      if (typeof s === 'string') out.push(s);
      else out.push(...s);
    }
    return out;
  }
}

/** True when `test` holds for the single string or any of the strings. */
export function anyOf(s: Strings, test: (v: string) => boolean): boolean {
  if (s === null) return false;
  if (typeof s === 'string') return test(s);
  for (const x of s) if (test(x)) return true;
  return false;
}
