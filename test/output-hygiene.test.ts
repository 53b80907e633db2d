// What people write during an attack (or what an attacker writes through the API) is shown as
// text everywhere it is printed: no escape sequence reaches the operator's terminal, no HTML runs
// from a Markdown sitrep, no bidi override or NUL rearranges the printed logbook, no formula fires
// in a spreadsheet; and an estate file is imported as the bytes it is, or refused.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from './support/cli-io.ts';
import { EXAMPLE_ESTATE } from './support/server.ts';
import { csvField } from '../src/core/csv.ts';

let dir: string;
let db: string;
const cc = (...a: string[]) => runCli([...a, '--db', db]);

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'cc-hygiene-'));
  db = join(dir, 'h.db');
  assert.equal((await cc('init', '--name', 'Hygiene')).code, 0);
});
after(() => rmSync(dir, { recursive: true, force: true }));

const ESC = '\u001b';
const BEL = '\u0007';
const ATTACK = `${ESC}]0;pwned${BEL}${ESC}[2J${ESC}[1Afake line\rover`;

describe('terminal output', () => {
  it('neutralises escape sequences in log and decision list', async () => {
    assert.equal((await cc('note', ATTACK)).code, 0);
    assert.equal((await cc('decision', 'open', `Close ${ESC}[2J the lab?`)).code, 0);
    for (const cmd of [['log'], ['decision', 'list']]) {
      const r = await cc(...cmd);
      assert.equal(r.code, 0, r.stderr);
       
      assert.doesNotMatch(r.stdout, /[\u0000-\u0008\u000b-\u001f\u007f]/, `${cmd.join(' ')}: a control character reached the terminal`);
      assert.match(r.stdout, /\\x1b\[2J/, 'shown, visibly');
    }
    // JSON stays exact (escaped by JSON itself): a program reading it gets what was written.
    const json = JSON.parse((await cc('log', '--json', '--kind', 'log.note')).stdout) as { payload: { text: string } }[];
    assert.equal(json.at(-1)?.payload.text, ATTACK);
  });

  it('keeps a newline inside a note from faking a log line', async () => {
    assert.equal((await cc('note', 'first\n#999  2022-05-14T03:00:00Z  admin  log.note  [fact] forged')).code, 0);
    const lines = (await cc('log')).stdout.split('\n');
    assert.equal(lines.filter((l) => l.startsWith('#999')).length, 0);
  });
});

describe('printed reports', () => {
  it('escapes HTML in the Markdown sitrep', async () => {
    assert.equal((await cc('decision', 'open', '<script>alert(1)</script> and <img src=x onerror=alert(2)>?')).code, 0);
    const md = await cc('sitrep');
    assert.equal(md.code, 0, md.stderr);
    assert.doesNotMatch(md.stdout, /<script>|<img/);
    assert.match(md.stdout, /&lt;script&gt;alert\(1\)&lt;\/script&gt;/);
  });

  it('shows bidi overrides and NUL in the logbook HTML instead of obeying them', async () => {
    assert.equal((await cc('note', 'invoice\u202Eexe.pdf and a \u0000 byte')).code, 0);
    const html = (await cc('log', '--format', 'html')).stdout;
    assert.doesNotMatch(html, /[\u202a-\u202e\u2066-\u2069\u0000]/);
    assert.match(html, /invoice\[U\+202E\]exe\.pdf and a \[U\+0000\] byte/);
  });

  it('neutralises formula prefixes in the CSV the product writes', () => {
    assert.equal(csvField("=cmd|' /C calc'!A0"), "'=cmd|' /C calc'!A0");
    assert.equal(csvField('+1+1'), "'+1+1");
    assert.equal(csvField('-2'), "'-2");
    assert.equal(csvField('@SUM(A1)'), "'@SUM(A1)");
    assert.equal(csvField('\t=1'), "'\t=1");
    assert.equal(csvField('a,"b"'), '"a,""b"""');
    assert.equal(csvField(-2), '-2', 'numbers stay numbers');
    assert.equal(csvField('SRV-DC-01'), 'SRV-DC-01');
  });
});

describe('estate files are imported as the bytes they are', () => {
  const estate = (name: string): string => {
    const d = mkdtempSync(join(dir, `${name}-`));
    for (const f of ['sites.csv', 'services.csv', 'assets.csv', 'dependencies.csv']) copyFileSync(join(EXAMPLE_ESTATE, f), join(d, f));
    return d;
  };

  it('refuses a file that is not UTF-8, naming file:line: column, writing nothing', async () => {
    const d = estate('latin1');
    const latin1 = Buffer.concat([Buffer.from('id,name,kind,location\ndc,Datacenter,datacenter,Marche\nhsp-north,H'), Buffer.from([0xf4]), Buffer.from('pital Nord,hospital,Arlon\n')]);
    writeFileSync(join(d, 'sites.csv'), latin1);
    const r = await cc('import', ...['sites.csv', 'services.csv', 'assets.csv', 'dependencies.csv'].map((f) => join(d, f)));
    assert.equal(r.code, 2, r.stderr);
    assert.match(r.stderr, /sites\.csv:3: byte 12: not valid UTF-8 \(byte 0xF4\)/);
    assert.equal((await cc('assets', '--json')).stdout.trim(), '[]');
  });

  it('refuses a duplicated header column', async () => {
    const d = estate('dup');
    writeFileSync(join(d, 'sites.csv'), 'id,name,kind,name\ndc,Datacenter,datacenter,Other\n');
    const r = await cc('import', join(d, 'sites.csv'));
    assert.equal(r.code, 2);
    assert.match(r.stderr, /sites\.csv:1: name: duplicate column/);
  });

  it('records the sha256 of the file itself', async () => {
    const d = estate('hash');
    // A BOM and CRLF line ends, as a spreadsheet writes them: the hash is of the bytes on disk.
    const sites = Buffer.from(`\uFEFF${readFileSync(join(d, 'sites.csv'), 'utf8').replace(/\n/g, '\r\n')}`, 'utf8');
    writeFileSync(join(d, 'sites.csv'), sites);
    const files = ['sites.csv', 'services.csv', 'assets.csv', 'dependencies.csv'].map((f) => join(d, f));
    const r = await cc('import', ...files);
    assert.equal(r.code, 0, r.stderr);
    const [entry] = JSON.parse((await cc('log', '--json', '--kind', 'estate.upserted')).stdout) as { payload: { sources: { file: string; sha256: string }[] } }[];
    const recorded = entry?.payload.sources.find((s) => s.file.endsWith('sites.csv'))?.sha256;
    assert.equal(recorded, createHash('sha256').update(readFileSync(join(d, 'sites.csv'))).digest('hex'));
  });
});
