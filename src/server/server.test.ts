import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { request } from 'node:http';
import { errorResponse } from './http.ts';
import type { TestServer } from '../../test/support/server.ts';
import { Client, loggedIn, passwordOf, raw, startTestServer } from '../../test/support/server.ts';

type Json = Record<string, unknown>;
const err = (r: { json: unknown }): Json => ((r.json as Json).error ?? {}) as Json;

describe('HTTP API', () => {
  let t: TestServer;
  let it_: Client;
  let observer: Client;
  const head = (): number => t.app.liveProjection.lastSeq;

  before(async () => {
    t = await startTestServer();
    it_ = await loggedIn(t.port, 'it');
    observer = await loggedIn(t.port, 'observer');
  });
  after(async () => t.close());

  describe('sessions', () => {
    it('sets an HttpOnly SameSite=Strict cookie and returns the role, permissions and CSRF token', async () => {
      const c = new Client(t.port);
      const r = await c.login('commander', passwordOf('commander'));
      assert.equal(r.status, 200);
      const cookie = r.headers['set-cookie']?.[0] ?? '';
      assert.match(cookie, /^cc_session=[A-Za-z0-9_-]{40,};/);
      assert.match(cookie, /HttpOnly/);
      assert.match(cookie, /SameSite=Strict/);
      const body = r.json as Json;
      assert.deepEqual(body.user, { name: 'commander', role: 'commander' });
      assert.ok((body.permissions as string[]).includes('asset.set'));
      const s = await c.get('/api/session');
      assert.equal(s.status, 200);
      assert.equal((s.json as Json).csrf, c.csrf);
    });

    it('refuses a wrong password and an unknown name alike', async () => {
      const a = await new Client(t.port).login('it', 'wrong-password');
      const b = await new Client(t.port).login('nobody', 'wrong-password');
      assert.equal(a.status, 401);
      assert.equal(b.status, 401);
      assert.equal(err(a).message, err(b).message);
    });

    it('answers 401 without a session and after logout', async () => {
      assert.equal((await raw(t.port, 'GET', '/api/board')).status, 401);
      const c = await loggedIn(t.port, 'medical');
      assert.equal((await c.get('/api/board')).status, 200);
      assert.equal((await c.post('/api/logout', {})).status, 200);
      assert.equal((await c.get('/api/board')).status, 401);
    });

    it('refuses an expired session, and writes nothing', async () => {
      const c = await loggedIn(t.port, 'it');
      const token = c.cookie.split('=')[1] ?? '';
      t.cockpit.deps.sessions.expire(token);
      const before = head();
      const r = await c.post('/api/notes', { type: 'fact', text: 'after expiry' });
      assert.equal(r.status, 401);
      assert.equal(err(r).code, 'unauthenticated');
      assert.match(String(err(r).message), /expired/);
      assert.equal(head(), before);
    });

    it('ends the sessions of a disabled account at once', async () => {
      const admin = await loggedIn(t.port, 'admin');
      assert.equal((await admin.post('/api/users', { name: 'temp', role: 'it', password: 'temp-password-1' })).status, 201);
      const temp = new Client(t.port);
      assert.equal((await temp.login('temp', 'temp-password-1')).status, 200);
      assert.equal((await admin.post('/api/users/temp/disable', { reason: 'left the cell' })).status, 200);
      assert.equal((await temp.get('/api/board')).status, 401);
      assert.equal((await new Client(t.port).login('temp', 'temp-password-1')).status, 401);
    });

    it('slows repeated failures on one account from one address, without locking the owner out elsewhere', async () => {
      const s = await startTestServer({ login: { freeTries: 3, perIp: 100 }, estate: false });
      try {
        for (let i = 0; i < 3; i++) assert.equal((await new Client(s.port).login('dpo', 'nope-nope')).status, 401);
        const r = await new Client(s.port).login('dpo', passwordOf('dpo'));
        assert.equal(r.status, 429);
        assert.ok(Number(r.headers['retry-after']) > 0);
        // Another account from the same address is not held up.
        assert.equal((await new Client(s.port).login('it', passwordOf('it'))).status, 200);
        // The owner of the guessed account, from another address, logs in at once.
        assert.equal((await new Client(s.port, '127.0.0.2').login('dpo', passwordOf('dpo'))).status, 200);
      } finally {
        await s.close();
      }
    });

    it('rate-limits failed logins per address', async () => {
      const s = await startTestServer({ login: { perIp: 2, freeTries: 100 }, estate: false });
      try {
        await new Client(s.port).login('a1', 'x');
        await new Client(s.port).login('a2', 'x');
        assert.equal((await new Client(s.port).login('it', passwordOf('it'))).status, 429);
        assert.equal((await new Client(s.port, '127.0.0.3').login('it', passwordOf('it'))).status, 200, 'the lock is on the source, not the account');
      } finally {
        await s.close();
      }
    });
  });

  describe('bad input is refused with the right status and nothing written', () => {
    const cases: { name: string; status: number; code: string; send: () => Promise<{ status: number; json: unknown }>; path?: string }[] = [
      { name: 'malformed JSON', status: 400, code: 'invalid-input', send: () => it_.post('/api/notes', '{"type": "fact", "text": ', { 'content-type': 'application/json' }) },
      { name: 'a wrong type', status: 400, code: 'invalid-input', path: 'text', send: () => it_.post('/api/notes', { type: 'fact', text: 42 }) },
      { name: 'an unknown enum value', status: 400, code: 'invalid-input', path: 'recovery', send: () => it_.post('/api/assets/state', { pattern: 'srv-*', recovery: 'exploded', reason: 'testing' }) },
      { name: 'a missing reason', status: 400, code: 'invalid-input', path: 'reason', send: () => it_.post('/api/assets/state', { pattern: 'srv-*', recovery: 'isolated' }) },
      { name: 'an oversized body', status: 413, code: 'payload-too-large', send: () => it_.post('/api/notes', { type: 'fact', text: 'x'.repeat(1_100_000) }) },
      { name: 'a form-encoded body', status: 415, code: 'unsupported-media-type', send: () => it_.post('/api/notes', 'type=fact&text=hi', { 'content-type': 'application/x-www-form-urlencoded' }) },
      { name: 'an unknown asset pattern', status: 404, code: 'not-found', path: 'pattern', send: () => it_.post('/api/assets/state', { pattern: 'no-such-host', recovery: 'isolated', reason: 'testing' }) },
      { name: 'an unknown site', status: 404, code: 'not-found', path: 'site', send: () => it_.post('/api/measures/apply', { type: 'link-cut', site: 'atlantis', reason: 'testing' }) },
      { name: 'lifting a measure not in force', status: 404, code: 'not-found', send: () => it_.post('/api/measures/lift', { type: 'internet-cut', reason: 'testing' }) },
      { name: 'a role that may not write', status: 403, code: 'forbidden', send: () => observer.post('/api/notes', { type: 'fact', text: 'observer tries' }) },
      { name: 'a forged cross-site request (foreign Origin, cookie sent)', status: 403, code: 'forbidden', send: () => it_.post('/api/notes', { type: 'fact', text: 'forged' }, { origin: 'https://evil.example' }) },
      { name: 'a cross-site fetch (Sec-Fetch-Site)', status: 403, code: 'forbidden', send: () => it_.post('/api/notes', { type: 'fact', text: 'forged' }, { 'sec-fetch-site': 'cross-site' }) },
      { name: 'a write without the CSRF token', status: 403, code: 'forbidden', send: () => raw(t.port, 'POST', '/api/notes', { body: { type: 'fact', text: 'no token' }, headers: { cookie: it_.cookie } }) },
      { name: 'a write with a wrong CSRF token', status: 403, code: 'forbidden', send: () => it_.post('/api/notes', { type: 'fact', text: 'bad token' }, { 'x-csrf-token': 'guess' }) },
      { name: 'a GET on a write endpoint', status: 405, code: 'method-not-allowed', send: () => it_.get('/api/notes') },
      { name: 'an unknown endpoint', status: 404, code: 'not-found', send: () => it_.post('/api/nothing-here', {}) },
      { name: 'a time that is not ISO', status: 400, code: 'invalid-input', path: 'at', send: () => it_.post('/api/notes', { type: 'fact', text: 'late fact', at: 'yesterday' }) },
    ];
    for (const c of cases) {
      it(`answers ${c.status} to ${c.name}`, async () => {
        const before = head();
        const r = await c.send();
        assert.equal(r.status, c.status, JSON.stringify(r.json));
        assert.equal(err(r).code, c.code);
        if (c.path) assert.equal(err(r).path, c.path);
        assert.doesNotMatch(JSON.stringify(r.json), /at .*\.ts:\d+/, 'no stack trace');
        await t.app.sync();
        assert.equal(head(), before, 'the journal head did not move');
      });
    }

    it('answers 404 to unknown ids in paths', async () => {
      assert.equal((await it_.get('/api/assets/no-such-host')).status, 404);
      assert.equal((await it_.get('/api/board/cells/radiology@atlantis')).status, 404);
      const admin = await loggedIn(t.port, 'admin');
      const before = head();
      const r = await admin.post('/api/users/ghost/role', { role: 'it', reason: 'testing' });
      assert.equal(r.status, 404);
      assert.equal(head(), before);
    });

    it('cuts a huge body declared by content-length before reading it', async () => {
      const r = await new Promise<number>((resolve, reject) => {
        const req = request({ host: '127.0.0.1', port: t.port, method: 'POST', path: '/api/notes', headers: { cookie: it_.cookie, 'x-csrf-token': it_.csrf, 'content-type': 'application/json', 'content-length': 50_000_000 } }, (res) => {
          res.resume();
          resolve(res.statusCode ?? 0);
        });
        req.on('error', reject);
        req.write('{"type":"fact",');
      });
      assert.equal(r, 413);
    });

    it('turns an unexpected error into a plain 500 without details', async () => {
      const original = t.app.verify.bind(t.app);
      t.app.verify = () => Promise.reject(new Error('SQLITE_CORRUPT at /secret/path/db.sqlite'));
      const log = console.error;
      console.error = () => undefined;
      try {
        const r = await it_.get('/api/verify');
        assert.equal(r.status, 500);
        assert.deepEqual(r.json, { error: { code: 'internal', message: 'internal error' } });
      } finally {
        t.app.verify = original;
        console.error = log;
      }
      assert.deepEqual(errorResponse(new TypeError('x is undefined')).body, { error: { code: 'internal', message: 'internal error' } });
    });
  });

  describe('writes', () => {
    it('records the logged-in user as the actor of every entry', async () => {
      const r = await it_.post('/api/assets/state', { pattern: 'srv-pacs-*', recovery: 'isolated', security: 'compromised', reason: 'ransom note on PACS' });
      assert.equal(r.status, 201);
      const entry = (r.json as Json).entry as Json;
      assert.equal(entry.actor, 'it');
      const cmd = await loggedIn(t.port, 'commander');
      const n = await cmd.post('/api/notes', { type: 'decision', text: 'Consultations cancelled Monday' });
      assert.equal(((n.json as Json).entry as Json).actor, 'commander');
      const log = await it_.get('/api/log?kind=asset.state&kind=log.note');
      const entries = (log.json as { entries: Json[] }).entries;
      assert.deepEqual(entries.slice(-2).map((e) => e.actor), ['it', 'commander']);
    });

    it('never shows a password hash, in the log or in the user list', async () => {
      const admin = await loggedIn(t.port, 'admin');
      const log = await admin.get('/api/log?kind=user.*');
      assert.ok((log.json as { entries: unknown[] }).entries.length >= 8);
      assert.doesNotMatch(log.text, /\$argon2id\$/);
      const users = await admin.get('/api/users');
      assert.equal(users.status, 200);
      assert.doesNotMatch(users.text, /argon2|passwordHash/);
    });

    it('previews a change on the board without writing it', async () => {
      const before = head();
      const r = await it_.post('/api/what-if', { kind: 'asset.state', input: { pattern: 'srv-lis-01', recovery: 'isolated', reason: 'what if we isolate the LIS' } });
      assert.equal(r.status, 200, r.text);
      const changes = (r.json as { changes: { serviceId: string; after: { status: string } }[] }).changes;
      assert.ok(changes.some((c) => c.serviceId === 'laboratory@hsp-north' && c.after.status === 'degraded'), JSON.stringify(changes));
      assert.equal(head(), before);
    });
  });

  describe('queries', () => {
    it('serves the board with a cell per service and explains a cell', async () => {
      const r = await observer.get('/api/board');
      assert.equal(r.status, 200);
      const b = r.json as { cells: { serviceId: string }[]; sites: unknown[] };
      assert.ok(b.cells.some((c) => c.serviceId === 'radiology@hsp-north'));
      const cell = await observer.get('/api/board/cells/radiology%40hsp-north');
      assert.equal(cell.status, 200);
      assert.equal((cell.json as Json).serviceId, 'radiology@hsp-north');
    });

    it('serves the board as it was at an earlier time', async () => {
      const r = await observer.get(`/api/board?at=${encodeURIComponent('2000-01-01T00:00:00Z')}`);
      assert.equal(r.status, 200);
      assert.equal((r.json as { cells: unknown[] }).cells.length, 0);
      assert.equal((await observer.get('/api/board?at=yesterday')).status, 400);
    });

    it('filters and pages assets', async () => {
      const all = await observer.get('/api/assets');
      assert.equal((all.json as Json).total, 8);
      const srv = await observer.get('/api/assets?q=srv-*&limit=2&offset=1');
      const j = srv.json as { total: number; items: { id: string }[] };
      assert.equal(j.total, 4);
      assert.equal(j.items.length, 2);
      assert.equal((await observer.get('/api/assets?limit=-1')).status, 400);
      const one = await observer.get('/api/assets/SRV-DC-01');
      assert.equal((one.json as Json).hostname, 'SRV-DC-01');
    });

    it('publishes an OpenAPI 3.1 document with every route of the table', async () => {
      const r = await raw(t.port, 'GET', '/api/openapi.json');
      assert.equal(r.status, 200);
      const doc = r.json as { openapi: string; paths: Record<string, Record<string, { requestBody?: unknown }>> };
      assert.equal(doc.openapi, '3.1.0');
      for (const route of t.cockpit.router.routes) {
        const p = route.path.replace(/:([a-zA-Z]+)/g, '{$1}');
        assert.ok(doc.paths[p]?.[route.method.toLowerCase()], `${route.method} ${route.path} is documented`);
      }
      assert.ok(doc.paths['/api/assets/state']?.post?.requestBody, 'bodies come from the zod schemas');
    });

    it('sends the security headers on API answers and pages', async () => {
      for (const path of ['/api/health', '/', '/nope']) {
        const r = await raw(t.port, 'GET', path);
        const csp = String(r.headers['content-security-policy']);
        assert.match(csp, /default-src 'self'/);
        assert.match(csp, /frame-ancestors 'none'/);
        assert.doesNotMatch(csp, /unsafe-inline|unsafe-eval/);
        assert.equal(r.headers['x-content-type-options'], 'nosniff');
      }
    });
  });

  describe('live updates', () => {
    function openStream(c: Client, lastEventId?: number): Promise<{ events: { id?: string; event: string; data: string }[]; wait(pred: (e: { event: string; data: string }) => boolean, ms: number): Promise<void>; close(): void }> {
      return new Promise((resolve, reject) => {
        const events: { id?: string; event: string; data: string }[] = [];
        const waiters: (() => void)[] = [];
        const req = request({ host: '127.0.0.1', port: t.port, path: '/api/events', headers: { cookie: c.cookie, ...(lastEventId === undefined ? {} : { 'last-event-id': String(lastEventId) }) } }, (res) => {
          assert.equal(res.statusCode, 200);
          assert.match(String(res.headers['content-type']), /text\/event-stream/);
          let buf = '';
          res.setEncoding('utf8');
          res.on('data', (chunk: string) => {
            buf += chunk;
            let i: number;
            while ((i = buf.indexOf('\n\n')) >= 0) {
              const block = buf.slice(0, i);
              buf = buf.slice(i + 2);
              const ev: { id?: string; event: string; data: string } = { event: 'message', data: '' };
              for (const line of block.split('\n')) {
                if (line.startsWith('id: ')) ev.id = line.slice(4);
                else if (line.startsWith('event: ')) ev.event = line.slice(7);
                else if (line.startsWith('data: ')) ev.data += line.slice(6);
              }
              if (ev.data || ev.id) events.push(ev);
              for (const w of waiters.splice(0)) w();
            }
          });
          resolve({
            events,
            wait: (pred, ms) =>
              new Promise((ok, ko) => {
                const deadline = setTimeout(() => ko(new Error(`no matching event within ${ms} ms: ${JSON.stringify(events)}`)), ms);
                const check = (): void => {
                  if (events.some(pred)) {
                    clearTimeout(deadline);
                    ok();
                  } else waiters.push(check);
                };
                check();
              }),
            close: () => req.destroy(),
          });
        });
        req.on('error', (e) => (String(e).includes('socket hang up') ? undefined : reject(e)));
        req.end();
      });
    }

    it('streams a change made by one user to another within a second', async () => {
      const s = await openStream(observer);
      try {
        await s.wait((e) => e.event === 'hello', 1000);
        const t0 = Date.now();
        await it_.post('/api/notes', { type: 'fact', text: 'live update test' });
        await s.wait((e) => e.event === 'entry' && e.data.includes('live update test'), 1000);
        assert.ok(Date.now() - t0 < 1000);
      } finally {
        s.close();
      }
    });

    it('resumes after Last-Event-ID', async () => {
      const before = head();
      await it_.post('/api/notes', { type: 'fact', text: 'missed while offline' });
      const s = await openStream(observer, before);
      try {
        await s.wait((e) => e.event === 'entry' && e.data.includes('missed while offline'), 1000);
        assert.equal(s.events.find((e) => e.event === 'entry')?.id, String(before + 1));
      } finally {
        s.close();
      }
    });

    it('sees entries another process appends to the same database', async () => {
      const s = await openStream(observer);
      try {
        await s.wait((e) => e.event === 'hello', 1000);
        // A second app on the same file, as `crisiscell note` from a terminal would be.
        const { openTestApp } = await import('../../test/support/app.ts');
        const other = await openTestApp(t.app.store.location.replace(/^sqlite:/, ''));
        await other.note({ name: 'cli:nurse', role: 'admin' }, { type: 'fact', text: 'from the terminal' });
        await other.close();
        await s.wait((e) => e.event === 'entry' && e.data.includes('from the terminal'), 1500);
      } finally {
        s.close();
      }
    });
  });
});
