/**
 * The README as a test: every command of its "Your own crisis" and "The crisis cell's work" blocks
 * runs, in order, on a fresh database, and succeeds. The commands are read from the README itself,
 * so an edit that breaks one breaks this test. Each runs as a user would type it (the shell's
 * quoting and globs, `&&`), with the database given the way the README says (`$CRISISCELL_DB`);
 * `serve` runs as a real process, is asked for its health, and is stopped with Ctrl-C's signal.
 */
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runCli } from './support/cli-io.ts';
import { findChromium } from '../src/app/reports/pdf.ts';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const README = readFileSync(join(ROOT, 'README.md'), 'utf8');

/** The lines of the first ```sh block after the paragraph that starts with `title`. */
export function shBlockAfter(markdown: string, title: string): string[] {
  const at = markdown.indexOf(`\n${title}`);
  assert.ok(at >= 0, `the README has a paragraph "${title}"`);
  const m = /```sh\n([\s\S]*?)```/.exec(markdown.slice(at));
  assert.ok(m, `a sh block follows "${title}"`);
  return (m[1] ?? '').split('\n').filter((l) => l.trim() !== '');
}

/** A shell line as words: quotes, comments and `&&`, as sh reads them; unquoted globs expanded in `cwd`. */
export function shellCommands(line: string, cwd: string): string[][] {
  const commands: string[][] = [[]];
  let word = '';
  let inWord = false;
  let glob = false;
  const end = (): void => {
    if (!inWord) return;
    const cmd = commands[commands.length - 1]!;
    cmd.push(...(glob ? expand(word, cwd) : [word]));
    word = '';
    inWord = false;
    glob = false;
  };
  for (let i = 0; i < line.length; i++) {
    const c = line[i]!;
    if (c === '"' || c === "'") {
      const close = line.indexOf(c, i + 1);
      assert.ok(close > i, `unclosed quote in: ${line}`);
      word += line.slice(i + 1, close);
      inWord = true;
      i = close;
    } else if (c === ' ' || c === '\t') end();
    else if (c === '#' && !inWord) break;
    else if (c === '&' && line[i + 1] === '&') {
      end();
      commands.push([]);
      i++;
    } else {
      if (c === '*' || c === '?') glob = true;
      word += c;
      inWord = true;
    }
  }
  end();
  return commands.filter((c) => c.length > 0);
}

function expand(pattern: string, cwd: string): string[] {
  const slash = pattern.lastIndexOf('/');
  const dir = slash < 0 ? '.' : pattern.slice(0, slash);
  const re = new RegExp(`^${pattern.slice(slash + 1).replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.')}$`);
  const hits = readdirSync(join(cwd, dir)).filter((f) => re.test(f)).sort().map((f) => (slash < 0 ? f : `${dir}/${f}`));
  assert.ok(hits.length > 0, `${pattern} matches no file`);
  return hits;
}

/** `crisiscell serve ...` as a process: succeeds when it answers /api/health and stops cleanly on SIGTERM. */
async function serveOnce(args: string[], cwd: string, env: Record<string, string>): Promise<{ code: number | null; out: string; err: string; health: number }> {
  const child = spawn(process.execPath, [join(ROOT, 'bin', 'crisiscell.mjs'), ...args], { cwd, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  child.stderr.on('data', (d: Buffer) => (err += d.toString()));
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`serve did not start: ${out} ${err}`)), 30_000);
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString();
      const m = /cockpit: (http:\/\/\S+)/.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve(m[1] ?? '');
      }
    });
    child.on('exit', () => reject(new Error(`serve exited: ${out} ${err}`)));
  });
  const health = (await fetch(new URL('/api/health', url.replace('localhost', '127.0.0.1')))).status;
  const code = await new Promise<number | null>((resolve) => {
    child.removeAllListeners('exit');
    child.on('exit', (c) => resolve(c));
    child.kill('SIGTERM');
  });
  return { code, out, err, health };
}

describe('the README, followed literally (issue 11)', () => {
  let dir: string;
  const env = (): Record<string, string> => ({ CRISISCELL_DB: join(dir, 'crisiscell.db'), CRISISCELL_ACTOR: 'readme-operator', PORT: '0', CRISISCELL_WEB_BUILD: 'skip' });
  const blocks = [...shBlockAfter(README, 'Your own crisis:'), ...shBlockAfter(README, "The crisis cell's work, all in the same journal:")];

  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'cc-readme-'));
    // The README's paths are relative to a checkout: give the fresh directory the examples.
    symlinkSync(join(ROOT, 'examples'), join(dir, 'examples'));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('has the commands of both blocks, each a crisiscell command', () => {
    assert.ok(blocks.length >= 15, `${blocks.length} lines`);
    for (const line of blocks) for (const cmd of shellCommands(line, ROOT)) assert.deepEqual(cmd.slice(0, 2), ['npx', 'crisiscell'], line);
  });

  it('runs every command, in order, on a fresh database, and each succeeds', async (t) => {
    const noPdf = findChromium() === undefined;
    if (noPdf && process.env.CI) assert.fail('Chromium is required under CI for the PDF lines of the README');
    for (const line of blocks) {
      for (const cmd of shellCommands(line, dir)) {
        const args = cmd.slice(2);
        if (noPdf && args.includes('pdf')) {
          t.diagnostic(`skipped without Chromium: ${line}`);
          continue;
        }
        if (args[0] === 'serve') {
          const r = await serveOnce(args, dir, env());
          assert.equal(r.health, 200, `${line}: /api/health`);
          assert.equal(r.code, 0, `${line}: stopped cleanly\n${r.err}`);
          continue;
        }
        const r = await runCli(args, { cwd: dir, env: env() });
        assert.equal(r.code, 0, `${line}\n${r.stderr}`);
      }
    }
  });

  it('runs the export line again: an earlier export of the same journal is replaced, the same import is nothing to do', async () => {
    const line = blocks.find((l) => l.includes('export --jsonl'));
    assert.ok(line, 'the README exports the journal');
    for (const cmd of shellCommands(line, dir)) {
      const r = await runCli(cmd.slice(2), { cwd: dir, env: env() });
      assert.equal(r.code, 0, `${cmd.join(' ')}\n${r.stderr}`);
    }
  });

  it('has written what the README promises: a logbook, a sitrep, a pack, a copy that verifies', async () => {
    const files = readdirSync(dir);
    for (const f of ['logbook.pdf', 'sitrep.pdf', 'sitrep-fr.md', 'pack.html', 'journal.jsonl', 'copy.db', 'crisis-copy.db']) {
      if (f.endsWith('.pdf') && findChromium() === undefined) continue;
      assert.ok(files.includes(f), `${f} written`);
    }
    assert.match(readFileSync(join(dir, 'sitrep-fr.md'), 'utf8'), /^# Rapport de situation/);
    const copy = await runCli(['verify', '--db', join(dir, 'copy.db')], { cwd: dir, env: env() });
    assert.equal(copy.code, 0, copy.stderr);
  });
});
