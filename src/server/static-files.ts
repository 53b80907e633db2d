/**
 * Serves the built web UI (web/dist) from memory: a few hundred kB read once at start, so a
 * request never touches the disk and a path can never escape the directory (only names that were
 * in the build are served).
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { gzipSync } from 'node:zlib';

export const WEB_DIST = fileURLToPath(new URL('../../web/dist', import.meta.url));

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.json': 'application/json; charset=utf-8',
  '.txt': 'text/plain; charset=utf-8',
  '.woff2': 'font/woff2',
};

interface StaticFile {
  readonly body: Buffer;
  readonly gz: Buffer | undefined;
  readonly type: string;
  readonly immutable: boolean;
}

export class StaticFiles {
  private readonly files = new Map<string, StaticFile>();

  constructor(readonly dir: string = WEB_DIST) {
    let names: string[] = [];
    try {
      names = walk(dir);
    } catch {
      // Not built: index() answers with a page that says how to build it.
    }
    for (const full of names) {
      const rel = `/${relative(dir, full).split(sep).join('/')}`;
      const ext = rel.slice(rel.lastIndexOf('.'));
      const body = readFileSync(full);
      const type = TYPES[ext] ?? 'application/octet-stream';
      const gz = /^(text|application\/json|image\/svg)/.test(type) && body.length > 1024 ? gzipSync(body) : undefined;
      // Vite names bundles by content hash under /assets/: safe to cache for ever.
      this.files.set(rel, { body, gz, type, immutable: rel.startsWith('/assets/') });
    }
  }

  get built(): boolean {
    return this.files.has('/index.html');
  }

  /** Serves a GET for a non-API path; true when answered. */
  serve(req: IncomingMessage, res: ServerResponse, path: string): boolean {
    // The UI routes with the hash (#/board), so every page is index.html.
    const f = this.files.get(path === '/' ? '/index.html' : path);
    if (!f) {
      if (path === '/' || path === '/index.html') {
        res.writeHead(503, { 'content-type': 'text/plain; charset=utf-8' });
        res.end('The web UI is not built. Run: npm run build:web\n');
        return true;
      }
      return false;
    }
    const useGz = f.gz !== undefined && /\bgzip\b/.test(String(req.headers['accept-encoding'] ?? ''));
    const body = useGz && f.gz ? f.gz : f.body;
    res.writeHead(200, {
      'content-type': f.type,
      'content-length': body.length,
      'cache-control': f.immutable ? 'public, max-age=31536000, immutable' : 'no-cache',
      vary: 'accept-encoding',
      ...(useGz ? { 'content-encoding': 'gzip' } : {}),
    });
    res.end(req.method === 'HEAD' ? undefined : body);
    return true;
  }
}

function walk(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir)) {
    const full = join(dir, name);
    if (statSync(full).isDirectory()) out.push(...walk(full));
    else out.push(full);
  }
  return out;
}
