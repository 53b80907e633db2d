// `crisiscell serve` as a real process: starts, answers, and stops cleanly on SIGTERM.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runCli } from '../../../test/support/cli-io.ts';

const BIN = fileURLToPath(new URL('../../../bin/crisiscell.mjs', import.meta.url));

describe('crisiscell serve', () => {
  let dir: string;
  let db: string;
  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'cc-serve-'));
    db = join(dir, 'c.db');
    assert.equal((await runCli(['init', '--db', db])).code, 0);
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('serves the API on the port asked, says there is no account yet, and exits 0 on SIGTERM', async () => {
    const child = spawn(process.execPath, [BIN, 'serve', '--port', '0', '--db', db], { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, NO_COLOR: '1', CRISISCELL_WEB_BUILD: 'skip' } });
    try {
      let out = '';
      let err = '';
      child.stderr.on('data', (c: Buffer) => (err += c.toString()));
      const url = await new Promise<string>((resolve, reject) => {
        const t = setTimeout(() => reject(new Error(`no address printed: ${out} ${err}`)), 15_000);
        child.stdout.on('data', (c: Buffer) => {
          out += c.toString();
          const m = /(http:\/\/127\.0\.0\.1:\d+\/)/.exec(out);
          if (m?.[1]) {
            clearTimeout(t);
            resolve(m[1]);
          }
        });
      });
      const health = await fetch(`${url}api/health`);
      assert.equal(health.status, 200);
      assert.equal(((await health.json()) as { ok: boolean }).ok, true);
      assert.equal((await fetch(`${url}api/board`)).status, 401);
      await new Promise((r) => setTimeout(r, 100));
      assert.match(err, /No account yet/);
      const code = await new Promise<number | null>((resolve) => {
        child.on('exit', (c) => resolve(c));
        child.kill('SIGTERM');
      });
      assert.equal(code, 0);
    } finally {
      if (child.exitCode === null) child.kill('SIGKILL');
    }
  });

  it('refuses a port that is not a number', async () => {
    const r = await runCli(['serve', '--port', 'eighty', '--db', db]);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /not a port number/);
  });
});
