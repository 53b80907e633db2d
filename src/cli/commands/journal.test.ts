import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import { runCli } from '../../../test/support/cli-io.ts';
import { allCommands } from '../main.ts';

const examples = fileURLToPath(new URL('../../../examples/estate/', import.meta.url));
const estate = ['sites.csv', 'services.csv', 'assets.csv', 'dependencies.csv'].map((f) => join(examples, f));

describe('crisiscell journal commands', () => {
  let dir: string;
  let db: string;
  const cc = (...args: string[]) => runCli([...args, '--db', db], { cwd: dir });

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'cc-cli-'));
    db = join(dir, 'crisis.db');
    assert.equal((await cc('init', '--name', 'Ransomware', '--organisation', 'Test group')).code, 0);
    assert.equal((await cc('import', ...estate)).code, 0);
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('refuses to open a database that does not exist, saying how to start one', async () => {
    const r = await runCli(['assets', '--db', join(dir, 'none.db')]);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /no crisis database at .*none\.db \(run `crisiscell init`/);
  });

  it('refuses a second init', async () => {
    const r = await cc('init');
    assert.equal(r.code, 2);
    assert.match(r.stderr, /already holds the crisis "Ransomware"/);
  });

  it('re-importing the same files writes nothing', async () => {
    const before = JSON.parse((await cc('log', '--json')).stdout) as unknown[];
    const r = await cc('import', ...estate);
    assert.equal(r.code, 0);
    assert.match(r.stdout, /Nothing changed/);
    assert.equal((JSON.parse((await cc('log', '--json')).stdout) as unknown[]).length, before.length);
  });

  it('a bad import lists every problem and writes nothing', async () => {
    const bad = join(dir, 'assets.csv');
    writeFileSync(bad, 'hostname,kind,os,site,zone,roles,ip\nnew-1,server,W,dc,s,,\nnew-2,printer,W,mars,s,,\n');
    const head = (await cc('verify', '--json')).stdout;
    const r = await cc('import', bad);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /assets\.csv:3: kind: unknown asset kind "printer"/);
    assert.match(r.stderr, /assets\.csv:3: site: unknown site "mars"/);
    assert.match(r.stderr, /nothing was written/);
    assert.equal((await cc('verify', '--json')).stdout, head);
    assert.equal((await cc('assets', '--host', 'new-*', '--json')).stdout.trim(), '[]');
  });

  it('sets the state of every asset a glob matches, as one entry, and lists them', async () => {
    const r = await cc('asset', 'set', 'srv-dc-*', '--security', 'suspected', '--reason', 'admin account used at 02:50');
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /2 asset\(s\) changed: srv-dc-01, srv-dc-02/);
    const rows = JSON.parse((await cc('assets', '--site', 'dc', '--kind', 'server', '--json')).stdout) as { hostname: string; security: string; recovery: string }[];
    assert.deepEqual(rows.filter((a) => a.hostname.startsWith('SRV-DC')).map((a) => [a.security, a.recovery]), [['suspected', 'in-service'], ['suspected', 'in-service']]);
    const log = JSON.parse((await cc('log', '--kind', 'asset.state', '--json')).stdout) as { actor: string; payload: { assets: string[] } }[];
    assert.equal(log.at(-1)?.payload.assets.length, 2);
    assert.equal(log.at(-1)?.actor, 'test-operator');
  });

  it('asks for a reason and for something to change, and names an unmatched glob', async () => {
    assert.match((await cc('asset', 'set', 'srv-dc-01', '--recovery', 'isolated')).stderr, /reason: give a reason/);
    assert.match((await cc('asset', 'set', 'srv-dc-01', '--reason', 'because')).stderr, /say what changes/);
    assert.match((await cc('asset', 'set', 'srv-dc-01', '--recovery', 'vaporised', '--reason', 'because')).stderr, /recovery: /);
    const r = await cc('asset', 'set', 'nothing-*', '--recovery', 'isolated', '--reason', 'because');
    assert.equal(r.code, 2);
    assert.match(r.stderr, /no asset matches "nothing-\*"/);
  });

  it('applies and lifts measures, refusing doubles and unknown sites', async () => {
    assert.equal((await cc('measure', 'apply', 'internet-cut', '--reason', 'stop the spread')).code, 0);
    assert.match((await cc('measure', 'apply', 'internet-cut', '--reason', 'again')).stderr, /internet-cut is already in force/);
    assert.match((await cc('measure', 'apply', 'link-cut', '--reason', 'no site')).stderr, /site: a link cut needs --site/);
    assert.match((await cc('measure', 'apply', 'link-cut', '--site', 'atlantis', '--reason', 'x site')).stderr, /unknown site "atlantis"/);
    assert.equal((await cc('measure', 'apply', 'quarantine', '--zone', 'clinical', '--site', 'hsp-north', '--reason', 'lateral movement seen')).code, 0);
    const state = JSON.parse((await cc('state', '--json')).stdout) as { measures: { id: string }[] };
    assert.deepEqual(state.measures.map((m) => m.id).sort(), ['internet-cut', 'quarantine:clinical@hsp-north']);
    assert.equal((await cc('measure', 'lift', 'quarantine', '--zone', 'clinical', '--site', 'hsp-north', '--reason', 'zone cleaned')).code, 0);
    assert.match((await cc('measure', 'lift', 'link-cut', '--site', 'hsp-north', '--reason', 'nothing to lift')).stderr, /not in force \(in force: internet-cut\)/);
  });

  it('shows the state as it was known at a time', async () => {
    const all = JSON.parse((await cc('log', '--json')).stdout) as { at: string }[];
    const firstAt = all[0]?.at ?? '';
    const early = JSON.parse((await cc('state', '--at', firstAt, '--json')).stdout) as { counts: { assets: number } };
    assert.equal(early.counts.assets, 0);
    assert.match((await cc('state', '--at', 'noon')).stderr, /ISO 8601/);
  });

  it('verifies the chain, then names the first entry an attacker altered', async () => {
    const copy = join(dir, 'tamper.db');
    assert.equal((await cc('backup', copy)).code, 0);
    const ok = await runCli(['verify', '--db', copy]);
    assert.equal(ok.code, 0);
    assert.match(ok.stdout, /Chain holds: \d+ entries; head entry \d+, hash [0-9a-f]{64}/);
    const raw = new Database(copy);
    raw.exec('DROP TRIGGER journal_no_update');
    raw.prepare("UPDATE journal SET actor = 'nobody' WHERE seq = 3").run();
    raw.close();
    const bad = await runCli(['verify', '--db', copy]);
    assert.equal(bad.code, 1);
    assert.match(bad.stderr, /Chain BROKEN at entry 3/);
  });

  it('prints the evidential logbook with every hash under the verification, and says when it is an extract or broken', async () => {
    const html = await cc('log', '--format', 'html');
    assert.equal(html.code, 0, html.stderr);
    const entries = JSON.parse((await cc('log', '--json')).stdout) as { hash: string }[];
    assert.match(html.stdout, new RegExp(`Hash chain verified over all ${entries.length} entries`));
    for (const e of entries) assert.ok(html.stdout.includes(e.hash), e.hash);
    assert.doesNotMatch(html.stdout, /EXTRACT/);
    assert.match((await cc('log', '--format', 'html', '--kind', 'measure.*')).stdout, /EXTRACT[\s\S]*kinds measure\.\*/);
    const copy = join(dir, 'print-tampered.db');
    await cc('backup', copy);
    const raw = new Database(copy);
    raw.exec('DROP TRIGGER journal_no_update');
    raw.prepare("UPDATE journal SET actor = 'nobody' WHERE seq = 2").run();
    raw.close();
    assert.match((await runCli(['log', '--format', 'html', '--db', copy])).stdout, /HASH CHAIN BROKEN at entry 2/);
    assert.match((await cc('log', '--format', 'pdf')).stderr, /a PDF needs a file/);
  });

  it('verifies even a journal that can no longer be folded, naming the entry of unknown kind', async () => {
    const copy = join(dir, 'unknown-kind.db');
    assert.equal((await cc('backup', copy)).code, 0);
    const raw = new Database(copy);
    raw.exec('DROP TRIGGER journal_no_update');
    raw.prepare("UPDATE journal SET kind = 'asset.teleported' WHERE seq = 2").run();
    raw.close();
    const status = await runCli(['assets', '--db', copy]);
    assert.equal(status.code, 1);
    assert.match(status.stderr, /journal entry 2 has unknown kind "asset.teleported"/);
    const v = await runCli(['verify', '--db', copy]);
    assert.equal(v.code, 1);
    assert.match(v.stderr, /Chain BROKEN at entry 2: unknown kind "asset.teleported"/);
  });

  it('exports and re-imports the journal exactly, and the copy verifies with the same head', async () => {
    const file = join(dir, 'journal.jsonl');
    assert.equal((await cc('export', '--jsonl', '-o', file)).code, 0);
    const copyDb = join(dir, 'replay.db');
    const imp = await runCli(['import-journal', file, '--db', copyDb]);
    assert.equal(imp.code, 0, imp.stderr);
    const again = join(dir, 'journal2.jsonl');
    assert.equal((await runCli(['export', '--jsonl', '-o', again, '--db', copyDb])).code, 0);
    assert.equal(readFileSync(again, 'utf8'), readFileSync(file, 'utf8'));
    // The chain is the same; the checkpoints are each installation's own (verify --json reports both).
    const chainOf = (out: string) => {
      const j = JSON.parse(out) as { ok: boolean; count: number; headSeq: number; headHash: string };
      return { ok: j.ok, count: j.count, headSeq: j.headSeq, headHash: j.headHash };
    };
    assert.deepEqual(chainOf((await runCli(['verify', '--json', '--db', copyDb])).stdout), chainOf((await cc('verify', '--json')).stdout));
    // Issue 11: re-running the same import is not an error (nothing to do); a later export of the
    // same journal brings the copy up to date; another journal is still refused.
    const rerun = await runCli(['import-journal', file, '--db', copyDb]);
    assert.equal(rerun.code, 0, rerun.stderr);
    assert.match(rerun.stdout, /already holds exactly this journal .*nothing to import/);
    assert.equal((await cc('note', 'one more line')).code, 0);
    const longer = join(dir, 'journal3.jsonl');
    assert.equal((await cc('export', '--jsonl', '-o', longer)).code, 0);
    const more = await runCli(['import-journal', longer, '--db', copyDb]);
    assert.equal(more.code, 0, more.stderr);
    assert.match(more.stdout, /^1 entries imported/);
    assert.deepEqual(chainOf((await runCli(['verify', '--json', '--db', copyDb])).stdout), chainOf((await cc('verify', '--json')).stdout));
    const otherDb = join(dir, 'other.db');
    assert.equal((await runCli(['init', '--name', 'Another crisis', '--db', otherDb])).code, 0);
    const otherFile = join(dir, 'other.jsonl');
    assert.equal((await runCli(['export', '--jsonl', '-o', otherFile, '--db', otherDb])).code, 0);
    const other = await runCli(['import-journal', otherFile, '--db', copyDb]);
    assert.equal(other.code, 2);
    assert.match(other.stderr, /already holds/);
  });

  it('writes an export again over an earlier export of the same journal, and never over anything else', async () => {
    const file = join(dir, 'again.jsonl');
    assert.equal((await cc('export', '--jsonl', '-o', file)).code, 0);
    const first = readFileSync(file, 'utf8');
    assert.equal((await cc('note', 'written after the first export')).code, 0);
    const second = await cc('export', '--jsonl', '-o', file);
    assert.equal(second.code, 0, second.stderr);
    assert.match(second.stderr, /replacing an earlier export of the same journal/);
    const now = readFileSync(file, 'utf8');
    assert.ok(now.startsWith(first) && now.length > first.length, 'the new export is the old one and more');
    const notes = join(dir, 'notes.txt');
    writeFileSync(notes, 'minutes of the 06:00 meeting\n');
    const refused = await cc('export', '--jsonl', '-o', notes);
    assert.equal(refused.code, 2);
    assert.match(refused.stderr, /notes\.txt exists and is not a journal export; choose a new file/);
    assert.equal(readFileSync(notes, 'utf8'), 'minutes of the 06:00 meeting\n', 'left as it was');
  });

  it('refuses an altered export before writing anything, naming the line', async () => {
    const file = join(dir, 'journal-bad.jsonl');
    await cc('export', '--jsonl', '-o', file);
    const lines = readFileSync(file, 'utf8').split('\n');
    lines[2] = lines[2]!.replace('"actor":"test-operator"', '"actor":"mallory"');
    writeFileSync(file, lines.join('\n'));
    const target = join(dir, 'never.db');
    const r = await runCli(['import-journal', file, '--db', target]);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /journal-bad\.jsonl:3: entry 3: content does not match its hash/);
    assert.equal((await runCli(['log', '--json', '--db', target])).stdout.trim(), '[]');
  });

  it('gives every command a help text with an example', async () => {
    for (const c of allCommands()) {
      const r = await runCli([...c.name.split(' '), '--help']);
      assert.equal(r.code, 0, c.name);
      assert.match(r.stdout, /Usage: crisiscell /, c.name);
      assert.match(r.stdout, /Example:\n {2}([A-Z_]+=\S+ )*crisiscell /, c.name);
    }
    const top = await runCli(['--help']);
    assert.match(top.stdout, /asset set/);
    assert.equal((await runCli(['frobnicate'])).code, 2);
    assert.match((await runCli(['assets', '--colour'])).stderr, /Unknown option '--colour'/);
  });
});
