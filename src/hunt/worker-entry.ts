/**
 * What a hunt worker thread starts from.
 *
 * Through tsx (worker-bootstrap.mjs), every worker registers its own module hooks, which on Node
 * 20 means one more thread per worker, and loads each TypeScript module through it: ~0.3-0.6 s of
 * CPU and tens of MB per worker. Instead, worker.ts and what it imports are bundled once per
 * process with esbuild (the transpiler tsx itself runs on, so the same TypeScript-to-JavaScript
 * transform) into one plain ES module handed to the Worker as a data: URL; no hooks, no files.
 * If esbuild cannot be loaded or fails, workers start through tsx as before.
 */
import { fileURLToPath } from 'node:url';

const BOOTSTRAP = new URL('./worker-bootstrap.mjs', import.meta.url);
const WORKER_TS = fileURLToPath(new URL('./worker.ts', import.meta.url));
const YAML_STUB = fileURLToPath(new URL('./worker-yaml-stub.ts', import.meta.url));

let cached: Promise<URL> | undefined;

async function bundle(): Promise<URL> {
  try {
    const esbuild = await import('esbuild');
    const out = esbuild.buildSync({
      entryPoints: [WORKER_TS],
      bundle: true,
      platform: 'node',
      format: 'esm',
      target: 'node20',
      write: false,
      logLevel: 'silent',
      // Workers never parse YAML (the rules come parsed and compiled); the package is 260 of 380 KB.
      alias: { yaml: YAML_STUB },
      // Bundled CommonJS packages (yaml) call require() for Node built-ins; an ES module has none.
      banner: { js: `import { createRequire as __ccRequire } from 'node:module'; const require = __ccRequire(${JSON.stringify(WORKER_TS)});` },
    });
    const code = out.outputFiles[0]?.text;
    if (!code) return BOOTSTRAP;
    return new URL(`data:text/javascript;base64,${Buffer.from(code).toString('base64')}`);
  } catch {
    return BOOTSTRAP;
  }
}

/** The module a hunt worker runs (bundled once per process; tsx bootstrap as the fallback). */
export function workerEntry(): Promise<URL> {
  if (process.env.CRISISCELL_HUNT_WORKER === 'tsx') return Promise.resolve(BOOTSTRAP);
  cached ??= bundle();
  return cached;
}
