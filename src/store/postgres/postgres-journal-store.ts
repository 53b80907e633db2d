/**
 * Server mode: the journal in PostgreSQL, so several application instances share one crisis.
 * Appends take a transaction-scoped advisory lock, check the head, insert and NOTIFY in one
 * transaction; LISTEN on a dedicated connection tells every instance that something is new.
 */
import { existsSync } from 'node:fs';
import pg from 'pg';
import { ChainVerifier, entryFromRow, GENESIS_HASH, payloadTextOf, sealEntries } from '../../core/journal.ts';
import type { AnyEntry, EntryDraft, StoredRow, VerifyResult } from '../../core/journal.ts';
import { CrisisError } from '../../core/errors.ts';
import type { CredentialStore, JournalHead, JournalImporter, JournalStore } from '../../core/journal-store.ts';
import { sha256 } from '../sha256.ts';
import { kindFilter, openSqliteStore } from '../sqlite/sqlite-journal-store.ts';

export interface PostgresStoreOptions {
  readonly connectionString: string;
  /** Schema holding the journal table; one crisis per schema. Default `crisiscell`. */
  readonly schema?: string;
}

const IDENT = /^[a-z_][a-z0-9_]{0,62}$/;

interface RawRow {
  seq: string;
  id: string;
  at: string;
  actor: string;
  kind: string;
  payload: string;
  prev: string;
  hash: string;
}
const toStored = (r: RawRow): StoredRow => ({ ...r, seq: Number(r.seq) });

export async function openPostgresStore(opts: PostgresStoreOptions): Promise<PostgresJournalStore> {
  const schema = opts.schema ?? 'crisiscell';
  if (!IDENT.test(schema)) throw new CrisisError('invalid-input', `schema name "${schema}" must be lower-case letters, digits and _`);
  const pool = new pg.Pool({ connectionString: opts.connectionString, max: 4 });
  // An idle client that loses its server must not crash the process.
  pool.on('error', () => undefined);
  try {
    await ensureSchema(pool, schema);
  } catch (cause) {
    await pool.end().catch(() => undefined);
    throw new CrisisError('store-unavailable', `cannot open PostgreSQL at ${redact(opts.connectionString)}: ${(cause as Error).message}`, { cause });
  }
  return new PostgresJournalStore(pool, schema, opts.connectionString);
}

/**
 * Creates the schema, the tables and the append-only triggers when any is missing; does nothing
 * otherwise, so an application role without CREATE rights (docs/web.md, role separation) opens a
 * schema its owner prepared. Under an advisory lock: two instances starting together must not
 * race on CREATE OR REPLACE.
 */
async function ensureSchema(pool: pg.Pool, schema: string): Promise<void> {
  const ready = async (): Promise<boolean> => {
    const r = await pool.query<{ n: string }>(
      `SELECT count(*) AS n FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid JOIN pg_namespace n ON n.oid = c.relnamespace
       WHERE n.nspname = $1 AND c.relname = 'journal' AND t.tgname IN ('journal_no_update', 'journal_no_truncate') AND t.tgenabled <> 'D'`,
      [schema],
    );
    const creds = await pool.query<{ t: string | null }>('SELECT to_regclass($1) AS t', [`${schema}.credentials`]);
    return Number(r.rows[0]?.n ?? 0) === 2 && creds.rows[0]?.t !== null;
  };
  if (await ready()) return;
  const c = await pool.connect();
  try {
    await c.query('SELECT pg_advisory_lock(hashtext($1))', [`crisiscell.setup.${schema}`]);
    try {
      if (await ready()) return;
      await c.query(`CREATE SCHEMA IF NOT EXISTS ${schema}`);
      await c.query(`CREATE TABLE IF NOT EXISTS ${schema}.journal (
        seq     BIGINT PRIMARY KEY,
        id      TEXT NOT NULL UNIQUE,
        at      TEXT NOT NULL,
        actor   TEXT NOT NULL,
        kind    TEXT NOT NULL,
        payload TEXT NOT NULL,
        prev    TEXT NOT NULL,
        hash    TEXT NOT NULL)`);
      await c.query(`CREATE TABLE IF NOT EXISTS ${schema}.credentials (name TEXT PRIMARY KEY, hash TEXT NOT NULL, updated_at TEXT NOT NULL)`);
      // Append-only like the SQLite journal: the database itself refuses to change or remove an
      // entry, whoever asks. The owner of the table can still disable the triggers: the role
      // separation (docs/web.md) keeps the application's role from being that owner, and the
      // chain and the signed checkpoints catch what an owner changes anyway.
      await c.query(`CREATE OR REPLACE FUNCTION ${schema}.journal_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN RAISE EXCEPTION 'journal entries are append-only (% refused)', TG_OP USING ERRCODE = 'insufficient_privilege'; END $$`);
      await c.query(`CREATE OR REPLACE TRIGGER journal_no_update BEFORE UPDATE OR DELETE ON ${schema}.journal FOR EACH ROW EXECUTE FUNCTION ${schema}.journal_append_only()`);
      await c.query(`CREATE OR REPLACE TRIGGER journal_no_truncate BEFORE TRUNCATE ON ${schema}.journal FOR EACH STATEMENT EXECUTE FUNCTION ${schema}.journal_append_only()`);
      await c.query(`ALTER TABLE ${schema}.journal ENABLE TRIGGER journal_no_update`);
      await c.query(`ALTER TABLE ${schema}.journal ENABLE TRIGGER journal_no_truncate`);
    } finally {
      await c.query('SELECT pg_advisory_unlock(hashtext($1))', [`crisiscell.setup.${schema}`]).catch(() => undefined);
    }
  } finally {
    c.release();
  }
}

/** Never print a password from a connection string. */
function redact(url: string): string {
  return url.replace(/\/\/([^:@/]+):[^@/]*@/, '//$1:***@');
}

export class PostgresJournalStore implements JournalStore, JournalImporter, CredentialStore {
  readonly location: string;
  private readonly listeners = new Set<() => void>();
  private listenClient: pg.Client | undefined;
  private closed = false;
  private readonly channel: string;
  private readonly lockKey: string;

  constructor(
    private readonly pool: pg.Pool,
    readonly schema: string,
    private readonly url: string,
  ) {
    this.location = `postgres:${redact(url)}#${schema}`;
    this.channel = `${schema}_journal`;
    this.lockKey = `crisiscell.${schema}`;
  }

  async head(): Promise<JournalHead> {
    const r = await this.query<{ seq: string; hash: string }>(`SELECT seq, hash FROM ${this.schema}.journal ORDER BY seq DESC LIMIT 1`);
    const row = r.rows[0];
    return row ? { seq: Number(row.seq), hash: row.hash } : { seq: 0, hash: GENESIS_HASH };
  }

  async append(drafts: readonly EntryDraft[], expectedLastSeq: number): Promise<readonly AnyEntry[]> {
    if (drafts.length === 0) return [];
    return this.inTransaction(async (c) => {
      const h = await this.lockedHead(c);
      if (h.seq !== expectedLastSeq) throw new CrisisError('conflict', `the journal moved: expected last entry ${expectedLastSeq}, found ${h.seq}`);
      const sealed = sealEntries(drafts, h.seq, h.hash, sha256);
      await this.insert(c, sealed);
      await c.query(`SELECT pg_notify($1, $2)`, [this.channel, String(sealed[sealed.length - 1]?.seq ?? 0)]);
      return sealed;
    }).then((sealed) => {
      // Our own subscribers hear at once, whether or not LISTEN works (a second call is harmless).
      for (const l of [...this.listeners]) l();
      return sealed;
    });
  }

  async importSealed(entries: readonly AnyEntry[]): Promise<void> {
    await this.inTransaction(async (c) => {
      const h = await this.lockedHead(c);
      if (h.seq !== 0) throw new CrisisError('already-exists', `${this.location} already holds a journal; import into an empty schema`);
      await this.insert(c, entries);
    });
  }

  private async lockedHead(c: pg.PoolClient): Promise<JournalHead> {
    await c.query('SELECT pg_advisory_xact_lock(hashtext($1))', [this.lockKey]);
    const r = await c.query<{ seq: string; hash: string }>(`SELECT seq, hash FROM ${this.schema}.journal ORDER BY seq DESC LIMIT 1`);
    const row = r.rows[0];
    return row ? { seq: Number(row.seq), hash: row.hash } : { seq: 0, hash: GENESIS_HASH };
  }

  private async insert(c: pg.PoolClient, entries: readonly AnyEntry[]): Promise<void> {
    // Multi-row inserts of up to 500 rows: one round trip per page instead of one per entry.
    for (let i = 0; i < entries.length; i += 500) {
      const page = entries.slice(i, i + 500);
      const params: unknown[] = [];
      const values = page.map((e, j) => {
        params.push(e.seq, e.id, e.at, e.actor, e.kind, payloadTextOf(e), e.prev, e.hash);
        const b = j * 8;
        return `($${b + 1},$${b + 2},$${b + 3},$${b + 4},$${b + 5},$${b + 6},$${b + 7},$${b + 8})`;
      });
      await c.query(`INSERT INTO ${this.schema}.journal (seq, id, at, actor, kind, payload, prev, hash) VALUES ${values.join(',')}`, params);
    }
  }

  private async inTransaction<T>(fn: (c: pg.PoolClient) => Promise<T>): Promise<T> {
    let c: pg.PoolClient;
    try {
      c = await this.pool.connect();
    } catch (cause) {
      throw new CrisisError('store-unavailable', `cannot reach ${this.location}: ${(cause as Error).message}`, { cause });
    }
    try {
      await c.query('BEGIN');
      const out = await fn(c);
      await c.query('COMMIT');
      return out;
    } catch (e) {
      await c.query('ROLLBACK').catch(() => undefined);
      if (e instanceof CrisisError) throw e;
      throw new CrisisError('store-unavailable', `append to ${this.location} failed: ${(e as Error).message}`, { cause: e });
    } finally {
      c.release();
    }
  }

  private async query<R extends pg.QueryResultRow>(sql: string, params: unknown[] = []): Promise<pg.QueryResult<R>> {
    try {
      return await this.pool.query<R>(sql, params);
    } catch (cause) {
      throw new CrisisError('store-unavailable', `query on ${this.location} failed: ${(cause as Error).message}`, { cause });
    }
  }

  async read(afterSeq = 0, limit = 1_000_000_000): Promise<readonly AnyEntry[]> {
    const r = await this.query<RawRow>(
      `SELECT seq, id, at, actor, kind, payload, prev, hash FROM ${this.schema}.journal WHERE seq > $1 ORDER BY seq LIMIT $2`,
      [afterSeq, limit],
    );
    return r.rows.map((row) => entryFromRow(toStored(row)));
  }

  async readLast(limit: number, opts: { afterSeq?: number; kinds?: readonly string[] } = {}): Promise<readonly AnyEntry[]> {
    const { where, params } = kindFilter(opts.kinds ?? [], (i) => `$${i}`, 1);
    const r = await this.query<RawRow>(
      `SELECT seq, id, at, actor, kind, payload, prev, hash FROM ${this.schema}.journal WHERE seq > $${params.length + 1}${where} ORDER BY seq DESC LIMIT $${params.length + 2}`,
      [...params, opts.afterSeq ?? 0, limit],
    );
    return r.rows.reverse().map((row) => entryFromRow(toStored(row)));
  }

  async *readAll(afterSeq = 0, pageSize = 5000): AsyncIterable<AnyEntry> {
    let after = afterSeq;
    for (;;) {
      const page = await this.read(after, pageSize);
      yield* page;
      const last = page[page.length - 1];
      if (!last || page.length < pageSize) return;
      after = last.seq;
    }
  }

  async verify(): Promise<VerifyResult> {
    const v = new ChainVerifier(sha256);
    let after = 0;
    for (;;) {
      const r = await this.query<RawRow>(
        `SELECT seq, id, at, actor, kind, payload, prev, hash FROM ${this.schema}.journal WHERE seq > $1 ORDER BY seq LIMIT 5000`,
        [after],
      );
      for (const row of r.rows) v.push(toStored(row));
      const last = r.rows[r.rows.length - 1];
      if (!last || r.rows.length < 5000) break;
      after = Number(last.seq);
    }
    return v.result();
  }

  /**
   * A backup of a server-mode journal is an embedded (SQLite) file holding the same sealed
   * entries: it opens on any laptop and verifies against the same head hash. Read in one
   * REPEATABLE READ snapshot, so entries appended meanwhile are simply not in it.
   */
  async backup(destination: string): Promise<void> {
    // Before the snapshot: no point reading the whole journal to then refuse the file.
    if (existsSync(destination)) throw new CrisisError('already-exists', `${destination} exists; choose a new file for the backup`);
    const c = await this.pool.connect();
    let rows: RawRow[];
    let credentials: { name: string; hash: string }[];
    try {
      await c.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
      rows = (await c.query<RawRow>(`SELECT seq, id, at, actor, kind, payload, prev, hash FROM ${this.schema}.journal ORDER BY seq`)).rows;
      credentials = (await c.query<{ name: string; hash: string }>(`SELECT name, hash FROM ${this.schema}.credentials`)).rows;
      await c.query('COMMIT');
    } finally {
      c.release();
    }
    const copy = openSqliteStore(destination, { pollMs: 0 });
    try {
      await copy.importSealed(rows.map((r) => entryFromRow(toStored(r))));
      for (const cr of credentials) await copy.setCredential(cr.name, cr.hash);
    } finally {
      await copy.close();
    }
  }

  async getCredential(name: string): Promise<string | undefined> {
    const r = await this.query<{ hash: string }>(`SELECT hash FROM ${this.schema}.credentials WHERE name = $1`, [name]);
    return r.rows[0]?.hash;
  }

  async setCredential(name: string, hash: string): Promise<void> {
    await this.query(
      `INSERT INTO ${this.schema}.credentials (name, hash, updated_at) VALUES ($1, $2, $3) ON CONFLICT (name) DO UPDATE SET hash = excluded.hash, updated_at = excluded.updated_at`,
      [name, hash, new Date().toISOString()],
    );
  }

  subscribe(listener: () => void): () => void {
    this.listeners.add(listener);
    if (!this.listenClient) void this.startListening();
    return () => {
      this.listeners.delete(listener);
    };
  }

  private async startListening(): Promise<void> {
    const client = new pg.Client({ connectionString: this.url });
    this.listenClient = client;
    client.on('error', () => undefined);
    client.on('notification', (n) => {
      if (n.channel === this.channel) for (const l of [...this.listeners]) l();
    });
    try {
      await client.connect();
      await client.query(`LISTEN ${this.channel}`);
    } catch {
      // Without LISTEN, subscribers still hear this process's own appends (append() calls them);
      // other instances' appends are missed until the next one of ours. Not retried in a loop.
    }
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.listeners.clear();
    await this.listenClient?.end().catch(() => undefined);
    await this.pool.end().catch(() => undefined);
  }

  /** Drops the schema: tests only. */
  async dropForTests(): Promise<void> {
    await this.pool.query(`DROP SCHEMA IF EXISTS ${this.schema} CASCADE`);
  }
}
