/**
 * The embedded store: one SQLite file, WAL, synchronous=FULL so that an acknowledged append
 * survives a power cut. Several processes may open the same file (the CLI while `serve` runs):
 * BEGIN IMMEDIATE serialises writers, and `subscribe` notices other processes' commits through
 * PRAGMA data_version.
 */
import Database from 'better-sqlite3';
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { ChainVerifier, entryFromRow, GENESIS_HASH, payloadTextOf, sealEntries } from '../../core/journal.ts';
import type { AnyEntry, EntryDraft, StoredRow, VerifyResult } from '../../core/journal.ts';
import { CrisisError } from '../../core/errors.ts';
import type { CredentialStore, JournalHead, JournalImporter, JournalStore } from '../../core/journal-store.ts';
import { sha256 } from '../sha256.ts';

/** The slice of better-sqlite3 this adapter uses. */
interface Statement<Row> {
  get(...params: unknown[]): Row | undefined;
  all(...params: unknown[]): Row[];
  run(...params: unknown[]): unknown;
  iterate(...params: unknown[]): IterableIterator<Row>;
}
interface Db {
  prepare<Row = unknown>(sql: string): Statement<Row>;
  pragma(sql: string, opts?: { simple?: boolean }): unknown;
  exec(sql: string): unknown;
  transaction<A extends unknown[], R>(fn: (...args: A) => R): { immediate(...args: A): R };
  backup(destination: string): Promise<unknown>;
  close(): unknown;
}

const SCHEMA = `
CREATE TABLE IF NOT EXISTS journal (
  seq     INTEGER PRIMARY KEY,
  id      TEXT NOT NULL UNIQUE,
  at      TEXT NOT NULL,
  actor   TEXT NOT NULL,
  kind    TEXT NOT NULL,
  payload TEXT NOT NULL,
  prev    TEXT NOT NULL,
  hash    TEXT NOT NULL
);
-- Append-only by construction. Someone with the file can drop these triggers; verify() catches
-- what they change after that.
CREATE TRIGGER IF NOT EXISTS journal_no_update BEFORE UPDATE ON journal
  BEGIN SELECT RAISE(ABORT, 'journal entries are append-only'); END;
CREATE TRIGGER IF NOT EXISTS journal_no_delete BEFORE DELETE ON journal
  BEGIN SELECT RAISE(ABORT, 'journal entries are append-only'); END;
-- Not part of the journal: see CredentialStore.
CREATE TABLE IF NOT EXISTS credentials (
  name       TEXT PRIMARY KEY,
  hash       TEXT NOT NULL,
  updated_at TEXT NOT NULL
);
`;

const yieldToEventLoop = (): Promise<void> => new Promise((r) => setImmediate(r));

/** ` AND (kind IN (…) OR kind LIKE 'x.%' …)` for a list of kinds and `prefix.*` families; empty: every kind. */
export function kindFilter(kinds: readonly string[], placeholder: (i: number) => string, offset = 1): { where: string; params: string[] } {
  if (kinds.length === 0) return { where: '', params: [] };
  const params: string[] = [];
  const parts = kinds.map((k) => {
    params.push(k.endsWith('*') ? `${k.slice(0, -1).replace(/[\\%_]/g, (c) => `\\${c}`)}%` : k);
    const ph = placeholder(offset + params.length - 1);
    return k.endsWith('*') ? `kind LIKE ${ph} ESCAPE '\\'` : `kind = ${ph}`;
  });
  return { where: ` AND (${parts.join(' OR ')})`, params };
}

export interface SqliteStoreOptions {
  /** Open an existing file only; fail with `not-initialised` if it does not exist. */
  readonly mustExist?: boolean;
  /** How often to look for other processes' commits while someone subscribes, ms. */
  readonly pollMs?: number;
}

export function openSqliteStore(file: string, opts: SqliteStoreOptions = {}): SqliteJournalStore {
  const path = file === ':memory:' ? file : resolve(file);
  if (opts.mustExist && !existsSync(path)) {
    throw new CrisisError('not-initialised', `no crisis database at ${path} (run \`crisiscell init\` or \`crisiscell demo\` first, or pass --db)`);
  }
  let db: Db;
  try {
    db = new Database(path) as unknown as Db;
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = FULL');
    db.pragma('busy_timeout = 10000');
    db.exec(SCHEMA);
  } catch (cause) {
    throw new CrisisError('store-unavailable', `cannot open the SQLite database ${path}: ${(cause as Error).message}`, { cause });
  }
  return new SqliteJournalStore(db, path, opts.pollMs ?? 200);
}

export class SqliteJournalStore implements JournalStore, JournalImporter, CredentialStore {
  readonly location: string;
  private readonly listeners = new Set<() => void>();
  private timer: NodeJS.Timeout | undefined;
  private lastDataVersion = 0;
  private closed = false;
  private readonly headStmt: Statement<{ seq: number; hash: string }>;
  private readonly insertStmt: Statement<unknown>;
  private readonly readStmt: Statement<StoredRow>;

  constructor(
    private readonly db: Db,
    readonly path: string,
    private readonly pollMs: number,
  ) {
    this.location = `sqlite:${path}`;
    this.headStmt = db.prepare('SELECT seq, hash FROM journal ORDER BY seq DESC LIMIT 1');
    this.insertStmt = db.prepare('INSERT INTO journal (seq, id, at, actor, kind, payload, prev, hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?)');
    this.readStmt = db.prepare('SELECT seq, id, at, actor, kind, payload, prev, hash FROM journal WHERE seq > ? ORDER BY seq LIMIT ?');
  }

  private headSync(): JournalHead {
    return this.headStmt.get() ?? { seq: 0, hash: GENESIS_HASH };
  }

  async head(): Promise<JournalHead> {
    return this.headSync();
  }

  async append(drafts: readonly EntryDraft[], expectedLastSeq: number): Promise<readonly AnyEntry[]> {
    if (drafts.length === 0) return [];
    const run = this.db.transaction((): AnyEntry[] => {
      const h = this.headSync();
      if (h.seq !== expectedLastSeq) {
        throw new CrisisError('conflict', `the journal moved: expected last entry ${expectedLastSeq}, found ${h.seq}`);
      }
      const sealed = sealEntries(drafts, h.seq, h.hash, sha256);
      for (const e of sealed) {
        this.insertStmt.run(e.seq, e.id, e.at, e.actor, e.kind, payloadTextOf(e), e.prev, e.hash);
      }
      return sealed;
    });
    let sealed: AnyEntry[];
    try {
      sealed = run.immediate();
    } catch (e) {
      if (e instanceof CrisisError) throw e;
      throw new CrisisError('store-unavailable', `append to ${this.location} failed: ${(e as Error).message}`, { cause: e });
    }
    this.notify();
    return sealed;
  }

  async importSealed(entries: readonly AnyEntry[]): Promise<void> {
    const run = this.db.transaction(() => {
      if (this.headSync().seq !== 0) throw new CrisisError('already-exists', `${this.location} already holds a journal; import into an empty database`);
      for (const e of entries) this.insertStmt.run(e.seq, e.id, e.at, e.actor, e.kind, payloadTextOf(e), e.prev, e.hash);
    });
    run.immediate();
    this.notify();
  }

  async read(afterSeq = 0, limit = Number.MAX_SAFE_INTEGER): Promise<readonly AnyEntry[]> {
    return this.readStmt.all(afterSeq, limit).map(entryFromRow);
  }

  async readLast(limit: number, opts: { afterSeq?: number; kinds?: readonly string[] } = {}): Promise<readonly AnyEntry[]> {
    const { where, params } = kindFilter(opts.kinds ?? [], () => '?');
    const rows = this.db
      .prepare<StoredRow>(`SELECT seq, id, at, actor, kind, payload, prev, hash FROM journal WHERE seq > ?${where} ORDER BY seq DESC LIMIT ?`)
      .all(opts.afterSeq ?? 0, ...params, limit);
    return rows.reverse().map(entryFromRow);
  }

  async *readAll(afterSeq = 0, pageSize = 2000): AsyncIterable<AnyEntry> {
    let after = afterSeq;
    for (;;) {
      const rows = this.readStmt.all(after, pageSize);
      for (const r of rows) yield entryFromRow(r);
      const last = rows[rows.length - 1];
      if (!last || rows.length < pageSize) return;
      after = last.seq;
      // better-sqlite3 is synchronous: between pages, let the server answer others.
      await yieldToEventLoop();
    }
  }

  /** Synchronous full read, for the fold at start-up (no promise per page). */
  readAllSync(afterSeq = 0): AnyEntry[] {
    return this.readStmt.all(afterSeq, Number.MAX_SAFE_INTEGER).map(entryFromRow);
  }

  async verify(): Promise<VerifyResult> {
    const v = new ChainVerifier(sha256);
    // In pages, yielding between them: memory stays bounded and a server verifying its journal
    // every few minutes keeps answering meanwhile.
    let after = 0;
    for (;;) {
      const rows = this.readStmt.all(after, 2000);
      for (const row of rows) v.push(row);
      const last = rows[rows.length - 1];
      if (!last || rows.length < 2000) break;
      after = last.seq;
      await yieldToEventLoop();
    }
    return v.result();
  }

  async backup(destination: string): Promise<void> {
    if (existsSync(destination)) throw new CrisisError('already-exists', `${destination} exists; choose a new file for the backup`);
    try {
      await this.db.backup(destination);
    } catch (cause) {
      throw new CrisisError('io', `backup to ${destination} failed: ${(cause as Error).message}`, { cause });
    }
  }

  async getCredential(name: string): Promise<string | undefined> {
    return this.db.prepare<{ hash: string }>('SELECT hash FROM credentials WHERE name = ?').get(name)?.hash;
  }

  async setCredential(name: string, hash: string): Promise<void> {
    try {
      this.db
        .prepare('INSERT INTO credentials (name, hash, updated_at) VALUES (?, ?, ?) ON CONFLICT(name) DO UPDATE SET hash = excluded.hash, updated_at = excluded.updated_at')
        .run(name, hash, new Date().toISOString());
    } catch (cause) {
      throw new CrisisError('store-unavailable', `cannot store the credential in ${this.location}: ${(cause as Error).message}`, { cause });
    }
  }

  subscribe(listener: () => void): () => void {
    this.listeners.add(listener);
    if (!this.timer && this.pollMs > 0) {
      this.lastDataVersion = this.dataVersion();
      this.timer = setInterval(() => {
        if (this.closed) return;
        const v = this.dataVersion();
        if (v !== this.lastDataVersion) {
          this.lastDataVersion = v;
          this.notify();
        }
      }, this.pollMs);
      this.timer.unref();
    }
    return () => {
      this.listeners.delete(listener);
      if (this.listeners.size === 0 && this.timer) {
        clearInterval(this.timer);
        this.timer = undefined;
      }
    };
  }

  private dataVersion(): number {
    return Number(this.db.pragma('data_version', { simple: true }));
  }

  private notify(): void {
    for (const l of [...this.listeners]) l();
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    if (this.timer) clearInterval(this.timer);
    this.listeners.clear();
    this.db.close();
  }
}
