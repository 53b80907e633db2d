import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync, readFileSync, rmSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { huntCommand } from './hunt.ts';
import type { CliIo } from '../io.ts';

class Capture extends Writable {
  text = '';
  isTTY: boolean;
  columns = 120;
  constructor(tty = false) {
    super();
    this.isTTY = tty;
  }
  override _write(chunk: Buffer, _enc: string, cb: () => void): void {
    this.text += chunk.toString();
    cb();
  }
}

function io(cwd: string, ttyErr = false): CliIo & { out: Capture; err: Capture } {
  const out = new Capture();
  const err = new Capture(ttyErr);
  return { stdout: out, stderr: err, env: {}, cwd, out, err };
}

function setup(): string {
  const dir = mkdtempSync(join(tmpdir(), 'cc-hunt-cli-'));
  const ev = [
    { EventTime: '2026-08-20 02:00:00', Hostname: 'dc01', Channel: 'Security', EventID: 1102, RecordNumber: 5, SourceName: 'Microsoft-Windows-Eventlog', SubjectUserName: 'eve' },
    { EventTime: '2026-08-20 02:01:00', Hostname: 'ws07', Channel: 'Microsoft-Windows-Sysmon/Operational', EventID: 1, RecordNumber: 9, SourceName: 'Microsoft-Windows-Sysmon', Image: 'C:\\Windows\\System32\\vssadmin.exe', CommandLine: 'vssadmin delete shadows /all /quiet' },
    { EventTime: '2026-08-20 02:02:00', Hostname: 'ws07', Channel: 'Microsoft-Windows-Sysmon/Operational', EventID: 1, RecordNumber: 10, SourceName: 'Microsoft-Windows-Sysmon', Image: 'C:\\Windows\\System32\\notepad.exe', CommandLine: 'notepad "a, b.txt"' },
  ];
  mkdirSync(join(dir, 'logs'));
  writeFileSync(join(dir, 'logs', 'ev.jsonl'), ev.map((e) => JSON.stringify(e)).join('\n') + '\n');
  mkdirSync(join(dir, 'rules'));
  writeFileSync(
    join(dir, 'rules', 'notepad.yml'),
    'title: Notepad Opened\nid: 11111111-2222-4333-8444-555555555555\nlogsource:\n    product: windows\n    category: process_creation\ndetection:\n    sel:\n        Image|endswith: \\notepad.exe\n    condition: sel\nlevel: low\n',
  );
  writeFileSync(join(dir, 'rules', 'broken.yml'), 'title: Broken\nlogsource:\n    product: windows\ndetection:\n    sel:\n        X|re: "(oops"\n    condition: sel\n');
  mkdirSync(join(dir, 'empty'));
  return dir;
}

describe('hunt command', () => {
  test('JSONL output: one detection per line with rule, file, record, time, host, EventID; summary on stderr', async () => {
    const dir = setup();
    try {
      const x = io(dir);
      const code = await huntCommand(['logs', '--jsonl', '--threads', '0'], x);
      assert.equal(code, 0);
      const lines = x.out.text.trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
      const titles = lines.map((l) => (l.rule as { title: string }).title).sort();
      assert.deepEqual(titles, ['Security Event Log Cleared', 'Shadow Copies Or Backup Catalog Deleted, Recovery Disabled']);
      const shadow = lines.find((l) => (l.rule as { title: string }).title.startsWith('Shadow'));
      assert.deepEqual(Object.keys(shadow ?? {}).sort(), ['computer', 'eventId', 'file', 'recordId', 'rule', 'timestamp']);
      assert.equal(shadow?.recordId, 10 - 1);
      assert.equal(shadow?.computer, 'ws07');
      assert.equal((shadow?.rule as { level: string }).level, 'critical');
      assert.match(x.err.text, /Hunt summary/);
      assert.match(x.err.text, /by host:/);
      assert.match(x.err.text, /rules loaded \d+/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('CSV output has a header and quotes cells; --rules adds rules and reports unusable ones', async () => {
    const dir = setup();
    try {
      const x = io(dir);
      const code = await huntCommand(['logs', '--csv', '--rules', 'rules', '--threads', '0'], x);
      assert.equal(code, 0);
      const rows = x.out.text.trim().split('\n');
      assert.equal(rows[0], 'rule_id,rule_title,level,file,record_id,timestamp,computer,event_id');
      assert.ok(rows.some((r) => r.startsWith('11111111-2222-4333-8444-555555555555,Notepad Opened,low,')));
      assert.ok(rows.some((r) => r.includes('"Shadow Copies Or Backup Catalog Deleted, Recovery Disabled"')));
      assert.match(x.err.text, /unusable 1/);
      assert.match(x.err.text, /broken\.yml \(Broken\): detection\.sel\.X\|re: regex does not compile/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('--min-level, --no-builtin and -o FILE (summary then on stdout)', async () => {
    const dir = setup();
    try {
      const x = io(dir);
      assert.equal(await huntCommand(['logs', '--no-builtin', '--rules', 'rules', '--jsonl', '-o', 'out.jsonl', '--threads', '0'], x), 0);
      const out = readFileSync(join(dir, 'out.jsonl'), 'utf8').trim().split('\n');
      assert.equal(out.length, 1);
      assert.match(out[0] ?? '', /Notepad Opened/);
      assert.match(x.out.text, /Hunt summary/);
      const y = io(dir);
      assert.equal(await huntCommand(['logs', '--rules', 'rules', '--min-level', 'high', '--jsonl', '--threads', '0'], y), 0);
      assert.doesNotMatch(y.out.text, /Notepad/);
      assert.match(y.out.text, /Shadow/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('human output by default, and a progress line on a terminal', async () => {
    const dir = setup();
    try {
      const x = io(dir, true);
      assert.equal(await huntCommand(['logs', '--threads', '1'], x), 0);
      assert.match(x.out.text, /critical\s+Shadow Copies/);
      assert.match(x.err.text, /\r\[#+\.*\] \d+\/1 files/);
      assert.match(x.err.text, /rec\/s  ETA/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('usage errors exit 2 with a clear message', async () => {
    const dir = setup();
    try {
      const cases: [string[], RegExp][] = [
        [[], /at least one evidence/],
        [['nope'], /no such file or folder: nope/],
        [['logs', '--rules', 'missing'], /no such rules file or folder: missing/],
        [['logs', '--rules', 'empty'], /no rule files/],
        [['logs', '--threads', 'many'], /--threads must be a number/],
        [['logs', '--min-level', 'severe'], /--min-level must be one of/],
        [['logs', '--jsonl', '--csv'], /exclusive/],
        [['logs', '--frobnicate'], /Unknown option/],
        [['logs', '--no-builtin'], /--no-builtin needs at least one --rules/],
      ];
      for (const [argv, re] of cases) {
        const x = io(dir);
        assert.equal(await huntCommand(argv, x), 2, argv.join(' '));
        assert.match(x.err.text, re, argv.join(' '));
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('--help prints usage with an example', async () => {
    const x = io('/');
    assert.equal(await huntCommand(['--help'], x), 0);
    assert.match(x.out.text, /Usage: crisiscell hunt/);
    assert.match(x.out.text, /Example:/);
  });
});
