// `crisiscell start` (npm start) as a real process: builds the demo, creates the demo accounts,
// serves the board, and a printed login works.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Client } from '../../../test/support/server.ts';
import { runCli } from '../../../test/support/cli-io.ts';

const BIN = fileURLToPath(new URL('../../../bin/crisiscell.mjs', import.meta.url));

describe('crisiscell start', () => {
  let dir: string;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'cc-start-'));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('serves the demo board and prints logins that work, then stops on SIGTERM', { timeout: 60_000 }, async () => {
    const db = join(dir, 'demo.db');
    const child = spawn(process.execPath, [BIN, 'start', '--port', '0', '--db', db], { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, NO_COLOR: '1', CRISISCELL_WEB_BUILD: 'skip' } });
    try {
      let out = '';
      child.stderr.on('data', () => undefined);
      await new Promise<void>((resolve, reject) => {
        const t = setTimeout(() => reject(new Error(`start printed no logins: ${out}`)), 45_000);
        child.stdout.on('data', (c: Buffer) => {
          out += c.toString();
          if (/observer +\S+/.test(out)) {
            clearTimeout(t);
            resolve();
          }
        });
      });
      const port = Number(/http:\/\/127\.0\.0\.1:(\d+)\//.exec(out)?.[1]);
      const password = /^ {2}commander +(\S+) +commander$/m.exec(out)?.[1] ?? '';
      const client = new Client(port);
      assert.equal((await client.login('commander', password)).status, 200);
      const board = await client.get('/api/board');
      assert.equal(board.status, 200);
      const cells = (board.json as { cells: { service: string; status: string }[] }).cells;
      assert.ok(cells.some((c) => c.service === 'laboratory' && c.status === 'degraded'));
      const code = await new Promise<number | null>((resolve) => {
        child.on('exit', (c) => resolve(c));
        child.kill('SIGTERM');
      });
      assert.equal(code, 0);
    } finally {
      if (child.exitCode === null) child.kill('SIGKILL');
    }
  });

  it('never replaces a real crisis database with the demo', async () => {
    const real = join(dir, 'real.db');
    assert.equal((await runCli(['init', '--name', 'Our crisis', '--db', real])).code, 0);
    const r = await runCli(['start', '--port', '0', '--db', real], { env: { CRISISCELL_WEB_BUILD: 'skip' } });
    assert.equal(r.code, 2);
    assert.match(r.stderr, /holds the crisis "Our crisis", not a demo/);
  });
});
