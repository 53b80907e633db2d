/**
 * The route table's shape. One table drives the dispatcher, the OpenAPI document and the
 * permission test, so none of the three can drift from the others.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { z } from 'zod';
import type { CrisisApp } from '../app/crisis-app.ts';
import type { Action, Actor } from '../app/permissions.ts';
import type { LoginGuard, Session, SessionStore } from './sessions.ts';
import type { LiveHub } from './live.ts';
import type { BoardService } from './board-service.ts';
import type { IntegrityWatch } from './integrity-watch.ts';
import type { Lang } from '../core/i18n/index.ts';

/** Who may call a route: anyone, anyone logged in, or the roles the PERMISSIONS table gives an action. */
export type Access = 'public' | 'session' | Action;

export interface RouteCtx {
  readonly req: IncomingMessage;
  readonly res: ServerResponse;
  readonly app: CrisisApp;
  readonly deps: ServerDeps;
  readonly params: Readonly<Record<string, string>>;
  readonly query: URLSearchParams;
  /** Parsed JSON body (POST); `{}` when there was none. */
  readonly body: unknown;
  /** Present on every route but `public` ones. */
  readonly actor: Actor | undefined;
  readonly session: Session | undefined;
  /** The client's language: the `lang` parameter, else Accept-Language, else English. */
  readonly lang: Lang;
}

export interface ServerDeps {
  readonly integrity: IntegrityWatch;
  readonly sessions: SessionStore;
  readonly loginGuard: LoginGuard;
  readonly live: LiveHub;
  readonly board: BoardService;
  /** Cookies get `Secure` when the server is reached over https (a TLS-terminating proxy). */
  readonly secureCookies: boolean;
}

/** A handler's answer: a JSON body (200), or a status and body; `undefined` when it wrote the response itself (SSE). */
export type RouteResult = { readonly status: number; readonly body: unknown; readonly headers?: Record<string, string>; /** Pre-encoded JSON, sent as is. */ readonly raw?: string | Buffer } | undefined;

export interface Route {
  readonly method: 'GET' | 'POST';
  /** `/api/assets/:id`; a `:name` segment is a parameter. */
  readonly path: string;
  readonly summary: string;
  readonly tag: string;
  readonly access: Access;
  /** The JSON body schema, for the OpenAPI document (handlers validate with the app's own call). */
  readonly body?: z.ZodType;
  /** Query parameters, for the OpenAPI document. */
  readonly query?: readonly { readonly name: string; readonly description: string; readonly schema?: Record<string, unknown> }[];
  readonly bodyLimit?: number;
  /** Response media type when it is not JSON. */
  readonly produces?: 'text/event-stream' | 'application/x-ndjson';
  /** Statuses this route may answer besides 200 and the generic ones, for the document. */
  readonly errors?: readonly number[];
  handler(ctx: RouteCtx): Promise<RouteResult> | RouteResult;
}

export const ok = (body: unknown, status = 200): RouteResult => ({ status, body });

/** The `lang` parameter every route takes (else Accept-Language): words of reports, descriptions and errors. */
export const LANG_QUERY = { name: 'lang', description: 'en, fr or nl: the language of descriptions, reports and error messages (default: Accept-Language, else en)', schema: { type: 'string', enum: ['en', 'fr', 'nl'] } } as const;

interface Compiled {
  readonly route: Route;
  readonly parts: readonly string[];
}

export class Router {
  private readonly compiled: Compiled[];

  constructor(readonly routes: readonly Route[]) {
    this.compiled = routes.map((route) => ({ route, parts: route.path.split('/').slice(1) }));
  }

  /** The route for a method and path, `405` when the path exists with other methods, or undefined. */
  match(method: string, path: string): { route: Route; params: Record<string, string> } | { allowed: string[] } | undefined {
    const parts = path.split('/').slice(1);
    const allowed: string[] = [];
    for (const c of this.compiled) {
      const params = matchParts(c.parts, parts);
      if (!params) continue;
      if (c.route.method === method || (method === 'HEAD' && c.route.method === 'GET')) return { route: c.route, params };
      allowed.push(c.route.method);
    }
    return allowed.length > 0 ? { allowed } : undefined;
  }
}

function matchParts(pattern: readonly string[], parts: readonly string[]): Record<string, string> | undefined {
  if (pattern.length !== parts.length) return undefined;
  const params: Record<string, string> = {};
  for (let i = 0; i < pattern.length; i++) {
    const p = pattern[i] ?? '';
    const v = parts[i] ?? '';
    if (p.startsWith(':')) {
      if (v === '') return undefined;
      try {
        params[p.slice(1)] = decodeURIComponent(v);
      } catch {
        return undefined;
      }
    } else if (p !== v) return undefined;
  }
  return params;
}
