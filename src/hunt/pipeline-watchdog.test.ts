// A rule whose regular expression never finishes on a file must not hang the hunt: the stuck
// worker is replaced, the file is reported as a read error, and the files behind it are hunted.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runHunt } from './pipeline.ts';
import type { Detection } from './pipeline.ts';
import type { ReadError } from './record.ts';
import { readRuleDocs } from './sigma/ruleset.ts';

function event(recordId: number, commandLine: string): string {
  return JSON.stringify({
    EventTime: '2026-08-20 10:00:00',
    Hostname: 'ws-01',
    Channel: 'Microsoft-Windows-Sysmon/Operational',
    EventID: 1,
    RecordNumber: recordId,
    SourceName: 'Microsoft-Windows-Sysmon',
    Image: 'C:\\Windows\\System32\\cmd.exe',
    CommandLine: commandLine,
  });
}

test('a catastrophic regular expression on one file does not hang the hunt; the other files are hunted', { timeout: 60_000 }, async () => {
  const dir = mkdtempSync(join(tmpdir(), 'cc-stall-'));
  try {
    mkdirSync(join(dir, 'rules'));
    writeFileSync(join(dir, 'rules', 'catastrophic.yml'), [
      'title: Nested quantifier on the command line',
      'id: 5b1f9c3e-1d2a-4c6b-9e8f-0a1b2c3d4e5f',
      'status: test',
      'logsource: { product: windows, category: process_creation }',
      'detection:',
      '  sel:',
      "    CommandLine|re: '^(a+)+$'",
      '  condition: sel',
      'level: low',
      '',
    ].join('\n'));
    writeFileSync(join(dir, 'rules', 'cmd.yml'), [
      'title: cmd started',
      'id: 0c8e4a57-2f3d-4b9a-8c1e-5d6f7a8b9c0d',
      'status: test',
      'logsource: { product: windows, category: process_creation }',
      'detection:',
      '  sel:',
      "    Image|endswith: '\\cmd.exe'",
      '  condition: sel',
      'level: low',
      '',
    ].join('\n'));
    const hang = join(dir, 'a-hang.jsonl');
    writeFileSync(hang, `${event(1, `${'a'.repeat(60)}!`)}\n`);
    const fine = [1, 2, 3].map((i) => {
      const p = join(dir, `b-fine-${i}.jsonl`);
      writeFileSync(p, `${event(1, 'cmd /c echo ok')}\n${event(2, 'cmd /c dir')}\n`);
      return p;
    });
    const docs = readRuleDocs([join(dir, 'rules')]).docs;
    assert.equal(docs.length, 2);
    const detections: Detection[] = [];
    const errors: ReadError[] = [];
    const r = await runHunt({ files: [hang, ...fine], ruleDocs: docs, threads: 1, stallMs: 1500, onDetection: (d) => detections.push(d), onReadError: (e) => errors.push(e) });
    assert.equal(errors.length, 1);
    assert.equal(errors[0]?.file, hang);
    assert.match(errors[0]?.message ?? '', /no progress for 2 s .*skipped/);
    assert.equal(r.readErrors, 1);
    assert.deepEqual([...new Set(detections.map((d) => d.file))].sort(), fine, 'every file behind the stuck one was hunted');
    assert.equal(detections.filter((d) => d.rule.title === 'cmd started').length, 6);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
