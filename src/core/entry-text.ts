/**
 * One sentence a person can read for every kind of journal entry, in every language: the CLI's
 * `log` and `decision list`, the printed logbook, the API's logbook and live stream all say an
 * entry with `describeEntry`. The table below is mapped over EntryKind, so a kind added to
 * entries.ts without a description does not compile; the words come from the catalogue
 * (i18n/entries.ts), so a language without them does not compile either.
 */
import type { EntryKind } from './entries.ts';
import type { AnyEntry, JournalEntry } from './journal.ts';
import type { Lang, MessageKey, Params } from './i18n/index.ts';
import { joinList, label, t } from './i18n/index.ts';
import { DEFAULT_TIME_ZONE, formatLocal } from './clocks/time.ts';
import { EVIDENCE_LEVELS } from './evidence.ts';

export interface DescribeOptions {
  readonly lang?: Lang;
  /** Zone of the crisis: every time in a description is local time with its offset. */
  readonly timeZone?: string;
}

/** What a describer is handed: the language's words and formatters. */
export interface DescribeCtx {
  readonly lang: Lang;
  tr(key: MessageKey, params?: Params): string;
  /** A time as people read it: `Sat 14 May 2022 03:50 +02:00`. */
  when(iso: string): string;
  /** A value of a closed list in words (`security`, `compromised` -> `compromis`). */
  word(prefix: string, value: string): string;
  /** `a, b and c`. */
  list(words: readonly string[]): string;
  /** At most `max` names, then "and N more". */
  names(ids: readonly string[], max?: number): string;
  /** The title of a crisis-cell position id in this language (a position the cell named itself keeps its id). */
  position(id: string): string;
  /** The parts given, joined with the language's semicolon (` ; ` in French). */
  join(...xs: readonly Part[]): string;
}

export type Describer<K extends EntryKind> = (e: JournalEntry<K>, x: DescribeCtx) => string;

type Part = string | false | undefined | '';

/** `internet-cut`, `link-cut@hsp-north`, `quarantine:clinical@hsp-north` (measureIdOf) in words. */
export function measureText(x: Pick<DescribeCtx, 'tr'>, m: { readonly type?: string; readonly id: string; readonly site?: string; readonly zone?: string }): string {
  let type = m.type;
  let site = m.site;
  let zone = m.zone;
  if (type === undefined) {
    const q = /^quarantine:([^@]*)(?:@(.+))?$/.exec(m.id);
    const o = /^(internet-cut|link-cut)(?:@(.+))?$/.exec(m.id);
    if (q) [type, zone, site] = ['quarantine', q[1], q[2]];
    else if (o) [type, site] = [o[1], o[2]];
    else return m.id;
  }
  if (type === 'quarantine') return site ? x.tr('measure.quarantine@', { zone: zone ?? '?', site }) : x.tr('measure.quarantine', { zone: zone ?? '?' });
  if (type === 'internet-cut') return site ? x.tr('measure.internet-cut@', { site }) : x.tr('measure.internet-cut');
  if (type === 'link-cut') return site ? x.tr('measure.link-cut@', { site }) : x.tr('measure.link-cut');
  return m.id;
}

/** Phone first, e-mail last: when IT is down the phone is what works. */
export function reachText(x: Pick<DescribeCtx, 'tr'>, c: { readonly phone?: string; readonly mobile?: string; readonly radio?: string; readonly email?: string }): string {
  return [c.phone, c.mobile && x.tr('reach.mobile', { n: c.mobile }), c.radio && x.tr('reach.radio', { n: c.radio }), c.email].filter((s): s is string => typeof s === 'string' && s !== '').join(', ');
}

const ASSESSMENT_FIELDS = ['ransomDemand', 'dataExfiltration', 'maliciousAct', 'crossBorderImpact', 'severity'] as const;

/** The description of every entry kind. */
export const ENTRY_DESCRIPTIONS: { readonly [K in EntryKind]: Describer<K> } = {
  'crisis.initialised': (e, x) =>
    x.tr(e.payload.demo ? 'entry.crisisDemo' : 'entry.crisis', { name: e.payload.name, organisation: e.payload.organisation, zone: e.payload.timeZone ?? DEFAULT_TIME_ZONE }),
  'estate.upserted': (e, x) => {
    const p = e.payload;
    const files = p.sources.map((s) => s.file).filter((f) => f !== '');
    return x.tr('entry.estate', { files: files.length ? x.list(files) : x.tr('entry.generator'), sites: p.sites.length, services: p.services.length, assets: p.assets.length, needs: p.needs.length });
  },
  'asset.state': (e, x) => {
    const p = e.payload;
    const changes = [
      p.security && x.tr('entry.asset.security', { value: x.word('security', p.security) }),
      p.recovery && x.tr('entry.asset.recovery', { value: x.word('recovery', p.recovery) }),
      p.observed && x.word('observed', p.observed),
    ].filter((s): s is string => typeof s === 'string');
    const main = x.tr('entry.asset', { assets: x.names(p.assets, 4), changes: changes.join(', '), reason: p.reason });
    return x.join(main, p.happenedAt !== undefined && x.tr('entry.factAt', { at: x.when(p.happenedAt) }));
  },
  'measure.applied': (e, x) => x.join(x.tr('entry.measureApplied', { measure: measureText(x, e.payload), reason: e.payload.reason }), e.payload.happenedAt !== undefined && x.tr('entry.factAt', { at: x.when(e.payload.happenedAt) })),
  'measure.lifted': (e, x) => x.join(x.tr('entry.measureLifted', { measure: measureText(x, { id: e.payload.id }), reason: e.payload.reason }), e.payload.happenedAt !== undefined && x.tr('entry.factAt', { at: x.when(e.payload.happenedAt) })),
  'log.note': (e, x) => x.join(x.tr('entry.note', { type: x.word('noteType', e.payload.type), text: e.payload.text }), e.payload.source !== undefined && x.tr('entry.noteSource', { source: e.payload.source })),
  'evidence.recorded': (e, x) => {
    const p = e.payload;
    const levels = EVIDENCE_LEVELS.filter((l) => p.byLevel[l]).map((l) => `${p.byLevel[l]} ${x.word('level', l)}`).join(', ');
    const hits = p.detections > 0
      ? x.tr('entry.evidenceHits', { n: p.detections, levels, first: x.when(p.first), last: x.when(p.last), refs: p.refs.length + (p.refsOmitted ?? 0) })
      : x.tr('entry.evidenceNone');
    const sameName = p.hosts.length === 1 && p.hosts[0]?.toLowerCase() === p.asset;
    const erased = p.erased && p.erased.length > 0 ? x.tr('entry.evidenceErased', { n: p.erased.length }) : undefined;
    return x.tr(sameName ? 'entry.evidence' : 'entry.evidenceAs', { asset: p.asset, hosts: p.hosts.join(', '), hits: x.join(hits, erased), source: p.source });
  },
  'user.added': (e, x) => x.tr('entry.userAdded', { name: e.payload.name, role: x.word('role', e.payload.role) }),
  'user.role-changed': (e, x) => x.tr('entry.userRole', { name: e.payload.name, role: x.word('role', e.payload.role), reason: e.payload.reason }),
  'user.disabled': (e, x) => x.tr('entry.userDisabled', { name: e.payload.name, reason: e.payload.reason }),
  'user.password-changed': (e, x) => x.tr('entry.userPasswordChanged', { name: e.payload.name }),
  'journal.integrity-accepted': (e, x) => x.tr('entry.integrityAccepted', { problem: e.payload.problem, reason: e.payload.reason }),
  'positions.configured': (e, x) => x.tr('entry.positions', { list: x.list(e.payload.positions.map((p) => `${p.title} (${p.id})`)) }),
  'period.opened': (e, x) =>
    x.tr('entry.period', { id: e.payload.id, name: e.payload.name, start: x.when(e.payload.start), end: x.when(e.payload.end), n: e.payload.objectives.length }),
  'position.assigned': (e, x) => {
    const p = e.payload;
    const main = p.period ? x.tr('entry.assignedPeriod', { person: p.person, position: x.position(p.position), period: p.period }) : x.tr('entry.assigned', { person: p.person, position: x.position(p.position) });
    return x.join(main, p.reach !== undefined && x.tr('entry.reach', { reach: p.reach }));
  },
  'decision.opened': (e, x) => {
    const p = e.payload;
    return x.join(
      x.tr('entry.decisionOpened', { id: p.id, question: p.question }),
      p.options.length > 0 && x.tr('entry.options', { options: p.options.join(' / ') }),
      p.reviewAt !== undefined && x.tr('entry.reviewBy', { at: x.when(p.reviewAt) }),
      p.owner !== undefined && x.tr('entry.preparedBy', { position: x.position(p.owner) }),
    );
  },
  'decision.made': (e, x) => {
    const p = e.payload;
    const person = p.decidedBy.person;
    return x.join(
      x.tr('entry.decisionMade', { id: p.id, decision: p.decision, person, position: x.position(p.decidedBy.position), at: x.when(p.decidedAt), rationale: p.rationale }),
      p.onBehalf === true && x.tr('entry.onBehalf', { recorder: e.actor, person }),
      p.reviewAt !== undefined && x.tr('entry.reviewBy', { at: x.when(p.reviewAt) }),
    );
  },
  'action.created': (e, x) => {
    const p = e.payload;
    return x.join(
      x.tr('entry.actionCreated', { id: p.id, title: p.title, owner: `${x.position(p.ownerPosition)}${p.owner ? ` (${p.owner})` : ''}`, status: x.word('actionStatus', p.status) }),
      p.due !== undefined && x.tr('entry.due', { at: x.when(p.due) }),
    );
  },
  'action.updated': (e, x) => {
    const p = e.payload;
    const changes = x.join(
      p.status !== undefined && x.tr('entry.actionStatus', { status: x.word('actionStatus', p.status) }),
      p.due !== undefined && x.tr('entry.due', { at: x.when(p.due) }),
      (p.ownerPosition !== undefined || p.owner !== undefined) && x.tr('entry.actionOwner', { owner: [p.ownerPosition && x.position(p.ownerPosition), p.owner].filter(Boolean).join(' ') }),
      p.note !== undefined && x.tr('entry.actionNote', { note: p.note }),
    );
    return x.tr('entry.actionUpdated', { id: p.id, changes });
  },
  'meeting.scheduled': (e, x) => x.join(x.tr('entry.meetingScheduled', { id: e.payload.id, title: e.payload.title, at: x.when(e.payload.at) }), e.payload.place !== undefined && x.tr('entry.place', { place: e.payload.place })),
  'meeting.minuted': (e, x) => x.tr('entry.minutes', { id: e.payload.id, at: x.when(e.payload.heldAt), minutes: e.payload.minutes }),
  'contact.upserted': (e, x) => {
    const p = e.payload;
    const reach = reachText(x, p);
    return x.tr('entry.contact', { name: p.organisation ? `${p.name}, ${p.organisation}` : p.name, party: x.word('party', p.party), reach: reach || x.tr('entry.noReach') });
  },
  'channel.status': (e, x) => {
    const p = e.payload;
    return x.join(
      x.tr('entry.channel', { channel: x.word('channel', p.channel), status: x.word('channelStatus', p.status), where: p.site ? x.tr('entry.channelSite', { site: p.site }) : x.tr('entry.channelGroup') }),
      p.fallback !== undefined && x.tr('entry.fallback', { fallback: p.fallback }),
      p.note,
    );
  },
  'comms.drafted': (e, x) => {
    const p = e.payload;
    return x.join(x.tr('entry.commsDrafted', { id: p.id, audience: x.word('audience', p.audience), title: p.title }), p.missing !== undefined && p.missing.length > 0 && x.tr('entry.commsMissing', { list: p.missing.join(', ') }));
  },
  'comms.approved': (e, x) => {
    const p = e.payload;
    return x.join(x.tr('entry.commsApproved', { id: p.id, person: p.approvedBy.person, position: x.position(p.approvedBy.position) }), p.draftedBy !== undefined && x.tr('entry.draftedBy', { drafter: p.draftedBy }));
  },
  'comms.published': (e, x) => x.tr('entry.commsPublished', { id: e.payload.id, channel: e.payload.channel, at: x.when(e.payload.publishedAt) }),
  'incident.assessed': (e, x) => {
    const p = e.payload;
    const facts: Part[] = [
      ...ASSESSMENT_FIELDS.filter((f) => p[f] !== undefined).map((f) => x.tr('entry.assessedFact', { what: x.word('assess', f), value: x.word('assessValue', String(p[f])) })),
      p.rootCause !== undefined && x.tr('entry.assessedFact', { what: x.word('assess', 'rootCause'), value: p.rootCause }),
      p.indicators !== undefined && x.tr('entry.assessedFact', { what: x.word('assess', 'indicators'), value: p.indicators.join(', ') }),
      p.mitigation !== undefined && x.tr('entry.assessedFact', { what: x.word('assess', 'mitigation'), value: p.mitigation }),
      p.handlingEndedAt !== undefined && x.tr('entry.assessedFact', { what: x.word('assess', 'handlingEndedAt'), value: x.when(p.handlingEndedAt) }),
      p.note,
    ];
    return x.tr('entry.assessed', { source: p.source, facts: x.join(...facts) });
  },
  'regulatory.awareness': (e, x) => x.tr('entry.awareness', { at: x.when(e.payload.awareAt), basis: e.payload.basis }),
  'regulatory.breach-assessed': (e, x) => {
    const p = e.payload;
    return x.join(
      x.tr(p.personalDataBreach ? 'entry.breachYes' : 'entry.breachNo', { reason: p.reason }),
      p.awareAt !== undefined && x.tr('entry.breachAware', { at: x.when(p.awareAt) }),
      p.highRisk === true && x.tr('entry.highRisk'),
    );
  },
  'regulatory.filed': (e, x) => {
    const p = e.payload;
    return x.join(
      x.tr('entry.filed', { report: x.word('report', p.report), authority: p.authority, at: x.when(p.filedAt) }),
      p.reference !== undefined && x.tr('entry.reference', { ref: p.reference }),
      p.delayReason !== undefined && x.tr('entry.delay', { reason: p.delayReason }),
      p.note,
    );
  },
};

/** The words and formatters of one language and zone, for describers and reports alike. */
export function describeCtx(opts: DescribeOptions = {}): DescribeCtx {
  const lang = opts.lang ?? 'en';
  const zone = opts.timeZone ?? DEFAULT_TIME_ZONE;
  const tr = (key: MessageKey, params?: Params) => t(lang, key, params);
  return {
    lang,
    tr,
    when: (iso) => formatLocal(iso, zone, lang),
    word: (prefix, value) => label(lang, prefix, value),
    list: (words) => joinList(lang, words),
    names: (ids, max = 4) => (ids.length <= max ? ids.join(', ') : tr('list.more', { list: ids.slice(0, max - 1).join(', '), n: ids.length - (max - 1) })),
    position: (id) => label(lang, 'position', id),
    join: (...xs) => xs.filter((p): p is string => typeof p === 'string' && p !== '').join(tr('punct.sep')),
  };
}

/** One line a person can read for any entry, in `opts.lang` (default English), times in `opts.timeZone`. */
export function describeEntry(e: AnyEntry, opts: DescribeOptions = {}): string {
  const describe = ENTRY_DESCRIPTIONS[e.kind] as Describer<EntryKind>;
  return describe(e as JournalEntry<EntryKind>, describeCtx(opts));
}
