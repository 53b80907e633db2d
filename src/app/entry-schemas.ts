/**
 * What a stored entry must look like, kind by kind: the same constraints the commands put on what
 * they write (schemas.ts, coordination-schemas.ts), applied to entries that come from elsewhere —
 * an imported journal, a row read back from the store. `import-journal` refuses a file on the first
 * entry that fails; the fold leaves such an entry out and reports its seq and kind instead of
 * crashing on it.
 *
 * Unknown extra fields are allowed (an older reader must fold a newer writer's additions); missing
 * or mistyped required ones are not. The table is typed by EntryKind, so a new kind without a schema
 * does not compile.
 */
import { z } from 'zod';
import type { EntryKind } from '../core/entries.ts';
import { ASSET_KINDS, CRITICALITIES, MEASURE_TYPES, OBSERVATIONS, RECOVERY_STATES, SECURITY_STATES, SITE_KINDS } from '../core/model.ts';
import { ACTION_STATUSES, ASSESSMENT_VALUES, AUDIENCES, CHANNEL_STATUSES, CHANNELS, PARTY_TYPES, REPORT_KINDS } from '../core/coordination/types.ts';

const time = z.iso.datetime({ offset: true, message: 'expected an ISO 8601 time with offset' });
const text = z.string();
const nonEmpty = z.string().min(1);
const strings = z.array(z.string());

const site = z.object({ id: nonEmpty, name: text, kind: z.enum(SITE_KINDS), location: text.optional() });
const service = z.object({ id: nonEmpty, site: nonEmpty, kind: nonEmpty, name: text, criticality: z.enum(CRITICALITIES), rtoHours: z.number().finite().optional(), phone: text.optional() });
const asset = z.object({ id: nonEmpty, hostname: nonEmpty, kind: z.enum(ASSET_KINDS), os: text, site: nonEmpty, zone: text, roles: strings, tags: strings, ip: text.optional() });
const target = z.discriminatedUnion('type', [
  z.object({ type: z.literal('asset'), id: nonEmpty }),
  z.object({ type: z.literal('service'), id: nonEmpty }),
  z.object({ type: z.literal('internet') }),
]);
const need = z.object({
  id: nonEmpty,
  from: z.discriminatedUnion('type', [z.object({ type: z.literal('asset'), id: nonEmpty }), z.object({ type: z.literal('service'), id: nonEmpty })]),
  targets: z.array(target),
  min: z.number().int().min(1),
  effect: z.discriminatedUnion('kind', [z.object({ kind: z.literal('down') }), z.object({ kind: z.literal('degraded'), capacity: z.number().min(0).max(1), procedure: text })]),
  note: text.optional(),
});
const decidedBy = z.object({ position: text, person: text });

export const ENTRY_PAYLOAD_SCHEMAS: Readonly<Record<EntryKind, z.ZodType>> = {
  'crisis.initialised': z.object({ name: text, organisation: text, demo: z.boolean().optional() }),
  'estate.upserted': z.object({
    sources: z.array(z.object({ file: text, sha256: text })),
    sites: z.array(site),
    services: z.array(service),
    assets: z.array(asset),
    needs: z.array(need),
  }),
  'asset.state': z
    .object({
      assets: z.array(nonEmpty).min(1),
      security: z.enum(SECURITY_STATES).optional(),
      recovery: z.enum(RECOVERY_STATES).optional(),
      observed: z.enum(OBSERVATIONS).optional(),
      reason: text,
    }),
  'measure.applied': z.object({ id: nonEmpty, type: z.enum(MEASURE_TYPES), site: nonEmpty.optional(), zone: text.optional(), reason: text }),
  'measure.lifted': z.object({ id: nonEmpty, reason: text }),
  'user.added': z.object({ name: nonEmpty, role: nonEmpty }),
  'user.role-changed': z.object({ name: nonEmpty, role: nonEmpty, reason: text }),
  'user.disabled': z.object({ name: nonEmpty, reason: text }),
  'user.password-changed': z.object({ name: nonEmpty, reason: text.optional() }),
  'journal.integrity-accepted': z.object({ problem: text, reason: text, headSeq: z.number().int().min(0), badSeq: z.number().int().optional(), checkpointSeq: z.number().int().optional() }),
  'log.note': z.object({ type: z.enum(['fact', 'decision', 'action', 'communication']), text, source: text.optional() }),
  'evidence.recorded': z.object({
    asset: nonEmpty,
    hosts: strings,
    matchedBy: z.enum(['hostname', 'fqdn', 'ip']),
    source: text,
    detections: z.number().int().min(0),
    byLevel: z.record(z.string(), z.number().int().min(0)),
    first: text,
    last: text,
    refs: z.array(z.record(z.string(), z.unknown())),
    refsOmitted: z.number().int().min(0).optional(),
    erased: z.array(z.record(z.string(), z.unknown())).optional(),
  }),
  'positions.configured': z.object({ positions: z.array(z.object({ id: nonEmpty, title: text })) }),
  'period.opened': z.object({ id: nonEmpty, name: text, start: time, end: time, objectives: strings }),
  'position.assigned': z.object({ position: nonEmpty, person: text, period: nonEmpty.optional(), reach: text.optional() }),
  'decision.opened': z.object({ id: nonEmpty, question: text, options: strings, services: strings, sites: strings, reviewAt: time.optional(), owner: text.optional() }),
  'decision.made': z.object({ id: nonEmpty, decision: text, rationale: text, decidedBy, decidedAt: time, reviewAt: time.optional() }),
  'action.created': z.object({
    id: nonEmpty,
    title: text,
    ownerPosition: text,
    owner: text.optional(),
    due: time.optional(),
    status: z.enum(ACTION_STATUSES),
    links: z.object({ assets: strings, services: strings, decisions: strings }),
  }),
  'action.updated': z.object({ id: nonEmpty, status: z.enum(ACTION_STATUSES).optional(), due: time.optional(), ownerPosition: text.optional(), owner: text.optional(), note: text.optional() }),
  'meeting.scheduled': z.object({ id: nonEmpty, title: text, at: time, place: text.optional(), attendees: strings, period: nonEmpty.optional() }),
  'meeting.minuted': z.object({ id: nonEmpty, heldAt: time, attendees: strings, minutes: text }),
  'contact.upserted': z.object({
    id: nonEmpty,
    name: text,
    party: z.enum(PARTY_TYPES),
    organisation: text.optional(),
    function: text.optional(),
    phone: text.optional(),
    mobile: text.optional(),
    email: text.optional(),
    radio: text.optional(),
    site: nonEmpty.optional(),
    service: nonEmpty.optional(),
    notes: text.optional(),
  }),
  'channel.status': z.object({ channel: z.enum(CHANNELS), site: nonEmpty.optional(), status: z.enum(CHANNEL_STATUSES), fallback: text.optional(), note: text.optional() }),
  'comms.drafted': z.object({ id: nonEmpty, audience: z.enum(AUDIENCES), title: text, body: text, template: text.optional(), missing: strings.optional() }),
  'comms.approved': z.object({ id: nonEmpty, approvedBy: decidedBy }),
  'comms.published': z.object({ id: nonEmpty, channel: text, publishedAt: time }),
  'incident.assessed': z.object({
    ransomDemand: z.enum(ASSESSMENT_VALUES.ransomDemand).optional(),
    dataExfiltration: z.enum(ASSESSMENT_VALUES.dataExfiltration).optional(),
    maliciousAct: z.enum(ASSESSMENT_VALUES.maliciousAct).optional(),
    crossBorderImpact: z.enum(ASSESSMENT_VALUES.crossBorderImpact).optional(),
    severity: z.enum(ASSESSMENT_VALUES.severity).optional(),
    rootCause: text.optional(),
    indicators: strings.optional(),
    mitigation: text.optional(),
    handlingEndedAt: time.optional(),
    source: text,
    note: text.optional(),
  }),
  'regulatory.awareness': z.object({ awareAt: time, basis: text }),
  'regulatory.breach-assessed': z.object({
    personalDataBreach: z.boolean(),
    awareAt: time.optional(),
    reason: text,
    nature: text.optional(),
    dataCategories: strings.optional(),
    subjectCategories: strings.optional(),
    approxSubjects: z.number().finite().optional(),
    approxRecords: z.number().finite().optional(),
    likelyConsequences: text.optional(),
    measures: text.optional(),
    highRisk: z.boolean().optional(),
  }),
  'regulatory.filed': z.object({ report: z.enum(REPORT_KINDS), filedAt: time, authority: text, reference: text.optional(), delayReason: text.optional(), note: text.optional() }),
};

/** The envelope of every stored entry besides its payload. */
const envelope = z.object({ at: time, actor: nonEmpty });

/** A problem with one stored entry: the first field that is wrong, located. */
export interface EntryProblem {
  readonly seq: number;
  readonly kind: string;
  /** Dotted path: `at`, `payload.sites`, `payload.assets.3.kind`. */
  readonly field: string;
  readonly message: string;
}

/** Checks a stored entry against its kind's schema; undefined when it is fine. */
export function checkEntry(e: { readonly seq: number; readonly kind: string; readonly at: unknown; readonly actor: unknown; readonly payload: unknown }): EntryProblem | undefined {
  const env = envelope.safeParse({ at: e.at, actor: e.actor });
  if (!env.success) return problemOf(e, env.error.issues, '');
  const schema = (ENTRY_PAYLOAD_SCHEMAS as Record<string, z.ZodType | undefined>)[e.kind];
  if (schema === undefined) return { seq: e.seq, kind: e.kind, field: 'kind', message: `unknown kind "${e.kind}"` };
  const r = schema.safeParse(e.payload);
  return r.success ? undefined : problemOf(e, r.error.issues, 'payload');
}

function problemOf(e: { seq: number; kind: string }, issues: readonly z.core.$ZodIssue[], prefix: string): EntryProblem {
  const i = issues[0];
  const path = [prefix, ...(i?.path ?? []).map(String)].filter((x) => x !== '').join('.');
  return { seq: e.seq, kind: e.kind, field: path || prefix || 'payload', message: i?.message ?? 'invalid' };
}
