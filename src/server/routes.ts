/**
 * Every route of the API, in one table: the dispatcher serves it, the OpenAPI document is made
 * from it, and the permission test walks it. Handlers are thin: they call the app layer, which
 * validates with the same zod schemas as the CLI and checks the PERMISSIONS table again.
 */
import { createHash } from 'node:crypto';
import { z } from 'zod';
import { isAllowed, ACTIONS, ROLES } from '../app/permissions.ts';
import type { Actor, Role } from '../app/permissions.ts';
import { assetSetInput, initInput, measureInput, noteInput } from '../app/schemas.ts';
import { validate } from '../app/validate.ts';
import { CrisisError } from '../core/errors.ts';
import { sayError } from '../core/errors.ts';
import type { AnyEntry } from '../core/journal.ts';
import { zoneOf } from '../app/describe-entry.ts';
import type { AssetId } from '../core/ids.ts';
import { statusOf } from '../core/state.ts';
import { ASSET_KINDS, OBSERVATIONS, RECOVERY_STATES, SECURITY_STATES } from '../core/model.ts';
import { addUser, authenticate, changeOwnPassword, changeRole, currentActor, disableUser, listUsers, loginInput, ownPasswordInput, passwordSetInput, setPassword, userAddInput, userDisableInput, userRoleInput } from '../app/accounts.ts';
import { whatIfInput } from './board-service.ts';
import { clientEntry } from './live.ts';
import { clientIp, httpError } from './http.ts';
import type { Route, RouteCtx } from './router.ts';
import { LANG_QUERY, ok } from './router.ts';
import { COORDINATION_ROUTES } from './coordination-routes.ts';
import { evidenceInput, evidenceOf, evidenceSummaryOf, recordEvidence } from '../app/evidence.ts';

export const SESSION_COOKIE = 'cc_session';

const estateInput = z.object({
  files: z
    .array(z.object({ file: z.string().min(1).max(300), text: z.string().max(32 * 1024 * 1024), sha256: z.string().regex(/^[0-9a-f]{64}$/, 'the SHA-256 of the file, 64 lower-case hex digits').optional() }))
    .min(1)
    .max(20),
});

const intParam = (q: URLSearchParams, name: string, dflt: number, max: number): number => {
  const raw = q.get(name);
  if (raw === null || raw === '') return dflt;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 0 || n > max) {
    throw sayError('invalid-input', 'error.field', { path: name, message: { key: 'v.wholeNumber', params: { max } } }, { details: [{ path: name, message: `expected a whole number from 0 to ${max}`, say: { key: 'v.wholeNumber', params: { max } } }] });
  }
  return n;
};

const need = <T>(v: T | undefined): T => {
  if (v === undefined) throw sayError('unauthenticated', 'err.loginFirst');
  return v;
};

/** An entry as the client sees it: described in its language, times in the crisis's zone. */
const out = (ctx: RouteCtx, e: AnyEntry): unknown => clientEntry(e, ctx.lang, ctx.app.liveProjection);

function permissionsOf(role: Role): string[] {
  return ACTIONS.filter((a) => isAllowed(role, a));
}

function sessionBody(ctx: RouteCtx, actor: Actor, csrf: string): unknown {
  // The zone every time is shown in, and the language the server answers in, for the web to follow.
  return { user: { name: actor.name, role: actor.role }, csrf, permissions: permissionsOf(actor.role), timeZone: zoneOf(ctx.app.liveProjection), lang: ctx.lang };
}

function assetRow(ctx: RouteCtx, id: AssetId): unknown {
  const s = ctx.app.liveProjection;
  const a = s.assets.get(id);
  if (!a) throw sayError('not-found', 'err.noAssetId', { id }, { path: 'id' });
  const st = statusOf(s, id);
  // Evidence from hunts: the sum-up, and each entry with its detection references.
  const evidence = evidenceOf(s, id);
  return {
    ...a, security: st.security, recovery: st.recovery, observed: st.observed ?? null, reason: st.reason, changedAt: st.changedAt, changedBy: st.changedBy, changedSeq: st.changedSeq,
    evidence: evidenceSummaryOf(s, id) ?? null,
    evidenceEntries: evidence,
  };
}

function crisisSummary(ctx: RouteCtx): unknown {
  const s = ctx.app.liveProjection;
  const bySecurity: Record<string, number> = {};
  const byRecovery: Record<string, number> = {};
  for (const id of s.assets.keys()) {
    const st = statusOf(s, id);
    bySecurity[st.security] = (bySecurity[st.security] ?? 0) + 1;
    byRecovery[st.recovery] = (byRecovery[st.recovery] ?? 0) + 1;
  }
  return {
    crisis: s.crisis ?? null,
    timeZone: zoneOf(s),
    seq: s.lastSeq,
    at: s.lastAt,
    counts: { sites: s.sites.size, services: s.services.size, assets: s.assets.size, needs: s.needs.size, entries: s.entryCount },
    assets: { security: bySecurity, recovery: byRecovery },
    sites: [...s.sites.values()],
    measures: [...s.measures.values()],
  };
}

export const CORE_ROUTES: readonly Route[] = [
  // ---- session ----
  {
    method: 'GET', path: '/api/health', tag: 'session', access: 'public',
    summary: 'Liveness: the server answers and how far its journal goes',
    handler: (ctx) => ok({ ok: true, seq: ctx.app.liveProjection.lastSeq }),
  },
  {
    method: 'GET', path: '/api/openapi.json', tag: 'session', access: 'public',
    summary: 'This document',
    // Filled in by index.ts, which owns the whole table (this one plus the coordination routes).
    handler: () => ok(null),
  },
  {
    method: 'POST', path: '/api/login', tag: 'session', access: 'public', body: loginInput, errors: [401, 429],
    summary: 'Log in with a local account; sets an HttpOnly SameSite=Strict session cookie and returns the CSRF token',
    async handler(ctx) {
      const v = validate(loginInput, ctx.body);
      const ip = clientIp(ctx.req);
      const name = v.name.toLowerCase();
      // Reserved before the password is checked: parallel guesses count against each other.
      const r = ctx.deps.loginGuard.reserve(ip, name);
      if ('retryAfter' in r) throw httpError(429, 'too-many-requests', { key: 'err.tooManyLogins', params: { s: r.retryAfter } }, { 'retry-after': String(r.retryAfter) });
      let actor: Actor | undefined;
      let userSeq = 0;
      try {
        const u = await authenticate(ctx.app, name, v.password);
        actor = u ? currentActor(ctx.app, u.name) : undefined;
        userSeq = u?.changedSeq ?? 0;
      } catch (e) {
        r.ticket.failed();
        throw e;
      }
      if (!actor) {
        r.ticket.failed();
        throw sayError('unauthenticated', 'err.wrongLogin');
      }
      r.ticket.succeeded();
      // A fresh token at every login: a token planted before login (fixation) is never promoted.
      ctx.deps.sessions.delete(ctx.session?.token);
      const s = ctx.deps.sessions.create(actor.name, userSeq);
      const cookie = `${SESSION_COOKIE}=${s.token}; Path=/; HttpOnly; SameSite=Strict${ctx.deps.secureCookies ? '; Secure' : ''}`;
      return { status: 200, body: sessionBody(ctx, actor, s.csrf), headers: { 'set-cookie': cookie } };
    },
  },
  {
    method: 'POST', path: '/api/logout', tag: 'session', access: 'session',
    summary: 'End the session',
    handler(ctx) {
      ctx.deps.sessions.delete(ctx.session?.token);
      return { status: 200, body: { ok: true }, headers: { 'set-cookie': `${SESSION_COOKIE}=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0` } };
    },
  },
  {
    method: 'GET', path: '/api/session', tag: 'session', access: 'session',
    summary: 'Who is logged in, their role, what they may do, and the CSRF token to echo in x-csrf-token',
    handler: (ctx) => ok(sessionBody(ctx, need(ctx.actor), need(ctx.session).csrf)),
  },
  {
    method: 'GET', path: '/api/events', tag: 'live', access: 'journal.read', produces: 'text/event-stream',
    summary: 'Server-sent events: one `entry` event per journal entry (id = seq); resume with Last-Event-ID; heartbeats every 15 s',
    query: [{ name: 'since', description: 'seq to resume after, for clients that cannot set Last-Event-ID', schema: { type: 'integer', minimum: 0 } }],
    async handler(ctx) {
      const header = ctx.req.headers['last-event-id'];
      const raw = typeof header === 'string' && header !== '' ? header : ctx.query.get('since');
      const n = raw === null || raw === undefined || raw === '' ? undefined : Number(raw);
      const last = n !== undefined && Number.isInteger(n) && n >= 0 ? n : undefined;
      await ctx.deps.live.attach(ctx.res, last, ctx.session?.token, ctx.lang);
      return undefined;
    },
  },

  // ---- crisis, board, what-if ----
  {
    method: 'GET', path: '/api/crisis', tag: 'board', access: 'board.read',
    summary: 'The crisis: name, counts, sites, asset states by count, measures in force',
    handler: (ctx) => ok(crisisSummary(ctx)),
  },
  {
    method: 'GET', path: '/api/board', tag: 'board', access: 'board.read', errors: [400],
    summary: 'The board: every service at every site with status, capacity and procedures (cause chains: per cell); `at` gives the board as known then',
    query: [{ name: 'at', description: 'ISO time with offset: the board as it was known at that time (author time)', schema: { type: 'string', format: 'date-time' } }],
    async handler(ctx) {
      const at = ctx.query.get('at');
      if (at) return ok(ctx.deps.board.boardOf(await ctx.app.stateAt(at)));
      // Already encoded (and compressed): the hot path of every laptop in the room.
      const enc = ctx.deps.board.boardEncoded();
      const gzip = /\bgzip\b/.test(String(ctx.req.headers['accept-encoding'] ?? ''));
      return { status: 200, body: undefined, raw: gzip ? enc.gz : enc.json, headers: gzip ? { 'content-encoding': 'gzip', vary: 'accept-encoding' } : { vary: 'accept-encoding' } };
    },
  },
  {
    method: 'GET', path: '/api/board/cells/:id', tag: 'board', access: 'board.read', errors: [400, 404],
    summary: 'One cell (service at a site) with its cause chains, procedures, at-risk reasons, and `explanation`: procedures first, one line per distinct cause with the services it hits and its hosts (or "and N more" with the asset filter), risks, glossary, in the client\'s language; `at` as for the board',
    query: [{ name: 'at', description: 'ISO time with offset: the cell as it was known then', schema: { type: 'string', format: 'date-time' } }, LANG_QUERY],
    async handler(ctx) {
      const at = ctx.query.get('at');
      return ok(ctx.deps.board.cell(ctx.params.id ?? '', at ? await ctx.app.stateAt(at) : undefined, ctx.lang));
    },
  },
  {
    method: 'POST', path: '/api/what-if', tag: 'board', access: 'whatif.preview', body: whatIfInput, errors: [400, 404],
    summary: 'Preview the board change a command would make (asset.state, measure.applied, measure.lifted) without writing anything; `report` says it as the CLI does: board marks (O!, D), risk lines, restore-gate warnings',
    query: [LANG_QUERY],
    handler: (ctx) => ok(ctx.deps.board.whatIf(ctx.body, ctx.lang)),
  },

  // ---- assets and measures ----
  {
    method: 'GET', path: '/api/assets', tag: 'assets', access: 'board.read', errors: [400],
    summary: 'Assets with their state, filtered and paged',
    query: [
      { name: 'q', description: 'hostname glob (`srv-*`) or substring of hostname, role, OS or zone', schema: { type: 'string' } },
      { name: 'site', description: 'site id', schema: { type: 'string' } },
      { name: 'kind', description: 'asset kind', schema: { type: 'string', enum: [...ASSET_KINDS] } },
      { name: 'security', description: 'security state', schema: { type: 'string', enum: [...SECURITY_STATES] } },
      { name: 'recovery', description: 'recovery state', schema: { type: 'string', enum: [...RECOVERY_STATES] } },
      { name: 'observed', description: 'what was last seen of it (the filter of a cell explanation\'s hosts)', schema: { type: 'string', enum: [...OBSERVATIONS] } },
      { name: 'offset', description: 'rows to skip', schema: { type: 'integer', minimum: 0 } },
      { name: 'limit', description: 'rows to return (default 500, max 5000)', schema: { type: 'integer', minimum: 0, maximum: 5000 } },
    ],
    handler(ctx) {
      const q = ctx.query;
      const offset = intParam(q, 'offset', 0, 10_000_000);
      const limit = intParam(q, 'limit', 500, 5000);
      const text = (q.get('q') ?? '').trim().toLowerCase();
      const glob = /[*?]/.test(text);
      const security = q.get('security');
      const recovery = q.get('recovery');
      const observed = q.get('observed');
      const s = ctx.app.liveProjection;
      const rows = ctx.app.listAssets({ ...(q.get('site') ? { site: q.get('site') ?? '' } : {}), ...(q.get('kind') ? { kind: q.get('kind') ?? '' } : {}), ...(glob ? { pattern: text } : {}) }).filter((r) => {
        if (security && r.status.security !== security) return false;
        if (recovery && r.status.recovery !== recovery) return false;
        if (observed && r.status.observed !== observed) return false;
        if (text && !glob) {
          const a = r.asset;
          return a.id.includes(text) || a.os.toLowerCase().includes(text) || a.zone.toLowerCase().includes(text) || a.roles.some((x) => x.includes(text)) || (a.ip ?? '').includes(text);
        }
        return true;
      });
      const page = rows.slice(offset, offset + limit).map((r) => ({
        ...r.asset, security: r.status.security, recovery: r.status.recovery, observed: r.status.observed ?? null, reason: r.status.reason, changedAt: r.status.changedAt, changedBy: r.status.changedBy,
        evidence: evidenceSummaryOf(s, r.asset.id) ?? null,
      }));
      return ok({ seq: s.lastSeq, total: rows.length, offset, items: page });
    },
  },
  {
    method: 'GET', path: '/api/assets/:id', tag: 'assets', access: 'board.read', errors: [404],
    summary: 'One asset with its state, who changed it last, and the evidence hunts recorded on it (evidence, evidenceEntries)',
    handler: (ctx) => ok(assetRow(ctx, (ctx.params.id ?? '').toLowerCase() as AssetId)),
  },
  {
    method: 'POST', path: '/api/assets/state', tag: 'assets', access: 'asset.set', body: assetSetInput, errors: [400, 404],
    summary: 'Change the state of every asset matching a hostname glob (and site/kind/OS filters), as one entry with a reason',
    async handler(ctx) {
      const r = await ctx.app.setAssets(need(ctx.actor), ctx.body);
      return ok({ entry: out(ctx, r.entry), assets: r.assets }, 201);
    },
  },
  {
    method: 'POST', path: '/api/evidence', tag: 'assets', access: 'evidence.record', body: evidenceInput, errors: [400],
    summary: 'Record what a hunt found per host (as `crisiscell hunt --db` does): one evidence entry per matched asset; asset states are unchanged. Returns the entries and the hosts the estate does not know',
    async handler(ctx) {
      const r = await recordEvidence(ctx.app, need(ctx.actor), ctx.body);
      return ok({ entries: r.entries.map((e) => out(ctx, e)), matched: r.matched, unmatched: r.unmatched }, 201);
    },
  },
  {
    method: 'GET', path: '/api/measures', tag: 'assets', access: 'board.read',
    summary: 'Network measures in force',
    handler: (ctx) => ok([...ctx.app.liveProjection.measures.values()]),
  },
  {
    method: 'POST', path: '/api/measures/apply', tag: 'assets', access: 'measure.apply', body: measureInput, errors: [400, 404, 409],
    summary: 'Record a network containment measure in force (internet cut, link cut, quarantine)',
    handler: async (ctx) => ok({ entry: out(ctx, await ctx.app.applyMeasure(need(ctx.actor), ctx.body)) }, 201),
  },
  {
    method: 'POST', path: '/api/measures/lift', tag: 'assets', access: 'measure.lift', body: measureInput, errors: [400, 404],
    summary: 'Record that a measure is lifted',
    handler: async (ctx) => ok({ entry: out(ctx, await ctx.app.liftMeasure(need(ctx.actor), ctx.body)) }, 201),
  },

  // ---- logbook ----
  {
    method: 'GET', path: '/api/log', tag: 'logbook', access: 'journal.read', errors: [400],
    summary: 'The logbook, oldest first: entries after `since`, of the given kinds (`measure.*` allowed), the last `limit`; each with `description`, the entry in one sentence in the client\'s language',
    query: [
      { name: 'since', description: 'seq to start after', schema: { type: 'integer', minimum: 0 } },
      { name: 'kind', description: 'entry kind or prefix with *; repeatable', schema: { type: 'string' } },
      { name: 'limit', description: 'at most this many, the most recent (default 1000, max 10000)', schema: { type: 'integer', minimum: 1, maximum: 10000 } },
      LANG_QUERY,
    ],
    async handler(ctx) {
      const since = intParam(ctx.query, 'since', 0, Number.MAX_SAFE_INTEGER);
      const limit = Math.max(1, intParam(ctx.query, 'limit', 1000, 10_000));
      const kinds = ctx.query.getAll('kind').flatMap((k) => k.split(',')).map((k) => k.trim()).filter(Boolean);
      const seq = ctx.app.liveProjection.lastSeq;
      const entries = await ctx.app.log({ sinceSeq: since, kinds, limit });
      // Streamed in pages, yielding between them: five clients asking for 10,000 entries at once
      // must not hold the event loop (the health check, everyone's board) while it is encoded.
      const res = ctx.res;
      res.writeHead(200, { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' });
      res.write(`{"seq":${seq},"entries":[`);
      for (let i = 0; i < entries.length; i += 250) {
        const page = entries.slice(i, i + 250).map((e) => JSON.stringify(out(ctx, e))).join(',');
        const more = res.write(i === 0 ? page : `,${page}`);
        if (!more) await new Promise<void>((r) => { res.once('drain', r); res.once('close', r); });
        if (res.destroyed) return undefined;
        await new Promise((r) => setImmediate(r));
      }
      res.end(']}');
      return undefined;
    },
  },
  {
    method: 'POST', path: '/api/notes', tag: 'logbook', access: 'log.note', body: noteInput, errors: [400],
    summary: 'Write a logbook line: a fact, a decision, an action or a communication (optionally at a past time)',
    handler: async (ctx) => ok({ entry: out(ctx, await ctx.app.note(need(ctx.actor), ctx.body)) }, 201),
  },
  {
    method: 'GET', path: '/api/integrity', tag: 'logbook', access: 'journal.read',
    summary: 'Whether the journal can be trusted: chain, head hash, last signed checkpoint and public key, the first entry not to trust, and when the server was started on a journal that failed the check',
    handler: (ctx) => ok(ctx.deps.integrity.view()),
  },
  {
    method: 'GET', path: '/api/verify', tag: 'logbook', access: 'journal.read',
    summary: 'Recompute the hash chain: ok with the head hash, or the first altered entry',
    handler: async (ctx) => ok(await ctx.app.verify()),
  },

  // ---- set-up ----
  {
    method: 'POST', path: '/api/init', tag: 'setup', access: 'crisis.init', body: initInput, errors: [400, 409],
    summary: 'Start the crisis journal (normally done from the CLI before the first account exists)',
    handler: async (ctx) => ok({ entries: (await ctx.app.init(need(ctx.actor), ctx.body)).map((e) => out(ctx, e)) }, 201),
  },
  {
    method: 'POST', path: '/api/estate', tag: 'setup', access: 'estate.import', body: estateInput, bodyLimit: 40 * 1024 * 1024, errors: [400, 413],
    summary: 'Import estate files (CSV or JSON text), all or nothing; the same files twice change nothing',
    async handler(ctx) {
      const v = validate(estateInput, ctx.body);
      // The body was strict UTF-8 (readJsonBody), so these are the file's bytes as sent; a client
      // that gives the file's own sha256 has it checked, so the logbook never records another.
      const files = v.files.map((f, i) => {
        const sha256 = createHash('sha256').update(f.text, 'utf8').digest('hex');
        if (f.sha256 !== undefined && f.sha256 !== sha256) {
          throw new CrisisError('invalid-input', `${f.file}: the text sent does not hash to the sha256 given (the file was changed or decoded on the way)`, { details: [{ path: `files.${i}.sha256`, message: 'does not match the text' }] });
        }
        return { file: f.file, text: f.text, sha256 };
      });
      const r = await ctx.app.importEstate(need(ctx.actor), files);
      return ok({ changed: r.changed, unchanged: r.unchanged, entries: r.entries.map((e) => out(ctx, e)) }, r.changed > 0 ? 201 : 200);
    },
  },

  // ---- accounts ----
  {
    method: 'GET', path: '/api/users', tag: 'accounts', access: 'user.manage',
    summary: 'Accounts (never their password hashes)',
    handler: (ctx) => ok(listUsers(ctx.app)),
  },
  {
    method: 'POST', path: '/api/users', tag: 'accounts', access: 'user.manage', body: userAddInput, errors: [400, 409],
    summary: 'Add an account (argon2id hash written to the journal), or re-enable a disabled one with a new password',
    handler: async (ctx) => ok(await addUser(ctx.app, need(ctx.actor), ctx.body), 201),
  },
  {
    method: 'POST', path: '/api/users/:name/role', tag: 'accounts', access: 'user.manage', body: userRoleInput, errors: [400, 404, 409],
    summary: "Change an account's role (takes effect on its open sessions at once)",
    handler: async (ctx) => ok(await changeRole(ctx.app, need(ctx.actor), ctx.params.name ?? '', ctx.body)),
  },
  {
    method: 'POST', path: '/api/users/:name/password', tag: 'accounts', access: 'user.manage', body: passwordSetInput, errors: [400, 404, 409],
    summary: "Set an account's password (refused when common or trivial); its open sessions and streams end",
    handler: async (ctx) => ok(await setPassword(ctx.app, need(ctx.actor), ctx.params.name ?? '', ctx.body)),
  },
  {
    method: 'POST', path: '/api/session/password', tag: 'session', access: 'password.change', body: ownPasswordInput, errors: [400, 401],
    summary: 'Change your own password (give the current one); every session of yours ends, this one included',
    handler: async (ctx) => ok(await changeOwnPassword(ctx.app, need(ctx.actor), ctx.body)),
  },
  {
    method: 'POST', path: '/api/users/:name/disable', tag: 'accounts', access: 'user.manage', body: userDisableInput, errors: [400, 404, 409],
    summary: 'Disable an account and end its sessions',
    async handler(ctx) {
      const u = await disableUser(ctx.app, need(ctx.actor), ctx.params.name ?? '', ctx.body);
      ctx.deps.sessions.deleteUser(u.name);
      return ok(u);
    },
  },
];

/** The whole table. */
export const ROUTES: readonly Route[] = [...CORE_ROUTES, ...COORDINATION_ROUTES];

export { ROLES };
