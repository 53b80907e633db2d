import { it } from 'node:test';
import assert from 'node:assert/strict';
import pg from 'pg';
import { runJournalStoreContract } from '../journal-store.contract.ts';
import { openPostgresStore } from './postgres-journal-store.ts';
import { PG_REQUIRED, postgresProblem, TEST_PG_URL } from '../../../test/support/postgres.ts';

const url = TEST_PG_URL;
const required = PG_REQUIRED;
const problem = await postgresProblem();
if (problem !== undefined && required) {
  // In CI a missing PostgreSQL must fail the run, never pass as "skipped".
  it('reaches PostgreSQL (required in CI)', () => assert.fail(`PostgreSQL at ${url} is required (CRISISCELL_REQUIRE_PG=1) but: ${problem}`));
}

let n = 0;
runJournalStoreContract(
  'postgres',
  async () => {
    const schema = `cc_test_${process.pid}_${Date.now()}_${n++}`;
    const store = await openPostgresStore({ connectionString: url, schema });
    return {
      store,
      openAnother: async () => openPostgresStore({ connectionString: url, schema }),
      tamper: async (seq, column, value) => {
        const c = new pg.Client({ connectionString: url });
        await c.connect();
        await c.query(`UPDATE ${schema}.journal SET ${column} = $1 WHERE seq = $2`, [value, seq]);
        await c.end();
      },
      cleanup: async () => {
        await store.dropForTests();
        await store.close();
      },
    };
  },
  problem === undefined ? false : `PostgreSQL not reachable at ${url}: ${problem}`,
);
