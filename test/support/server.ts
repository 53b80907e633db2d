/**
 * Shared by the server's tests, the e2e tests and the benchmark: a cockpit over a real SQLite file
 * in a temporary directory, the example estate, one account per role, and a raw HTTP client
 * (node:http, so tests can send exactly the headers a browser or an attacker would).
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { request } from 'node:http';
import type { IncomingHttpHeaders } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createHash } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import type { AddressInfo } from 'node:net';
import type { CrisisApp } from '../../src/app/crisis-app.ts';
import type { Actor, Role } from '../../src/app/permissions.ts';
import { ROLES } from '../../src/app/permissions.ts';
import { addUser } from '../../src/app/accounts.ts';
import { addDemoAccounts, openCrisisApp } from '../../src/main/wiring.ts';
import { buildDemoJournal } from '../../src/scenarios/index.ts';
import type { Cockpit, CockpitOptions } from '../../src/server/index.ts';
import { createCockpit } from '../../src/server/index.ts';

export const EXAMPLE_ESTATE = fileURLToPath(new URL('../../examples/estate', import.meta.url));
export const SETUP_ACTOR: Actor = { name: 'cli:setup', role: 'admin' };

/** Password of the test account of each role: `<role>-pass-7431` (strong enough for the password policy). */
export const passwordOf = (role: Role): string => `${role}-pass-7431`;

export function exampleEstateFiles(): { file: string; text: string; sha256: string }[] {
  return readdirSync(EXAMPLE_ESTATE).map((n) => {
    const text = readFileSync(join(EXAMPLE_ESTATE, n), 'utf8');
    return { file: n, text, sha256: createHash('sha256').update(text).digest('hex') };
  });
}

/** An app over a fresh SQLite file: initialised, example estate imported, one account per role (named after it). */
export async function makeTestApp(opts: { users?: boolean; estate?: boolean } = {}): Promise<{ app: CrisisApp; dir: string; cleanup(): Promise<void> }> {
  const dir = mkdtempSync(join(tmpdir(), 'crisiscell-server-'));
  const app = await openCrisisApp({ db: join(dir, 'test.db'), env: {}, cwd: dir }, { create: true });
  await app.init(SETUP_ACTOR, { name: 'Test crisis', organisation: 'Test group' });
  if (opts.estate !== false) await app.importEstate(SETUP_ACTOR, exampleEstateFiles());
  if (opts.users !== false) {
    for (const role of ROLES) await addUser(app, SETUP_ACTOR, { name: role, role, password: passwordOf(role) });
  }
  return {
    app,
    dir,
    async cleanup() {
      await app.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/**
 * The demo crisis (the article's night and weekend, 2,000 assets) in a fresh SQLite file, with the
 * documented demo accounts: what `crisiscell start` serves.
 */
export async function makeDemoApp(): Promise<{ app: CrisisApp; dir: string; cleanup(): Promise<void> }> {
  const dir = mkdtempSync(join(tmpdir(), 'crisiscell-demo-'));
  const app = await openCrisisApp({ db: join(dir, 'demo.db'), env: {}, cwd: dir }, { create: true });
  await app.appendDrafts({ name: 'system', role: 'admin' }, 'journal.import', buildDemoJournal());
  await addDemoAccounts(app);
  return {
    app,
    dir,
    async cleanup() {
      await app.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export interface TestServer {
  readonly app: CrisisApp;
  readonly cockpit: Cockpit;
  readonly port: number;
  readonly base: string;
  close(): Promise<void>;
}

export async function startTestServer(opts: CockpitOptions & { users?: boolean; estate?: boolean } = {}): Promise<TestServer> {
  const t = await makeTestApp(opts);
  const cockpit = createCockpit(t.app, opts);
  await new Promise<void>((r) => cockpit.server.listen(0, '127.0.0.1', () => r()));
  const port = (cockpit.server.address() as AddressInfo).port;
  return {
    app: t.app,
    cockpit,
    port,
    base: `http://127.0.0.1:${port}`,
    async close() {
      await cockpit.close();
      await t.cleanup();
    },
  };
}

export interface RawResponse {
  readonly status: number;
  readonly headers: IncomingHttpHeaders;
  readonly text: string;
  /** Parsed JSON body, or undefined when the body is not JSON. */
  readonly json: unknown;
}

/** One HTTP request with exactly these headers. `body`: an object is sent as JSON, a string as is. */
export function raw(port: number, method: string, path: string, opts: { body?: unknown; headers?: Record<string, string>; localAddress?: string } = {}): Promise<RawResponse> {
  const payload = opts.body === undefined ? undefined : typeof opts.body === 'string' || Buffer.isBuffer(opts.body) ? opts.body : JSON.stringify(opts.body);
  const headers: Record<string, string | number> = { ...(payload !== undefined && typeof opts.body !== 'string' && !Buffer.isBuffer(opts.body) ? { 'content-type': 'application/json' } : {}), ...opts.headers };
  if (payload !== undefined) headers['content-length'] = Buffer.byteLength(payload);
  return new Promise((resolve, reject) => {
    // localAddress: another loopback address (127.0.0.2 ...) is another client address to the server.
    const req = request({ host: '127.0.0.1', port, method, path, headers, ...(opts.localAddress ? { localAddress: opts.localAddress } : {}) }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        let json: unknown;
        try {
          json = JSON.parse(text);
        } catch {
          json = undefined;
        }
        resolve({ status: res.statusCode ?? 0, headers: res.headers, text, json });
      });
    });
    req.on('error', reject);
    if (payload !== undefined) req.write(payload);
    req.end();
  });
}

/** A logged-in client: keeps the cookie and sends the CSRF token on writes, like the web UI. */
export class Client {
  cookie = '';
  csrf = '';

  constructor(
    readonly port: number,
    /** Source address, e.g. 127.0.0.2: the server sees another client. */
    readonly localAddress?: string,
  ) {}

  async login(name: string, password: string): Promise<RawResponse> {
    const r = await raw(this.port, 'POST', '/api/login', { body: { name, password }, ...(this.localAddress ? { localAddress: this.localAddress } : {}) });
    const set = r.headers['set-cookie']?.[0];
    if (r.status === 200 && set) {
      this.cookie = set.split(';')[0] ?? '';
      this.csrf = (r.json as { csrf: string }).csrf;
    }
    return r;
  }

  get(path: string, headers: Record<string, string> = {}): Promise<RawResponse> {
    return raw(this.port, 'GET', path, { headers: { cookie: this.cookie, ...headers } });
  }

  post(path: string, body: unknown, headers: Record<string, string> = {}): Promise<RawResponse> {
    return raw(this.port, 'POST', path, { body, headers: { cookie: this.cookie, 'x-csrf-token': this.csrf, ...headers } });
  }
}

export async function loggedIn(port: number, role: Role): Promise<Client> {
  const c = new Client(port);
  const r = await c.login(role, passwordOf(role));
  if (r.status !== 200) throw new Error(`login as ${role} failed: ${r.status} ${r.text}`);
  return c;
}
