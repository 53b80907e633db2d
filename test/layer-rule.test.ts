import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { ESLint } from 'eslint';

const ROOT = fileURLToPath(new URL('..', import.meta.url));

describe('the layer rule', () => {
  it('is a lint error for every forbidden import between layers (virtual fixtures), and dynamic imports are clean', () => {
    const r = spawnSync(process.execPath, ['scripts/check-layer-rule.mjs'], { cwd: ROOT, encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr + r.stdout);
    assert.match(r.stdout, /\d+ forbidden, each an error/);
  });

  it('catches an app module importing the store, as the README says', async () => {
    const eslint = new ESLint({ cwd: ROOT });
    const [res] = await eslint.lintText("import { openStore } from '../store/open-store.ts';\nexport const o = openStore;\n", { filePath: `${ROOT}src/app/bad-fixture.ts` });
    const msgs = (res?.messages ?? []).filter((m) => m.ruleId === 'no-restricted-imports');
    assert.equal(msgs.length, 1);
    assert.match(msgs[0]?.message ?? '', /src\/app may not import src\/store/);
  });

  it('the whole tree lints clean', async () => {
    const eslint = new ESLint({ cwd: ROOT });
    const results = await eslint.lintFiles(['src', 'test', 'bench', 'scripts', 'web/src']);
    const errors = results.flatMap((r) => r.messages.filter((m) => m.severity === 2).map((m) => `${r.filePath}:${m.line}: ${m.ruleId}: ${m.message}`));
    assert.deepEqual(errors, []);
  });
});
