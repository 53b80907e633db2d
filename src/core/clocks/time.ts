/**
 * Time arithmetic for clocks and reports. Everything takes times as parameters (the core never
 * reads the clock). Local times use Intl with an explicit IANA zone, so a report printed on a
 * server in UTC still shows Brussels time.
 */
import type { Lang } from '../i18n/index.ts';
import { t } from '../i18n/index.ts';

/** The zone of a crisis that names none (every journal before zones were recorded): the group is Belgian. */
export const DEFAULT_TIME_ZONE = 'Europe/Brussels';

const HOUR_MS = 3_600_000;

/** `iso` plus `hours`, as an ISO string in UTC. */
export function addHours(iso: string, hours: number): string {
  return new Date(Date.parse(iso) + hours * HOUR_MS).toISOString();
}

/**
 * `iso` plus `months` calendar months in `timeZone` (31 January + 1 month = 28/29 February): "one
 * month" in the law is a calendar month where the entity is, not 30 days.
 */
export function addMonths(iso: string, months: number, timeZone: string): string {
  const ms = Date.parse(iso);
  const p = zonedParts(ms, timeZone);
  const lastDay = new Date(Date.UTC(p.year, p.month - 1 + months + 1, 0)).getUTCDate();
  const wallUtc = Date.UTC(p.year, p.month - 1 + months, Math.min(p.day, lastDay), p.hour, p.minute, p.second);
  // Wall time -> instant: subtract the zone offset at that wall time (checked twice across DST).
  let guess = wallUtc - offsetMinutes(wallUtc, timeZone) * 60_000;
  guess = wallUtc - offsetMinutes(guess, timeZone) * 60_000;
  return new Date(guess).toISOString();
}

/** Hours from `from` to `to` (negative when `to` is earlier). */
export function hoursBetween(from: string, to: string): number {
  return (Date.parse(to) - Date.parse(from)) / HOUR_MS;
}

/** True when `s` parses as a time. */
export function isTime(s: string | undefined): s is string {
  return s !== undefined && !Number.isNaN(Date.parse(s));
}

interface Parts {
  readonly year: number;
  readonly month: number;
  readonly day: number;
  readonly hour: number;
  readonly minute: number;
  readonly second: number;
  readonly weekday: string;
}

const formatters = new Map<string, Intl.DateTimeFormat>();
function formatter(timeZone: string): Intl.DateTimeFormat {
  let f = formatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-GB', {
      timeZone,
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
      weekday: 'short',
      hourCycle: 'h23',
    });
    formatters.set(timeZone, f);
  }
  return f;
}

function zonedParts(ms: number, timeZone: string): Parts {
  const get = (parts: Intl.DateTimeFormatPart[], t: Intl.DateTimeFormatPartTypes) => parts.find((x) => x.type === t)?.value ?? '';
  const parts = formatter(timeZone).formatToParts(new Date(ms));
  return {
    year: Number(get(parts, 'year')),
    month: Number(get(parts, 'month')),
    day: Number(get(parts, 'day')),
    hour: Number(get(parts, 'hour')),
    minute: Number(get(parts, 'minute')),
    second: Number(get(parts, 'second')),
    weekday: get(parts, 'weekday'),
  };
}

/** Offset of `timeZone` from UTC at instant `ms`, in minutes (Brussels in May: 120). */
export function offsetMinutes(ms: number, timeZone: string): number {
  const p = zonedParts(ms, timeZone);
  const asUtc = Date.UTC(p.year, p.month - 1, p.day, p.hour, p.minute, p.second);
  return Math.round((asUtc - Math.floor(ms / 1000) * 1000) / 60_000);
}

const pad = (n: number) => String(n).padStart(2, '0');

/** `+02:00`: the offset of `timeZone` at `iso`. */
export function offsetText(iso: string, timeZone: string): string {
  const off = offsetMinutes(Date.parse(iso), timeZone);
  const a = Math.abs(off);
  return `${off < 0 ? '-' : '+'}${pad(Math.floor(a / 60))}:${pad(a % 60)}`;
}

/** `iso` as an ISO time with the offset of `timeZone`: `2022-05-15T03:28:00+02:00`. */
export function toZonedIso(iso: string, timeZone: string): string {
  const ms = Date.parse(iso);
  const p = zonedParts(ms, timeZone);
  return `${p.year}-${pad(p.month)}-${pad(p.day)}T${pad(p.hour)}:${pad(p.minute)}:${pad(p.second)}${offsetText(iso, timeZone)}`;
}

/**
 * `Sun 15 May 2022 03:28 +02:00` in `timeZone` and the reader's language (`dim. 15 mai 2022 03:28
 * +02:00`): how people in the cell read times. The offset is always there: a crisis that lasts
 * weeks crosses a change of summer time, and a printout travels to people in other zones.
 */
export function formatLocal(iso: string, timeZone: string, lang: Lang = 'en'): string {
  const p = zonedParts(Date.parse(iso), timeZone);
  const month = t(lang, 'cal.months').split(' ')[p.month - 1] ?? '?';
  const day = t(lang, 'cal.days').split(' ')[WEEKDAYS.indexOf(p.weekday)] ?? p.weekday;
  return `${day} ${p.day} ${month} ${p.year} ${pad(p.hour)}:${pad(p.minute)} ${offsetText(iso, timeZone)}`;
}

const WEEKDAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];

/** `2022-05-14 03:25:00 +02:00`: a logbook time, to the second, sortable, with its offset. */
export function formatStamp(iso: string, timeZone: string): string {
  return toZonedIso(iso, timeZone).replace('T', ' ').replace(/([+-]\d\d:\d\d|Z)$/, ' $1');
}

/** `2 h 05 min`, `3 d 4 h` (`3 j 4 h`, `3 d 4 u`): a duration for people; negative durations read as positive. */
export function formatDuration(hours: number, lang: Lang = 'en'): string {
  const mins = Math.round(Math.abs(hours) * 60);
  const d = Math.floor(mins / 1440);
  const h = Math.floor((mins % 1440) / 60);
  const m = mins % 60;
  if (d > 0) return t(lang, 'dur.dh', { d, h });
  if (h > 0) return t(lang, 'dur.hm', { h, m: pad(m) });
  return t(lang, 'dur.m', { m });
}

/** The IANA zone's canonical name (`europe/brussels` -> `Europe/Brussels`), or undefined if it is not one. */
export function canonicalTimeZone(zone: string): string | undefined {
  if (zone.trim() === '') return undefined;
  try {
    return new Intl.DateTimeFormat('en-GB', { timeZone: zone.trim() }).resolvedOptions().timeZone;
  } catch {
    return undefined;
  }
}

/** The instant at which the wall clock of `timeZone` reads the given local date and time. */
export function zonedWallTime(year: number, month: number, day: number, hour: number, minute: number, second: number, timeZone: string): string {
  const wallUtc = Date.UTC(year, month - 1, day, hour, minute, second);
  let guess = wallUtc - offsetMinutes(wallUtc, timeZone) * 60_000;
  guess = wallUtc - offsetMinutes(guess, timeZone) * 60_000;
  return new Date(guess).toISOString();
}

/**
 * How a time typed by a person is read. `past`: a fact (`--at 03:40` is the last 03:40 that has
 * come, today or yesterday); `future`: a deadline (`--due 18:00` is the next 18:00); `exact`: a
 * time of day is today's.
 */
export type WhenDirection = 'past' | 'future' | 'exact';

/**
 * A time as typed on the command line, to an ISO instant: an ISO time with offset (`2022-05-14T
 * 03:40:00+02:00`), a local date and time without offset (`2022-05-14T03:40`, `2022-05-14 03:40`,
 * read in the crisis zone), a time of day (`03:40`, see `direction`), `now`, or a duration from
 * now (`+2h`, `+30m`, `+1d`, `+1h30m`, `-2h`). Undefined when it is none of these.
 */
export function parseWhen(text: string, now: string, timeZone: string, direction: WhenDirection = 'exact'): string | undefined {
  const s = text.trim();
  if (s === '') return undefined;
  if (s.toLowerCase() === 'now') return new Date(Date.parse(now)).toISOString();
  const rel = /^([+-])((?:\d+(?:[.,]\d+)?[dhm])+)$/i.exec(s);
  if (rel) {
    let ms = 0;
    for (const m of (rel[2] ?? '').matchAll(/(\d+(?:[.,]\d+)?)([dhm])/gi)) {
      const n = Number((m[1] ?? '0').replace(',', '.'));
      ms += n * { d: 86_400_000, h: 3_600_000, m: 60_000 }[(m[2] ?? 'm').toLowerCase() as 'd' | 'h' | 'm'];
    }
    return new Date(Date.parse(now) + (rel[1] === '-' ? -ms : ms)).toISOString();
  }
  if (/[zZ]$|[+-]\d\d:?\d\d$/.test(s) && /^\d{4}-\d\d-\d\d[T ]\d\d:\d\d/.test(s)) {
    const ms = Date.parse(s.replace(' ', 'T'));
    return Number.isNaN(ms) ? undefined : new Date(ms).toISOString();
  }
  const local = /^(\d{4})-(\d\d)-(\d\d)(?:[T ](\d\d):(\d\d)(?::(\d\d))?)?$/.exec(s);
  if (local) {
    const [y, mo, d, h, mi, se] = local.slice(1).map((x) => (x === undefined ? 0 : Number(x))) as [number, number, number, number, number, number];
    if (mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || se > 59) return undefined;
    return zonedWallTime(y, mo, d, h, mi, se, timeZone);
  }
  const hm = /^(\d{1,2})[:h](\d\d)$/.exec(s);
  if (hm) {
    const h = Number(hm[1]);
    const mi = Number(hm[2]);
    if (h > 23 || mi > 59) return undefined;
    const today = zonedParts(Date.parse(now), timeZone);
    const at = (dayShift: number): string => {
      const base = new Date(Date.UTC(today.year, today.month - 1, today.day + dayShift));
      return zonedWallTime(base.getUTCFullYear(), base.getUTCMonth() + 1, base.getUTCDate(), h, mi, 0, timeZone);
    };
    const todayAt = at(0);
    if (direction === 'past' && Date.parse(todayAt) > Date.parse(now)) return at(-1);
    if (direction === 'future' && Date.parse(todayAt) < Date.parse(now)) return at(1);
    return todayAt;
  }
  return undefined;
}
