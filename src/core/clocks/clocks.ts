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
import { boardFacts, byKind } from '../reports/board-facts.ts';
import type { CoordinationView, Filing } from '../coordination/coordination-state.ts';
import { CoordinationState, holderOf } from '../coordination/coordination-state.ts';
import { addHours, addMonths, formatDuration, formatLocal, hoursBetween, toZonedIso } from './time.ts';
import type { ReportKind } from '../coordination/types.ts';
import type { Lang, MessageKey, Params } from '../i18n/index.ts';
import { joinList, label, t } from '../i18n/index.ts';
import { measureText } from '../entry-text.ts';

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
  /** Language of titles, notes and draft fields (default English); what people typed stays as typed. */
  readonly lang?: Lang;
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
  const lang = opts.lang ?? 'en';
  const tr = (key: MessageKey, params?: Params) => t(lang, key, params);
  const soon = opts.dueSoonHours ?? 6;
  const zoned = (iso: string) => toZonedIso(iso, tz);
  const local = (iso: string) => formatLocal(iso, tz, lang);
  const sourced = (value: string, source: string) => tr('clock.valueSourced', { value, source });
  const word = (v: string) => label(lang, 'assessValue', v);
  const awareness = c.regulatory.awareness && Date.parse(c.regulatory.awareness.stamp.at) <= Date.parse(now) ? c.regulatory.awareness : undefined;
  const a = c.assessment;
  const facts = opts.board ? boardFacts(opts.board) : undefined;
  const contact = contactPerson(c, now, lang);
  const org = state.crisis?.organisation;

  const groupsOf = (lines: Parameters<typeof byKind>[0]) => joinList(lang, byKind(lines, lang).map((g) => `${g.label} (${joinList(lang, g.sites)})`));
  const sep = tr('punct.sep');
  const impact = facts
    ? [
        facts.down.length > 0 ? tr('clock.impactDown', { list: groupsOf(facts.down) }) : '',
        facts.degraded.length > 0 ? tr('clock.impactDegraded', { list: groupsOf(facts.degraded) }) : '',
        tr('clock.impactCount', { n: facts.operationalCount, total: facts.total }),
      ].filter((s) => s !== '').join(sep)
    : undefined;
  const measures = [...state.measures.values()].map((m) => tr('clock.measureSince', { measure: measureText({ tr }, m), at: local(m.appliedAt), reason: m.reason }));
  const mitigation = [a.mitigation?.value, measures.length > 0 ? tr('clock.measuresInForce', { list: measures.join(sep) }) : undefined].filter((s) => s !== undefined).join(sep) || undefined;

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
  const noAwareness = tr('clock.noAwareness');

  // NIS2 early warning
  out.push(
    clock(
      'nis2-early-warning',
      { title: tr('clock.nis2-early-warning'), law: tr('clock.lawNis2EarlyWarning'), authority: tr('clock.authorityCcb'), runsFrom: tr('clock.fromAwareness24') },
      awareAt,
      awareAt ? addHours(awareAt, 24) : undefined,
      'nis2-early-warning',
      [
        { label: tr('clock.fieldEntity'), ...(org ? { value: org } : {}) },
        { label: tr('clock.fieldAwareness'), ...(awareAt ? { value: `${local(awareAt)} (${awareness?.basis})` } : {}) },
        { label: tr('clock.fieldMalicious'), ...(a.maliciousAct ? { value: sourced(word(a.maliciousAct.value), a.maliciousAct.source) } : {}) },
        { label: tr('clock.fieldCrossBorder'), ...(a.crossBorderImpact ? { value: sourced(word(a.crossBorderImpact.value), a.crossBorderImpact.source) } : {}) },
        { label: tr('clock.fieldServices'), ...(impact ? { value: impact } : {}) },
        { label: tr('clock.fieldContact'), ...(contact ? { value: contact } : {}) },
      ],
      awareAt ? [] : [noAwareness],
    ),
  );

  // NIS2 incident notification
  const notifDue = awareAt ? addHours(awareAt, 72) : undefined;
  out.push(
    clock(
      'nis2-notification',
      { title: tr('clock.nis2-notification'), law: tr('clock.lawNis2Notification'), authority: tr('clock.authorityCcb'), runsFrom: tr('clock.fromAwareness72') },
      awareAt,
      notifDue,
      'nis2-notification',
      [
        { label: tr('clock.fieldUpdate'), ...(filingOf(c, 'nis2-early-warning', now) ? { value: tr('clock.earlyWarningFiled', { at: local(filingOf(c, 'nis2-early-warning', now)?.filedAt ?? '') }) } : {}) },
        { label: tr('clock.fieldSeverity'), ...(a.severity ? { value: sourced(word(a.severity.value), a.severity.source) } : {}) },
        { label: tr('clock.fieldImpact'), ...(impact ? { value: impact } : {}) },
        { label: tr('clock.fieldIoc'), ...(a.indicators && a.indicators.value.length > 0 ? { value: a.indicators.value.join(', ') } : {}) },
        { label: tr('clock.fieldMalicious'), ...(a.maliciousAct ? { value: word(a.maliciousAct.value) } : {}) },
        { label: tr('clock.fieldCrossBorder'), ...(a.crossBorderImpact ? { value: word(a.crossBorderImpact.value) } : {}) },
        { label: tr('clock.fieldContact'), ...(contact ? { value: contact } : {}) },
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
    finalNotes.push(tr('clock.notifDueComputed'));
  } else finalNotes.push(noAwareness);
  if (progress && !filingOf(c, 'nis2-final', now)) {
    const ended = a.handlingEndedAt?.value;
    finalNotes.push(tr('clock.progressFiled', { at: local(progress.filedAt) }));
    finalStart = ended;
    finalDue = ended ? addMonths(ended, 1, tz) : undefined;
    if (!ended) finalNotes.push(tr('clock.handlingNotEnded'));
  }
  out.push(
    clock(
      'nis2-final',
      { title: tr('clock.nis2-final'), law: tr('clock.lawNis2Final'), authority: tr('clock.authorityCcb'), runsFrom: tr('clock.fromNotification') },
      finalStart,
      finalDue,
      'nis2-final',
      [
        { label: tr('clock.fieldDescription'), ...(impact && a.severity ? { value: `${word(a.severity.value)}${sep}${impact}` } : {}) },
        { label: tr('clock.fieldRootCause'), ...(a.rootCause ? { value: a.rootCause.value } : {}) },
        { label: tr('clock.fieldMitigation'), ...(mitigation ? { value: mitigation } : {}) },
        { label: tr('clock.fieldCrossBorder'), ...(a.crossBorderImpact ? { value: word(a.crossBorderImpact.value) } : {}) },
      ],
      finalNotes,
    ),
  );

  // GDPR art. 33
  const breach = c.regulatory.breach && Date.parse(c.regulatory.breach.stamp.at) <= Date.parse(now) ? c.regulatory.breach : undefined;
  const dpo = holderOf(c, 'dpo', now);
  const gdprBase = { title: tr('clock.gdpr-art33'), law: tr('clock.lawGdpr'), authority: tr('clock.authorityDpa'), runsFrom: tr('clock.fromBreach') };
  const gdprFields = (late: boolean): DraftField[] => [
    { label: tr('clock.fieldNature'), ...(breach?.nature ? { value: breach.nature } : {}) },
    { label: tr('clock.fieldSubjectCategories'), ...(breach?.subjectCategories?.length ? { value: breach.subjectCategories.join(', ') } : {}) },
    { label: tr('clock.fieldSubjects'), ...(breach?.approxSubjects !== undefined ? { value: String(breach.approxSubjects) } : {}) },
    { label: tr('clock.fieldDataCategories'), ...(breach?.dataCategories?.length ? { value: breach.dataCategories.join(', ') } : {}) },
    { label: tr('clock.fieldRecords'), ...(breach?.approxRecords !== undefined ? { value: String(breach.approxRecords) } : {}) },
    { label: tr('clock.fieldDpo'), ...(dpo ? { value: `${dpo.person}${dpo.reach ? `, ${dpo.reach}` : ''}` } : {}) },
    { label: tr('clock.fieldConsequences'), ...(breach?.likelyConsequences ? { value: breach.likelyConsequences } : {}) },
    { label: tr('clock.fieldMeasures'), ...(breach?.measures ?? mitigation ? { value: breach?.measures ?? mitigation ?? '' } : {}) },
    ...(late ? [{ label: tr('clock.fieldDelay') }] : []),
  ];
  if (breach && !breach.personalDataBreach) {
    out.push({
      id: 'gdpr-art33', ...gdprBase, status: 'not-applicable', provisional: false,
      notes: [tr('clock.noBreach', { at: local(breach.stamp.at), reason: breach.reason })],
      draft: { fields: [], missing: [] },
    });
  } else {
    const start = breach ? (breach.awareAt ?? awareAt) : awareAt;
    const due = start ? addHours(start, 72) : undefined;
    const late = due !== undefined && (filingOf(c, 'gdpr-notification', now) ? Date.parse(filingOf(c, 'gdpr-notification', now)?.filedAt ?? '') > Date.parse(due) : Date.parse(now) > Date.parse(due));
    const notes: string[] = [];
    if (!breach) notes.push(tr('clock.breachUndecided'));
    else if (breach.highRisk) notes.push(tr('clock.highRisk'));
    if (!start) notes.push(noAwareness);
    out.push(clock('gdpr-art33', gdprBase, start, due, 'gdpr-notification', gdprFields(late), notes, !breach));
  }
  return out;
}

/** Who the authorities call back: the liaison, else the commander, as held at `now`. */
function contactPerson(c: CoordinationView, now: string, lang: Lang): string | undefined {
  const h = holderOf(c, 'liaison', now) ?? holderOf(c, 'commander', now);
  if (!h) return undefined;
  return `${h.person} (${label(lang, 'position', h.position)}${h.reach ? `, ${h.reach}` : ''})`;
}

/** `due in 12 h 02 min`, `overdue by 3 h 10 min`, `filed Sun 15 May 2022 01:10 +02:00`: one clock in a line, in `lang`. */
export function describeClock(k: RegulatoryClock, timeZone = 'Europe/Brussels', lang: Lang = 'en'): string {
  const when = (iso: string) => formatLocal(iso, timeZone, lang);
  switch (k.status) {
    case 'filed': {
      const filed = t(lang, k.filedLate ? 'clock.lineFiledLate' : 'clock.lineFiled', { at: when(k.filedAt ?? '') });
      return k.reference ? `${filed}, ${t(lang, 'clock.lineRef', { ref: k.reference })}` : filed;
    }
    case 'overdue':
      return t(lang, 'clock.lineOverdue', { duration: formatDuration(k.hoursLeft ?? 0, lang), at: k.due ? when(k.due) : '' });
    case 'due-soon':
    case 'upcoming':
      return t(lang, k.provisional ? 'clock.lineDueProvisional' : 'clock.lineDue', { at: k.due ? when(k.due) : '', duration: formatDuration(k.hoursLeft ?? 0, lang) });
    case 'not-applicable':
      return t(lang, 'clock.lineNotApplicable');
    case 'not-started':
      return t(lang, 'clock.lineNotStarted');
  }
}
