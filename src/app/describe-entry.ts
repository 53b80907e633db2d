/**
 * One line a person can read for any journal entry, in the reader's language: the CLI's log, the
 * printed logbook and the API. The descriptions themselves are pure and live in the core
 * (src/core/entry-text.ts); this module gives them the crisis's zone.
 */
import type { AnyEntry } from '../core/journal.ts';
import type { CrisisState } from '../core/state.ts';
import type { Lang } from '../core/i18n/index.ts';
import { describeEntry as describe } from '../core/entry-text.ts';
import { DEFAULT_TIME_ZONE } from '../core/clocks/time.ts';

export { ENTRY_DESCRIPTIONS } from '../core/entry-text.ts';

/** The entry in `lang` (default English), its times in the crisis's zone. */
export function describeEntry(e: AnyEntry, lang: Lang = 'en', state?: Pick<CrisisState, 'crisis'>): string {
  return describe(e, { lang, timeZone: state?.crisis?.timeZone ?? DEFAULT_TIME_ZONE });
}

/** The crisis's zone (Europe/Brussels when the journal names none). */
export function zoneOf(state: Pick<CrisisState, 'crisis'>): string {
  return state.crisis?.timeZone ?? DEFAULT_TIME_ZONE;
}
