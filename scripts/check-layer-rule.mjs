#!/usr/bin/env node
// Proves the layer rule of eslint.config.js: for every layer, one import of each layer it may not
// use must be a lint error, and one import of each layer it may use must pass. The files are
// virtual (lintText with a path), so nothing bad is ever committed to make the point.
// Exit 1 naming each edge the linter let through or refused wrongly.
import { ESLint } from 'eslint';
import { fileURLToPath } from 'node:url';
import { LAYERS } from '../eslint.config.js';

const root = fileURLToPath(new URL('..', import.meta.url));
const eslint = new ESLint({ cwd: root });
const layers = Object.keys(LAYERS);
const cases = [];
for (const from of layers) {
  for (const to of layers) {
    if (to === from) continue;
    const allowed = LAYERS[from].includes(to);
    // Two files deep, as most modules are (src/<from>/x/y.ts), and one deep.
    cases.push({ file: `src/${from}/sub/fixture-${to}.ts`, code: `import { x } from '../../${to}/some-module.ts';\nexport const y = x;\n`, allowed, edge: `${from} -> ${to}` });
    cases.push({ file: `src/${from}/fixture-${to}.ts`, code: `export { x } from '../${to}/sub/module.ts';\n`, allowed, edge: `${from} -> ${to} (re-export)` });
  }
}
// The exceptions and the purity rules.
cases.push({ file: 'src/cli/commands/serve.ts', code: "export { startServer } from '../../server/index.ts';\n", allowed: true, edge: 'cli serve -> server' });
cases.push({ file: 'src/cli/commands/other.ts', code: "export { startServer } from '../../server/index.ts';\n", allowed: false, edge: 'cli (not serve) -> server' });
cases.push({ file: 'src/core/fixture-node.ts', code: "export { readFileSync } from 'node:fs';\n", allowed: false, edge: 'core -> node:fs' });
cases.push({ file: 'src/core/fixture-pkg.ts', code: "export { z } from 'zod';\n", allowed: false, edge: 'core -> a package' });
cases.push({ file: 'src/core/fixture-clock.ts', code: 'export const t = Date.now();\n', allowed: false, edge: 'core reads the clock' });

let bad = 0;
for (const c of cases) {
  const [r] = await eslint.lintText(c.code, { filePath: `${root}${c.file}` });
  const layerErrors = (r?.messages ?? []).filter((m) => m.ruleId === 'no-restricted-imports' || m.ruleId === 'no-restricted-syntax');
  const refused = layerErrors.length > 0;
  if (refused === c.allowed) {
    bad++;
    console.error(`layer rule: ${c.edge}: ${c.allowed ? 'refused but allowed' : 'let through but forbidden'} (${c.file})`);
  }
}
// no-restricted-imports does not see import(): look for dynamic imports across layers in the real tree.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
function walk(d, out) {
  for (const n of readdirSync(d)) {
    const f = join(d, n);
    if (statSync(f).isDirectory()) walk(f, out);
    else if (n.endsWith('.ts')) out.push(f);
  }
  return out;
}
for (const f of walk(join(root, 'src'), [])) {
  const rel = relative(join(root, 'src'), f).split(sep);
  const from = rel[0];
  if (!(from in LAYERS)) continue;
  const text = readFileSync(f, 'utf8');
  for (const m of text.matchAll(/import\(\s*['"]((?:\.\.\/)+)([a-z]+)\//g)) {
    const up = m[1].length / 3;
    if (up !== rel.length - 1) continue; // not a path to a sibling layer
    const to = m[2];
    if (to === from || !(to in LAYERS)) continue;
    const ok = LAYERS[from].includes(to) || (to === 'server' && relative(root, f) === join('src', 'cli', 'commands', 'serve.ts'));
    if (!ok) {
      bad++;
      console.error(`layer rule: ${relative(root, f)}: dynamic import of src/${to} from src/${from}`);
    }
  }
}
if (bad > 0) {
  console.error(`layer rule: ${bad} problem(s)`);
  process.exit(1);
}
console.log(`layer rule: ${cases.length} fixture imports checked (${cases.filter((c) => !c.allowed).length} forbidden, each an error), dynamic imports clean`);
