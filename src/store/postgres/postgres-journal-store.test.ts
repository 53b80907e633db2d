import { it } from 'node:test';
import assert from 'node:assert/strict';
import pg from 'pg';
import { runJournalStoreContract } from '../journal-store.contract.ts';
import { openPostgresStore } from './postgres-journal-store.ts';

const url = process.env.CRISISCELL_TEST_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const required = process.env.CRISISCELL_REQUIRE_PG === '1';

async function reachable(): Promise<string | undefined> {
  const c = new pg.Client({ connectionString: url, connectionTimeoutMillis: 2000 });
  try {
    await c.connect();
    await c.query('select 1');
    return undefined;
  } catch (e) {
    return (e as Error).message;
  } finally {
    await c.end().catch(() => undefined);
  }
}

const problem = await reachable();
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
