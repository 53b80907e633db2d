// The logbook holds as evidence: what a hash chain alone let through (a cut tail, a rewritten
// suffix, well-hashed but invalid entries, a tampered journal served as normal) is now caught,
// said, and located. Real SQLite files, the real CLI in-process, the real server.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from './support/cli-io.ts';
import { alter, appendRaw, cutTail, rewriteFrom } from './support/tamper.ts';
import { openCrisisApp } from '../src/main/wiring.ts';
import { startServer } from '../src/server/index.ts';
import { CrisisError } from '../src/core/errors.ts';

let dir: string;
before(() => {
  dir = mkdtempSync(join(tmpdir(), 'cc-evidence-'));
});
after(() => rmSync(dir, { recursive: true, force: true }));

let n = 0;
/** A fresh journal of `notes` notes after init; returns its file and a CLI bound to it. */
async function journal(notes: number): Promise<{ db: string; cc: (...a: string[]) => ReturnType<typeof runCli> }> {
  const db = join(dir, `j${n++}.db`);
  const cc = (...a: string[]) => runCli([...a, '--db', db]);
  assert.equal((await cc('init', '--name', 'Evidence')).code, 0);
  const app = await openCrisisApp({ db, env: {}, cwd: dir });
  for (let i = 0; i < notes; i++) await app.note({ name: 'scribe', role: 'admin' }, { type: 'fact', text: `fact ${i + 2}` });
  await app.close();
  return { db, cc };
}

const checkpointOf = async (cc: (...a: string[]) => ReturnType<typeof runCli>): Promise<{ seq: number; hash: string; keyId: string; key: string; sig: string }> => {
  const r = await cc('checkpoint', '--json');
  assert.equal(r.code, 0, r.stderr);
  return JSON.parse(r.stdout) as { seq: number; hash: string; keyId: string; key: string; sig: string };
};

describe('signed checkpoints', () => {
  it('creates the signing key at init, beside the database, readable by its owner only', async () => {
    const { db, cc } = await journal(0);
    const mode = statSync(`${db}.key`).mode & 0o777;
    assert.equal(mode, 0o600);
    assert.match(readFileSync(`${db}.key`, 'utf8'), /BEGIN PRIVATE KEY/);
    const out = await cc('checkpoint');
    assert.match(out.stdout, /key fingerprint: +[0-9a-f]{16}/);
    assert.match(out.stdout, /crisiscell verify --checkpoint "1:[0-9a-f]{64}"/);
    // The key is not in the journal.
    const exp = await cc('export', '--jsonl');
    assert.doesNotMatch(exp.stdout, /PRIVATE KEY/);
  });

  for (const cut of [1, 5]) {
    it(`fails verify when the last ${cut} entr${cut === 1 ? 'y is' : 'ies are'} removed after a checkpoint, naming them`, async () => {
      const { db, cc } = await journal(49);
      const cp = await checkpointOf(cc);
      assert.equal(cp.seq, 50);
      assert.equal((await cc('verify')).code, 0);
      cutTail(db, cut);
      // The chain alone still holds: that was the hole.
      const v = await cc('verify');
      assert.equal(v.code, 1, v.stdout);
      assert.match(v.stdout, /Chain holds/);
      assert.match(v.stderr, new RegExp(`ends at entry ${50 - cut} .*entries ${51 - cut} to 50 were removed`));
      // The printed "seq:hash" alone proves it too (no local log needed: another machine).
      rmSync(`${db}.checkpoints.jsonl`);
      const given = await cc('verify', '--checkpoint', `${cp.seq}:${cp.hash}`);
      assert.equal(given.code, 1);
      assert.match(given.stderr, /were removed/);
      const json = JSON.parse((await cc('verify', '--json', '--checkpoint', `${cp.seq}:${cp.hash}`)).stdout) as { ok: boolean; badSeq: number };
      assert.equal(json.ok, false);
      assert.equal(json.badSeq, 51 - cut);
    });
  }

  it('fails verify when entry 30 is edited and everything after it re-hashed, and says between which entries', async () => {
    const { db, cc } = await journal(49);
    await checkpointOf(cc); // at 50
    const early = await openCrisisApp({ db, env: {}, cwd: dir });
    await early.close();
    rewriteFrom(db, 30, (p) => ({ ...p, text: 'nothing happened' }));
    const v = await cc('verify');
    assert.equal(v.code, 1);
    assert.match(v.stdout, /Chain holds/);
    assert.match(v.stderr, /rewritten: entry 50 no longer has the hash/);
    // With an earlier checkpoint that still holds, the range narrows.
    const { db: db2, cc: cc2 } = await journal(19);
    await checkpointOf(cc2); // at 20
    const app = await openCrisisApp({ db: db2, env: {}, cwd: dir });
    for (let i = 0; i < 30; i++) await app.note({ name: 'scribe', role: 'admin' }, { type: 'fact', text: `later ${i}` });
    await app.close();
    await checkpointOf(cc2); // at 50
    rewriteFrom(db2, 30, (p) => ({ ...p, text: 'nothing happened' }));
    const v2 = await cc2('verify');
    assert.equal(v2.code, 1);
    assert.match(v2.stderr, /checkpoint of entry 20 still holds, so the change lies in entries 21 to 50/);
  });

  it('refuses a checkpoint whose signature does not hold, or signed by another key', async () => {
    const { cc } = await journal(3);
    const cp = await checkpointOf(cc);
    const forged = join(dir, 'forged.json');
    writeFileSync(forged, JSON.stringify({ ...cp, seq: cp.seq }).replace(/"at":"[^"]+"/, '"at":"2022-05-14T03:00:00.000Z"'));
    const r = await cc('verify', '--checkpoint', forged);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /signature does not hold/);
    const { cc: other } = await journal(3);
    const foreign = join(dir, 'foreign.json');
    writeFileSync(foreign, JSON.stringify(await checkpointOf(other)));
    const f = await cc('verify', '--checkpoint', foreign);
    assert.equal(f.code, 1);
    assert.match(f.stderr, /not by this installation's key|another journal/);
    assert.equal((await cc('verify', '--checkpoint', 'nonsense')).code, 2);
  });

  it('prints the checkpoint on the logbook and the sitrep', async () => {
    const { cc } = await journal(3);
    const html = await cc('log', '--format', 'html');
    assert.equal(html.code, 0);
    assert.match(html.stdout, /Signed checkpoint of the journal<\/b> — entry 4/);
    assert.match(html.stdout, /crisiscell verify --checkpoint "4:[0-9a-f]{64}"/);
    const md = await cc('sitrep');
    assert.equal(md.code, 0, md.stderr);
    assert.match(md.stdout, /## Signed checkpoint/);
    const sitrep = await cc('sitrep', '--format', 'html');
    assert.match(sitrep.stdout, /Signed checkpoint of the journal/);
  });

  it('refuses to import an export whose tail was cut, given the export\'s checkpoint', async () => {
    const { cc } = await journal(9);
    const file = join(dir, `export-${n}.jsonl`);
    const exp = await cc('export', '--jsonl', '-o', file);
    assert.equal(exp.code, 0);
    const m = /verify --checkpoint "(\d+:[0-9a-f]{64})"/.exec(exp.stderr);
    assert.ok(m, exp.stderr);
    const lines = readFileSync(file, 'utf8').trimEnd().split('\n');
    writeFileSync(file, `${lines.slice(0, -2).join('\n')}\n`);
    const target = join(dir, `import-${n}.db`);
    const r = await runCli(['import-journal', file, '--checkpoint', m[1] ?? '', '--db', target]);
    assert.equal(r.code, 2, r.stderr);
    assert.match(r.stderr, /entries 9 to 10 were removed/);
    assert.equal((await runCli(['log', '--json', '--db', target])).stdout.trim(), '[]');
  });
});

describe('the server and the CLI on a tampered journal', () => {
  it('refuses to serve a journal with a broken chain, and serves it when told why, recording it', async () => {
    const { db } = await journal(5);
    alter(db, 4, { type: 'fact', text: 'we never isolated anything' });
    const app = await openCrisisApp({ db, env: {}, cwd: dir });
    try {
      await assert.rejects(startServer({ app, port: 0, buildWeb: false }), (e: unknown) => e instanceof CrisisError && e.code === 'journal-corrupt' && /chain is broken at entry 4/.test(e.message));
      const s = await startServer({ app, port: 0, buildWeb: false, acceptBrokenJournal: 'disk restored by hand, see ticket 42', operator: { name: 'cli:ops', role: 'admin' } });
      try {
        const last = (await app.log({ kinds: ['journal.integrity-accepted'] })).pop();
        assert.ok(last && last.kind === 'journal.integrity-accepted');
        assert.equal(last.payload.badSeq, 4);
        assert.equal(last.actor, 'cli:ops');
        assert.match(last.payload.reason, /ticket 42/);
      } finally {
        await s.close();
      }
    } finally {
      await app.close();
    }
  });

  it('refuses to serve a journal shorter than its last checkpoint', async () => {
    const { db, cc } = await journal(5);
    await checkpointOf(cc);
    cutTail(db, 2);
    const app = await openCrisisApp({ db, env: {}, cwd: dir });
    try {
      await assert.rejects(startServer({ app, port: 0, buildWeb: false }), /entries 5 to 6 were removed/);
    } finally {
      await app.close();
    }
  });

  it('warns in log, state and status when an entry was altered', async () => {
    const { db, cc } = await journal(5);
    alter(db, 3, { type: 'fact', text: 'altered' });
    for (const cmd of [['log'], ['state'], ['status']]) {
      const r = await cc(...cmd);
      assert.match(r.stderr, /WARNING: the journal's chain is broken at entry 3/, cmd.join(' '));
    }
  });
});

describe('entries that are well hashed but invalid', () => {
  const bad: { name: string; entry: { kind: string; payload: unknown; at?: string }; field: RegExp }[] = [
    { name: 'an estate import with an empty payload', entry: { kind: 'estate.upserted', payload: {} }, field: /estate\.upserted: payload\.sources/ },
    { name: 'a time that is not one', entry: { kind: 'log.note', payload: { type: 'fact', text: 'x' }, at: 'not-a-time' }, field: /log\.note: at:/ },
    { name: 'an asset state that does not exist', entry: { kind: 'asset.state', payload: { assets: ['srv-dc-01'], security: 'bogus', reason: 'x' } }, field: /asset\.state: payload\.security/ },
  ];
  for (const b of bad) {
    it(`refuses an import holding ${b.name}, naming file:line: kind: field, writing nothing`, async () => {
      const { db, cc } = await journal(2);
      appendRaw(db, b.entry);
      const file = join(dir, `bad-${n}.jsonl`);
      // The export of a database with a bad entry: hashes consistent, content invalid.
      assert.equal((await cc('export', '--jsonl', '-o', file)).code, 0);
      const target = join(dir, `never-${n++}.db`);
      const r = await runCli(['import-journal', file, '--db', target]);
      assert.equal(r.code, 2, r.stderr);
      assert.match(r.stderr, new RegExp(`bad-\\d+\\.jsonl:4: ${b.field.source}`));
      assert.equal((await runCli(['log', '--json', '--db', target])).stdout.trim(), '[]');
    });
  }

  it('opens a journal holding one (status, state, serve) and names the entry instead of crashing', async () => {
    const { db, cc } = await journal(2);
    const seq = appendRaw(db, { kind: 'estate.upserted', payload: {} });
    for (const cmd of [['status'], ['state']]) {
      const r = await cc(...cmd);
      assert.equal(r.code, 0, `${cmd.join(' ')}: ${r.stderr}`);
      assert.match(r.stderr, new RegExp(`entry ${seq} \\(estate\\.upserted\\) cannot be applied and is left out: payload\\.sources`));
    }
    const app = await openCrisisApp({ db, env: {}, cwd: dir });
    try {
      await assert.rejects(startServer({ app, port: 0, buildWeb: false }), new RegExp(`Entry ${seq} \\(estate\\.upserted\\) cannot be applied`));
    } finally {
      await app.close();
    }
  });
});
