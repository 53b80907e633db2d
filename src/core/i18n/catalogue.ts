/**
 * The catalogues: every area merged, one object per language. Keys are prefixed by area, so two
 * areas never share a key (checked by a test: a duplicate would silently hide a translation).
 */
import { ENTRY_TEXTS } from './entries.ts';
import { LABELS } from './labels.ts';
import { LOGBOOK_TEXTS } from './logbook.ts';
import { ERROR_TEXTS } from './errors.ts';
import { CLOCK_TEXTS } from './clocks.ts';
import { REPORT_TEXTS } from './reports.ts';
import { EXPLAIN_TEXTS } from './explain.ts';

/** Every area, for the tests that walk the catalogue. */
export const AREAS = [LABELS, ENTRY_TEXTS, LOGBOOK_TEXTS, ERROR_TEXTS, CLOCK_TEXTS, REPORT_TEXTS, EXPLAIN_TEXTS] as const;

type UnionToIntersection<U> = (U extends unknown ? (x: U) => void : never) extends (x: infer I) => void ? I : never;
type English = UnionToIntersection<(typeof AREAS)[number]['en']>;

export const en = Object.assign({}, ...AREAS.map((a) => a.en)) as English;
export type MessageKey = keyof English & string;
export const fr = Object.assign({}, ...AREAS.map((a) => a.fr)) as Readonly<Record<MessageKey, string>>;
export const nl = Object.assign({}, ...AREAS.map((a) => a.nl)) as Readonly<Record<MessageKey, string>>;
