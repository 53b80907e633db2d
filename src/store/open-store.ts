/**
 * Chooses the adapter: `DATABASE_URL=postgres://…` selects PostgreSQL; otherwise the SQLite file
 * from `--db`, else `CRISISCELL_DB`, else `./crisiscell.db`.
 */
import { resolve } from 'node:path';
import type { CrisisStore } from '../core/journal-store.ts';
import { openSqliteStore } from './sqlite/sqlite-journal-store.ts';
import { openPostgresStore } from './postgres/postgres-journal-store.ts';

export interface StoreConfig {
  readonly db?: string | undefined;
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly cwd: string;
}

export type OpenedStore = CrisisStore;

export function describeStoreTarget(cfg: StoreConfig): { kind: 'postgres'; url: string } | { kind: 'sqlite'; file: string } {
  const url = cfg.env.DATABASE_URL;
  if (cfg.db === undefined && url !== undefined && /^postgres(ql)?:\/\//.test(url)) return { kind: 'postgres', url };
  return { kind: 'sqlite', file: resolve(cfg.cwd, cfg.db ?? cfg.env.CRISISCELL_DB ?? 'crisiscell.db') };
}

/** Opens the configured store. `mustExist`: an absent SQLite file is `not-initialised` rather than created. */
export async function openStore(cfg: StoreConfig, opts: { mustExist?: boolean } = {}): Promise<OpenedStore> {
  const t = describeStoreTarget(cfg);
  if (t.kind === 'postgres') return openPostgresStore({ connectionString: t.url, schema: cfg.env.CRISISCELL_PG_SCHEMA ?? 'crisiscell' });
  return openSqliteStore(t.file, { mustExist: opts.mustExist === true });
}
