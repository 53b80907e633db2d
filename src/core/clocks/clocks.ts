/**
 * Regulatory clocks (Belgium, today's rules; DOMAIN.md §5), computed from the awareness time and
 * the journal at a time `now` given by the caller:
 *
 * - NIS2 early warning: 24 h after awareness (is a malicious act suspected? cross-border impact?).
 * - NIS2 incident notification: 72 h after awareness (severity, impact, indicators of compromise).
 * - NIS2 final report: one month after the notification; if a progress report is filed instead,
 *   the final report is due one month after handling ends.
 * - GDPR art. 33: 72 h after becoming aware of a personal-data breach (unavailability of health
 *   data counts). Until the cell records its finding the clock runs provisionally, because the
 *   72 h do not wait for the paperwork.
 *
 * Each clock carries a pre-filled draft: the fields the law asks for, filled from state, and the
 * list of what is still missing.
 */
import type { Board } from '../impact/types.ts';
import type { CrisisState } from '../state.ts';
import { boardFacts, byKind, joinWords } from '../reports/board-facts.ts';
import type { CoordinationView, Filing } from '../coordination/coordination-state.ts';
import { CoordinationState, holderOf } from '../coordination/coordination-state.ts';
import { addHours, addMonths, formatDuration, formatLocal, hoursBetween, toZonedIso } from './time.ts';
import type { ReportKind } from '../coordination/types.ts';

export const CLOCK_IDS = ['nis2-early-warning', 'nis2-notification', 'nis2-final', 'gdpr-art33'] as const;
export type ClockId = (typeof CLOCK_IDS)[number];

/**
 * upcoming / due-soon / overdue: running. filed: the report is in. not-started: what starts the
 * clock is not recorded yet. not-applicable: the cell found the law does not apply (no breach).
 */
export type ClockStatus = 'upcoming' | 'due-soon' | 'overdue' | 'filed' | 'not-started' | 'not-applicable';

/** One field the law asks for: filled from state, or missing. */
export interface DraftField {
  readonly label: string;
  readonly value?: string;
}

export interface RegulatoryClock {
  readonly id: ClockId;
  readonly title: string;
  readonly law: string;
  readonly authority: string;
  /** What starts the clock, in words. */
  readonly runsFrom: string;
  readonly startedAt?: string;
  /** Deadline, ISO with the crisis time zone's offset. */
  readonly due?: string;
  readonly status: ClockStatus;
  /** Hours left until due (negative: overdue), while running. */
  readonly hoursLeft?: number;
  readonly filedAt?: string;
  readonly filedLate?: boolean;
  readonly reference?: string;
  /** True when the clock runs on an assumption (GDPR before the cell's finding). */
  readonly provisional: boolean;
  readonly notes: readonly string[];
  readonly draft: { readonly fields: readonly DraftField[]; readonly missing: readonly string[] };
}

export interface ClockOptions {
  /** The board at `now`, for the impact fields of the drafts. */
  readonly board?: Board;
  /** A running clock with less than this left is `due-soon` (default 6 h). */
  readonly dueSoonHours?: number;
  /** Zone of the entity, for dates in drafts and the calendar month (default Europe/Brussels). */
  readonly timeZone?: string;
}

const EMPTY = new CoordinationState();

/** The filing of `report` made at or before `now`, first one wins. */
function filingOf(c: CoordinationView, report: ReportKind, now: string): Filing | undefined {
  const t = Date.parse(now);
  return c.regulatory.filings.filter((f) => f.report === report && Date.parse(f.filedAt) <= t).sort((a, b) => Date.parse(a.filedAt) - Date.parse(b.filedAt))[0];
}

function running(due: string, now: string, dueSoonHours: number): { status: ClockStatus; hoursLeft: number } {
  const hoursLeft = hoursBetween(now, due);
  return { status: hoursLeft < 0 ? 'overdue' : hoursLeft < dueSoonHours ? 'due-soon' : 'upcoming', hoursLeft };
}

function draftOf(fields: readonly DraftField[]): RegulatoryClock['draft'] {
  return { fields, missing: fields.filter((f) => f.value === undefined || f.value === '').map((f) => f.label) };
}

/** Every regulatory clock at `now`. `state` should be the state as known at `now`. */
export function computeClocks(state: CrisisState, now: string, opts: ClockOptions = {}): RegulatoryClock[] {
  const c = state.coordination ?? EMPTY;
  const tz = opts.timeZone ?? 'Europe/Brussels';
  const soon = opts.dueSoonHours ?? 6;
  const zoned = (iso: string) => toZonedIso(iso, tz);
  const local = (iso: string) => formatLocal(iso, tz);
  const awareness = c.regulatory.awareness && Date.parse(c.regulatory.awareness.stamp.at) <= Date.parse(now) ? c.regulatory.awareness : undefined;
  const a = c.assessment;
  const facts = opts.board ? boardFacts(opts.board) : undefined;
  const contact = contactPerson(c, now);
  const org = state.crisis?.organisation;

  const impact = facts
    ? [
        facts.down.length > 0 ? `down: ${joinWords(byKind(facts.down).map((g) => `${g.label} (${joinWords(g.sites)})`))}` : '',
        facts.degraded.length > 0 ? `degraded: ${joinWords(byKind(facts.degraded).map((g) => `${g.label} (${joinWords(g.sites)})`))}` : '',
        `${facts.operationalCount} of ${facts.total} services operational`,
      ].filter((s) => s !== '').join('; ')
    : undefined;
  const measures = [...state.measures.values()].map((m) => `${m.type}${m.site ? ` at ${m.site}` : ''}${m.zone ? ` zone ${m.zone}` : ''} since ${local(m.appliedAt)} (${m.reason})`);
  const mitigation = [a.mitigation?.value, measures.length > 0 ? `measures in force: ${measures.join('; ')}` : undefined].filter((s) => s !== undefined).join('; ') || undefined;

  const clock = (
    id: ClockId,
    base: Omit<RegulatoryClock, 'id' | 'status' | 'provisional' | 'notes' | 'draft' | 'due' | 'startedAt'>,
    start: string | undefined,
    due: string | undefined,
    report: ReportKind,
    fields: DraftField[],
    notes: string[] = [],
    provisional = false,
  ): RegulatoryClock => {
    const filed = filingOf(c, report, now);
    const common = { id, ...base, provisional, notes, draft: draftOf(fields), ...(start ? { startedAt: zoned(start) } : {}), ...(due ? { due: zoned(due) } : {}) };
    if (filed) {
      const late = due !== undefined && Date.parse(filed.filedAt) > Date.parse(due);
      return { ...common, status: 'filed', filedAt: zoned(filed.filedAt), filedLate: late, ...(filed.reference ? { reference: filed.reference } : {}) };
    }
    if (due === undefined) return { ...common, status: 'not-started' };
    return { ...common, ...running(due, now, soon) };
  };

  const out: RegulatoryClock[] = [];
  const awareAt = awareness?.awareAt;
  const noAwareness = 'record the awareness time first (crisiscell regulatory awareness --at ISO --basis "...")';

  // NIS2 early warning
  out.push(
    clock(
      'nis2-early-warning',
      { title: 'NIS2 early warning', law: 'NIS2 (Belgian law of 26 April 2024), art. 23(4)(a)', authority: 'CCB (national CSIRT)', runsFrom: 'awareness of the significant incident, 24 h' },
      awareAt,
      awareAt ? addHours(awareAt, 24) : undefined,
      'nis2-early-warning',
      [
        { label: 'Entity', ...(org ? { value: org } : {}) },
        { label: 'Awareness time', ...(awareAt ? { value: `${local(awareAt)} (${awareness?.basis})` } : {}) },
        { label: 'Malicious act suspected', ...(a.maliciousAct ? { value: `${a.maliciousAct.value} (source: ${a.maliciousAct.source})` } : {}) },
        { label: 'Cross-border impact', ...(a.crossBorderImpact ? { value: `${a.crossBorderImpact.value} (source: ${a.crossBorderImpact.source})` } : {}) },
        { label: 'Services affected', ...(impact ? { value: impact } : {}) },
        { label: 'Contact person', ...(contact ? { value: contact } : {}) },
      ],
      awareAt ? [] : [noAwareness],
    ),
  );

  // NIS2 incident notification
  const notifDue = awareAt ? addHours(awareAt, 72) : undefined;
  out.push(
    clock(
      'nis2-notification',
      { title: 'NIS2 incident notification', law: 'NIS2 (Belgian law of 26 April 2024), art. 23(4)(b)', authority: 'CCB (national CSIRT)', runsFrom: 'awareness of the significant incident, 72 h' },
      awareAt,
      notifDue,
      'nis2-notification',
      [
        { label: 'Update of the early warning', ...(filingOf(c, 'nis2-early-warning', now) ? { value: `early warning filed ${local(filingOf(c, 'nis2-early-warning', now)?.filedAt ?? '')}` } : {}) },
        { label: 'Severity', ...(a.severity ? { value: `${a.severity.value} (source: ${a.severity.source})` } : {}) },
        { label: 'Impact', ...(impact ? { value: impact } : {}) },
        { label: 'Indicators of compromise', ...(a.indicators && a.indicators.value.length > 0 ? { value: a.indicators.value.join(', ') } : {}) },
        { label: 'Malicious act suspected', ...(a.maliciousAct ? { value: a.maliciousAct.value } : {}) },
        { label: 'Cross-border impact', ...(a.crossBorderImpact ? { value: a.crossBorderImpact.value } : {}) },
        { label: 'Contact person', ...(contact ? { value: contact } : {}) },
      ],
      awareAt ? [] : [noAwareness],
    ),
  );

  // NIS2 final report (or a progress report at one month, then the final one month after handling ends)
  const notified = filingOf(c, 'nis2-notification', now);
  const progress = filingOf(c, 'nis2-progress', now);
  const finalNotes: string[] = [];
  let finalStart: string | undefined;
  let finalDue: string | undefined;
  if (notified) {
    finalStart = notified.filedAt;
    finalDue = addMonths(notified.filedAt, 1, tz);
  } else if (notifDue) {
    finalStart = notifDue;
    finalDue = addMonths(notifDue, 1, tz);
    finalNotes.push('notification not filed yet: due computed from the notification deadline');
  } else finalNotes.push(noAwareness);
  if (progress && !filingOf(c, 'nis2-final', now)) {
    const ended = a.handlingEndedAt?.value;
    finalNotes.push(`progress report filed ${local(progress.filedAt)}: the final report is due one month after handling ends`);
    finalStart = ended;
    finalDue = ended ? addMonths(ended, 1, tz) : undefined;
    if (!ended) finalNotes.push('handling has not ended (record it with crisiscell assess --handling-ended ISO)');
  }
  out.push(
    clock(
      'nis2-final',
      { title: 'NIS2 final report', law: 'NIS2 (Belgian law of 26 April 2024), art. 23(4)(d)-(e)', authority: 'CCB (national CSIRT)', runsFrom: 'the incident notification, one month (or end of handling after a progress report)' },
      finalStart,
      finalDue,
      'nis2-final',
      [
        { label: 'Detailed description, severity and impact', ...(impact && a.severity ? { value: `${a.severity.value}; ${impact}` } : {}) },
        { label: 'Type of threat or root cause', ...(a.rootCause ? { value: a.rootCause.value } : {}) },
        { label: 'Mitigation measures applied and ongoing', ...(mitigation ? { value: mitigation } : {}) },
        { label: 'Cross-border impact', ...(a.crossBorderImpact ? { value: a.crossBorderImpact.value } : {}) },
      ],
      finalNotes,
    ),
  );

  // GDPR art. 33
  const breach = c.regulatory.breach && Date.parse(c.regulatory.breach.stamp.at) <= Date.parse(now) ? c.regulatory.breach : undefined;
  const dpo = holderOf(c, 'dpo', now);
  const gdprBase = { title: 'GDPR art. 33 notification', law: 'GDPR art. 33 (and art. 34 when the risk is high)', authority: 'Data Protection Authority (APD/GBA)', runsFrom: 'awareness of a personal-data breach, 72 h' };
  const gdprFields = (late: boolean): DraftField[] => [
    { label: 'Nature of the breach', ...(breach?.nature ? { value: breach.nature } : {}) },
    { label: 'Categories of data subjects', ...(breach?.subjectCategories?.length ? { value: breach.subjectCategories.join(', ') } : {}) },
    { label: 'Approximate number of data subjects', ...(breach?.approxSubjects !== undefined ? { value: String(breach.approxSubjects) } : {}) },
    { label: 'Categories of personal data', ...(breach?.dataCategories?.length ? { value: breach.dataCategories.join(', ') } : {}) },
    { label: 'Approximate number of records', ...(breach?.approxRecords !== undefined ? { value: String(breach.approxRecords) } : {}) },
    { label: 'DPO name and contact', ...(dpo ? { value: `${dpo.person}${dpo.reach ? `, ${dpo.reach}` : ''}` } : {}) },
    { label: 'Likely consequences', ...(breach?.likelyConsequences ? { value: breach.likelyConsequences } : {}) },
    { label: 'Measures taken or proposed', ...(breach?.measures ?? mitigation ? { value: breach?.measures ?? mitigation ?? '' } : {}) },
    ...(late ? [{ label: 'Reasons for the delay' }] : []),
  ];
  if (breach && !breach.personalDataBreach) {
    out.push({
      id: 'gdpr-art33', ...gdprBase, status: 'not-applicable', provisional: false,
      notes: [`the cell found no personal-data breach (${local(breach.stamp.at)}): ${breach.reason}; keep this finding in the internal breach register`],
      draft: { fields: [], missing: [] },
    });
  } else {
    const start = breach ? (breach.awareAt ?? awareAt) : awareAt;
    const due = start ? addHours(start, 72) : undefined;
    const late = due !== undefined && (filingOf(c, 'gdpr-notification', now) ? Date.parse(filingOf(c, 'gdpr-notification', now)?.filedAt ?? '') > Date.parse(due) : Date.parse(now) > Date.parse(due));
    const notes: string[] = [];
    if (!breach) notes.push('the cell has not recorded whether this is a personal-data breach (loss of availability of health data counts): the 72 h run from awareness until it decides (crisiscell regulatory breach yes|no)');
    else if (breach.highRisk) notes.push('high risk to the people concerned: art. 34 requires telling them');
    if (!start) notes.push(noAwareness);
    out.push(clock('gdpr-art33', gdprBase, start, due, 'gdpr-notification', gdprFields(late), notes, !breach));
  }
  return out;
}

/** Who the authorities call back: the liaison, else the commander, as held at `now`. */
function contactPerson(c: CoordinationView, now: string): string | undefined {
  const h = holderOf(c, 'liaison', now) ?? holderOf(c, 'commander', now);
  if (!h) return undefined;
  return `${h.person} (${h.position}${h.reach ? `, ${h.reach}` : ''})`;
}

/** `due in 12 h 02 min`, `overdue by 3 h 10 min`, `filed Sun 15 May 2022 01:10`: one clock in a line. */
export function describeClock(k: RegulatoryClock, timeZone = 'Europe/Brussels'): string {
  const due = k.due ? formatLocal(k.due, timeZone) : 'not started';
  switch (k.status) {
    case 'filed':
      return `filed ${formatLocal(k.filedAt ?? '', timeZone)}${k.filedLate ? ' (late)' : ''}${k.reference ? `, ref. ${k.reference}` : ''}`;
    case 'overdue':
      return `OVERDUE by ${formatDuration(k.hoursLeft ?? 0)} (was due ${due})`;
    case 'due-soon':
    case 'upcoming':
      return `due ${due}, in ${formatDuration(k.hoursLeft ?? 0)}${k.provisional ? ' (provisional)' : ''}`;
    case 'not-applicable':
      return 'not applicable';
    case 'not-started':
      return 'not started';
  }
}
