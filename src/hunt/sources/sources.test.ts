import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { EventRecord, ReadError } from '../record.ts';
import { readJsonFile, mapJsonEvent, normalizeTime, listEvidenceFiles } from './index.ts';

function withFile(content: string, fn: (path: string) => void): void {
  const dir = mkdtempSync(join(tmpdir(), 'cc-sources-'));
  try {
    const p = join(dir, 'ev.json');
    writeFileSync(p, content);
    fn(p);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function readAll(path: string): { recs: EventRecord[]; errs: ReadError[] } {
  const recs: EventRecord[] = [];
  const errs: ReadError[] = [];
  readJsonFile(path, (r) => recs.push(r), (e) => errs.push(e));
  return { recs, errs };
}

const EVTX_DUMP = {
  Event: {
    '#attributes': { xmlns: 'http://schemas.microsoft.com/win/2004/08/events/event' },
    System: {
      Provider: { '#attributes': { Name: 'Service Control Manager', Guid: '{555908d1}' } },
      EventID: { '#attributes': { Qualifiers: 16384 }, '#text': 7045 },
      Level: 4,
      TimeCreated: { '#attributes': { SystemTime: '2026-08-20T01:02:03.123456Z' } },
      EventRecordID: 42,
      Channel: 'System',
      Computer: 'srv01',
      Security: { '#attributes': { UserID: 'S-1-5-18' } },
    },
    EventData: { ServiceName: 'PSEXESVC', ImagePath: '%SystemRoot%\\PSEXESVC.exe' },
  },
};

describe('JSON evidence sources', () => {
  test('evtx_dump documents map System and EventData, including Qualifiers-style EventID', () => {
    const r = mapJsonEvent(EVTX_DUMP, 'f', 1);
    assert.equal(r.eventId, 7045);
    assert.equal(r.channel, 'System');
    assert.equal(r.provider, 'Service Control Manager');
    assert.equal(r.computer, 'srv01');
    assert.equal(r.recordId, 42);
    assert.equal(r.timestamp, '2026-08-20T01:02:03.123456Z');
    assert.equal(r.data.ServiceName, 'PSEXESVC');
    assert.equal(r.system['Security.UserID'], 'S-1-5-18');
    assert.equal(r.system['EventID.Qualifiers'], 16384);
  });

  test('UserData children become data fields', () => {
    const r = mapJsonEvent({ Event: { System: { EventID: 1102, Channel: 'Security' }, UserData: { LogFileCleared: { '#attributes': { xmlns: 'x' }, SubjectUserName: 'eve' } } } }, 'f', 1);
    assert.equal(r.data.SubjectUserName, 'eve');
  });

  test('NXLog flat JSON maps metadata to System and the rest to data', () => {
    const r = mapJsonEvent(
      { EventTime: '2026-08-20 10:11:12', Hostname: 'dc01', SourceName: 'Microsoft-Windows-Security-Auditing', Channel: 'Security', EventID: 4624, RecordNumber: 7, Severity: 'INFO', LogonType: '10', IpAddress: '8.8.8.8' },
      'f',
      1,
    );
    assert.equal(r.eventId, 4624);
    assert.equal(r.computer, 'dc01');
    assert.equal(r.provider, 'Microsoft-Windows-Security-Auditing');
    assert.equal(r.timestamp, '2026-08-20T10:11:12Z');
    assert.equal(r.recordId, 7);
    assert.equal(r.level, 4);
    assert.deepEqual(r.data, { LogonType: '10', IpAddress: '8.8.8.8' });
  });

  test('Winlogbeat/ECS maps winlog.* and @timestamp', () => {
    const r = mapJsonEvent(
      {
        '@timestamp': '2026-08-20T10:11:12.500Z',
        winlog: { event_id: '4688', channel: 'Security', computer_name: 'ws7', provider_name: 'Microsoft-Windows-Security-Auditing', record_id: 99, event_data: { NewProcessName: 'C:\\x.exe' } },
        log: { level: 'information' },
      },
      'f',
      1,
    );
    assert.equal(r.eventId, 4688);
    assert.equal(r.channel, 'Security');
    assert.equal(r.computer, 'ws7');
    assert.equal(r.recordId, 99);
    assert.equal(r.timestamp, '2026-08-20T10:11:12.500Z');
    assert.equal(r.data.NewProcessName, 'C:\\x.exe');
    assert.equal(r.level, 4);
  });

  test('unknown shapes are refused with a clear message', () => {
    assert.throws(() => mapJsonEvent({ hello: 1 }, 'f', 1), /unknown JSON event shape/);
  });

  test('times: ISO UTC kept as is, zone-less NXLog read as UTC, offsets converted', () => {
    assert.equal(normalizeTime('2026-01-02T03:04:05.123456Z'), '2026-01-02T03:04:05.123456Z');
    assert.equal(normalizeTime('2026-01-02 03:04:05'), '2026-01-02T03:04:05Z');
    assert.equal(normalizeTime('2026-01-02T05:04:05+02:00'), '2026-01-02T03:04:05.000Z');
  });

  test('JSONL with all three shapes auto-detected per line; a bad line is an error naming the line', () => {
    const lines = [
      JSON.stringify(EVTX_DUMP),
      '{"EventID": 4624, "Channel": "Security", "Hostname": "dc01", "EventTime": "2026-08-20 10:00:00"}',
      '{"broken": ',
      JSON.stringify({ winlog: { event_id: 1, channel: 'Microsoft-Windows-Sysmon/Operational' }, '@timestamp': '2026-08-20T10:00:00Z' }),
      '',
    ].join('\n');
    withFile(lines, (p) => {
      const { recs, errs } = readAll(p);
      assert.deepEqual(recs.map((r) => r.eventId), [7045, 4624, 1]);
      assert.equal(errs.length, 1);
      assert.equal(errs[0]?.line, 3);
      assert.equal(errs[0]?.file, p);
      assert.match(errs[0]?.message ?? '', /bad JSON|not a JSON|truncated/);
    });
  });

  test('pretty-printed sequences (evtx_dump default output, Record N lines, CRLF) are read', () => {
    const pretty = JSON.stringify(EVTX_DUMP, null, 2);
    const text = `Record 42\r\n${pretty.replace(/\n/g, '\r\n')}\r\nRecord 43\r\n${pretty}\n`;
    withFile(text, (p) => {
      const { recs, errs } = readAll(p);
      assert.equal(errs.length, 0);
      assert.equal(recs.length, 2);
      assert.equal(recs[1]?.data.ServiceName, 'PSEXESVC');
    });
  });

  test('a truncated pretty document is reported and the next one still read', () => {
    const pretty = JSON.stringify(EVTX_DUMP, null, 2);
    const cut = pretty.split('\n').slice(0, 8).join('\n');
    withFile(`${cut}\n${pretty}\n`, (p) => {
      const { recs, errs } = readAll(p);
      assert.equal(recs.length, 1);
      assert.equal(errs.length, 1);
      assert.equal(errs[0]?.line, 1);
    });
  });

  test('lines longer than the read buffer are assembled correctly', () => {
    const big = { Event: { System: { EventID: 4104, Channel: 'Microsoft-Windows-PowerShell/Operational' }, EventData: { ScriptBlockText: 'x'.repeat(3 << 20) } } };
    withFile(JSON.stringify(big) + '\n' + JSON.stringify(EVTX_DUMP) + '\n', (p) => {
      const { recs, errs } = readAll(p);
      assert.equal(errs.length, 0);
      assert.equal(recs.length, 2);
      assert.equal((recs[0]?.data.ScriptBlockText as string).length, 3 << 20);
    });
  });

  test('folders are walked for .evtx/.json/.jsonl/.ndjson; explicit files are kept whatever their name', () => {
    const dir = mkdtempSync(join(tmpdir(), 'cc-list-'));
    try {
      for (const n of ['a.evtx', 'b.json', 'c.jsonl', 'd.ndjson', 'e.txt']) writeFileSync(join(dir, n), '');
      assert.deepEqual(listEvidenceFiles([dir]).map((f) => f.slice(dir.length + 1)), ['a.evtx', 'b.json', 'c.jsonl', 'd.ndjson']);
      assert.deepEqual(listEvidenceFiles([join(dir, 'e.txt')]), [join(dir, 'e.txt')]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
