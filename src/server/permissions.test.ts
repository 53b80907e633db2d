// Walks EVERY route of the table with every role (and with no session) and checks the answer
// against the PERMISSIONS table: 403 exactly when the role lacks the route's action. Bodies are
// empty, so allowed calls stop at validation: the sweep writes nothing, which is checked too.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { request } from 'node:http';
import { isAllowed, ROLES } from '../app/permissions.ts';
import type { Action, Role } from '../app/permissions.ts';
import { ROUTES } from './routes.ts';
import type { Route } from './router.ts';
import type { TestServer } from '../../test/support/server.ts';
import { raw, startTestServer } from '../../test/support/server.ts';

const concrete = (r: Route): string => r.path.replace(':id', 'radiology@hsp-north').replace(':name', 'observer').replace(':site', 'hsp-north');

/** Status only; an SSE stream is cut as soon as its headers arrive. */
function statusOf(port: number, r: Route, cookie: string, csrf: string): Promise<number> {
  if (r.produces === 'text/event-stream') {
    return new Promise((resolve, reject) => {
      const req = request({ host: '127.0.0.1', port, path: concrete(r), headers: { cookie } }, (res) => {
        resolve(res.statusCode ?? 0);
        req.destroy();
      });
      req.on('error', (e) => (String(e).includes('socket hang up') ? undefined : reject(e)));
      req.end();
    });
  }
  return raw(port, r.method, concrete(r), { ...(r.method === 'POST' ? { body: {} } : {}), headers: { cookie, 'x-csrf-token': csrf } }).then((x) => x.status);
}

describe('permission matrix, route by route', () => {
  let t: TestServer;
  const sessions = new Map<Role, { cookie: string; csrf: string }>();

  before(async () => {
    t = await startTestServer();
    for (const role of ROLES) {
      // Sessions made directly: logging in ~200 times would only test argon2's speed.
      const s = t.cockpit.deps.sessions.create(role, accountSeq(role));
      sessions.set(role, { cookie: `cc_session=${s.token}`, csrf: s.csrf });
    }
  });
  after(async () => t.close());
  /** A session holds while its account is unchanged since it began: made directly, it says at which entry. */
  const accountSeq = (role: Role): number => t.app.liveProjection.users.get(role)?.changedSeq ?? 0;

  it('the table served is the table tested', () => {
    assert.equal(t.cockpit.router.routes, ROUTES);
    assert.ok(ROUTES.length >= 20);
  });

  for (const r of ROUTES) {
    if (r.access === 'public') continue;
    it(`${r.method} ${r.path}: ${r.access === 'session' ? 'any account' : (ROLES.filter((x) => isAllowed(x, r.access as Action)).join(', ') || 'nobody')}`, async () => {
      const headBefore = t.app.liveProjection.lastSeq;
      assert.equal(await statusOf(t.port, r, '', ''), 401, 'no session: 401');
      for (const role of ROLES) {
        const s = sessions.get(role);
        assert.ok(s);
        const status = await statusOf(t.port, r, s.cookie, s.csrf);
        const allowed = r.access === 'session' || isAllowed(role, r.access as Action);
        if (allowed) assert.ok(status !== 403 && status !== 401, `${role} may call ${r.method} ${r.path} (got ${status})`);
        else assert.equal(status, 403, `${role} may not call ${r.method} ${r.path}`);
        if (r.path === '/api/logout') {
          const fresh = t.cockpit.deps.sessions.create(role, accountSeq(role));
          sessions.set(role, { cookie: `cc_session=${fresh.token}`, csrf: fresh.csrf });
        }
      }
      await t.app.sync();
      assert.equal(t.app.liveProjection.lastSeq, headBefore, 'nothing written');
    });
  }

  it('public routes answer without a session', async () => {
    for (const r of ROUTES.filter((x) => x.access === 'public')) {
      const status = await statusOf(t.port, r, '', '');
      assert.notEqual(status, 401, `${r.method} ${r.path}`);
      assert.notEqual(status, 403, `${r.method} ${r.path}`);
    }
  });
});
