/**
 * The HTTP server: the API of src/app, live updates and the built web UI, from one process.
 * node:http and a route table of our own: the whole surface is one file to audit.
 *
 * Order of checks for an API request: route (404/405) -> session (401) -> cross-site check on
 * writes (403) -> role (403) -> body (415/413/400) -> handler. The role is checked before the body
 * is read, so a forbidden caller cannot make us parse megabytes.
 */
import { createServer } from 'node:http';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { CrisisApp } from '../app/crisis-app.ts';
import { isAllowed } from '../app/permissions.ts';
import type { Action, Actor } from '../app/permissions.ts';
import { CrisisError, sayError } from '../core/errors.ts';
import type { Lang } from '../core/i18n/index.ts';
import { pickLang } from '../core/i18n/index.ts';
import { forbidden } from '../app/crisis-app.ts';
import { currentActor } from '../app/accounts.ts';
import { BoardService } from './board-service.ts';
import { applySecurityHeaders, DEFAULT_BODY_LIMIT, HttpError, httpError, parseCookies, readJsonBody, sendError, sendJson } from './http.ts';
import { LiveHub } from './live.ts';
import { openApiDocument } from './openapi.ts';
import type { Route, ServerDeps } from './router.ts';
import { Router } from './router.ts';
import { ROUTES, SESSION_COOKIE } from './routes.ts';
import type { Session } from './sessions.ts';
import { FailureLimiter, sameToken, SessionStore } from './sessions.ts';
import type { SessionOptions } from './sessions.ts';
import { StaticFiles } from './static-files.ts';
import { ensureWebBuilt } from './web-build.ts';

export { ROUTES } from './routes.ts';

export interface CockpitOptions {
  readonly sessions?: SessionOptions;
  /** Failed logins allowed per IP and per account in `loginWindowMs` (default 20 and 8 per 10 min). */
  readonly loginMaxPerIp?: number;
  readonly loginMaxPerAccount?: number;
  readonly loginWindowMs?: number;
  readonly heartbeatMs?: number;
  readonly secureCookies?: boolean;
  /** Directory of the built UI (tests point it elsewhere). */
  readonly webDir?: string;
}

export interface Cockpit {
  readonly server: Server;
  readonly deps: ServerDeps;
  readonly router: Router;
  close(): Promise<void>;
}

const WRITE_METHODS = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/**
 * Refuses a state-changing request that did not come from our own pages. SameSite=Strict already
 * keeps the cookie off cross-site requests; this is the second lock (older browsers, same-site
 * subdomains): the browser-set Sec-Fetch-Site and Origin headers must say same origin, and a
 * logged-in caller must echo the session's CSRF token, which a forged form cannot read.
 */
function checkCrossSite(req: IncomingMessage, route: Route, session: Session | undefined): void {
  const site = req.headers['sec-fetch-site'];
  if (site !== undefined && site !== 'same-origin' && site !== 'none') throw sayError('forbidden', 'err.crossSite');
  const origin = req.headers.origin;
  if (origin !== undefined && origin !== 'null') {
    let host: string;
    try {
      host = new URL(origin).host;
    } catch {
      throw sayError('forbidden', 'err.crossSite');
    }
    if (host !== req.headers.host) throw sayError('forbidden', 'err.crossSite');
  } else if (origin === 'null') throw sayError('forbidden', 'err.crossSite');
  if (route.access !== 'public') {
    const token = req.headers['x-csrf-token'];
    if (!session || !sameToken(typeof token === 'string' ? token : undefined, session.csrf)) {
      throw sayError('forbidden', 'err.csrf');
    }
  }
}

export function createCockpit(app: CrisisApp, opts: CockpitOptions = {}): Cockpit {
  const window = opts.loginWindowMs ?? 10 * 60_000;
  const live = new LiveHub(app, opts.heartbeatMs);
  const deps: ServerDeps = {
    sessions: new SessionStore(opts.sessions),
    ipLimiter: new FailureLimiter(opts.loginMaxPerIp ?? 20, window),
    accountLimiter: new FailureLimiter(opts.loginMaxPerAccount ?? 8, window),
    live,
    board: new BoardService(app),
    secureCookies: opts.secureCookies === true,
  };
  const router = new Router(ROUTES);
  const openapiJson = JSON.stringify(openApiDocument(ROUTES));
  const files = new StaticFiles(opts.webDir);

  async function handleApi(req: IncomingMessage, res: ServerResponse, path: string, query: URLSearchParams, lang: Lang): Promise<void> {
    const method = req.method ?? 'GET';
    const m = router.match(method, path);
    if (!m) throw sayError('not-found', 'err.noEndpoint', { method, path });
    if ('allowed' in m) throw httpError(405, 'method-not-allowed', { key: 'err.useMethod', params: { methods: m.allowed.join(' / ') } }, { allow: m.allowed.join(', ') });
    const { route, params } = m;
    if (route.path === '/api/openapi.json') {
      res.writeHead(200, { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-cache' });
      res.end(openapiJson);
      return;
    }
    const token = parseCookies(req.headers.cookie).get(SESSION_COOKIE);
    let session = deps.sessions.get(token);
    let actor: Actor | undefined;
    if (session) {
      actor = currentActor(app, session.user);
      if (!actor) {
        // Disabled or removed since login: the session dies with the account.
        deps.sessions.delete(session.token);
        session = undefined;
      }
    }
    if (route.access !== 'public' && !actor) {
      throw sayError('unauthenticated', token ? 'err.sessionExpired' : 'err.loginFirst');
    }
    if (WRITE_METHODS.has(method)) checkCrossSite(req, route, session);
    if (route.access !== 'public' && route.access !== 'session' && actor && !isAllowed(actor.role, route.access as Action)) {
      throw forbidden(actor, route.access as Action);
    }
    const body = method === 'POST' ? await readJsonBody(req, route.bodyLimit ?? DEFAULT_BODY_LIMIT) : {};
    const result = await route.handler({ req, res, app, deps, params, query, body, actor, session, lang });
    if (result === undefined) return;
    if (result.raw !== undefined) {
      res.writeHead(result.status, { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store', 'content-length': Buffer.byteLength(result.raw), ...result.headers });
      res.end(result.raw);
      return;
    }
    sendJson(res, result.status, result.body, result.headers);
  }

  const server = createServer((req, res) => {
    applySecurityHeaders(res);
    let url: URL;
    try {
      url = new URL(req.url ?? '/', 'http://localhost');
    } catch {
      sendError(res, sayError('invalid-input', 'err.badTarget'));
      return;
    }
    const path = url.pathname;
    if (path === '/api' || path.startsWith('/api/')) {
      // The client says its language with ?lang= or Accept-Language; what people typed is never translated.
      const lang = pickLang(url.searchParams.get('lang'), req.headers['accept-language']);
      handleApi(req, res, path, url.searchParams, lang).catch((e: unknown) => {
        if (!(e instanceof CrisisError) && !(e instanceof HttpError)) {
          // Logged here, never sent: the client gets a plain 500.
          console.error(`crisiscell server: ${req.method} ${path}:`, e);
        }
        sendError(res, e, lang);
        // Unread request bodies (413, 403 before reading) would keep the socket busy.
        if (!req.complete) req.resume();
      });
      return;
    }
    if ((req.method === 'GET' || req.method === 'HEAD') && files.serve(req, res, path)) return;
    sendJson(res, 404, { error: { code: 'not-found', message: `no such page: ${path}` } });
  });
  // Long-lived SSE responses must not be cut by the per-request timeout.
  server.requestTimeout = 0;
  server.headersTimeout = 20_000;
  server.keepAliveTimeout = 10_000;

  return {
    server,
    deps,
    router,
    async close() {
      live.close();
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
    },
  };
}

export interface StartOptions extends CockpitOptions {
  readonly app: CrisisApp;
  readonly port?: number;
  readonly host?: string;
  /** Build web/dist first when missing or stale (default true). */
  readonly buildWeb?: boolean;
  readonly log?: (line: string) => void;
}

/**
 * Starts the cockpit: builds the UI if needed, listens, returns the address and a close function
 * (which does not close the app: its owner does).
 */
export async function startServer(opts: StartOptions): Promise<{ url: string; port: number; close(): Promise<void> }> {
  if (opts.buildWeb !== false) ensureWebBuilt(opts.log);
  const cockpit = createCockpit(opts.app, opts);
  const host = opts.host ?? '127.0.0.1';
  await new Promise<void>((resolve, reject) => {
    cockpit.server.once('error', reject);
    cockpit.server.listen(opts.port ?? 4780, host, () => {
      cockpit.server.off('error', reject);
      resolve();
    });
  });
  const port = (cockpit.server.address() as AddressInfo).port;
  const shown = host === '0.0.0.0' || host === '::' ? 'localhost' : host.includes(':') ? `[${host}]` : host;
  return { url: `http://${shown}:${port}/`, port, close: () => cockpit.close() };
}
