/**
 * Input schemas of the commands: the CLI, the HTTP API and the web UI validate with the same ones.
 */
import { z } from 'zod';
import { MEASURE_TYPES, OBSERVATIONS, RECOVERY_STATES, SECURITY_STATES } from '../core/model.ts';

const reason = z.string().trim().min(3, 'give a reason of at least 3 characters: it goes into the evidential logbook').max(2000);

export const initInput = z.object({
  name: z.string().trim().min(1).max(200).default('Cyberattack'),
  organisation: z.string().trim().min(1).max(200).default('Hospital group'),
});

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
  })
  .refine((v) => v.security !== undefined || v.recovery !== undefined || v.observed !== undefined, {
    message: 'say what changes: --security, --recovery or --observed',
    path: ['security'],
  });

export const measureInput = z
  .object({
    type: z.enum(MEASURE_TYPES),
    site: z.string().trim().min(1).optional(),
    zone: z.string().trim().min(1).optional(),
    reason,
  })
  .superRefine((v, ctx) => {
    if (v.type === 'link-cut' && v.site === undefined) ctx.addIssue({ code: 'custom', path: ['site'], message: 'a link cut needs --site' });
    if (v.type === 'quarantine' && v.zone === undefined) ctx.addIssue({ code: 'custom', path: ['zone'], message: 'a quarantine needs --zone' });
    if (v.type !== 'quarantine' && v.zone !== undefined) ctx.addIssue({ code: 'custom', path: ['zone'], message: `--zone applies to a quarantine, not a ${v.type}` });
  });

export const noteInput = z.object({
  type: z.enum(['fact', 'decision', 'action', 'communication']),
  text: z.string().trim().min(1).max(10_000),
  source: z.string().trim().min(1).max(500).optional(),
  at: z.iso.datetime({ offset: true }).optional(),
});

export const isoTime = z.iso.datetime({ offset: true, message: 'expected an ISO 8601 time with offset, e.g. 2022-05-14T15:00:00+02:00' });

export type AssetSetInput = z.infer<typeof assetSetInput>;
export type MeasureInput = z.infer<typeof measureInput>;
export type NoteInput = z.infer<typeof noteInput>;
