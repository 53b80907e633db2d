import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import { clearEventOf, ErasedEvidence, IdRunTracker, type LogCleared, type RecordGap } from './erased.ts';
import { makeRecord } from '../../test/support/sigma.ts';
import type { EventRecord } from './record.ts';
import { runHunt } from './pipeline.ts';
import { readRuleDocs } from './sigma/ruleset.ts';
import { builtinRulesDir } from './rules/index.ts';

const t = (s: number): string => new Date(Date.UTC(2022, 4, 14, 1, 0, s)).toISOString().replace('.000Z', '.000000Z');
const rec = (id: number, over: Partial<EventRecord> = {}): EventRecord => makeRecord({}, { channel: 'Security', computer: 'DC01.corp', eventRecordId: id, timestamp: t(id), file: 'a.evtx', ...over });

function analyse(files: EventRecord[][]): (LogCleared | RecordGap)[] {
  const e = new ErasedEvidence();
  for (const f of files) {
    const tr = new IdRunTracker();
    const clears: LogCleared[] = [];
    for (const r of f) {
      tr.add(r);
      const c = clearEventOf(r);
      if (c) clears.push(c);
    }
    e.add(tr.take(), clears);
  }
  return e.findings();
}

describe('erased evidence', () => {
  it('a hole in the EventRecordIDs of one channel on one computer is a gap, with the missing range and the times around it', () => {
    const f = analyse([[1, 2, 3, 10, 11, 12].map((i) => rec(i))]);
    assert.deepEqual(f, [{ type: 'record-gap', computer: 'DC01.corp', channel: 'Security', missing: { from: 4, to: 9, count: 6 }, before: { eventRecordId: 3, time: t(3) }, after: { eventRecordId: 10, time: t(10) } }]);
  });

  it('IDs seen in other inputs (an export, a second copy, recovered records) fill the holes; channels and computers are kept apart', () => {
    const a = [1, 2, 3, 10].map((i) => rec(i));
    const b = [4, 5, 6, 7, 8, 9].map((i) => rec(i, { file: 'b.json', channel: 'security' }));
    const other = [1, 5].map((i) => rec(i, { computer: 'WS07' }));
    const sysmon = [100, 101].map((i) => rec(i, { channel: 'Microsoft-Windows-Sysmon/Operational' }));
    const f = analyse([a, b, other, sysmon]);
    assert.deepEqual(f.map((g) => [g.type, g.computer, g.channel, (g as RecordGap).missing]), [['record-gap', 'WS07', 'Security', { from: 2, to: 4, count: 3 }]]);
  });

  it('records out of order within a file, and repeated, are runs all the same', () => {
    assert.deepEqual(analyse([[5, 6, 7, 1, 2, 3, 4, 4, 8].map((i) => rec(i))]), []);
  });

  it('numbering that starts again (a cleared or recreated log) is told apart from a gap', () => {
    // Old records 500-502 (carved) before the clear; the new log numbers from 1 at a later time.
    const old = [500, 501, 502].map((i) => rec(i, { timestamp: t(i % 60).replace('01:', '00:') }));
    const fresh = [1, 2, 3].map((i) => rec(i));
    const f = analyse([[...fresh, ...old]]);
    assert.equal(f.length, 1);
    assert.equal(f[0]?.type, 'numbering-restart');
  });

  it('1102 (Security) and 104 (System, naming the log) are log clearings with who did it and where the event is', () => {
    const sec = rec(77, { eventId: 1102, provider: 'Microsoft-Windows-Eventlog', data: { SubjectUserName: 'eve', SubjectDomainName: 'CORP' }, offset: 4608, chunk: 0 });
    const sys = rec(12, { eventId: 104, channel: 'System', provider: 'Microsoft-Windows-Eventlog', data: { SubjectUserName: 'eve', SubjectDomainName: 'CORP', Channel: 'Microsoft-Windows-PowerShell/Operational' }, recovered: true });
    const notClear = rec(13, { eventId: 104, channel: 'System', provider: 'Some-Other-Provider' });
    const f = analyse([[sec], [sys, notClear]]);
    assert.deepEqual(f.filter((x) => x.type === 'log-cleared'), [
      { type: 'log-cleared', computer: 'DC01.corp', channel: 'Microsoft-Windows-PowerShell/Operational', time: t(12), eventRecordId: 12, eventId: 104, by: 'CORP\\eve', source: { file: 'a.evtx', recovered: true } },
      { type: 'log-cleared', computer: 'DC01.corp', channel: 'Security', time: t(77), eventRecordId: 77, eventId: 1102, by: 'CORP\\eve', source: { file: 'a.evtx', chunk: 0, offset: 4608 } },
    ], 'in time order');
  });

  it('the same clearing read from an .evtx and its export is one finding', () => {
    const c = (file: string): EventRecord => rec(77, { eventId: 1102, provider: 'Microsoft-Windows-Eventlog', file });
    assert.equal(analyse([[c('a.evtx')], [c('a.json')]]).filter((f) => f.type === 'log-cleared').length, 1);
  });

  it('memory follows the holes, not the records: 300,000 consecutive IDs are one run', () => {
    const tr = new IdRunTracker();
    for (let i = 1; i <= 300_000; i++) tr.add({ ...rec(1), eventRecordId: i });
    const runs = tr.take();
    assert.equal(runs.length, 1);
    assert.deepEqual(runs[0]?.ids, [1, 300_000]);
  });

  const lm = fileURLToPath(new URL('../../../shared/corpus/evtx/EVTX-ATTACK-SAMPLES/Lateral Movement/', import.meta.url));
  it('corpus: the Lateral Movement samples show who cleared the Security log, and the records missing before each clearing', { skip: existsSync(lm) ? false : 'corpus not present' }, async () => {
    const files = ['LM_4624_mimikatz_sekurlsa_pth_source_machine.evtx', 'LM_WMIC_4648_rpcss.evtx'].map((f) => join(lm, f));
    const r = await runHunt({ files, ruleDocs: readRuleDocs([builtinRulesDir()]).docs, threads: 0, onDetection: () => undefined });
    const clears = r.findings.filter((f): f is LogCleared => f.type === 'log-cleared');
    assert.deepEqual(clears.map((c) => [c.computer, c.channel, c.eventRecordId, c.by]), [['PC01.example.corp', 'Security', 432901, 'EXAMPLE\\user01'], ['PC01.example.corp', 'Security', 433307, 'EXAMPLE\\user01']]);
    const gaps = r.findings.filter((f): f is RecordGap => f.type === 'record-gap' && f.channel === 'Security');
    // Between the two files, the 228 records written after 11:06:46 and gone when the log was
    // cleared again at 11:27:00.
    assert.deepEqual(gaps.find((g) => g.after.eventRecordId === 433307), {
      type: 'record-gap', computer: 'PC01.example.corp', channel: 'Security', missing: { from: 433079, to: 433306, count: 228 },
      before: { eventRecordId: 433078, time: '2019-03-18T11:06:46.305152Z' }, after: { eventRecordId: 433307, time: '2019-03-18T11:27:00.438449Z' },
    });
  });
});
