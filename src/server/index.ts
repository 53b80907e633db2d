/**
 * The HTTP server: the API of src/app, live updates and the built web UI, from one process.
 * node:http and a route table of our own: the whole surface is one file to audit.
 *
 * Order of checks for an API request: route (404/405) -> session (401) -> cross-site check on
 * writes (403) -> role (403) -> body (415/413/400) -> handler. The role is checked before the body
 * is read, so a forbidden caller cannot make us parse megabytes.
 */
import { createServer } from 'node:http';
import { isIP } from 'node:net';
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
import { applySecurityHeaders, BODY_IDLE_MS, DEFAULT_BODY_LIMIT, HttpError, httpError, parseCookies, readJsonBody, sendError, sendJson } from './http.ts';
import { LiveHub } from './live.ts';
import { openApiDocument } from './openapi.ts';
import type { Route, ServerDeps } from './router.ts';
import { Router } from './router.ts';
import { ROUTES, SESSION_COOKIE } from './routes.ts';
import type { Session } from './sessions.ts';
import { LoginGuard, sameToken, SessionStore } from './sessions.ts';
import type { LoginLimits, SessionOptions } from './sessions.ts';
import { StaticFiles } from './static-files.ts';
import { ensureWebBuilt } from './web-build.ts';
import { IntegrityWatch } from './integrity-watch.ts';

export { ROUTES } from './routes.ts';

export interface CockpitOptions {
  readonly sessions?: SessionOptions;
  /** Login limits (sessions.ts LoginGuard): per address, and per account and address. */
  readonly login?: LoginLimits;
  readonly heartbeatMs?: number;
  /** Bytes queued for one live-update reader before it is dropped (it resumes with Last-Event-ID). Default 512 KiB. */
  readonly sseMaxBufferBytes?: number;
  readonly secureCookies?: boolean;
  /**
   * The address people type, e.g. `https://cockpit.hospital.local`: its host name is accepted in the
   * Host header and its scheme is what Origin must say. Host names are refused unless named here
   * or in `allowedHosts` (DNS rebinding); IP literals and localhost are always accepted.
   */
  readonly publicUrl?: string;
  readonly allowedHosts?: readonly string[];
  /** A request body that sends nothing for this long is answered 408 and its socket closed (default 10 s). */
  readonly bodyIdleMs?: number;
  /** The whole request (headers and body) must arrive within this (default 120 s; 0 for tests only). */
  readonly requestTimeoutMs?: number;
  readonly headersTimeoutMs?: number;
  /** How often the journal is verified in full and checkpointed when it moved (default 10 min). */
  readonly integrityEveryMs?: number;
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
function checkCrossSite(req: IncomingMessage, route: Route, session: Session | undefined, scheme: string): void {
  const site = req.headers['sec-fetch-site'];
  if (site !== undefined && site !== 'same-origin' && site !== 'none') throw sayError('forbidden', 'err.crossSite');
  const origin = req.headers.origin;
  if (origin !== undefined && origin !== 'null') {
    let url: URL;
    try {
      url = new URL(origin);
    } catch {
      throw sayError('forbidden', 'err.crossSite');
    }
    // Scheme too: http://cockpit is another origin than https://cockpit (a page served over plain
    // http on the same name must not write through the TLS one).
    if (url.protocol !== `${scheme}:` || url.host !== req.headers.host) throw sayError('forbidden', 'err.crossSite');
  } else if (origin === 'null') throw sayError('forbidden', 'err.crossSite');
  if (route.access !== 'public') {
    const token = req.headers['x-csrf-token'];
    if (!session || !sameToken(typeof token === 'string' ? token : undefined, session.csrf)) {
      throw sayError('forbidden', 'err.csrf');
    }
  }
}

/** The host name of a Host header (`name:port`, `[v6]:port`), lower-case, or undefined when malformed. */
export function hostName(header: string | undefined): string | undefined {
  if (header === undefined || header === '') return undefined;
  const h = header.trim().toLowerCase();
  if (h.startsWith('[')) {
    const end = h.indexOf(']');
    return end < 0 ? undefined : h.slice(1, end);
  }
  const colon = h.lastIndexOf(':');
  return colon < 0 ? h : h.slice(0, colon);
}

/**
 * Which Host headers this server answers: IP literals and localhost (a rebinding attack needs a
 * name the attacker controls), plus the names the operator configured.
 */
export function hostChecker(opts: Pick<CockpitOptions, 'publicUrl' | 'allowedHosts'>): (header: string | undefined) => boolean {
  const names = new Set(['localhost', ...(opts.allowedHosts ?? []).map((n) => n.trim().toLowerCase())]);
  if (opts.publicUrl) names.add(new URL(opts.publicUrl).hostname.toLowerCase().replace(/^\[|\]$/g, ''));
  return (header) => {
    const name = hostName(header);
    if (name === undefined) return false;
    return isIP(name) !== 0 || names.has(name) || name.endsWith('.localhost');
  };
}

export function createCockpit(app: CrisisApp, opts: CockpitOptions = {}): Cockpit {
  const live = new LiveHub(app, { ...(opts.heartbeatMs === undefined ? {} : { heartbeatMs: opts.heartbeatMs }), ...(opts.sseMaxBufferBytes === undefined ? {} : { maxBufferBytes: opts.sseMaxBufferBytes }) });
  const sessions = new SessionStore(opts.sessions);
  const hostAllowed = hostChecker(opts);
  const scheme = opts.publicUrl ? new URL(opts.publicUrl).protocol.replace(':', '') : opts.secureCookies ? 'https' : 'http';
  const bodyIdleMs = opts.bodyIdleMs ?? BODY_IDLE_MS;
  /** A session holds while its account is enabled and unchanged since login. */
  const actorOf = (session: Session): Actor | undefined => {
    const u = app.liveProjection.users.get(session.user);
    if (!u || u.changedSeq !== session.userSeq) return undefined;
    return currentActor(app, session.user);
  };
  live.sessionValid = (token) => {
    if (!sessions.isLive(token)) return false;
    const s = sessions.get(token);
    return s !== undefined && actorOf(s) !== undefined;
  };
  sessions.onEnd((token) => live.endSession(token));
  const integrity = new IntegrityWatch(app, opts.integrityEveryMs);
  integrity.start();
  const deps: ServerDeps = {
    integrity,
    sessions,
    loginGuard: new LoginGuard(opts.login),
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
      actor = actorOf(session);
      if (!actor) {
        // Disabled, role or password changed since login (by anyone, from any process): the
        // session dies with that change, and so do its live streams.
        deps.sessions.delete(session.token);
        session = undefined;
      }
    }
    if (route.access !== 'public' && !actor) {
      throw sayError('unauthenticated', token ? 'err.sessionExpired' : 'err.loginFirst');
    }
    if (WRITE_METHODS.has(method)) checkCrossSite(req, route, session, scheme);
    if (route.access !== 'public' && route.access !== 'session' && actor && !isAllowed(actor.role, route.access as Action)) {
      throw forbidden(actor, route.access as Action);
    }
    const body = method === 'POST' ? await readJsonBody(req, route.bodyLimit ?? DEFAULT_BODY_LIMIT, bodyIdleMs) : {};
    const result = await route.handler({ req, res, app, deps, params, query, body, actor, session, lang });
    if (result === undefined) return;
    if (result.raw !== undefined) {
      res.writeHead(result.status, { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store', 'content-length': Buffer.byteLength(result.raw), ...result.headers });
      res.end(result.raw);
      return;
    }
    sendJson(res, result.status, result.body, result.headers);
  }

  // Checked every second rather than every 30 s, so the request and header timeouts mean what they say.
  const server = createServer({ connectionsCheckingInterval: 1000 }, (req, res) => {
    applySecurityHeaders(res);
    if (!hostAllowed(req.headers.host)) {
      // DNS rebinding: a page on attacker.example resolved to our address must not get an answer.
      sendError(res, new CrisisError('forbidden', `unknown host "${String(req.headers.host ?? '')}": this server answers to its IP addresses, localhost and the names given with --public-url or --allowed-host`));
      if (!req.complete) req.resume();
      return;
    }
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
  // requestTimeout bounds the *reception* of a request (headers and body); an SSE response, sent
  // after its request was received, is not cut by it.
  server.requestTimeout = opts.requestTimeoutMs ?? 120_000;
  server.headersTimeout = opts.headersTimeoutMs ?? 20_000;
  server.keepAliveTimeout = 10_000;
  // Revocation that another process or instance wrote (a `user disable` from the CLI): as soon as
  // its entry is folded here, the sessions it concerns end, with their streams.
  const previousOnEntries = live.onEntries;
  live.onEntries = (entries) => {
    previousOnEntries?.(entries);
    if (entries.some((e) => e.kind.startsWith('user.'))) sessions.revokeWhere((s) => actorOf(s) === undefined);
  };

  return {
    server,
    deps,
    router,
    async close() {
      integrity.close();
      await integrity.settled();
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
  /**
   * Serve a journal that fails its integrity check anyway (broken chain, shorter than its last
   * checkpoint, an entry the fold cannot apply), for this reason: an entry records it. Without
   * it such a journal is refused.
   */
  readonly acceptBrokenJournal?: string;
  /** Who starts the server, for that entry (the CLI operator). */
  readonly operator?: Actor;
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
  // The high-water mark: a journal shorter than its last signed checkpoint, rewritten, or with a
  // broken chain is not served as if nothing happened.
  const report = await opts.app.integrity();
  if (!report.ok) {
    if (opts.acceptBrokenJournal === undefined) {
      throw new CrisisError('journal-corrupt', `refusing to serve this journal: ${report.problems.join(' ')} Investigate with \`crisiscell verify\`, restore a backup, or serve it anyway with --accept-broken-journal "why" (that is recorded in the logbook).`, { ...(report.badSeq === undefined ? {} : { seq: report.badSeq }) });
    }
    const e = await opts.app.acceptIntegrityProblem(opts.operator ?? { name: 'system', role: 'admin' }, report, opts.acceptBrokenJournal);
    opts.log?.(`Serving a journal that failed its integrity check, as asked (entry ${e.seq}): ${report.problems.join(' ')}`);
  }
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
