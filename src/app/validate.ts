import type { z } from 'zod';
import { CrisisError } from '../core/errors.ts';

/** Parses with a schema; a failure is an `invalid-input` CrisisError naming every bad field. */
export function validate<S extends z.ZodType>(schema: S, input: unknown): z.infer<S> {
  const r = schema.safeParse(input);
  if (r.success) return r.data;
  const details = r.error.issues.map((i) => ({ path: i.path.map(String).join('.') || '(input)', message: i.message }));
  throw new CrisisError('invalid-input', details.map((d) => `${d.path}: ${d.message}`).join('; '), { details });
}
