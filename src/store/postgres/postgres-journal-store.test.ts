import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import pg from 'pg';
import { note, runJournalStoreContract } from '../journal-store.contract.ts';
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
        // As the owner would: the triggers off, the row changed, the triggers back on.
        await c.query(`ALTER TABLE ${schema}.journal DISABLE TRIGGER USER`);
        await c.query(`UPDATE ${schema}.journal SET ${column} = $1 WHERE seq = $2`, [value, seq]);
        await c.query(`ALTER TABLE ${schema}.journal ENABLE TRIGGER USER`);
        await c.end();
      },
      rawChange: async (op) => {
        const c = new pg.Client({ connectionString: url });
        await c.connect();
        try {
          const sql = { update: `UPDATE ${schema}.journal SET actor = 'someone else' WHERE seq = 1`, delete: `DELETE FROM ${schema}.journal WHERE seq = (SELECT max(seq) FROM ${schema}.journal)`, truncate: `TRUNCATE ${schema}.journal` }[op];
          await c.query(sql);
        } finally {
          await c.end();
        }
      },
      cleanup: async () => {
        await store.dropForTests();
        await store.close();
      },
    };
  },
  problem === undefined ? false : `PostgreSQL not reachable at ${url}: ${problem}`,
);

// The role separation docs/web.md gives the operator: an owner role that creates the schema, an
// application role that may only read and append. The application role opens the store without
// any DDL, appends, and cannot change a row even when the owner has switched the triggers off.
describe('PostgreSQL role separation', { skip: problem === undefined ? false : `PostgreSQL not reachable at ${url}: ${problem}` }, () => {
  it('lets the application role read and append, and nothing else', async () => {
    const tag = `${process.pid}_${Date.now()}`;
    const schema = `cc_roles_${tag}`;
    const appRole = `cc_app_${tag}`;
    const admin = new pg.Client({ connectionString: url });
    await admin.connect();
    const owner = await openPostgresStore({ connectionString: url, schema });
    try {
      await admin.query(`CREATE ROLE ${appRole} LOGIN`);
      for (const sql of [
        `GRANT USAGE ON SCHEMA ${schema} TO ${appRole}`,
        `GRANT SELECT, INSERT ON ${schema}.journal TO ${appRole}`,
        `GRANT SELECT, INSERT, UPDATE ON ${schema}.credentials TO ${appRole}`,
      ]) await admin.query(sql);
      const appUrl = new URL(url);
      appUrl.username = appRole;
      appUrl.password = '';
      const asApp = await openPostgresStore({ connectionString: appUrl.toString(), schema });
      try {
        await asApp.append([note('appended by the application role')], 0);
        await asApp.setCredential('alice', '$argon2id$x');
        assert.equal((await asApp.read()).length, 1);
        await admin.query(`ALTER TABLE ${schema}.journal DISABLE TRIGGER USER`);
        const c = new pg.Client({ connectionString: appUrl.toString() });
        await c.connect();
        try {
          await assert.rejects(c.query(`UPDATE ${schema}.journal SET actor = 'x'`), /permission denied/);
          await assert.rejects(c.query(`DELETE FROM ${schema}.journal`), /permission denied/);
          await assert.rejects(c.query(`TRUNCATE ${schema}.journal`), /permission denied/);
          await assert.rejects(c.query(`ALTER TABLE ${schema}.journal DISABLE TRIGGER USER`), /must be owner/);
        } finally {
          await c.end();
        }
      } finally {
        await asApp.close();
      }
    } finally {
      await owner.dropForTests();
      await owner.close();
      await admin.query(`DROP OWNED BY ${appRole}`).catch(() => undefined);
      await admin.query(`DROP ROLE IF EXISTS ${appRole}`).catch(() => undefined);
      await admin.end();
    }
  });
});
