// `npm run bench -- server`: the cockpit server with the demo crisis loaded, on loopback only.
// The server runs in a child process (this file with --child) so the load generator does not
// share its event loop. Bounded: 50 connections for at most 6 s, 200 subscribers, one cold start.
//   - board query p99 at 50 concurrent keep-alive connections   target < 25 ms
//   - 200 SSE subscribers all receive one change                 target < 1 s
//   - server RSS with the demo loaded (after the load)           target < 250 MB
//   - cold start of `crisiscell serve`, and of `npm start` (demo rebuilt), to the first served board: target < 3 s (web UI already built)
//   - server memory with 40 paused live readers during 1,000 large notes (RSS growth)   target < +50 MB
//   - /api/health p99 (sequential probes) during a 30 MB estate import through the API  target < 100 ms
import { fork, spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { Agent, request } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { percentile, report } from './report.ts';

const SELF = fileURLToPath(import.meta.url);
const BIN = fileURLToPath(new URL('../bin/crisiscell.mjs', import.meta.url));
const ROOT = fileURLToPath(new URL('..', import.meta.url));

async function child(db: string, empty: boolean): Promise<void> {
  const { addDemoAccounts, openCrisisApp } = await import('../src/main/wiring.ts');
  const { buildDemoJournal } = await import('../src/scenarios/index.ts');
  const { createCockpit } = await import('../src/server/index.ts');
  const app = await openCrisisApp({ db, env: {}, cwd: process.cwd() }, { create: true });
  if (empty) await app.init({ name: 'system', role: 'admin' }, { name: 'Big estate' });
  else await app.appendDrafts({ name: 'system', role: 'admin' }, 'journal.import', buildDemoJournal());
  await addDemoAccounts(app);
  const cockpit = createCockpit(app);
  cockpit.server.listen(0, '127.0.0.1', () => {
    process.send?.({ port: (cockpit.server.address() as AddressInfo).port });
  });
  process.on('message', (m: { type: string }) => {
    if (m.type === 'rss') process.send?.({ rssMb: process.memoryUsage().rss / 1048576, peakMb: process.resourceUsage().maxRSS / 1024, dropped: cockpit.deps.live.dropped, clients: cockpit.deps.live.clientCount });
    if (m.type === 'stop') void cockpit.close().then(() => app.close()).then(() => process.exit(0));
  });
}

interface Res {
  status: number;
  body: string;
  headers: Record<string, string | string[] | undefined>;
}

function http(port: number, method: string, path: string, opts: { agent?: Agent; headers?: Record<string, string>; body?: string } = {}): Promise<Res> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, method, path, agent: opts.agent, headers: { ...(opts.body ? { 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(opts.body)) } : {}), ...opts.headers } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8'), headers: res.headers }));
    });
    req.on('error', reject);
    if (opts.body) req.write(opts.body);
    req.end();
  });
}

async function login(port: number, name: string, password: string): Promise<{ cookie: string; csrf: string }> {
  const r = await http(port, 'POST', '/api/login', { body: JSON.stringify({ name, password }) });
  if (r.status !== 200) throw new Error(`login failed: ${r.status} ${r.body}`);
  const set = r.headers['set-cookie'];
  return { cookie: ((Array.isArray(set) ? set[0] : String(set)) ?? '').split(';')[0] ?? '', csrf: (JSON.parse(r.body) as { csrf: string }).csrf };
}

/** 50 workers on 50 keep-alive sockets, each issuing board requests back to back. */
async function boardLoad(port: number, cookie: string, connections: number, maxRequests: number, maxMs: number): Promise<{ latencies: number[]; errors: number; rps: number }> {
  const agent = new Agent({ keepAlive: true, maxSockets: connections });
  const latencies: number[] = [];
  let errors = 0;
  let issued = 0;
  const t0 = performance.now();
  // Warm-up: the first request computes and caches the board.
  await http(port, 'GET', '/api/board', { agent, headers: { cookie } });
  const worker = async (): Promise<void> => {
    while (issued < maxRequests && performance.now() - t0 < maxMs) {
      issued++;
      const s = performance.now();
      // Like a browser: gzip accepted (the board is sent precompressed).
      const r = await http(port, 'GET', '/api/board', { agent, headers: { cookie, 'accept-encoding': 'gzip' } });
      latencies.push(performance.now() - s);
      if (r.status !== 200) errors++;
    }
  };
  await Promise.all(Array.from({ length: connections }, worker));
  const elapsed = performance.now() - t0;
  agent.destroy();
  return { latencies: latencies.sort((a, b) => a - b), errors, rps: (latencies.length / elapsed) * 1000 };
}

/** 200 subscribers; one note; the time until the last of them has the entry. */
async function fanOut(port: number, who: { cookie: string; csrf: string }, subscribers: number): Promise<{ worstMs: number; received: number }> {
  const agent = new Agent({ keepAlive: true, maxSockets: subscribers + 10 });
  const marker = `bench-${Date.now()}`;
  let sentAt = 0;
  const arrivals: number[] = [];
  const streams: { destroy(): void }[] = [];
  await Promise.all(
    Array.from({ length: subscribers }, () =>
      new Promise<void>((ready, reject) => {
        const req = request({ host: '127.0.0.1', port, path: '/api/events', agent, headers: { cookie: who.cookie } }, (res) => {
          let buf = '';
          let hello = false;
          res.setEncoding('utf8');
          res.on('data', (chunk: string) => {
            buf += chunk;
            if (!hello && buf.includes('event: hello')) {
              hello = true;
              ready();
            }
            if (buf.includes(marker)) {
              arrivals.push(performance.now() - sentAt);
              buf = '';
              req.destroy();
            }
          });
        });
        req.on('error', (e) => (String(e).includes('socket hang up') ? undefined : reject(e)));
        req.end();
        streams.push(req);
      }),
    ),
  );
  sentAt = performance.now();
  const r = await http(port, 'POST', '/api/notes', { headers: { cookie: who.cookie, 'x-csrf-token': who.csrf }, body: JSON.stringify({ type: 'fact', text: marker }) });
  if (r.status !== 201) throw new Error(`note refused: ${r.status} ${r.body}`);
  const deadline = performance.now() + 5000;
  while (arrivals.length < subscribers && performance.now() < deadline) await new Promise((res) => setTimeout(res, 5));
  for (const s of streams) s.destroy();
  agent.destroy();
  return { worstMs: arrivals.length < subscribers ? Infinity : Math.max(...arrivals), received: arrivals.length };
}

/**
 * Time from spawning a command until the first board is served to a logged-in user:
 * `crisiscell serve` on an existing demo database, or `npm start` itself (which rebuilds the demo,
 * creates the demo accounts and serves it), run in its own process group so npm and node both stop.
 */
async function coldStart(cmd: 'serve' | 'npm-start', db: string): Promise<number> {
  const t0 = performance.now();
  const proc = cmd === 'serve'
    ? spawn(process.execPath, [BIN, 'serve', '--port', '0', '--db', db], { stdio: ['ignore', 'pipe', 'pipe'], detached: true })
    : spawn('npm', ['start', '--silent', '--', '--port', '0', '--db', db], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
  try {
    const port = await new Promise<number>((resolve, reject) => {
      let out = '';
      const timer = setTimeout(() => reject(new Error(`${cmd} printed no address: ${out}`)), 30_000);
      proc.stdout?.on('data', (c: Buffer) => {
        out += c.toString();
        const m = /http:\/\/127\.0\.0\.1:(\d+)\//.exec(out);
        if (m?.[1]) {
          clearTimeout(timer);
          resolve(Number(m[1]));
        }
      });
    });
    const who = await login(port, 'commander', 'demo-commander-2022');
    const board = await http(port, 'GET', '/api/board', { headers: { cookie: who.cookie } });
    if (board.status !== 200) throw new Error(`board: ${board.status}`);
    return performance.now() - t0;
  } finally {
    const exited = new Promise((r) => proc.once('exit', r));
    if (proc.pid !== undefined) process.kill(-proc.pid, 'SIGTERM');
    await exited;
  }
}

type ChildStats = { rssMb: number; peakMb: number; dropped: number; clients: number };

function stats(server: ChildProcess): Promise<ChildStats> {
  return new Promise((resolve) => {
    server.once('message', (m: ChildStats) => resolve(m));
    server.send({ type: 'rss' });
  });
}

async function startChild(db: string, empty: boolean): Promise<{ server: ChildProcess; port: number }> {
  const server = fork(SELF, ['--child', db, ...(empty ? ['--empty'] : [])], { execArgv: ['--import', 'tsx'], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const port = await new Promise<number>((resolve, reject) => {
    server.once('message', (m: { port: number }) => resolve(m.port));
    server.once('exit', (c) => reject(new Error(`server child exited ${c}`)));
  });
  return { server, port };
}

async function stopChild(server: ChildProcess): Promise<void> {
  server.send({ type: 'stop' });
  await new Promise((r) => server.once('exit', r));
}

/**
 * 40 live readers that never read (res paused) while 1,000 notes of 9,000 characters are written:
 * the server must drop them rather than buffer for them. RSS sampled every 100 ms; the growth is
 * the highest sample minus the RSS before the readers connected.
 */
async function pausedReaders(port: number, server: ChildProcess, who: { cookie: string; csrf: string }): Promise<{ growthMb: number; dropped: number; notes: number }> {
  const before = await stats(server);
  const agent = new Agent({ keepAlive: true, maxSockets: 60 });
  const readers: { destroy(): void }[] = [];
  for (let i = 0; i < 40; i++) {
    await new Promise<void>((ready, reject) => {
      const req = request({ host: '127.0.0.1', port, path: '/api/events', agent, headers: { cookie: who.cookie } }, (res) => {
        res.pause();
        ready();
      });
      req.on('error', (e) => (String(e).includes('socket hang up') || String(e).includes('ECONNRESET') ? undefined : reject(e)));
      req.end();
      readers.push(req);
    });
  }
  let peak = before.rssMb;
  let sampling = true;
  const sampler = (async () => {
    while (sampling) {
      peak = Math.max(peak, (await stats(server)).rssMb);
      await new Promise((r) => setTimeout(r, 100));
    }
  })();
  const text = 'Lab at Hospital North on paper requisitions; runners every 30 minutes. '.repeat(125).slice(0, 9000);
  const writer = new Agent({ keepAlive: true, maxSockets: 8 });
  let notes = 0;
  for (let i = 0; i < 1000; i += 8) {
    const rs = await Promise.all(Array.from({ length: Math.min(8, 1000 - i) }, (_, j) => http(port, 'POST', '/api/notes', { agent: writer, headers: { cookie: who.cookie, 'x-csrf-token': who.csrf }, body: JSON.stringify({ type: 'fact', text: `${i + j} ${text}` }) })));
    notes += rs.filter((r) => r.status === 201).length;
  }
  sampling = false;
  await sampler;
  const after = await stats(server);
  for (const r of readers) r.destroy();
  agent.destroy();
  writer.destroy();
  return { growthMb: Math.max(peak, after.rssMb) - before.rssMb, dropped: after.dropped, notes };
}

/** Sequential /api/health probes (one in flight, one every ~10 ms) while a 30 MB estate is imported through the API. */
async function healthDuringImport(port: number, who: { cookie: string; csrf: string }): Promise<{ p99: number; max: number; probes: number; importMs: number; status: number; assets: number; mb: number }> {
  const { bigEstate } = await import('../test/support/big-estate.ts');
  const est = bigEstate(30 * 1024 * 1024);
  const body = JSON.stringify({ files: est.files });
  const probeAgent = new Agent({ keepAlive: true, maxSockets: 1 });
  await http(port, 'GET', '/api/health', { agent: probeAgent });
  const latencies: number[] = [];
  let importing = true;
  const prober = (async () => {
    while (importing) {
      const s = performance.now();
      await http(port, 'GET', '/api/health', { agent: probeAgent });
      latencies.push(performance.now() - s);
      await new Promise((r) => setTimeout(r, 10));
    }
  })();
  const t0 = performance.now();
  const r = await http(port, 'POST', '/api/estate', { headers: { cookie: who.cookie, 'x-csrf-token': who.csrf }, body });
  const importMs = performance.now() - t0;
  importing = false;
  await prober;
  probeAgent.destroy();
  latencies.sort((a, b) => a - b);
  return { p99: percentile(latencies, 99), max: latencies[latencies.length - 1] ?? NaN, probes: latencies.length, importMs, status: r.status, assets: est.assets, mb: Buffer.byteLength(body) / 1048576 };
}

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'crisiscell-bench-server-'));
  const db = join(dir, 'demo.db');
  let server: ChildProcess | undefined;
  try {
    server = fork(SELF, ['--child', db], { execArgv: ['--import', 'tsx'], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    const port = await new Promise<number>((resolve, reject) => {
      server?.once('message', (m: { port: number }) => resolve(m.port));
      server?.once('exit', (c) => reject(new Error(`server child exited ${c}`)));
    });
    const commander = await login(port, 'commander', 'demo-commander-2022');
    const load = await boardLoad(port, commander.cookie, 50, 20_000, 6_000);
    const fan = await fanOut(port, commander, 200);
    const mem = await new Promise<{ rssMb: number; peakMb: number }>((resolve) => {
      server?.once('message', (m: { rssMb: number; peakMb: number }) => resolve(m));
      server?.send({ type: 'rss' });
    });
    const paused = await pausedReaders(port, server, commander);
    await stopChild(server);
    server = undefined;
    const big = await startChild(join(dir, 'big.db'), true);
    server = big.server;
    const itLead = await login(big.port, 'it', 'demo-it-2022');
    const imp = await healthDuringImport(big.port, itLead);
    const bigMem = await stats(big.server);
    await stopChild(big.server);
    server = undefined;
    const cold = await coldStart('serve', db);
    const coldNpm = await coldStart('npm-start', join(dir, 'npm-start-demo.db'));
    console.log(`board: ${load.latencies.length} requests at 50 connections, ${Math.round(load.rps)} req/s, p50 ${percentile(load.latencies, 50).toFixed(2)} ms, errors ${load.errors}; SSE: ${fan.received}/200 received`);
    console.log(`paused readers: ${paused.notes}/1000 notes written, ${paused.dropped} readers dropped (they resume with Last-Event-ID)`);
    console.log(`estate import: ${imp.mb.toFixed(1)} MB body, ${imp.assets.toLocaleString('en-US')} assets, HTTP ${imp.status} in ${Math.round(imp.importMs)} ms; ${imp.probes} health probes, worst ${imp.max.toFixed(0)} ms; server peak RSS ${Math.round(bigMem.peakMb)} MB`);
    const ok = report('server (demo crisis: 16 sites, 2,059 assets, loopback)', [
      { name: 'board query p99 @50 conns', measured: percentile(load.latencies, 99), unit: 'ms', op: '<=', target: 25 },
      { name: 'board query errors', measured: load.errors, unit: 'requests', op: '<=', target: 0 },
      { name: '200 SSE subscribers, slowest', measured: fan.worstMs, unit: 'ms', op: '<=', target: 1000 },
      { name: 'server RSS, demo loaded', measured: mem.rssMb, unit: 'MB', op: '<=', target: 250 },
      { name: 'server peak RSS', measured: mem.peakMb, unit: 'MB', op: '<=', target: 250 },
      { name: 'cold start serve -> first board', measured: cold, unit: 'ms', op: '<=', target: 3000 },
      { name: 'cold start npm start -> first board', measured: coldNpm, unit: 'ms', op: '<=', target: 3000 },
      { name: 'RSS growth, 40 paused readers, 1,000 notes', measured: paused.growthMb, unit: 'MB', op: '<=', target: 50 },
      { name: '/api/health p99 during 30 MB import', measured: imp.p99, unit: 'ms', op: '<=', target: 100 },
    ]);
    process.exitCode = ok ? 0 : 1;
  } finally {
    server?.kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  }
}

if (process.argv[2] === '--child') await child(process.argv[3] ?? '', process.argv[4] === '--empty');
else await main();
