import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import type { EventRecord, EventValue } from '../record.ts';
import { readRuleDocs, RuleSet } from '../sigma/ruleset.ts';
import { runHunt, type Detection } from '../pipeline.ts';
import { makeRecord } from '../../../test/support/sigma.ts';
import { builtinRulesDir } from './index.ts';

const dir = builtinRulesDir();
const docs = readRuleDocs([dir]);
const rules = RuleSet.build(docs.docs);

const SYSMON = 'Microsoft-Windows-Sysmon/Operational';
const sec = (eventId: number, data: Record<string, EventValue>): EventRecord =>
  makeRecord(data, { channel: 'Security', provider: 'Microsoft-Windows-Security-Auditing', eventId });
const sys = (eventId: number, data: Record<string, EventValue>, provider = 'Service Control Manager'): EventRecord =>
  makeRecord(data, { channel: 'System', provider, eventId });
const proc = (CommandLine: string, Image = 'C:\\Windows\\System32\\cmd.exe'): EventRecord =>
  makeRecord({ CommandLine, Image, ParentImage: 'C:\\Windows\\explorer.exe' }, { channel: SYSMON, eventId: 1 });
const defender = (eventId: number, data: Record<string, EventValue> = {}): EventRecord =>
  makeRecord(data, { channel: 'Microsoft-Windows-Windows Defender/Operational', eventId });

/** Per rule title: events that must fire it and benign look-alikes that must not. */
const CASES: Record<string, { hit: EventRecord[]; benign: EventRecord[] }> = {
  'RDP Logon From A Public IP Address': {
    hit: [sec(4624, { LogonType: 10, IpAddress: '185.220.101.4', TargetUserName: 'admin' }), sec(4624, { LogonType: '10', IpAddress: '2a01:4f8::1' })],
    benign: [sec(4624, { LogonType: 10, IpAddress: '10.20.30.40' }), sec(4624, { LogonType: 3, IpAddress: '185.220.101.4' }), sec(4624, { LogonType: 10, IpAddress: '-' })],
  },
  'RD Gateway Connection From A Public IP Address': {
    hit: [makeRecord({ IpAddress: '203.0.113.9', Username: 'HOSP\\bob', Resource: 'srv01' }, { channel: 'Microsoft-Windows-TerminalServices-Gateway/Operational', eventId: 302 })],
    benign: [makeRecord({ IpAddress: '192.168.1.9' }, { channel: 'Microsoft-Windows-TerminalServices-Gateway/Operational', eventId: 302 })],
  },
  'Remote Execution Service Installed (PsExec-like)': {
    hit: [sys(7045, { ServiceName: 'PSEXESVC', ImagePath: '%SystemRoot%\\PSEXESVC.exe' }), sys(7045, { ServiceName: 'xkq', ImagePath: 'cmd.exe /c \\\\10.0.0.5\\share\\enc.exe' })],
    benign: [sys(7045, { ServiceName: 'Google Update', ImagePath: '"C:\\Program Files (x86)\\Google\\Update\\GoogleUpdate.exe" /svc' })],
  },
  'Remote Execution Service Installed (Security 4697)': {
    hit: [sec(4697, { ServiceName: 'PSEXESVC', ServiceFileName: '%SystemRoot%\\PSEXESVC.exe' })],
    benign: [sec(4697, { ServiceName: 'VSS', ServiceFileName: 'C:\\Windows\\system32\\vssvc.exe' })],
  },
  'LSASS Memory Opened With Read Access': {
    hit: [makeRecord({ SourceImage: 'C:\\Users\\eve\\m.exe', TargetImage: 'C:\\Windows\\system32\\lsass.exe', GrantedAccess: '0x1010' }, { channel: SYSMON, eventId: 10 })],
    benign: [
      makeRecord({ SourceImage: 'C:\\Windows\\System32\\wininit.exe', TargetImage: 'C:\\Windows\\system32\\lsass.exe', GrantedAccess: '0x1fffff' }, { channel: SYSMON, eventId: 10 }),
      makeRecord({ SourceImage: 'C:\\Users\\eve\\m.exe', TargetImage: 'C:\\Windows\\system32\\lsass.exe', GrantedAccess: '0x1000' }, { channel: SYSMON, eventId: 10 }),
    ],
  },
  'Credential Dumping Command Line (procdump, comsvcs MiniDump, mimikatz)': {
    hit: [
      proc('procdump64.exe -accepteula -ma lsass.exe C:\\temp\\l.dmp'),
      proc('rundll32.exe C:\\windows\\System32\\comsvcs.dll, MiniDump 624 C:\\temp\\l.dmp full'),
      proc('m.exe "privilege::debug" "sekurlsa::logonpasswords" exit'),
    ],
    benign: [proc('procdump64.exe -ma w3wp.exe'), proc('rundll32.exe shell32.dll,Control_RunDLL')],
  },
  'Shadow Copies Or Backup Catalog Deleted, Recovery Disabled': {
    hit: [
      proc('vssadmin.exe Delete Shadows /All /Quiet'),
      proc('wmic.exe shadowcopy delete'),
      proc('wbadmin delete catalog -quiet'),
      proc('bcdedit /set {default} recoveryenabled No'),
      proc('powershell Get-WmiObject Win32_ShadowCopy | ForEach-Object {$_.Delete()}'),
    ],
    benign: [proc('vssadmin.exe list shadows'), proc('bcdedit /enum')],
  },
  'Security Event Log Cleared': {
    hit: [sec(1102, { SubjectUserName: 'eve' })],
    benign: [sec(4624, { LogonType: 2 })],
  },
  'Event Log Cleared (System 104)': {
    hit: [sys(104, { Channel: 'System' }, 'Microsoft-Windows-Eventlog')],
    benign: [sys(104, {}, 'Some-Other-Provider')],
  },
  'Event Log Clearing Command': {
    hit: [proc('wevtutil.exe cl Security', 'C:\\Windows\\System32\\wevtutil.exe'), proc('powershell Clear-EventLog -LogName System')],
    benign: [proc('wevtutil.exe qe Security /c:5', 'C:\\Windows\\System32\\wevtutil.exe')],
  },
  'Microsoft Defender Protection Disabled': {
    hit: [defender(5001), defender(5007, { NewValue: 'HKLM\\SOFTWARE\\Microsoft\\Windows Defender\\Real-Time Protection\\DisableRealtimeMonitoring = 0x1' })],
    benign: [defender(5007, { NewValue: 'HKLM\\SOFTWARE\\Microsoft\\Windows Defender\\Signature Updates\\AVSignatureVersion = 1.2.3' }), defender(1116)],
  },
  'Security Tools Disabled From The Command Line': {
    hit: [proc('powershell Set-MpPreference -DisableRealtimeMonitoring $true'), proc('sc stop WinDefend'), proc('net stop "Sophos Agent"')],
    benign: [proc('powershell Get-MpPreference'), proc('sc stop Spooler')],
  },
  'Archive Created With A Password (rar, 7-Zip)': {
    hit: [proc('rar.exe a -hpS3cret out.rar C:\\Finance', 'C:\\Program Files\\WinRAR\\rar.exe'), proc('7z.exe a -pS3cret -mhe=on x.7z D:\\', 'C:\\Program Files\\7-Zip\\7z.exe')],
    benign: [proc('7z.exe x setup.7z', 'C:\\Program Files\\7-Zip\\7z.exe'), proc('rar.exe a out.rar C:\\x', 'C:\\Program Files\\WinRAR\\rar.exe')],
  },
  'Data Transfer Tool Executed (rclone, MEGAsync, WinSCP)': {
    hit: [
      proc('rclone.exe copy D:\\Share mega:backup', 'C:\\Users\\Public\\rclone.exe'),
      proc('svchst.exe copy D:\\Share remote:x --config c.conf --transfers 16', 'C:\\Users\\Public\\svchst.exe'),
      proc('MEGAsync.exe', 'C:\\Users\\eve\\AppData\\Local\\MEGAsync\\MEGAsync.exe'),
      proc('WinSCP.com /script=up.txt', 'C:\\Program Files\\WinSCP\\WinSCP.com'),
    ],
    benign: [proc('robocopy D:\\Share E:\\Backup /MIR', 'C:\\Windows\\System32\\robocopy.exe')],
  },
  'Network Logon From A Remote Address': {
    hit: [sec(4624, { LogonType: 3, IpAddress: '10.0.0.8' })],
    benign: [sec(4624, { LogonType: 3, IpAddress: '-' }), sec(4624, { LogonType: 2, IpAddress: '10.0.0.8' })],
  },
};

function fired(r: EventRecord): string[] {
  const out: string[] = [];
  rules.match(r, (rule) => out.push(rule.meta.title));
  return out;
}

describe('built-in ransomware rule pack', () => {
  test('every file loads: no unusable rules, unique ids, author, level, ATT&CK tags, falsepositives', () => {
    assert.deepEqual(docs.problems, []);
    assert.deepEqual(rules.problems, []);
    const ids = new Set<string>();
    for (const f of readdirSync(dir).filter((n) => n.endsWith('.yml'))) {
      for (const d of readFileSync(join(dir, f), 'utf8').split(/^---$/m).map((t) => parse(t) as Record<string, unknown>)) {
        assert.match(String(d.id), /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/, `${f}: id`);
        assert.ok(!ids.has(String(d.id)), `${f}: duplicate id`);
        ids.add(String(d.id));
        assert.equal(d.author, 'crisiscell', `${f}: author`);
        assert.ok(['informational', 'low', 'medium', 'high', 'critical'].includes(String(d.level)), `${f}: level`);
        assert.ok((d.tags as string[]).some((t) => /^attack\.t\d{4}/.test(t)), `${f}: ATT&CK technique tag`);
        assert.ok(Array.isArray(d.falsepositives) && d.falsepositives.length > 0, `${f}: falsepositives`);
      }
    }
  });

  test('every rule of the pack has a test case here', () => {
    assert.deepEqual(rules.rules.map((r) => r.meta.title).filter((t) => !(t in CASES)), []);
  });

  for (const [title, c] of Object.entries(CASES)) {
    test(`${title}: fires on the attack events, not on the benign ones`, () => {
      c.hit.forEach((r, i) => assert.ok(fired(r).includes(title), `hit #${i} did not fire`));
      c.benign.forEach((r, i) => assert.ok(!fired(r).includes(title), `benign #${i} fired`));
    });
  }

  test('mass network logons: 20 type-3 logons from one address within 5 minutes fire the correlation', async () => {
    const { mkdtempSync, writeFileSync, rmSync } = await import('node:fs');
    const { tmpdir } = await import('node:os');
    const tmp = mkdtempSync(join(tmpdir(), 'cc-rules-'));
    try {
      const line = (i: number, ip: string): string =>
        JSON.stringify({ EventTime: `2026-08-20 10:0${Math.floor(i / 10)}:${String((i % 10) * 5).padStart(2, '0')}`, Hostname: `srv${i}`, Channel: 'Security', EventID: 4624, SourceName: 'Microsoft-Windows-Security-Auditing', LogonType: '3', IpAddress: ip });
      const lines = [...Array.from({ length: 25 }, (_, i) => line(i, '10.0.0.66')), ...Array.from({ length: 5 }, (_, i) => line(i, '10.0.0.7'))];
      const f = join(tmp, 'logons.jsonl');
      writeFileSync(f, lines.join('\n'));
      const dets: Detection[] = [];
      await runHunt({ files: [f], ruleDocs: docs.docs, threads: 0, onDetection: (d) => dets.push(d) });
      const hits = dets.filter((d) => d.rule.title === 'Mass Network Logons From One Source');
      assert.equal(hits.length, 1);
      assert.deepEqual(hits[0]?.correlation?.group, { IpAddress: '10.0.0.66' });
      // The base rule only feeds the correlation (generate: false): not reported alone.
      assert.equal(dets.filter((d) => d.rule.title === 'Network Logon From A Remote Address').length, 0);
    } finally {
      rmSync(tmp, { recursive: true, force: true });
    }
  });
});
