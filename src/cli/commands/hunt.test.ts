import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync, readFileSync, rmSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { huntCommand } from './hunt.ts';
import type { CliIo } from '../io.ts';
import { buildChunk, buildFile, fixChunkCrcs } from '../../../test/support/evtx-builder.ts';
import { logonRecords } from '../../../test/support/evidence-tree.ts';

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
  test('JSONL output: one detection per line with rule, identity, details, ATT&CK and location; findings after; summary on stderr', async () => {
    const dir = setup();
    try {
      const x = io(dir);
      const code = await huntCommand(['logs', '--jsonl', '--threads', '0'], x);
      assert.equal(code, 0);
      const all = x.out.text.trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
      const lines = all.filter((l) => 'rule' in l);
      const titles = lines.map((l) => (l.rule as { title: string }).title).sort();
      assert.deepEqual(titles, ['Security Event Log Cleared', 'Shadow Copies Or Backup Catalog Deleted, Recovery Disabled']);
      const shadow = lines.find((l) => (l.rule as { title: string }).title.startsWith('Shadow'));
      // Issue 12: the EventRecordID (not the header number), the channel, the event's details, the
      // rule's ATT&CK tags and the line of the JSON source replace the bare recordId.
      assert.deepEqual(Object.keys(shadow ?? {}), ['rule', 'timestamp', 'computer', 'channel', 'eventId', 'eventRecordId', 'details', 'tactics', 'techniques', 'file', 'line']);
      assert.equal(shadow?.eventRecordId, 10 - 1);
      assert.equal(shadow?.line, 2);
      assert.equal(shadow?.computer, 'ws07');
      assert.equal(shadow?.channel, 'Microsoft-Windows-Sysmon/Operational');
      assert.deepEqual(shadow?.details, { Cmdline: 'vssadmin delete shadows /all /quiet', Proc: 'C:\\Windows\\System32\\vssadmin.exe' });
      assert.deepEqual(shadow?.tactics, ['Impact']);
      assert.deepEqual(shadow?.techniques, ['T1490']);
      assert.equal((shadow?.rule as { level: string }).level, 'critical');
      const cleared = lines.find((l) => (l.rule as { title: string }).title.startsWith('Security Event Log'));
      assert.deepEqual(cleared?.details, { User: 'eve' });
      // After the detections: the log clearing as an erased-evidence finding.
      const findings = all.filter((l) => 'finding' in l).map((l) => l.finding as Record<string, unknown>);
      assert.deepEqual(findings.map((f) => [f.type, f.computer, f.channel, f.eventRecordId, f.by]), [['log-cleared', 'dc01', 'Security', 5, 'eve']]);
      assert.ok(all.indexOf(lines[lines.length - 1] as Record<string, unknown>) < all.findIndex((l) => 'finding' in l), 'findings come after the detections');
      assert.match(x.err.text, /Hunt summary/);
      assert.match(x.err.text, /by host, worst first/);
      assert.match(x.err.text, /rules loaded \d+/);
      assert.match(x.err.text, /events from 2026-08-20T02:00:00Z to 2026-08-20T02:02:00Z/);
      assert.match(x.err.text, /Security log cleared on dc01 at 2026-08-20T02:00:00Z by eve/);
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
      assert.equal(rows[0], 'timestamp,computer,channel,event_id,event_record_id,level,rule_title,rule_id,tactics,techniques,details,file,chunk,offset,line,recovered,other_sources');
      assert.ok(rows.some((r) => r.startsWith('2026-08-20T02:02:00Z,ws07,Microsoft-Windows-Sysmon/Operational,1,10,low,Notepad Opened,11111111-2222-4333-8444-555555555555,,,')), rows.join('\n'));
      assert.ok(rows.some((r) => r.includes('"Shadow Copies Or Backup Catalog Deleted, Recovery Disabled"')));
      // Details with a comma and quotes are one quoted cell.
      assert.ok(rows.some((r) => r.includes('"Cmdline: notepad ""a, b.txt"" ¦ Proc: C:\\Windows\\System32\\notepad.exe"')), rows.join('\n'));
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
      const hits = out.filter((l) => l.startsWith('{"rule"'));
      assert.equal(hits.length, 1);
      assert.match(hits[0] ?? '', /Notepad Opened/);
      assert.equal(out.filter((l) => l.startsWith('{"finding"')).length, 1, 'the log clearing is found whatever the rules');
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

  test('--timeline: detections of every input in time order, through runs on disk (--run-size 1)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'cc-hunt-tl-'));
    try {
      mkdirSync(join(dir, 'logs'));
      // Two hosts whose events interleave in time; each file is in its own order.
      const ev = (host: string, sec: number, n: number): string => JSON.stringify({ EventTime: `2026-08-20 02:00:${String(sec).padStart(2, '0')}`, Hostname: host, Channel: 'Microsoft-Windows-Sysmon/Operational', EventID: 1, RecordNumber: n, SourceName: 'Microsoft-Windows-Sysmon', Image: 'C:\\Windows\\System32\\vssadmin.exe', CommandLine: 'vssadmin delete shadows /all /quiet' });
      writeFileSync(join(dir, 'logs', 'a.jsonl'), [ev('ws01', 50, 3), ev('ws01', 10, 1), ev('ws01', 30, 2)].join('\n') + '\n');
      writeFileSync(join(dir, 'logs', 'b.jsonl'), [ev('ws02', 20, 7), ev('ws02', 40, 8), ev('ws02', 5, 6)].join('\n') + '\n');
      const x = io(dir);
      assert.equal(await huntCommand(['logs', '--timeline', '--run-size', '1', '--csv', '--threads', '0'], x), 0, x.err.text);
      const rows = x.out.text.trim().split('\n').slice(1).map((r) => r.split(',').slice(0, 2).join(' '));
      assert.deepEqual(rows, ['2026-08-20T02:00:05Z ws02', '2026-08-20T02:00:10Z ws01', '2026-08-20T02:00:20Z ws02', '2026-08-20T02:00:30Z ws01', '2026-08-20T02:00:40Z ws02', '2026-08-20T02:00:50Z ws01']);
      assert.match(x.err.text, /detections: 6 from 2026-08-20T02:00:05Z to 2026-08-20T02:00:50Z/);
      assert.match(x.err.text, /ws01 +3 +\. +\. +\. +\. +3 +2026-08-20T02:00:10Z -> 2026-08-20T02:00:50Z/);
      const y = io(dir);
      assert.equal(await huntCommand(['logs', '--run-size', '0'], y), 2);
      assert.match(y.err.text, /--run-size must be a whole number/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('--recover runs the rules on records carved from deleted space, marked recovered', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'cc-hunt-rec-'));
    try {
      // An RDP logon from a public address, left in the slack of the chunk (the chunk header says
      // only the first record is live).
      const c = buildChunk(logonRecords([
        { eventRecordId: 41, user: 'svc', logonType: 3, ip: '10.0.0.5' },
        { eventRecordId: 42, user: 'admin', logonType: 10, ip: '185.220.101.4' },
      ]));
      const view = new DataView(c.bytes.buffer);
      view.setBigUint64(16, 1n, true);
      view.setBigUint64(32, 1n, true);
      view.setUint32(48, c.offsets[1] as number, true);
      fixChunkCrcs(c.bytes);
      writeFileSync(join(dir, 'Security.evtx'), buildFile([c.bytes]));
      const plain = io(dir);
      assert.equal(await huntCommand(['Security.evtx', '--jsonl', '--threads', '0'], plain), 0);
      assert.equal(plain.out.text.trim(), '', 'nothing without --recover');
      const x = io(dir);
      assert.equal(await huntCommand(['Security.evtx', '--jsonl', '--threads', '0', '--recover'], x), 0);
      const hit = JSON.parse(x.out.text.trim().split('\n')[0] ?? '{}') as Record<string, unknown>;
      assert.equal((hit.rule as { title: string }).title, 'RDP Logon From A Public IP Address');
      assert.equal(hit.eventRecordId, 42);
      assert.equal(hit.recovered, true);
      assert.deepEqual(hit.details, { TgtUser: 'admin', Type: '10 - RemoteInteractive', SrcIP: '185.220.101.4' });
      assert.match(x.err.text, /records: 2 \(1 recovered from deleted space\)/);
      const human = io(dir);
      await huntCommand(['Security.evtx', '--threads', '0', '--recover'], human);
      assert.match(human.out.text, /Security 4624 #42 .*\/Security\.evtx @\d+ \(recovered\)/);
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
