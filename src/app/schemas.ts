/**
 * Input schemas of the commands: the CLI, the HTTP API and the web UI validate with the same ones.
 */
import { z } from 'zod';
import { MEASURE_TYPES, OBSERVATIONS, RECOVERY_STATES, SECURITY_STATES } from '../core/model.ts';
import { canonicalTimeZone } from '../core/clocks/time.ts';
import { vmsg } from './validate.ts';

const reason = z.string().trim().min(3, vmsg('v.reason')).max(2000);

/** An IANA zone name, written back in its canonical spelling (`europe/brussels` -> `Europe/Brussels`). */
export const timeZoneInput = z
  .string()
  .trim()
  .min(1)
  .max(100)
  .refine((v) => canonicalTimeZone(v) !== undefined, { message: vmsg('v.timeZone') })
  .transform((v) => canonicalTimeZone(v) ?? v);

export const initInput = z.object({
  name: z.string().trim().min(1).max(200).default('Cyberattack'),
  organisation: z.string().trim().min(1).max(200).default('Hospital group'),
  /** Every time of the crisis is shown in this zone; default Europe/Brussels. */
  timeZone: timeZoneInput.optional(),
});

const factTime = z.iso.datetime({ offset: true, message: vmsg('v.isoTime') });

export const assetSetInput = z
  .object({
    /** A hostname or a glob over hostnames (`srv-pacs-*`, `*`), case-insensitive. */
    pattern: z.string().trim().min(1).max(300),
    site: z.string().trim().min(1).optional(),
    os: z.string().trim().min(1).optional(),
    kind: z.string().trim().min(1).optional(),
    security: z.enum(SECURITY_STATES).optional(),
    recovery: z.enum(RECOVERY_STATES).optional(),
    observed: z.enum(OBSERVATIONS).optional(),
    reason,
    /** When it happened, if earlier than now (`--at 03:50`); the entry keeps the time it is written. */
    at: factTime.optional(),
  })
  .refine((v) => v.security !== undefined || v.recovery !== undefined || v.observed !== undefined, {
    message: vmsg('v.assetChange'),
    path: ['security'],
  });

export const measureInput = z
  .object({
    type: z.enum(MEASURE_TYPES),
    site: z.string().trim().min(1).optional(),
    zone: z.string().trim().min(1).optional(),
    reason,
    /** When the measure took effect (or was lifted), if earlier than now. */
    at: factTime.optional(),
  })
  .superRefine((v, ctx) => {
    if (v.type === 'link-cut' && v.site === undefined) ctx.addIssue({ code: 'custom', path: ['site'], message: vmsg('v.linkCutSite') });
    if (v.type === 'quarantine' && v.zone === undefined) ctx.addIssue({ code: 'custom', path: ['zone'], message: vmsg('v.quarantineZone') });
    if (v.type !== 'quarantine' && v.zone !== undefined) ctx.addIssue({ code: 'custom', path: ['zone'], message: vmsg('v.zoneOnlyQuarantine', { type: v.type }) });
  });

export const noteInput = z.object({
  type: z.enum(['fact', 'decision', 'action', 'communication']),
  text: z.string().trim().min(1).max(10_000),
  source: z.string().trim().min(1).max(500).optional(),
  at: z.iso.datetime({ offset: true, message: vmsg('v.isoTime') }).optional(),
});

export const isoTime = z.iso.datetime({ offset: true, message: vmsg('v.isoTime') });

export type AssetSetInput = z.infer<typeof assetSetInput>;
export type MeasureInput = z.infer<typeof measureInput>;
export type NoteInput = z.infer<typeof noteInput>;
