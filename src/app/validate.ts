import type { z } from 'zod';
import { CrisisError } from '../core/errors.ts';
import type { Problem } from '../core/errors.ts';
import { CATALOGUES, t } from '../core/i18n/index.ts';
import type { MessageKey, Say } from '../core/i18n/index.ts';

/** English validation messages (`v.*`) back to their key: the schemas write them in English. */
const BY_TEXT: ReadonlyMap<string, MessageKey> = new Map(
  (Object.keys(CATALOGUES.en) as MessageKey[]).filter((k) => k.startsWith('v.')).map((k) => [CATALOGUES.en[k], k]),
);

/** The validation message of a schema, in English: the key must be in the catalogue (`v.*`). */
export function vmsg(key: MessageKey & `v.${string}`, params?: Record<string, string | number>): string {
  return t('en', key, params);
}

/** What a zod issue says, as a catalogue message, so the reader gets it in their language. */
function sayIssue(i: z.core.$ZodIssue): Say {
  const known = BY_TEXT.get(i.message);
  if (known !== undefined) return { key: known };
  const n = (x: unknown) => (typeof x === 'number' || typeof x === 'bigint' ? Number(x) : 0);
  switch (i.code) {
    case 'invalid_type':
      return /received undefined$/.test(i.message) ? { key: 'v.required' } : { key: 'v.type', params: { expected: String(i.expected) } };
    case 'too_small':
      if (i.origin === 'string') return n(i.minimum) <= 1 ? { key: 'v.required' } : { key: 'v.tooShort', params: { n: n(i.minimum) } };
      if (i.origin === 'array' || i.origin === 'set') return { key: 'v.fewItems', params: { n: n(i.minimum) } };
      return { key: 'v.min', params: { n: n(i.minimum) } };
    case 'too_big':
      if (i.origin === 'string') return { key: 'v.tooLong', params: { n: n(i.maximum) } };
      if (i.origin === 'array' || i.origin === 'set') return { key: 'v.manyItems', params: { n: n(i.maximum) } };
      return { key: 'v.max', params: { n: n(i.maximum) } };
    case 'invalid_value':
      return { key: 'v.oneOf', params: { values: i.values.map(String).join(', ') } };
    case 'invalid_format':
      if (i.format === 'datetime') return { key: 'v.isoTime' };
      if (i.format === 'email') return { key: 'v.email' };
      if (i.format === 'regex') return { key: 'v.pattern' };
      return { key: 'v.format', params: { format: i.format } };
    case 'unrecognized_keys':
      return { key: 'v.unknownKeys', params: { keys: i.keys.join(', ') } };
    default:
      return { key: 'v.invalid' };
  }
}

/** Parses with a schema; a failure is an `invalid-input` CrisisError naming every bad field. */
export function validate<S extends z.ZodType>(schema: S, input: unknown): z.infer<S> {
  const r = schema.safeParse(input);
  if (r.success) return r.data;
  const details: Problem[] = r.error.issues.map((i) => {
    const s = sayIssue(i);
    return { path: i.path.map(String).join('.') || '(input)', message: t('en', s.key, s.params), say: s };
  });
  throw new CrisisError('invalid-input', details.map((d) => `${d.path}: ${d.message}`).join('; '), { details, say: { key: 'error.fields', params: { list: '' } } });
}
