/**
 * What the cell says about the board in words: which vital services work, which are degraded or
 * down and with which procedure. Read by the clocks' drafts, the comms templates and the sitrep,
 * so all three say the same thing.
 */
import type { Board, ImpactCell } from '../impact/types.ts';
import type { Lang } from '../i18n/index.ts';
import { isMessageKey, joinList, t } from '../i18n/index.ts';

/** One service as reports list it. */
export interface ServiceLine {
  readonly serviceId: string;
  readonly site: string;
  readonly siteName: string;
  readonly kind: string;
  readonly name: string;
  readonly criticality: string;
  readonly status: ImpactCell['status'];
  /** Capacity we can count on, 0..1. */
  readonly capacity: number;
  readonly procedures: readonly string[];
  /** In use and relying on a compromised or suspected system. */
  readonly atRisk: boolean;
  readonly phone?: string;
}

export interface BoardFacts {
  /** Vital services working: operational, or degraded but at `workingCapacity` or more on their downtime procedures. */
  readonly vitalWorking: readonly ServiceLine[];
  readonly vitalNotWorking: readonly ServiceLine[];
  /** Other services degraded but at `workingCapacity` or more (working on downtime procedures). */
  readonly reduced: readonly ServiceLine[];
  /** Services degraded below `workingCapacity`: the "most impacted". */
  readonly degraded: readonly ServiceLine[];
  readonly down: readonly ServiceLine[];
  readonly unknown: readonly ServiceLine[];
  readonly operationalCount: number;
  readonly total: number;
  readonly workingCapacity: number;
}

/**
 * Capacity from which a degraded service still counts as working. A ward at 90 % on paper charts
 * "works" in the words of the medical director (the article: "all the equipment in the intensive
 * care units is working"); radiology at 50 % is "most impacted". The line is a judgement, so it is
 * a parameter and the reports print it.
 */
export const WORKING_CAPACITY = 0.75;

/** A board cell as a report line. */
export function lineOf(c: ImpactCell): ServiceLine {
  return {
    serviceId: c.serviceId,
    site: c.site,
    siteName: c.siteName,
    kind: c.service,
    name: c.name,
    criticality: c.criticality,
    status: c.status,
    capacity: c.capacity,
    procedures: c.procedures,
    atRisk: c.atRisk,
    ...(c.phone === undefined ? {} : { phone: c.phone }),
  };
}

/** Sorts the board into what reports say about it. */
export function boardFacts(board: Board, workingCapacity = WORKING_CAPACITY): BoardFacts {
  const lines = board.cells.map(lineOf);
  const working = (l: ServiceLine) => l.status === 'operational' || (l.status === 'degraded' && l.capacity >= workingCapacity);
  return {
    vitalWorking: lines.filter((l) => l.criticality === 'vital' && working(l)),
    vitalNotWorking: lines.filter((l) => l.criticality === 'vital' && !working(l)),
    reduced: lines.filter((l) => l.criticality !== 'vital' && l.status === 'degraded' && l.capacity >= workingCapacity),
    degraded: lines.filter((l) => l.status === 'degraded' && l.capacity < workingCapacity),
    down: lines.filter((l) => l.status === 'down'),
    unknown: lines.filter((l) => l.status === 'unknown'),
    operationalCount: lines.filter((l) => l.status === 'operational').length,
    total: lines.length,
    workingCapacity,
  };
}

/**
 * Groups service lines by kind across sites: "Radiology (3 sites)", so a group of six hospitals
 * reads in one line rather than eighteen.
 */
export function byKind(lines: readonly ServiceLine[], lang: Lang = 'en'): { kind: string; label: string; sites: string[]; lines: ServiceLine[] }[] {
  const groups = new Map<string, ServiceLine[]>();
  for (const l of lines) {
    const g = groups.get(l.kind) ?? [];
    g.push(l);
    groups.set(l.kind, g);
  }
  return [...groups].map(([kind, ls]) => ({ kind, label: kindLabel(kind, lang), sites: ls.map((l) => l.siteName), lines: ls }));
}

/** `operating-theatre` -> `Operating theatre` (`Quartier opératoire`): the known kinds in `lang`, an estate's own kinds from their name. */
export function kindLabel(kind: string, lang: Lang = 'en'): string {
  const key = `serviceKind.${kind}`;
  if (isMessageKey(key)) return t(lang, key);
  const s = kind.replace(/-/g, ' ');
  return s.charAt(0).toUpperCase() + s.slice(1);
}

/** A label inside a sentence: `Radiology` -> `radiology`, but `ICU` stays `ICU`. */
export function inSentence(label: string): string {
  return label.replace(/^[A-Z](?=[a-z])/, (m) => m.toLowerCase());
}

/** `Radiology, Laboratory and Pharmacy` (`et`, `en`). */
export function joinWords(words: readonly string[], lang: Lang = 'en'): string {
  return joinList(lang, words);
}
