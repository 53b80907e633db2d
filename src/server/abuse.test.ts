// The server as an attacker or a careless operator would try it: each case reproduces a failure
// found in such a session (issue 10) and shows that it now holds.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { connect } from 'node:net';
import { request } from 'node:http';
import type { TestServer } from '../../test/support/server.ts';
import { Client, loggedIn, passwordOf, raw, startTestServer } from '../../test/support/server.ts';

type Json = Record<string, unknown>;
const err = (r: { json: unknown }): Json => ((r.json as Json).error ?? {}) as Json;

/** An SSE stream: resolves `ended` when the server closes it. */
function stream(port: number, cookie: string): Promise<{ ended: Promise<number>; close(): void }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path: '/api/events', headers: { cookie } }, (res) => {
      assert.equal(res.statusCode, 200);
      const t0 = Date.now();
      const ended = new Promise<number>((r) => {
        res.on('end', () => r(Date.now() - t0));
        res.on('close', () => r(Date.now() - t0));
      });
      res.resume();
      resolve({ ended, close: () => req.destroy() });
    });
    req.on('error', (e) => (String(e).includes('socket hang up') ? undefined : reject(e)));
    req.end();
  });
}

const within = <T>(p: Promise<T>, ms: number, what: string): Promise<T> =>
  Promise.race([p, new Promise<T>((_, rej) => setTimeout(() => rej(new Error(`${what}: not within ${ms} ms`)), ms))]);

describe('the server under abuse', () => {
  let t: TestServer;
  before(async () => {
    // A long first wait: on a loaded machine a burst can last longer than the default 1 s, and a
    // try after the wait is allowed by design; here the burst must meet the reservation alone.
    t = await startTestServer({ estate: false, bodyIdleMs: 400, login: { freeTries: 3, perIp: 1000, baseDelayMs: 60_000 } });
  });
  after(async () => t.close());

  describe('login limits hold under concurrency', () => {
    it('lets at most the free tries through when 50 wrong passwords for one account arrive at once', async () => {
      const rs = await Promise.all(Array.from({ length: 50 }, () => new Client(t.port, '127.0.0.5').login('dpo', 'wrong-guess-123')));
      const statuses = rs.map((r) => r.status);
      assert.ok(statuses.every((s) => s === 401 || s === 429), statuses.join(','));
      assert.ok(statuses.filter((s) => s === 401).length <= 3, `${statuses.filter((s) => s === 401).length} guesses reached the password check`);
      assert.ok(statuses.filter((s) => s === 429).length >= 47);
    });

    it('does not let the right password through at the end of a burst of 40 guesses', async () => {
      const tries = Array.from({ length: 40 }, (_, i) => (i === 39 ? passwordOf('comms') : `guess-number-${i}`));
      const rs = await Promise.all(tries.map((p) => new Client(t.port, '127.0.0.6').login('comms', p)));
      assert.notEqual(rs[39]?.status, 200, 'the burst must not end in a login');
      // The owner, elsewhere, is not locked out by it.
      assert.equal((await new Client(t.port, '127.0.0.7').login('comms', passwordOf('comms'))).status, 200);
    });
  });

  describe('sessions end everywhere at once', () => {
    it('ends an open live stream on logout, and refuses the next request', async () => {
      const c = await loggedIn(t.port, 'observer');
      const s = await stream(t.port, c.cookie);
      assert.equal((await c.post('/api/logout', {})).status, 200);
      assert.ok((await within(s.ended, 1000, 'stream end')) < 1000);
      assert.equal((await c.get('/api/board')).status, 401);
    });

    for (const change of ['disable', 'role', 'password'] as const) {
      it(`ends an open stream within 1 s when an admin changes the account (${change})`, async () => {
        const admin = await loggedIn(t.port, 'admin');
        const name = `temp-${change}`;
        const pw = 'Lantern-orchid-41';
        assert.equal((await admin.post('/api/users', { name, role: 'medical', password: pw })).status, 201);
        const c = new Client(t.port);
        assert.equal((await c.login(name, pw)).status, 200);
        const s = await stream(t.port, c.cookie);
        const r =
          change === 'disable'
            ? await admin.post(`/api/users/${name}/disable`, { reason: 'left the cell' })
            : change === 'role'
              ? await admin.post(`/api/users/${name}/role`, { role: 'observer', reason: 'reassigned' })
              : await admin.post(`/api/users/${name}/password`, { password: 'Harbour-violet-58', reason: 'leaked' });
        assert.equal(r.status, 200, r.text);
        await within(s.ended, 1000, 'stream end');
        assert.equal((await c.get('/api/session')).status, 401);
      });
    }

    it('ends the sessions of an account disabled by another process (the CLI)', async () => {
      const admin = await loggedIn(t.port, 'admin');
      assert.equal((await admin.post('/api/users', { name: 'temp-cli', role: 'it', password: 'Copper-meadow-77' })).status, 201);
      const c = new Client(t.port);
      assert.equal((await c.login('temp-cli', 'Copper-meadow-77')).status, 200);
      const s = await stream(t.port, c.cookie);
      const { openTestApp } = await import('../../test/support/app.ts');
      const { disableUser } = await import('../app/accounts.ts');
      const other = await openTestApp(t.app.store.location.replace(/^sqlite:/, ''));
      await disableUser(other, { name: 'cli:root', role: 'admin' }, 'temp-cli', { reason: 'from the terminal' });
      await other.close();
      // The store's poll (200 ms) brings the entry in; the stream and the session end with it.
      await within(s.ended, 1500, 'stream end');
      assert.equal((await c.get('/api/session')).status, 401);
    });
  });

  describe('robust HTTP', () => {
    it('ignores a malformed cookie of another application', async () => {
      const c = await loggedIn(t.port, 'observer');
      const r = await raw(t.port, 'GET', '/api/session', { headers: { cookie: `other_app=100%; ${c.cookie}` } });
      assert.equal(r.status, 200, r.text);
      assert.equal((await raw(t.port, 'GET', '/api/health', { headers: { cookie: 'other_app=100%' } })).status, 200);
    });

    it('refuses a Host name it was not given (DNS rebinding), and answers its addresses', async () => {
      const r = await raw(t.port, 'POST', '/api/login', { body: { name: 'admin', password: passwordOf('admin') }, headers: { host: 'attacker.example:4780' } });
      assert.equal(r.status, 403);
      assert.match(String(err(r).message), /unknown host/);
      assert.equal((await raw(t.port, 'GET', '/', { headers: { host: 'attacker.example' } })).status, 403);
      assert.equal((await raw(t.port, 'GET', '/api/health', { headers: { host: `localhost:${t.port}` } })).status, 200);
      assert.equal((await raw(t.port, 'GET', '/api/health', { headers: { host: `[::1]:${t.port}` } })).status, 200);
      const named = await startTestServer({ estate: false, users: false, allowedHosts: ['cockpit.hospital.test'] });
      try {
        assert.equal((await raw(named.port, 'GET', '/api/health', { headers: { host: 'cockpit.hospital.test' } })).status, 200);
        assert.equal((await raw(named.port, 'GET', '/api/health', { headers: { host: 'other.hospital.test' } })).status, 403);
      } finally {
        await named.close();
      }
    });

    it('compares the Origin with its scheme', async () => {
      const c = await loggedIn(t.port, 'it');
      const host = `127.0.0.1:${t.port}`;
      assert.equal((await c.post('/api/notes', { type: 'fact', text: 'same origin' }, { origin: `http://${host}` })).status, 201);
      const wrong = await c.post('/api/notes', { type: 'fact', text: 'other scheme' }, { origin: `https://${host}` });
      assert.equal(wrong.status, 403);
    });

    it('closes a request whose body stalls', async () => {
      const start = Date.now();
      const closedAfter = await new Promise<number>((resolve, reject) => {
        const sock = connect(t.port, '127.0.0.1', () => {
          sock.write(`POST /api/login HTTP/1.1\r\nHost: 127.0.0.1:${t.port}\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{"name":`);
        });
        let answer = '';
        sock.on('data', (d: Buffer) => (answer += d.toString()));
        sock.on('close', () => {
          assert.match(answer, /408/);
          resolve(Date.now() - start);
        });
        sock.on('error', reject);
        setTimeout(() => reject(new Error('the stalled socket is still open after 5 s')), 5000).unref();
      });
      assert.ok(closedAfter < 3000, `closed after ${closedAfter} ms`);
    });

    it('drops a live reader that stops reading, and lets it resume', async () => {
      const s = await startTestServer({ estate: false, sseMaxBufferBytes: 64 * 1024 });
      try {
        const it_ = await loggedIn(s.port, 'it');
        const reader = await loggedIn(s.port, 'observer');
        const paused: { destroy(): void }[] = [];
        for (let i = 0; i < 4; i++) {
          await new Promise<void>((ready) => {
            const req = request({ host: '127.0.0.1', port: s.port, path: '/api/events', headers: { cookie: reader.cookie } }, (res) => {
              res.pause(); // never reads again
              paused.push(req);
              ready();
            });
            req.on('error', () => undefined);
            req.end();
          });
        }
        assert.equal(s.cockpit.deps.live.clientCount, 4);
        const text = 'x'.repeat(9900);
        // Enough that the kernel's socket buffers fill and the rest would wait in ours.
        for (let i = 0; i < 1200 && s.cockpit.deps.live.clientCount > 0; i += 20) {
          const rs = await Promise.all(Array.from({ length: 20 }, (_, j) => it_.post('/api/notes', { type: 'fact', text: `${i + j} ${text}` })));
          assert.ok(rs.every((r) => r.status === 201));
        }
        assert.equal(s.cockpit.deps.live.clientCount, 0, 'every paused reader was dropped');
        assert.ok(s.cockpit.deps.live.dropped >= 4);
        assert.ok(s.cockpit.deps.live.bufferedBytes < 64 * 1024);
        for (const p of paused) p.destroy();
        // Resuming with Last-Event-ID replays what was missed, in pages.
        const head = s.app.liveProjection.lastSeq;
        const got = await new Promise<number>((resolve, reject) => {
          const req = request({ host: '127.0.0.1', port: s.port, path: '/api/events', headers: { cookie: reader.cookie, 'last-event-id': String(head - 100) } }, (res) => {
            let n = 0;
            let buf = '';
            res.setEncoding('utf8');
            res.on('data', (c: string) => {
              buf += c;
              let i: number;
              while ((i = buf.indexOf('\n\n')) >= 0) {
                if (buf.slice(0, i).includes('event: entry')) n++;
                buf = buf.slice(i + 2);
              }
              if (n >= 100) {
                req.destroy();
                resolve(n);
              }
            });
          });
          req.on('error', (e) => (String(e).includes('socket hang up') ? undefined : reject(e)));
          req.end();
          setTimeout(() => reject(new Error('replay incomplete')), 5000).unref();
        });
        assert.equal(got, 100);
      } finally {
        await s.close();
      }
    });
  });

  describe('input', () => {
    it('refuses a common or trivial password, saying why', async () => {
      const admin = await loggedIn(t.port, 'admin');
      for (const pw of ['aaaaaaaaaa', 'password123', '1234567890', 'azertyuiop']) {
        const r = await admin.post('/api/users', { name: 'weak.one', role: 'it', password: pw });
        assert.equal(r.status, 400, pw);
        assert.equal(err(r).path, 'password');
        assert.match(String(err(r).message), /too easy to guess/);
      }
      assert.equal((await admin.get('/api/users')).text.includes('weak.one'), false);
    });

    it('refuses an author time far outside the crisis', async () => {
      const c = await loggedIn(t.port, 'it');
      const before = t.app.liveProjection.lastSeq;
      for (const at of ['0001-01-01T00:00:00Z', '2999-01-01T00:00:00Z']) {
        const r = await c.post('/api/notes', { type: 'fact', text: 'when?', at });
        assert.equal(r.status, 400, r.text);
        assert.equal(err(r).path, 'at');
      }
      assert.equal((await c.post('/api/notes', { type: 'fact', text: 'an hour ago', at: new Date(Date.now() - 3600_000).toISOString() })).status, 201);
      assert.equal(t.app.liveProjection.lastSeq, before + 1);
    });
  });
});
