// The same CLI over PostgreSQL (server mode): DATABASE_URL selects the adapter, and the journal
// commands behave as they do on SQLite.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import pg from 'pg';
import { runCli } from './support/cli-io.ts';
import { describeStoreTarget } from '../src/main/wiring.ts';
import { PG_REQUIRED, postgresProblem, TEST_PG_URL } from './support/postgres.ts';

const url = TEST_PG_URL;
const examples = fileURLToPath(new URL('../examples/estate/', import.meta.url));
const problem = await postgresProblem();
const skip = problem === undefined || PG_REQUIRED ? false : `PostgreSQL not reachable at ${url}`;

describe('choosing the store', () => {
  it('takes PostgreSQL from DATABASE_URL, and SQLite from --db, CRISISCELL_DB or ./crisiscell.db', () => {
    assert.deepEqual(describeStoreTarget({ env: { DATABASE_URL: 'postgres://x@h/db' }, cwd: '/w' }), { kind: 'postgres', url: 'postgres://x@h/db' });
    assert.deepEqual(describeStoreTarget({ db: 'a.db', env: { DATABASE_URL: 'postgres://x@h/db' }, cwd: '/w' }), { kind: 'sqlite', file: '/w/a.db' });
    assert.deepEqual(describeStoreTarget({ env: { CRISISCELL_DB: '/data/c.db' }, cwd: '/w' }), { kind: 'sqlite', file: '/data/c.db' });
    assert.deepEqual(describeStoreTarget({ env: {}, cwd: '/w' }), { kind: 'sqlite', file: '/w/crisiscell.db' });
  });
});

describe('the CLI on PostgreSQL', { skip }, () => {
  it('initialises, imports, changes assets and verifies through DATABASE_URL', async () => {
    assert.equal(problem, undefined, `PostgreSQL is required here: ${problem}`);
    const schema = `cc_cli_${process.pid}_${Date.now()}`;
    const env = { DATABASE_URL: url, CRISISCELL_PG_SCHEMA: schema };
    const cc = (...args: string[]) => runCli(args, { env });
    try {
      assert.equal((await cc('init', '--name', 'Server mode')).code, 0);
      const files = ['sites.csv', 'services.csv', 'assets.csv', 'dependencies.csv'].map((f) => join(examples, f));
      assert.equal((await cc('import', ...files)).code, 0);
      assert.match((await cc('import', ...files)).stdout, /Nothing changed/);
      assert.equal((await cc('asset', 'set', 'srv-lis-*', '--recovery', 'isolated', '--reason', 'LIS encrypted')).code, 0);
      const why = await cc('why', 'laboratory@hsp-north');
      assert.match(why.stdout, /DEGRADED/);
      const v = await cc('verify');
      assert.equal(v.code, 0);
      assert.match(v.stdout, /Chain holds: 3 entries/);
    } finally {
      const c = new pg.Client({ connectionString: url });
      await c.connect();
      await c.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
      await c.end();
    }
  });
});
