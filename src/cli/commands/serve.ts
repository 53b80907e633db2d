/**
 * `crisiscell serve`: the web cockpit and its API over the configured database, until Ctrl-C or
 * SIGTERM. The server module is imported when the command runs, so other commands stay quick.
 */
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { CrisisError } from '../../core/errors.ts';
import type { Ctx } from '../context.ts';
import type { CommandSpec, Values } from '../spec.ts';
import { str } from '../spec.ts';
import { buildDemo } from './board.ts';
import { makeCtx } from '../context.ts';
import { DEFAULT_SEED } from '../../scenarios/index.ts';
import { addDemoAccounts, DEMO_ACCOUNTS } from '../../main/wiring.ts';

const LOOPBACK = new Set(['127.0.0.1', 'localhost', '::1']);

/** Resolves on the first SIGINT or SIGTERM. */
function untilSignal(): Promise<string> {
  return new Promise((resolve) => {
    const on = (sig: NodeJS.Signals): void => {
      process.off('SIGINT', on);
      process.off('SIGTERM', on);
      resolve(sig);
    };
    process.on('SIGINT', on);
    process.on('SIGTERM', on);
  });
}

export const SERVE_COMMANDS: CommandSpec[] = [
  {
    name: 'serve',
    summary: 'serve the web cockpit and its API (live board, assets, logbook) over this database',
    usage: 'serve [--port 4780] [--host 127.0.0.1] [--public-url URL] [--allowed-host NAME]... [--accept-broken-journal "why"] [--db FILE]',
    details: [
      'Builds the web UI first when web/dist is missing or older than web/ (needs the dev dependencies).',
      'Refuses a journal that fails its integrity check (broken chain, shorter than its last signed checkpoint,',
      'an entry that cannot be applied) unless --accept-broken-journal "why": that is then written in the logbook.',
      'Answers to its IP addresses and localhost; give the names people type with --public-url https://name',
      '(behind a TLS proxy) or --allowed-host name (DNS rebinding protection).',
      'Accounts: crisiscell user add NAME --role admin (the first one from here). Sessions are in memory: a restart logs everyone out.',
      '--host 0.0.0.0 lets the other laptops of the cell connect; the cookies are not marked Secure over plain http,',
      'so put a TLS proxy in front on any network you do not trust (--secure-cookies then).',
    ].join('\n'),
    example: 'crisiscell serve --host 0.0.0.0 --port 4780',
    options: { port: { type: 'string' }, host: { type: 'string' }, 'secure-cookies': { type: 'boolean' }, 'public-url': { type: 'string' }, 'allowed-host': { type: 'string', multiple: true }, 'accept-broken-journal': { type: 'string' } },
    async run(ctx, v) {
      const { port, host } = listenOptions(ctx, v);
      const publicUrl = str(v, 'public-url');
      if (publicUrl !== undefined && !/^https?:\/\/[^/]+/.test(publicUrl)) throw new CrisisError('invalid-input', `--public-url: "${publicUrl}" is not an http(s) URL such as https://cockpit.hospital.local`, { details: [{ path: 'public-url', message: 'expected http(s)://name' }] });
      const allowedHosts = Array.isArray(v['allowed-host']) ? v['allowed-host'] : [];
      const app = await ctx.openApp();
      const { startServer } = await import('../../server/index.ts');
      // CRISISCELL_WEB_BUILD=skip: serve what is built (tests that only need the API).
      const accept = str(v, 'accept-broken-journal');
      const server = await startServer({
        app, port, host, allowedHosts, operator: ctx.actor(),
        ...(publicUrl === undefined ? {} : { publicUrl }),
        ...(accept === undefined ? {} : { acceptBrokenJournal: accept }),
        secureCookies: v['secure-cookies'] === true || publicUrl?.startsWith('https:') === true,
        buildWeb: ctx.io.env.CRISISCELL_WEB_BUILD !== 'skip',
        log: (l) => ctx.err(l),
      });
      const users = [...app.liveProjection.users.values()].filter((u) => !u.disabled);
      if (ctx.json) ctx.printJson({ url: server.url, port: server.port, accounts: users.length });
      else {
        ctx.out(`crisiscell cockpit: ${server.url}  (${app.store.location}, ${app.liveProjection.entryCount} entries)`);
        if (users.length === 0) ctx.err('No account yet: add one with  crisiscell user add NAME --role admin');
        if (!LOOPBACK.has(host)) ctx.err('Listening beyond this machine over plain http: use it on the cell\'s own network only, or behind TLS.');
        ctx.err('Ctrl-C to stop.');
      }
      await untilSignal();
      await server.close();
      return 0;
    },
  },
  {
    name: 'start',
    summary: 'the cockpit on the built-in demo: build the demo crisis, create the demo accounts, serve it (npm start)',
    usage: 'start [--db crisiscell-demo.db] [--port 4780] [--host 127.0.0.1] [--keep]',
    details: [
      'Rebuilds the demo database at each start (default ./crisiscell-demo.db, never your crisis database) unless',
      '--keep and it already exists, then serves it and prints the address and the demo logins.',
      'For a real crisis use: crisiscell init, import, user add, serve.',
    ].join('\n'),
    example: 'crisiscell start --port 8080',
    options: { port: { type: 'string' }, host: { type: 'string' }, keep: { type: 'boolean' } },
    async run(outer, v) {
      const { port, host } = listenOptions(outer, v);
      const ctx: Ctx = makeCtx(outer.io, outer.db ?? 'crisiscell-demo.db', outer.json, outer.lang);
      try {
        const { startServer } = await import('../../server/index.ts');
        const file = resolve(ctx.io.cwd, ctx.db ?? 'crisiscell-demo.db');
        const keep = v.keep === true && existsSync(file);
        const app = keep ? await ctx.openApp() : await buildDemo(ctx, { seed: DEFAULT_SEED, force: false });
        if (!keep) await addDemoAccounts(app);
        const server = await startServer({ app, port, host, buildWeb: ctx.io.env.CRISISCELL_WEB_BUILD !== 'skip', log: (l) => ctx.err(l) });
        if (ctx.json) ctx.printJson({ url: server.url, db: app.store.location, accounts: DEMO_ACCOUNTS.map((a) => ({ name: a.name, role: a.role, password: a.password })) });
        else {
          ctx.out(`crisiscell demo cockpit: ${server.url}`);
          ctx.out(`Demo crisis: ${app.store.location} (${app.state.lastSeq} entries; rebuilt at each start unless --keep)`);
          ctx.out('Demo logins (name / password):');
          for (const a of DEMO_ACCOUNTS) ctx.out(`  ${a.name.padEnd(10)} ${a.password.padEnd(22)} ${a.role}`);
          ctx.err('Ctrl-C to stop.');
        }
        await untilSignal();
        await server.close();
        return 0;
      } finally {
        await ctx.close();
      }
    },
  },
];

function listenOptions(ctx: Ctx, v: Values): { port: number; host: string } {
  const portText = str(v, 'port') ?? ctx.io.env.PORT ?? '4780';
  const port = Number(portText);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new CrisisError('invalid-input', `--port: "${portText}" is not a port number`, { details: [{ path: 'port', message: 'expected 0-65535' }] });
  return { port, host: str(v, 'host') ?? '127.0.0.1' };
}
