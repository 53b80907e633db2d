import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readdirSync, statSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runHunt, type Detection } from './pipeline.ts';
import { readRuleDocs, RuleSet } from './sigma/ruleset.ts';
import { builtinRulesDir } from './rules/index.ts';

const CORPUS = fileURLToPath(new URL('../../../shared/corpus/', import.meta.url));

const docs = readRuleDocs([builtinRulesDir()]).docs;

function fixture(): { dir: string; files: string[] } {
  const dir = mkdtempSync(join(tmpdir(), 'cc-pipe-'));
  const files: string[] = [];
  for (let f = 0; f < 4; f++) {
    const lines: string[] = [];
    for (let i = 0; i < 200; i++) {
      const evil = i % 50 === 0;
      lines.push(
        JSON.stringify({
          EventTime: `2026-08-20 10:00:${String(i % 60).padStart(2, '0')}`,
          Hostname: `host${f}`,
          Channel: 'Microsoft-Windows-Sysmon/Operational',
          EventID: 1,
          RecordNumber: i + 1,
          SourceName: 'Microsoft-Windows-Sysmon',
          Image: 'C:\\Windows\\System32\\vssadmin.exe',
          CommandLine: evil ? 'vssadmin delete shadows /all /quiet' : 'vssadmin list shadows',
        }),
      );
    }
    lines.push('{"not json');
    const p = join(dir, `f${f}.jsonl`);
    writeFileSync(p, lines.join('\n') + '\n');
    files.push(p);
  }
  return { dir, files };
}

describe('hunt pipeline', () => {
  test('in-process and worker-thread runs find the same detections and count records and errors', async () => {
    const { dir, files } = fixture();
    try {
      const key = (d: Detection): string => `${d.file}#${d.eventRecordId}@${d.offset ?? d.line}:${d.rule.id}`;
      const a: Detection[] = [];
      const r0 = await runHunt({ files, ruleDocs: docs, threads: 0, onDetection: (d) => a.push(d) });
      const b: Detection[] = [];
      let progressCalls = 0;
      const r2 = await runHunt({ files, ruleDocs: docs, threads: 2, onDetection: (d) => b.push(d), onProgress: () => progressCalls++ });
      assert.equal(r0.records, 800);
      assert.equal(r2.records, 800);
      assert.equal(r0.readErrors, 4);
      assert.equal(r2.readErrors, 4);
      assert.equal(a.length, 16);
      assert.deepEqual(b.map(key).sort(), a.map(key).sort());
      assert.ok(progressCalls >= 4);
      assert.equal(r2.threads, 2);
      assert.ok(r2.workerStartMs > 0);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('a missing file is a read error, not a crash', async () => {
    const errors: string[] = [];
    const r = await runHunt({ files: ['/nonexistent/x.jsonl'], ruleDocs: docs, threads: 1, onDetection: () => undefined, onReadError: (e) => errors.push(e.message) });
    assert.equal(r.readErrors, 1);
    assert.match(errors[0] ?? '', /ENOENT|no such file/);
  });

  test('corpus: workers (rules compiled on demand from the spec, prefilter) find exactly what the unfiltered in-process scan finds', { skip: existsSync(CORPUS) ? false : 'corpus ../shared/corpus absent' }, async () => {
    const S = join(CORPUS, 'sigma');
    const all = readRuleDocs([join(S, 'rules'), join(S, 'rules-emerging-threats'), join(S, 'rules-threat-hunting'), builtinRulesDir()]).docs;
    const files: string[] = [];
    const walk = (d: string): void => {
      for (const n of readdirSync(d).sort()) {
        const p = join(d, n);
        if (statSync(p).isDirectory()) walk(p);
        else if (/\.(evtx|json)$/.test(n)) files.push(p);
      }
    };
    walk(join(CORPUS, 'evtx'));
    walk(join(S, 'regression'));
    const key = (d: Detection): string => `${d.rule.id} ${d.file} ${d.eventRecordId}@${d.offset ?? d.line} ${d.correlation ? JSON.stringify(d.correlation) : ''}`;
    const ref: string[] = [];
    const r0 = await runHunt({ files, ruleDocs: all, ruleSet: RuleSet.build(all, { prefilter: false }), threads: 0, onDetection: (d) => ref.push(key(d)) });
    const got: string[] = [];
    const r2 = await runHunt({ files, ruleDocs: all, ruleSet: RuleSet.build(all), threads: 2, onDetection: (d) => got.push(key(d)) });
    assert.ok(ref.length > 5000, `only ${ref.length} detections`);
    assert.equal(r2.records, r0.records);
    assert.equal(r2.readErrors, r0.readErrors);
    assert.deepEqual(got.sort(), ref.sort());
  });
});
