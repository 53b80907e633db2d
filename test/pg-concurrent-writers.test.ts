// Two server instances and the CLI on one PostgreSQL journal, writing at once: every write lands
// (the app layer catches up and retries a moved head with jitter), nobody sees a "journal moved".
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { AddressInfo } from 'node:net';
import pg from 'pg';
import { openAppOn } from '../src/main/wiring.ts';
import { openPostgresStore } from '../src/store/postgres/postgres-journal-store.ts';
import { addUser } from '../src/app/accounts.ts';
import { createCockpit } from '../src/server/index.ts';
import { Client } from './support/server.ts';
import { runCli } from './support/cli-io.ts';
import { PG_REQUIRED, postgresProblem, TEST_PG_URL } from './support/postgres.ts';

const url = TEST_PG_URL;
const problem = await postgresProblem();
const skip = problem === undefined || PG_REQUIRED ? false : `PostgreSQL not reachable at ${url}`;

describe('concurrent writers on one PostgreSQL journal', { skip }, () => {
  it('two server instances and the CLI: 0 failed writes', { timeout: 120_000 }, async () => {
    assert.equal(problem, undefined, `PostgreSQL is required here: ${problem}`);
    const schema = `cc_twins_${process.pid}_${Date.now()}`;
    const a = await openAppOn(await openPostgresStore({ connectionString: url, schema }));
    await a.init({ name: 'setup', role: 'admin' }, { name: 'Twin servers' });
    await addUser(a, { name: 'setup', role: 'admin' }, { name: 'scribe', role: 'commander', password: 'Scribe-of-the-night-41' });
    const b = await openAppOn(await openPostgresStore({ connectionString: url, schema }));
    const cockpits = [createCockpit(a), createCockpit(b)];
    try {
      const ports = await Promise.all(cockpits.map((c) => new Promise<number>((r) => c.server.listen(0, '127.0.0.1', () => r((c.server.address() as AddressInfo).port)))));
      const PER_CLIENT = 25;
      const CLIENTS_PER_SERVER = 4;
      const CLI_NOTES = 20;
      let apiFailed = 0;
      // Logged in one after the other: the login guard reserves each attempt, and parallel logins of
      // one account from one address are what it slows down.
      const clients: { client: Client; s: number; c: number }[] = [];
      for (const [s, port] of ports.entries()) {
        for (let c = 0; c < CLIENTS_PER_SERVER; c++) {
          const client = new Client(port);
          const r = await client.login('scribe', 'Scribe-of-the-night-41');
          assert.equal(r.status, 200, r.text);
          clients.push({ client, s, c });
        }
      }
      const apiWriters = clients.map(async ({ client, s, c }) => {
        for (let i = 0; i < PER_CLIENT; i++) {
          const r = await client.post('/api/notes', { type: 'fact', text: `server ${s} client ${c} note ${i}` });
          if (r.status !== 201) apiFailed++;
        }
      });
      const env = { DATABASE_URL: url, CRISISCELL_PG_SCHEMA: schema, CRISISCELL_KEY_FILE: `/tmp/${schema}.key` };
      let cliFailed = 0;
      const cli = (async () => {
        for (let i = 0; i < CLI_NOTES; i++) {
          const r = await runCli(['note', `from the terminal ${i}`], { env });
          if (r.code !== 0) {
            cliFailed++;
            console.error(r.stderr);
          }
        }
      })();
      await Promise.all([...apiWriters, cli]);
      assert.equal(apiFailed, 0, 'API writes refused');
      assert.equal(cliFailed, 0, 'CLI notes refused');
      await a.sync();
      const notes = (await a.log({ kinds: ['log.note'] })).length;
      assert.equal(notes, 2 * CLIENTS_PER_SERVER * PER_CLIENT + CLI_NOTES);
      assert.ok((await a.verify()).ok);
    } finally {
      for (const c of cockpits) await c.close();
      await b.close();
      await a.close();
      const c = new pg.Client({ connectionString: url });
      await c.connect();
      await c.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
      await c.end();
    }
  });
});
