/**
 * Time arithmetic for clocks and reports. Everything takes times as parameters (the core never
 * reads the clock). Local times use Intl with an explicit IANA zone, so a report printed on a
 * server in UTC still shows Brussels time.
 */

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

/** `iso` as an ISO time with the offset of `timeZone`: `2022-05-15T03:28:00+02:00`. */
export function toZonedIso(iso: string, timeZone: string): string {
  const ms = Date.parse(iso);
  const p = zonedParts(ms, timeZone);
  const off = offsetMinutes(ms, timeZone);
  const sign = off < 0 ? '-' : '+';
  const a = Math.abs(off);
  return `${p.year}-${pad(p.month)}-${pad(p.day)}T${pad(p.hour)}:${pad(p.minute)}:${pad(p.second)}${sign}${pad(Math.floor(a / 60))}:${pad(a % 60)}`;
}

/** `Sun 15 May 2022 03:28` in `timeZone`: how people in the cell read times. */
export function formatLocal(iso: string, timeZone: string): string {
  const p = zonedParts(Date.parse(iso), timeZone);
  const month = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'][p.month - 1] ?? '?';
  return `${p.weekday} ${p.day} ${month} ${p.year} ${pad(p.hour)}:${pad(p.minute)}`;
}

/** `2 h 05 min`, `3 d 4 h`: a duration for people; negative durations read as positive. */
export function formatDuration(hours: number): string {
  const mins = Math.round(Math.abs(hours) * 60);
  const d = Math.floor(mins / 1440);
  const h = Math.floor((mins % 1440) / 60);
  const m = mins % 60;
  if (d > 0) return `${d} d ${h} h`;
  if (h > 0) return `${h} h ${pad(m)} min`;
  return `${m} min`;
}
