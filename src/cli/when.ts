/**
 * Times as people type them on the command line, read in the crisis's zone: `03:40`, `18:00`,
 * `2022-05-14T03:40`, `+2h`, `now`, or a full ISO time with offset; and times printed back in that
 * zone with their offset.
 */
import type { CrisisApp } from '../app/crisis-app.ts';
import { CrisisError } from '../core/errors.ts';
import type { WhenDirection } from '../core/clocks/time.ts';
import { DEFAULT_TIME_ZONE, formatLocal, parseWhen, toZonedIso } from '../core/clocks/time.ts';
import type { Lang } from '../core/i18n/index.ts';
import type { Values } from './spec.ts';
import { str } from './spec.ts';

export interface When {
  /** The crisis's zone. */
  readonly zone: string;
  /**
   * Option `name` as an ISO time with the zone's offset, or undefined when not given. `past`: a
   * time of day is the last one that has come (a fact); `future`: the next one (a deadline).
   */
  time(v: Values, name: string, direction?: WhenDirection): string | undefined;
  /** `Sat 14 May 2022 03:40 +02:00`, or '' for none. */
  local(iso: string | undefined): string;
}

export const TIME_HELP = 'a time: 03:40 (today, in the crisis\'s zone), 2022-05-14T03:40, +2h, now, or an ISO 8601 time with offset';

export function whenFor(app: CrisisApp, lang: Lang = 'en'): When {
  const zone = app.state.crisis?.timeZone ?? DEFAULT_TIME_ZONE;
  return {
    zone,
    time(v, name, direction = 'past') {
      const raw = str(v, name);
      if (raw === undefined) return undefined;
      const iso = parseWhen(raw, app.clockNow(), zone, direction);
      if (iso === undefined) {
        throw new CrisisError('invalid-input', `--${name}: "${raw}" is not ${TIME_HELP}`, { details: [{ path: name, message: `expected ${TIME_HELP}` }] });
      }
      return toZonedIso(iso, zone);
    },
    local: (iso) => (iso ? formatLocal(iso, zone, lang) : ''),
  };
}
