/**
 * Walking evidence folders the way a forensic tool must: whatever the folder holds, the walk
 * ends, reads every regular file once, never opens what is not a regular file, and says what it
 * could not read instead of stopping.
 *
 * - Every file and folder is known by its identity (device + inode), so a file reached through
 *   two paths (a symbolic link, a hard link, a bind mount) is read once, and a folder reached
 *   again is not walked again: a link back to an ancestor (a loop, or two loops) is reported and
 *   skipped, never followed round.
 * - A dangling link, a link loop the system refuses to resolve (ELOOP), a folder or a file that
 *   cannot be read (permissions, I/O error) is reported with its path and the reason, and the
 *   walk goes on.
 * - FIFOs, sockets and devices are never opened (a FIFO blocks a reader for ever); one that
 *   carries an evidence name (or was named on the command line) is reported.
 * - A link inside a folder is followed only when it leads to somewhere inside the paths given: a
 *   mounted disk image holds absolute links (`/ProgramData`, `/Users/...`) that would otherwise
 *   lead into the investigator's own machine. Such a link is reported as skipped, with its target.
 *
 * Problems are of two kinds: `unreadable` (something we would have read and could not: the run
 * is "completed with unreadable inputs") and `skipped` (a loop or a second path to something
 * already read: nothing was missed).
 */
import { accessSync, constants, lstatSync, readdirSync, readlinkSync, realpathSync, statSync, type Stats } from 'node:fs';
import { join, resolve, sep } from 'node:path';
import { nonRegularKind } from './open-regular.ts';

/** Extensions picked up when walking a folder (a file named explicitly is read whatever its name). */
export const EVIDENCE_EXT = /\.(evtx|json|jsonl|ndjson)$/i;

export interface EvidenceFile {
  /** The path as records will name it: the given path, joined with the names below it. */
  readonly path: string;
  /** The real path (links resolved). */
  readonly real: string;
  readonly size: number;
}

export interface WalkProblem {
  /** The path as it was met (given path joined with names). */
  readonly path: string;
  readonly reason: string;
  /** `unreadable`: content we could not read; `skipped`: a loop or a second path, nothing missed. */
  readonly severity: 'unreadable' | 'skipped';
}

export interface WalkResult {
  readonly files: readonly EvidenceFile[];
  readonly problems: readonly WalkProblem[];
}

export interface WalkOptions {
  /** Resolves relative paths (default: the process's working folder). */
  readonly cwd?: string;
  /** Which names in folders are evidence (default: EVIDENCE_EXT). */
  readonly accept?: (name: string) => boolean;
  /** Deeper folders are reported and not walked (default 256). */
  readonly maxDepth?: number;
}

const identity = (st: Stats): string => `${st.dev}:${st.ino}`;

function reasonOf(e: unknown): string {
  const code = (e as NodeJS.ErrnoException).code;
  switch (code) {
    case 'EACCES':
    case 'EPERM':
      return 'permission denied';
    case 'ENOENT':
      return 'vanished while the folder was read';
    case 'ELOOP':
      return 'symbolic link loop (the system refuses to resolve it)';
    case 'EIO':
      return 'I/O error (damaged medium?)';
    case 'ENOTDIR':
      return 'not a folder any more';
    default:
      return code ? `${(e as Error).message}` : String(e);
  }
}

/**
 * Lists the evidence files under `paths` (files named there are taken whatever their name), in a
 * stable order (names sorted in each folder), with every problem met on the way.
 */
export function walkEvidence(paths: readonly string[], opts: WalkOptions = {}): WalkResult {
  const cwd = opts.cwd ?? process.cwd();
  const accept = opts.accept ?? ((n: string) => EVIDENCE_EXT.test(n));
  const maxDepth = opts.maxDepth ?? 256;
  const files: EvidenceFile[] = [];
  const problems: WalkProblem[] = [];
  /** File identity -> the path it was first read as. */
  const seenFiles = new Map<string, string>();
  /** Folder identity -> the path it was first walked as. */
  const seenDirs = new Map<string, string>();
  /** Real paths of the folders and files given: links are followed only to inside them. */
  const roots: string[] = [];
  const inside = (real: string): boolean => roots.some((r) => real === r || real.startsWith(r.endsWith(sep) ? r : r + sep));
  const unreadable = (path: string, reason: string): void => void problems.push({ path, reason, severity: 'unreadable' });
  const skipped = (path: string, reason: string): void => void problems.push({ path, reason, severity: 'skipped' });

  /** `st` is the stat of the path itself (links followed); `named`: given on the command line. */
  const visit = (shown: string, abs: string, st: Stats, named: boolean, ancestors: ReadonlySet<string>, depth: number): void => {
    const id = identity(st);
    if (st.isDirectory()) {
      if (ancestors.has(id)) {
        skipped(shown, `link back to ${seenDirs.get(id) ?? 'a folder above it'} (a loop): not followed`);
        return;
      }
      const first = seenDirs.get(id);
      if (first !== undefined) {
        skipped(shown, `same folder as ${first}, already read`);
        return;
      }
      seenDirs.set(id, shown);
      if (depth >= maxDepth) {
        unreadable(shown, `more than ${maxDepth} folders deep: not walked`);
        return;
      }
      let names: string[];
      try {
        names = readdirSync(abs).sort();
      } catch (e) {
        unreadable(shown, `folder not readable: ${reasonOf(e)}`);
        return;
      }
      const below = new Set(ancestors).add(id);
      for (const name of names) entry(join(shown, name), join(abs, name), name, below, depth + 1);
      return;
    }
    if (!st.isFile()) {
      const kind = nonRegularKind(st) ?? 'not a regular file';
      if (named || accept(basename(shown))) unreadable(shown, `${kind}, not a regular file: never opened`);
      return;
    }
    if (!named && !accept(basename(shown))) return;
    const first = seenFiles.get(id);
    if (first !== undefined) {
      skipped(shown, `same file as ${first}, read once`);
      return;
    }
    try {
      accessSync(abs, constants.R_OK);
    } catch (e) {
      unreadable(shown, `file not readable: ${reasonOf(e)}`);
      return;
    }
    seenFiles.set(id, shown);
    let real = abs;
    try {
      real = realpathSync(abs);
    } catch {
      // The file was statted a moment ago; keep the joined path.
    }
    files.push({ path: shown, real, size: st.size });
  };

  /** One name inside a folder: links are resolved here so that their problems name the link. */
  const entry = (shown: string, abs: string, name: string, ancestors: ReadonlySet<string>, depth: number): void => {
    let lst: Stats;
    try {
      lst = lstatSync(abs);
    } catch (e) {
      unreadable(shown, reasonOf(e));
      return;
    }
    if (!lst.isSymbolicLink()) {
      visit(shown, abs, lst, false, ancestors, depth);
      return;
    }
    let st: Stats;
    try {
      st = statSync(abs);
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      // A link is worth reporting only when it could be evidence: a link to a folder or with an
      // evidence name. A dangling link carries no kind, so its name decides.
      if (code === 'ENOENT') {
        let target = '?';
        try {
          target = readlinkSync(abs);
        } catch {
          // keep '?'
        }
        unreadable(shown, `dangling symbolic link to ${target}: skipped`);
      } else if (code === 'ELOOP') {
        unreadable(shown, 'symbolic link loop (the link resolves to itself): skipped');
      } else if (accept(name)) {
        unreadable(shown, `symbolic link not readable: ${reasonOf(e)}`);
      } else {
        unreadable(shown, `symbolic link not followed: ${reasonOf(e)}`);
      }
      return;
    }
    let real: string;
    try {
      real = realpathSync(abs);
    } catch (e) {
      unreadable(shown, `symbolic link not followed: ${reasonOf(e)}`);
      return;
    }
    if (!inside(real)) {
      if (st.isDirectory() || accept(name)) skipped(shown, `link to ${real}, outside the paths given: not followed (give that path to read it)`);
      return;
    }
    visit(shown, abs, st, false, ancestors, depth);
  };

  for (const p of paths) {
    try {
      roots.push(realpathSync(resolve(cwd, p)));
    } catch {
      // Reported below.
    }
  }
  for (const p of paths) {
    const abs = resolve(cwd, p);
    let st: Stats;
    try {
      st = statSync(abs);
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      let target: string | undefined;
      try {
        if (lstatSync(abs).isSymbolicLink()) target = readlinkSync(abs);
      } catch {
        // absent altogether
      }
      unreadable(p, code === 'ENOENT' ? (target !== undefined ? `dangling symbolic link to ${target}: skipped` : 'no such file or folder') : reasonOf(e));
      continue;
    }
    visit(p, abs, st, true, new Set(), 0);
  }
  return { files, problems };
}

function basename(p: string): string {
  const i = Math.max(p.lastIndexOf('/'), p.lastIndexOf('\\'));
  return i < 0 ? p : p.slice(i + 1);
}
