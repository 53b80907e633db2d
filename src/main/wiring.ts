/**
 * The wiring: the one place that knows every layer. It opens the configured store, picks the
 * platform hash, the wall clock and the demo's clock, and hands them to the app layer, which never
 * imports the store or the scenarios itself. The CLI (and through it `serve` and `npm start`), the
 * benchmarks and the tests open crises here.
 */
import type { AccountSpec } from '../app/accounts.ts';
import { addMissingAccounts } from '../app/accounts.ts';
import type { AppOptions } from '../app/crisis-app.ts';
import { CrisisApp } from '../app/crisis-app.ts';
import type { Actor, Role } from '../app/permissions.ts';
import type { CrisisStore } from '../core/journal-store.ts';
import type { DemoAccount } from '../scenarios/index.ts';
import { DEMO_ACCOUNTS, DEMO_BOARD_AT } from '../scenarios/index.ts';
import { homedir } from 'node:os';
import { join } from 'node:path';
import type { Keyring } from '../app/checkpoints.ts';
import { CheckpointKeeper } from '../app/checkpoints.ts';
import { describeStoreTarget, openStore } from '../store/open-store.ts';
import type { StoreConfig } from '../store/open-store.ts';
import { sha256 } from '../store/sha256.ts';

export { describeStoreTarget, sha256 };
export type { StoreConfig };

export interface OpenOptions {
  /** Create the SQLite file when absent (init, demo, import-journal); otherwise `not-initialised`. */
  readonly create?: boolean;
  /** Overrides for tests and replays (clock, ids). */
  readonly app?: Partial<AppOptions>;
}

/**
 * The demo's clock: the article's moment (Saturday 14 May 2022, 15:00 in Brussels) when the app
 * opens, running at wall-clock speed from there. A demo set in 2022 on real time would show every
 * regulatory clock years overdue and stamp new entries after the whole story.
 */
export function demoClock(start: string = DEMO_BOARD_AT, wall: () => number = Date.now): () => string {
  const opened = wall();
  return () => new Date(Date.parse(start) + (wall() - opened)).toISOString();
}

/**
 * Where the signing key and the checkpoint log live: beside the SQLite file (`crisiscell.db.key`,
 * `crisiscell.db.checkpoints.jsonl`); for PostgreSQL, `CRISISCELL_KEY_FILE` or the user's data
 * folder (`$XDG_DATA_HOME/crisiscell/<schema>.key`), the log beside the key. Never in the database:
 * someone who can reach only the database must not be able to move the high-water mark.
 */
export function keyringFor(cfg: StoreConfig): Keyring {
  const t = describeStoreTarget(cfg);
  if (t.kind === 'sqlite') {
    if (t.file.endsWith(':memory:')) return { keyFile: undefined, logFile: undefined };
    return { keyFile: `${t.file}.key`, logFile: `${t.file}.checkpoints.jsonl` };
  }
  const own = cfg.env.CRISISCELL_KEY_FILE;
  const data = cfg.env.XDG_DATA_HOME ?? join(cfg.env.HOME ?? homedir(), '.local', 'share');
  const keyFile = own !== undefined && own !== '' ? own : join(data, 'crisiscell', `${cfg.env.CRISISCELL_PG_SCHEMA ?? 'crisiscell'}.key`);
  return { keyFile, logFile: `${keyFile.replace(/\.key$/, '')}.checkpoints.jsonl` };
}

/** The signing key and checkpoint log of a configured database. */
export function keeperFor(cfg: StoreConfig): CheckpointKeeper {
  return new CheckpointKeeper(keyringFor(cfg));
}

/** Author-time window from the environment (AppOptions.authorTimeWindow). */
function windowFrom(env: Readonly<Record<string, string | undefined>>): AppOptions['authorTimeWindow'] {
  const num = (v: string | undefined): number | undefined => (v !== undefined && v !== '' && Number.isFinite(Number(v)) && Number(v) >= 0 ? Number(v) : undefined);
  const pastDays = num(env.CRISISCELL_AT_PAST_DAYS);
  const futureMinutes = num(env.CRISISCELL_AT_FUTURE_MINUTES);
  return { ...(pastDays === undefined ? {} : { pastDays }), ...(futureMinutes === undefined ? {} : { futureMinutes }) };
}

/** What the app layer is handed by default: the platform hash, the wall clock, the demo clock. */
export function appOptions(overrides: Partial<AppOptions> = {}): AppOptions {
  return { hash: sha256, now: () => new Date().toISOString(), demoNow: demoClock(), ...overrides };
}

/** Opens the configured store without folding the journal (verify, backup, export). */
export function openCrisisStore(cfg: StoreConfig, opts: { create?: boolean } = {}): Promise<CrisisStore> {
  return openStore(cfg, { mustExist: opts.create !== true });
}

/** Opens the configured store and the app over it (the journal folded into memory). */
export async function openCrisisApp(cfg: StoreConfig, opts: OpenOptions = {}): Promise<CrisisApp> {
  const store = await openCrisisStore(cfg, { create: opts.create === true });
  return openAppOn(store, { keyring: keyringFor(cfg), authorTimeWindow: windowFrom(cfg.env), ...opts.app });
}

/** The app over a store the caller opened (tests that open a SQLite file directly). */
export async function openAppOn(store: CrisisStore, overrides: Partial<AppOptions> = {}): Promise<CrisisApp> {
  try {
    return await CrisisApp.open(store, appOptions(overrides));
  } catch (e) {
    await store.close().catch(() => undefined);
    throw e;
  }
}

// The scenarios cannot see the app's role list; this fails to compile if a demo role is not one.
const _demoRolesAreRoles: readonly (AccountSpec & { role: Role })[] = DEMO_ACCOUNTS;
void _demoRolesAreRoles;

/** Writes the demo's logins (one per crisis position) that do not exist yet, as `actor` (an admin). */
export function addDemoAccounts(app: CrisisApp, actor: Actor = { name: 'system', role: 'admin' }): Promise<readonly AccountSpec[]> {
  return addMissingAccounts(app, actor, DEMO_ACCOUNTS);
}

export { DEMO_ACCOUNTS };
export type { DemoAccount };
