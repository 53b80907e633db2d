/**
 * The OpenAPI 3.1 document, generated from the route table (bodies from the same zod schemas the
 * handlers validate with), so the document cannot describe an API that does not exist.
 */
import { z } from 'zod';
import { PERMISSIONS } from '../app/permissions.ts';
import type { Action } from '../app/permissions.ts';
import type { Route } from './router.ts';

const ERROR_SCHEMA = {
  type: 'object',
  required: ['error'],
  properties: {
    error: {
      type: 'object',
      required: ['code', 'message'],
      properties: {
        code: { type: 'string' },
        message: { type: 'string' },
        path: { type: 'string', description: 'the first bad field, for validation errors' },
        details: { type: 'array', items: { type: 'object', properties: { path: { type: 'string' }, message: { type: 'string' } } } },
      },
    },
  },
} as const;

const STATUS_TEXT: Record<number, string> = {
  400: 'invalid input (the field is named in error.path)',
  401: 'not logged in, or the session expired',
  403: 'the role may not do this, or a cross-site request was refused',
  404: 'unknown id',
  409: 'conflict with the current state',
  413: 'body too large',
  415: 'body is not application/json',
  429: 'too many failed logins',
};

function jsonSchema(s: z.ZodType): unknown {
  try {
    const out = z.toJSONSchema(s, { io: 'input', unrepresentable: 'any', target: 'draft-2020-12' }) as Record<string, unknown>;
    delete out.$schema;
    return out;
  } catch {
    return {};
  }
}

export function openApiDocument(routes: readonly Route[]): unknown {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const r of routes) {
    const oaPath = r.path.replace(/:([a-zA-Z]+)/g, '{$1}');
    const params = [...r.path.matchAll(/:([a-zA-Z]+)/g)].map((m) => ({ name: m[1], in: 'path', required: true, schema: { type: 'string' } }));
    const query = (r.query ?? []).map((q) => ({ name: q.name, in: 'query', required: false, description: q.description, schema: q.schema ?? { type: 'string' } }));
    const statuses = new Set<number>(r.errors ?? []);
    if (r.access !== 'public') statuses.add(401);
    if (r.access !== 'public' && r.access !== 'session') statuses.add(403);
    if (r.method === 'POST') {
      statuses.add(403); // CSRF
      statuses.add(413);
      statuses.add(415);
      if (r.body) statuses.add(400);
    }
    const responses: Record<string, unknown> = {
      '200': {
        description: 'success (201 when an entry was written)',
        content: { [r.produces ?? 'application/json']: { schema: {} } },
      },
    };
    for (const s of [...statuses].sort()) responses[String(s)] = { description: STATUS_TEXT[s] ?? 'error', content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } } };
    const roles = r.access === 'public' ? 'anyone' : r.access === 'session' ? 'any logged-in account' : `roles: ${PERMISSIONS[r.access as Action].join(', ')} (action ${r.access})`;
    paths[oaPath] ??= {};
    paths[oaPath][r.method.toLowerCase()] = {
      summary: r.summary,
      description: `Who: ${roles}.${r.method === 'POST' && r.access !== 'public' ? ' Send the session CSRF token in `x-csrf-token`.' : ''}`,
      tags: [r.tag],
      operationId: `${r.method.toLowerCase()}${oaPath.replace(/[^a-zA-Z0-9]+(.)?/g, (_m, c: string | undefined) => (c ?? '').toUpperCase())}`,
      ...(params.length || query.length ? { parameters: [...params, ...query] } : {}),
      ...(r.body ? { requestBody: { required: true, content: { 'application/json': { schema: jsonSchema(r.body) } } } } : {}),
      ...(r.access === 'public' ? { security: [] } : {}),
      'x-crisiscell-access': r.access,
      responses,
    };
  }
  return {
    openapi: '3.1.0',
    info: {
      title: 'crisiscell API',
      version: '0.1.0',
      description: 'The crisis cockpit of a hospital group under cyberattack. Every write is a journal entry naming its author. Errors are {error: {code, message, path}}.',
    },
    servers: [{ url: '/' }],
    security: [{ session: [] }],
    components: {
      securitySchemes: { session: { type: 'apiKey', in: 'cookie', name: 'cc_session' } },
      schemas: { Error: ERROR_SCHEMA },
    },
    paths,
  };
}
