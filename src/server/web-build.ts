/**
 * Builds the web UI when web/dist is missing or older than its sources. Done on the way to
 * serving (not in an npm `prepare` script) because the sources change after `npm install` too:
 * a `git pull` or an edit to web/ must never serve yesterday's bundle, and `prepare` would also
 * run Vite inside every `npm ci` of CI jobs that never serve a page.
 */
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const WEB = join(ROOT, 'web');
const DIST = join(WEB, 'dist', 'index.html');

function newestMtime(path: string): number {
  const st = statSync(path);
  if (!st.isDirectory()) return st.mtimeMs;
  let newest = 0;
  for (const name of readdirSync(path)) {
    if (name === 'dist' || name === 'node_modules' || name.startsWith('.')) continue;
    newest = Math.max(newest, newestMtime(join(path, name)));
  }
  return newest;
}

/** True when web/dist must be (re)built. */
export function webBuildIsStale(): boolean {
  if (!existsSync(join(WEB, 'index.html'))) return false; // no UI sources in this checkout
  if (!existsSync(DIST)) return true;
  return newestMtime(WEB) > statSync(DIST).mtimeMs;
}

/**
 * Runs `vite build` when stale. Returns what happened, for the caller to print. Vite is a
 * devDependency: on a production install without it, the existing bundle is served as is.
 */
export function ensureWebBuilt(log: (line: string) => void = () => undefined): 'fresh' | 'built' | 'unavailable' {
  if (!webBuildIsStale()) return 'fresh';
  const vite = join(ROOT, 'node_modules', 'vite', 'bin', 'vite.js');
  if (!existsSync(vite)) {
    log('web UI sources are newer than web/dist but Vite is not installed (npm install): serving what is built');
    return 'unavailable';
  }
  log('building the web UI (vite build)…');
  const r = spawnSync(process.execPath, [vite, 'build', '--config', join(WEB, 'vite.config.ts'), '--logLevel', 'warn'], { cwd: ROOT, stdio: ['ignore', 'inherit', 'inherit'] });
  if (r.status !== 0) throw new Error(`vite build failed (exit ${r.status ?? r.signal})`);
  return 'built';
}
