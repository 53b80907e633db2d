/**
 * Input schemas of the crisis-cell coordination commands (decisions, actions, meetings, positions,
 * contacts, channels, comms, assessment, regulatory facts). CLI, API and web UI validate with these.
 */
import { z } from 'zod';
import { vmsg } from './validate.ts';
import { ACTION_STATUSES, ASSESSMENT_VALUES, AUDIENCES, CHANNEL_STATUSES, CHANNELS, PARTY_TYPES, REPORT_KINDS } from '../core/coordination/types.ts';

const time = z.iso.datetime({ offset: true, message: vmsg('v.isoTime') });
const text = (max = 2000) => z.string().trim().min(1).max(max);
const list = z.array(z.string().trim().min(1).max(300)).max(500).default([]);
const slug = z.string().trim().regex(/^[a-z0-9][a-z0-9-]*$/, vmsg('v.slug'));
/** When the author wrote it; absent: now. Lets a scribe record what was said at 06:00 afterwards. */
const at = time.optional();

export const decisionOpenInput = z.object({
  question: text(),
  options: list,
  services: list,
  sites: list,
  reviewAt: time.optional(),
  owner: text(100).optional(),
  at,
});

export const decisionMadeInput = z.object({
  id: text(20),
  decision: text(),
  rationale: text(),
  position: text(100),
  /** Who decided; may be left out when the recorder holds `position` (then: its holder, else the recorder). */
  person: text(200).optional(),
  decidedAt: time.optional(),
  reviewAt: time.optional(),
  at,
});

export const actionAddInput = z.object({
  title: text(500),
  ownerPosition: text(100),
  owner: text(200).optional(),
  due: time.optional(),
  status: z.enum(ACTION_STATUSES).default('open'),
  assets: list,
  services: list,
  decisions: list,
  at,
});

export const actionUpdateInput = z
  .object({
    id: text(20),
    status: z.enum(ACTION_STATUSES).optional(),
    due: time.optional(),
    ownerPosition: text(100).optional(),
    owner: text(200).optional(),
    note: text().optional(),
    at,
  })
  .refine((v) => v.status !== undefined || v.due !== undefined || v.ownerPosition !== undefined || v.owner !== undefined || v.note !== undefined, {
    message: vmsg('v.actionChange'),
    path: ['status'],
  });

export const positionsInput = z.object({
  positions: z.array(z.object({ id: slug, title: text(100) })).min(1),
  at,
});

export const periodOpenInput = z
  .object({ name: text(200), start: time, end: time, objectives: list, at })
  .refine((v) => Date.parse(v.end) > Date.parse(v.start), { message: vmsg('v.periodEnd'), path: ['end'] });

export const roleAssignInput = z.object({
  position: text(100),
  person: text(200),
  period: text(20).optional(),
  reach: text(200).optional(),
  at,
});

export const meetingScheduleInput = z.object({
  /** An existing meeting id moves that meeting; absent: a new meeting. */
  id: text(20).optional(),
  title: text(300),
  at: time,
  place: text(300).optional(),
  attendees: list,
  period: text(20).optional(),
  writtenAt: time.optional(),
});

export const meetingMinutesInput = z.object({
  id: text(20),
  heldAt: time.optional(),
  attendees: list,
  minutes: text(50_000),
  at,
});

export const contactInput = z
  .object({
    id: slug.max(80).optional(),
    name: text(200),
    party: z.enum(PARTY_TYPES),
    organisation: text(200).optional(),
    function: text(200).optional(),
    phone: text(60).optional(),
    mobile: text(60).optional(),
    email: z.email().optional(),
    radio: text(60).optional(),
    site: text(100).optional(),
    service: text(200).optional(),
    notes: text().optional(),
    at,
  })
  .refine((v) => v.phone ?? v.mobile ?? v.email ?? v.radio, { message: vmsg('v.contactReach'), path: ['phone'] });

export const channelInput = z.object({
  channel: z.enum(CHANNELS),
  site: text(100).optional(),
  status: z.enum(CHANNEL_STATUSES),
  fallback: text(500).optional(),
  note: text().optional(),
  at,
});

export const commsDraftInput = z
  .object({
    audience: z.enum(AUDIENCES),
    template: text(100).optional(),
    title: text(300).optional(),
    body: text(50_000).optional(),
    at,
  })
  .refine((v) => v.template !== undefined || (v.title !== undefined && v.body !== undefined), {
    message: vmsg('v.commsBody'),
    path: ['template'],
  });

export const commsApproveInput = z.object({ id: text(20), person: text(200).optional(), at });
export const commsPublishInput = z.object({ id: text(20), channel: text(200), publishedAt: time.optional(), at });

export const assessInput = z
  .object({
    ransomDemand: z.enum(ASSESSMENT_VALUES.ransomDemand).optional(),
    dataExfiltration: z.enum(ASSESSMENT_VALUES.dataExfiltration).optional(),
    maliciousAct: z.enum(ASSESSMENT_VALUES.maliciousAct).optional(),
    crossBorderImpact: z.enum(ASSESSMENT_VALUES.crossBorderImpact).optional(),
    severity: z.enum(ASSESSMENT_VALUES.severity).optional(),
    rootCause: text().optional(),
    indicators: z.array(text(500)).max(1000).optional(),
    mitigation: text().optional(),
    handlingEndedAt: time.optional(),
    source: text(500),
    note: text().optional(),
    at,
  })
  .refine(
    (v) => [v.ransomDemand, v.dataExfiltration, v.maliciousAct, v.crossBorderImpact, v.severity, v.rootCause, v.indicators, v.mitigation, v.handlingEndedAt].some((x) => x !== undefined),
    { message: vmsg('v.assessField'), path: ['ransomDemand'] },
  );

export const awarenessInput = z.object({ awareAt: time, basis: text(), at });

export const breachInput = z.object({
  personalDataBreach: z.boolean(),
  awareAt: time.optional(),
  reason: text(),
  nature: text().optional(),
  dataCategories: z.array(text(200)).optional(),
  subjectCategories: z.array(text(200)).optional(),
  approxSubjects: z.number().int().nonnegative().optional(),
  approxRecords: z.number().int().nonnegative().optional(),
  likelyConsequences: text().optional(),
  measures: text().optional(),
  highRisk: z.boolean().optional(),
  at,
});

export const fileInput = z.object({
  report: z.enum(REPORT_KINDS),
  filedAt: time.optional(),
  authority: text(200).optional(),
  reference: text(200).optional(),
  delayReason: text().optional(),
  note: text().optional(),
  at,
});

export const reportAtInput = z.object({ at: time.optional() });
