/**
 * What every journal command shares: opening the app on the configured store, the actor, printing,
 * and turning errors into messages and exit codes.
 */
import { userInfo } from 'node:os';
import type { CrisisApp } from '../app/crisis-app.ts';
import type { Actor, Role } from '../app/permissions.ts';
import { ROLES } from '../app/permissions.ts';
import type { CrisisStore } from '../core/journal-store.ts';
import { keeperFor, openCrisisApp, openCrisisStore } from '../main/wiring.ts';
import type { CheckpointKeeper } from '../app/checkpoints.ts';
import { terminalSafe } from './text.ts';
import { codeToExit, CrisisError, formatProblem } from '../core/errors.ts';
import type { CliIo } from './io.ts';
import type { Lang } from '../core/i18n/index.ts';

export interface Ctx {
  readonly io: CliIo;
  readonly db: string | undefined;
  readonly json: boolean;
  /** Language of reports, descriptions and error messages (--lang, CRISISCELL_LANG; default en). */
  readonly lang: Lang;
  out(text: string): void;
  err(text: string): void;
  printJson(value: unknown): void;
  /** Opens the crisis database. `create`: make the SQLite file if absent (init, demo, import-journal). */
  openApp(opts?: { create?: boolean }): Promise<CrisisApp>;
  /**
   * Opens the store without folding the journal: for verify, backup and export, which must work
   * on a journal that can no longer be folded (an altered entry is exactly what verify is for).
   */
  openStoreOnly(): Promise<CrisisStore>;
  actor(): Actor;
  /** The signing key and checkpoint log beside the configured database. */
  keeper(): CheckpointKeeper;
  /** Closes whatever openApp opened. */
  close(): Promise<void>;
  /** Colour only on a terminal, and never when NO_COLOR is set. */
  readonly color: boolean;
}

export function makeCtx(io: CliIo, db: string | undefined, json: boolean, lang: Lang = 'en'): Ctx {
  const opened: CrisisApp[] = [];
  const stores: CrisisStore[] = [];
  return {
    io,
    db,
    json,
    lang,
    color: io.stdout.isTTY === true && io.env.NO_COLOR === undefined && io.env.TERM !== 'dumb',
    // Text for people goes through terminalSafe: an entry written through the API may hold escape
    // sequences (clear the screen, move the cursor, retitle the window) that must not reach the
    // operator's terminal as commands. JSON output is JSON-escaped already.
    out: (t) => void io.stdout.write(terminalSafe(t.endsWith('\n') ? t : `${t}\n`)),
    err: (t) => void io.stderr.write(terminalSafe(t.endsWith('\n') ? t : `${t}\n`)),
    printJson: (v) => void io.stdout.write(`${JSON.stringify(v, null, 2)}\n`),
    openStoreOnly: async () => {
      const store = await openCrisisStore({ db, env: io.env, cwd: io.cwd });
      stores.push(store);
      return store;
    },
    openApp: async (opts = {}) => {
      const app = await openCrisisApp({ db, env: io.env, cwd: io.cwd }, { create: opts.create === true });
      opened.push(app);
      await warnIfUntrusted(io, app);
      return app;
    },
    actor: () => cliActor(io),
    keeper: () => keeperFor({ db, env: io.env, cwd: io.cwd }),
    close: async () => {
      for (const a of opened.splice(0)) await a.close();
      for (const s of stores.splice(0)) await s.close();
    },
  };
}

/**
 * Says it, on stderr, when what a command is about to use cannot be trusted: a broken chain, an
 * entry left out of the fold, a journal shorter than (or different from) its last signed
 * checkpoint. Cheap: the fold already checked the chain; the checkpoint needs one row.
 */
async function warnIfUntrusted(io: CliIo, app: CrisisApp): Promise<void> {
  const f = app.foldIntegrity;
  const lines: string[] = [];
  if (f.chain) lines.push(`the journal's chain is broken at entry ${f.chain.badSeq} (${f.chain.reason}): what follows uses entries that cannot be trusted.`);
  for (const s of f.skipped.slice(0, 10)) lines.push(`entry ${s.seq} (${s.kind}) cannot be applied and is left out: ${s.field}: ${s.message}.`);
  if (f.skipped.length > 10) lines.push(`… and ${f.skipped.length - 10} more entries left out.`);
  const last = app.checkpoints.last();
  if (last && last.origin === f.originHash) {
    const head = app.state.lastSeq;
    if (last.seq > head) lines.push(`the journal ends at entry ${head} but it was checkpointed at entry ${last.seq} (${last.at}): entries ${head + 1} to ${last.seq} were removed.`);
    else {
      const [e] = await app.store.read(last.seq - 1, 1).catch(() => []);
      if (e && e.hash !== last.hash) lines.push(`entry ${last.seq} no longer has the hash signed at ${last.at}: the journal was rewritten at or before it.`);
    }
  }
  for (const l of lines) io.stderr.write(terminalSafe(`crisiscell: WARNING: ${l}\n`));
  if (lines.length > 0) io.stderr.write('crisiscell: run `crisiscell verify` for the details.\n');
}

/** The CLI writes as the local operator: `CRISISCELL_ACTOR` or `cli:<os user>`, role `CRISISCELL_ROLE` or admin. */
export function cliActor(io: CliIo): Actor {
  const roleEnv = io.env.CRISISCELL_ROLE;
  const role: Role = roleEnv && (ROLES as readonly string[]).includes(roleEnv) ? (roleEnv as Role) : 'admin';
  let user = 'operator';
  try {
    user = userInfo().username;
  } catch {
    // No passwd entry (some containers): keep the neutral name.
  }
  return { name: io.env.CRISISCELL_ACTOR ?? `cli:${user}`, role };
}

/** Prints an error the way a person under stress can act on, and returns the exit code. */
export function reportError(io: CliIo, e: unknown, json: boolean): number {
  if (e instanceof CrisisError) {
    if (json) {
      io.stderr.write(`${JSON.stringify({ error: { code: e.code, message: e.message, seq: e.seq, details: e.details } })}\n`);
    } else {
      io.stderr.write(`crisiscell: ${e.message}\n`);
      for (const p of e.details.slice(0, 200)) io.stderr.write(`  ${formatProblem(p)}\n`);
      if (e.details.length > 200) io.stderr.write(`  … and ${e.details.length - 200} more\n`);
    }
    return codeToExit[e.code];
  }
  io.stderr.write(`crisiscell: unexpected error: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
  return 70;
}
