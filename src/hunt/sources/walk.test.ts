/**
 * Walking evidence folders like a forensic tool: links, loops, FIFOs, sockets, unreadable folders.
 * Everything runs on a real file system in a temporary folder.
 */
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { chmodSync, linkSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { walkEvidence, type WalkResult } from './walk.ts';
import { openRegularFile } from './open-regular.ts';

const REPO = fileURLToPath(new URL('../../../', import.meta.url));

const rel = (dir: string, r: WalkResult): { files: string[]; problems: string[] } => ({
  files: r.files.map((f) => f.path.slice(dir.length + 1)),
  problems: r.problems.map((p) => `${p.severity} ${p.path.slice(dir.length + 1)}: ${p.reason}`),
});

function mkfifo(path: string): boolean {
  try {
    execFileSync('mkfifo', [path]);
    return true;
  } catch {
    return false;
  }
}

describe('evidence folder walk', () => {
  let dir: string;
  let server: Server | undefined;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'cc-walk-'));
  });
  after(async () => {
    if (server) await new Promise<void>((r) => server?.close(() => r()));
    rmSync(dir, { recursive: true, force: true });
  });

  const fresh = (name: string): string => {
    const d = join(dir, name);
    mkdirSync(d, { recursive: true });
    return d;
  };

  it('reads every evidence file once in a stable order; other names are left alone', () => {
    const d = fresh('plain');
    mkdirSync(join(d, 'dc01'));
    for (const n of ['b.json', 'a.evtx', 'notes.txt', 'dc01/Security.EVTX', 'dc01/x.ndjson', '.hidden.jsonl']) writeFileSync(join(d, n), '');
    const r = rel(d, walkEvidence([d]));
    assert.deepEqual(r.files, ['.hidden.jsonl', 'a.evtx', 'b.json', 'dc01/Security.EVTX', 'dc01/x.ndjson']);
    assert.deepEqual(r.problems, []);
  });

  it('a link back to an ancestor (a loop) is reported and not followed: each file read once', () => {
    const d = fresh('loop');
    mkdirSync(join(d, 'a'));
    writeFileSync(join(d, 'a', 'Security.evtx'), 'x');
    symlinkSync('..', join(d, 'a', 'up'));
    const r = rel(d, walkEvidence([d]));
    assert.deepEqual(r.files, ['a/Security.evtx']);
    assert.equal(r.problems.length, 1);
    assert.match(r.problems[0] ?? '', /^skipped a\/up: link back to .*loop/);
  });

  it('two loops, crossing each other, end the walk with every file once', () => {
    const d = fresh('two-loops');
    mkdirSync(join(d, 'a'));
    mkdirSync(join(d, 'b'));
    writeFileSync(join(d, 'a', '1.evtx'), 'x');
    writeFileSync(join(d, 'b', '2.evtx'), 'x');
    symlinkSync('../b', join(d, 'a', 'to-b'));
    symlinkSync('../a', join(d, 'b', 'to-a'));
    symlinkSync('.', join(d, 'a', 'self'));
    const r = walkEvidence([d]);
    assert.deepEqual(rel(d, r).files, ['a/1.evtx', 'a/to-b/2.evtx']);
    assert.ok(r.problems.every((p) => p.severity === 'skipped'), JSON.stringify(r.problems));
    assert.ok(r.problems.length >= 2);
  });

  it('a link out of the paths given (a mounted image pointing into this machine) is not followed', () => {
    const d = fresh('escape');
    const outside = fresh('elsewhere');
    writeFileSync(join(outside, 'Host.evtx'), 'x');
    mkdirSync(join(d, 'image'));
    writeFileSync(join(d, 'image', 'Security.evtx'), 'x');
    symlinkSync(outside, join(d, 'image', 'ProgramData'));
    symlinkSync(join(outside, 'Host.evtx'), join(d, 'image', 'Host.evtx'));
    const r = rel(d, walkEvidence([d]));
    assert.deepEqual(r.files, ['image/Security.evtx']);
    assert.equal(r.problems.length, 2);
    assert.ok(r.problems.every((p) => /^skipped image\/(ProgramData|Host\.evtx): link to .*elsewhere.*, outside the paths given: not followed/.test(p)), r.problems.join('\n'));
    // Given as well, the folder is read (once).
    assert.deepEqual(walkEvidence([d, outside]).files.map((f) => f.real.slice(dir.length + 1)).sort(), ['elsewhere/Host.evtx', 'escape/image/Security.evtx']);
  });

  it('a file reached twice (symbolic and hard link) is read once', () => {
    const d = fresh('twice');
    writeFileSync(join(d, 'Security.evtx'), 'x');
    symlinkSync('Security.evtx', join(d, 'link.evtx'));
    linkSync(join(d, 'Security.evtx'), join(d, 'hard.evtx'));
    const r = rel(d, walkEvidence([d, join(d, 'Security.evtx')]));
    assert.deepEqual(r.files, ['Security.evtx']);
    assert.equal(r.problems.length, 3);
    assert.ok(r.problems.every((p) => /^skipped .*same file as .*Security\.evtx, read once/.test(p)), r.problems.join('\n'));
  });

  it('dangling links and self-looping links are reported as unreadable, with the target', () => {
    const d = fresh('dangling');
    writeFileSync(join(d, 'ok.evtx'), 'x');
    symlinkSync('gone/System.evtx', join(d, 'System.evtx'));
    symlinkSync('me.evtx', join(d, 'me.evtx'));
    const r = rel(d, walkEvidence([d]));
    assert.deepEqual(r.files, ['ok.evtx']);
    assert.deepEqual(r.problems, [
      'unreadable System.evtx: dangling symbolic link to gone/System.evtx: skipped',
      'unreadable me.evtx: symbolic link loop (the link resolves to itself): skipped',
    ]);
  });

  it('FIFOs and sockets are never opened; those with evidence names are reported', { timeout: 20_000 }, async (t) => {
    const d = fresh('special');
    writeFileSync(join(d, 'ok.evtx'), 'x');
    if (!mkfifo(join(d, 'Security.evtx')) || !mkfifo(join(d, 'pipe.txt'))) {
      t.skip('mkfifo is not available');
      return;
    }
    const sock = join(d, 'agent.json');
    server = createServer();
    await new Promise<void>((r) => server?.listen(sock, () => r()));
    // If the walk opened the FIFO, this would block until the timeout.
    const r = rel(d, walkEvidence([d]));
    assert.deepEqual(r.files, ['ok.evtx']);
    assert.deepEqual(r.problems, [
      'unreadable Security.evtx: a FIFO (named pipe), not a regular file: never opened',
      'unreadable agent.json: a socket, not a regular file: never opened',
    ]);
    // Named on the command line, a FIFO is reported too, and the reader's open refuses it at once.
    const named = walkEvidence([join(d, 'pipe.txt')]);
    assert.match(named.problems[0]?.reason ?? '', /FIFO/);
    assert.throws(() => openRegularFile(join(d, 'Security.evtx')), /a FIFO \(named pipe\), not a regular file: not read/);
  });

  it('a path that does not exist is reported, the others are still walked', () => {
    const d = fresh('missing');
    writeFileSync(join(d, 'a.evtx'), 'x');
    const r = walkEvidence([join(d, 'nope'), d]);
    assert.deepEqual(r.files.map((f) => f.path), [join(d, 'a.evtx')]);
    assert.deepEqual(r.problems.map((p) => p.reason), ['no such file or folder']);
  });

  it('an unreadable folder and an unreadable file are reported, the walk goes on (run without root privileges)', (t) => {
    const d = fresh('locked');
    chmodSync(dir, 0o755);
    chmodSync(d, 0o755);
    mkdirSync(join(d, 'a'));
    mkdirSync(join(d, 'secret'));
    writeFileSync(join(d, 'a', 'ok.evtx'), 'x');
    writeFileSync(join(d, 'secret', 'hidden.evtx'), 'x');
    writeFileSync(join(d, 'a', 'locked.evtx'), 'x');
    chmodSync(join(d, 'a', 'ok.evtx'), 0o644);
    chmodSync(join(d, 'a'), 0o755);
    chmodSync(join(d, 'secret'), 0o000);
    chmodSync(join(d, 'a', 'locked.evtx'), 0o000);
    const script = `import { walkEvidence } from ${JSON.stringify(join(REPO, 'src/hunt/sources/walk.ts'))};
      const d = ${JSON.stringify(d)};
      const r = walkEvidence([d]);
      console.log(JSON.stringify({ files: r.files.map((f) => f.path.slice(d.length + 1)), problems: r.problems.map((p) => p.severity + ' ' + p.path.slice(d.length + 1) + ': ' + p.reason) }));`;
    let out: { files: string[]; problems: string[] };
    if (process.getuid?.() === 0) {
      // Root reads through chmod 000: the walk runs in a child that drops to nobody.
      const r = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { cwd: REPO, uid: 65534, gid: 65534, encoding: 'utf8', timeout: 60_000 });
      if (r.error || r.status !== 0) {
        t.skip(`cannot run a child without root privileges here: ${r.error?.message ?? r.stderr.split('\n')[0]}`);
        return;
      }
      out = JSON.parse(r.stdout) as typeof out;
    } else {
      out = rel(d, walkEvidence([d]));
    }
    assert.deepEqual(out.files, ['a/ok.evtx']);
    assert.deepEqual(out.problems, ['unreadable a/locked.evtx: file not readable: permission denied', 'unreadable secret: folder not readable: permission denied']);
    chmodSync(join(d, 'secret'), 0o755);
  });
});
