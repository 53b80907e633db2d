import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import Database from 'better-sqlite3';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable, Writable } from 'node:stream';
import type { CliIo } from '../io.ts';
import { main } from '../main.ts';
import { runCli } from '../../../test/support/cli-io.ts';

/** Runs the CLI with text on stdin (CliIo has no stdin: user.ts reads `io.stdin` when present). */
async function withStdin(argv: string[], stdin: string): Promise<{ code: number; stdout: string; stderr: string }> {
  let out = '';
  let err = '';
  const w = (f: (s: string) => void): Writable => new Writable({ write: (c: Buffer, _e, cb) => (f(c.toString()), cb()) });
  const io = { stdout: w((s) => (out += s)), stderr: w((s) => (err += s)), env: { CRISISCELL_ACTOR: 'cli:root' }, cwd: process.cwd(), stdin: Readable.from([stdin]) } as CliIo;
  const code = await main(argv, io);
  return { code, stdout: out, stderr: err };
}

describe('crisiscell user', () => {
  let dir: string;
  let db: string;
  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'cc-user-'));
    db = join(dir, 'c.db');
    assert.equal((await runCli(['init', '--db', db])).code, 0);
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('adds the first admin with a password from stdin, recording the operator as actor', async () => {
    const r = await withStdin(['user', 'add', 'chief', '--role', 'admin', '--password-stdin', '--db', db], 'correct horse battery\n');
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /Account chief \(admin\) added/);
    const log = JSON.parse((await runCli(['log', '--kind', 'user.*', '--json', '--db', db])).stdout) as { actor: string; payload: Record<string, unknown> }[];
    assert.equal(log[0]?.actor, 'cli:root');
    assert.deepEqual(log[0]?.payload, { name: 'chief', role: 'admin' });
    // The hash is in the credential table, never in the journal (which is exported as evidence).
    const exported = (await runCli(['export', '--jsonl', '--db', db])).stdout;
    assert.doesNotMatch(exported, /argon2/);
    const raw = new Database(db, { readonly: true });
    const row = raw.prepare('SELECT hash FROM credentials WHERE name = ?').get('chief') as { hash: string } | undefined;
    raw.close();
    assert.match(row?.hash ?? '', /^\$argon2id\$v=19\$m=19456,t=2,p=1\$/);
  });

  it('refuses a short password, an unknown role and a duplicate, writing nothing', async () => {
    const count = async (): Promise<number> => (JSON.parse((await runCli(['log', '--json', '--db', db])).stdout) as unknown[]).length;
    const before = await count();
    assert.equal((await withStdin(['user', 'add', 'bob', '--role', 'it', '--password-stdin', '--db', db], 'short\n')).code, 2);
    const bad = await withStdin(['user', 'add', 'bob', '--role', 'wizard', '--password-stdin', '--db', db], 'long enough pass\n');
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /role/);
    assert.equal((await withStdin(['user', 'add', 'chief', '--role', 'it', '--password-stdin', '--db', db], 'long enough pass\n')).code, 2);
    assert.equal(await count(), before);
  });

  it('refuses to prompt without a terminal', async () => {
    const r = await withStdin(['user', 'add', 'carol', '--role', 'it', '--db', db], '');
    assert.equal(r.code, 2);
    assert.match(r.stderr, /--password-stdin/);
  });

  it('changes a role, disables an account, and lists them', async () => {
    assert.equal((await withStdin(['user', 'add', 'dave', '--role', 'it', '--password-stdin', '--db', db], 'dave-password-1\n')).code, 0);
    assert.equal((await runCli(['user', 'role', 'dave', '--role', 'commander', '--reason', 'night lead', '--db', db])).code, 0);
    assert.equal((await runCli(['user', 'disable', 'dave', '--reason', 'shift over', '--db', db])).code, 0);
    const list = JSON.parse((await runCli(['users', '--json', '--db', db])).stdout) as { name: string; role: string; disabled: boolean }[];
    assert.deepEqual(list.find((u) => u.name === 'dave'), { ...list.find((u) => u.name === 'dave'), role: 'commander', disabled: true });
    assert.doesNotMatch(JSON.stringify(list), /argon2/);
  });

  it('will not disable the last admin', async () => {
    const r = await runCli(['user', 'disable', 'chief', '--reason', 'testing', '--db', db]);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /last enabled admin/);
  });
});
