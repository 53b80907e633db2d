// For tests that need the machine's PostgreSQL: where it is, whether it answers, and whether its
// absence may skip (a developer's laptop) or must fail (CI sets CRISISCELL_REQUIRE_PG=1).
import pg from 'pg';

export const TEST_PG_URL = process.env.CRISISCELL_TEST_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
export const PG_REQUIRED = process.env.CRISISCELL_REQUIRE_PG === '1';

/** Undefined when PostgreSQL answers, else why not. */
export async function postgresProblem(url = TEST_PG_URL): Promise<string | undefined> {
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
