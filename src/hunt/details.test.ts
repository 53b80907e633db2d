import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import { attackOf, detailsOf, detailsText, logonTypeName } from './details.ts';
import { makeRecord } from '../../test/support/sigma.ts';
import { readEvtxFile } from './evtx/index.ts';
import type { EventRecord } from './record.ts';

const security = (eventId: number, data: EventRecord['data']): EventRecord => makeRecord(data, { channel: 'Security', provider: 'Microsoft-Windows-Security-Auditing', eventId });
const system = (eventId: number, data: EventRecord['data']): EventRecord => makeRecord(data, { channel: 'System', eventId });
const sysmon = (eventId: number, data: EventRecord['data']): EventRecord => makeRecord(data, { eventId });

describe('detection details per event type', () => {
  it('4624: target user, logon type named, source IP and workstation, package', () => {
    const d = detailsOf(security(4624, { SubjectUserName: '-', TargetUserName: 'admin', TargetDomainName: 'CORP', LogonType: 10, IpAddress: '185.220.101.4', WorkstationName: 'KALI', AuthenticationPackageName: 'Negotiate', LogonProcessName: 'User32', TargetLogonId: '0x3e7' }));
    assert.deepEqual(d, { TgtUser: 'admin', TgtDomain: 'CORP', Type: '10 - RemoteInteractive', SrcIP: '185.220.101.4', SrcComp: 'KALI', AuthPkg: 'Negotiate', LID: '0x3e7' });
    assert.equal(detailsText(d).split(' ¦ ')[2], 'Type: 10 - RemoteInteractive');
  });

  it('4625 keeps the failure status; 4648 names both users and the target server', () => {
    assert.deepEqual(detailsOf(security(4625, { TargetUserName: 'administrator', LogonType: 3, IpAddress: '10.0.0.66', Status: '0xc000006d', SubStatus: '0xc000006a' })), { TgtUser: 'administrator', Type: '3 - Network', SrcIP: '10.0.0.66', Status: '0xc000006d', SubStatus: '0xc000006a' });
    assert.deepEqual(detailsOf(security(4648, { SubjectUserName: 'user01', TargetUserName: 'admin', TargetServerName: 'dc01.corp', IpAddress: '-', ProcessName: 'C:\\Windows\\System32\\wbem\\WMIC.exe' })), { SrcUser: 'user01', TgtUser: 'admin', TgtSvr: 'dc01.corp', SrcIP: '-', Proc: 'C:\\Windows\\System32\\wbem\\WMIC.exe' });
  });

  it('4688 and Sysmon 1: command line, image, parent, user', () => {
    assert.deepEqual(detailsOf(security(4688, { NewProcessName: 'C:\\Windows\\System32\\cmd.exe', CommandLine: 'cmd /c whoami', ParentProcessName: 'C:\\Windows\\explorer.exe', SubjectUserName: 'bob', NewProcessId: '0x1a4' })), { Cmdline: 'cmd /c whoami', Proc: 'C:\\Windows\\System32\\cmd.exe', PID: '0x1a4', ParentProc: 'C:\\Windows\\explorer.exe', User: 'bob' });
    assert.deepEqual(Object.keys(detailsOf(sysmon(1, { Image: 'a.exe', CommandLine: 'a -x', User: 'CORP\\bob', ParentImage: 'p.exe', ParentCommandLine: 'p', ProcessId: 4, Hashes: 'SHA256=00' }))), ['Cmdline', 'Proc', 'User', 'ParentCmdline', 'ParentProc', 'PID', 'Hashes']);
  });

  it('7045/4697: service name, image path, account; 4698: the task command out of its XML', () => {
    assert.deepEqual(detailsOf(system(7045, { ServiceName: 'PSEXESVC', ImagePath: '%SystemRoot%\\PSEXESVC.exe', ServiceType: 'user mode service', StartType: 'demand start', AccountName: 'LocalSystem' })), { Svc: 'PSEXESVC', Path: '%SystemRoot%\\PSEXESVC.exe', Account: 'LocalSystem', StartType: 'demand start' });
    assert.deepEqual(detailsOf(security(4697, { ServiceName: 'x', ServiceFileName: 'c:\\x.exe', ServiceAccount: 'LocalSystem', SubjectUserName: 'eve' })), { Svc: 'x', Path: 'c:\\x.exe', Account: 'LocalSystem', User: 'eve' });
    const xml = '<?xml version="1.0"?><Task><Actions><Exec><Command>C:\\Windows\\System32\\cmd.exe</Command><Arguments>/c &quot;whoami &gt; c:\\o.txt&quot;</Arguments></Exec></Actions></Task>';
    assert.deepEqual(detailsOf(security(4698, { TaskName: '\\Updater', TaskContent: xml, SubjectUserName: 'eve' })), { TaskName: '\\Updater', Command: 'C:\\Windows\\System32\\cmd.exe /c "whoami > c:\\o.txt"', User: 'eve' });
  });

  it('1102 and 104 say who cleared which log; Sysmon 3, 11, 13 the network, file and registry targets', () => {
    assert.deepEqual(detailsOf(security(1102, { SubjectUserName: 'eve', SubjectDomainName: 'CORP', SubjectLogonId: '0x1' })), { User: 'eve', Domain: 'CORP', LID: '0x1' });
    assert.deepEqual(detailsOf(system(104, { SubjectUserName: 'eve', SubjectDomainName: 'CORP', Channel: 'System', BackupPath: '' })), { User: 'eve', Domain: 'CORP', Log: 'System' });
    assert.deepEqual(detailsOf(sysmon(3, { Protocol: 'tcp', SourceIp: '10.0.0.5', SourcePort: 50000, DestinationIp: '10.0.0.10', DestinationPort: 445, Image: 'x.exe', User: 'u' })), { Proto: 'tcp', SrcIP: '10.0.0.5', SrcPort: '50000', TgtIP: '10.0.0.10', TgtPort: '445', User: 'u', Proc: 'x.exe' });
    assert.deepEqual(detailsOf(sysmon(11, { TargetFilename: 'C:\\Users\\Public\\r.exe', Image: 'w.exe' })), { Path: 'C:\\Users\\Public\\r.exe', Proc: 'w.exe' });
    assert.deepEqual(detailsOf(sysmon(13, { EventType: 'SetValue', TargetObject: 'HKLM\\...\\Run\\x', Details: 'c:\\x.exe', Image: 'reg.exe' })), { EventType: 'SetValue', TgtObj: 'HKLM\\...\\Run\\x', Details: 'c:\\x.exe', Proc: 'reg.exe' });
  });

  it('an event without a profile shows its first fields; long values are cut to one line', () => {
    const long = 'a'.repeat(1000);
    const d = detailsOf(makeRecord({ A: '1', B: '', C: ['x', 'y'], D: long, E: 'line1\r\n  line2', F: 6, G: 7, H: 8 }, { channel: 'Application', eventId: 1000 }));
    assert.deepEqual(Object.keys(d), ['A', 'C', 'D', 'E', 'F', 'G']);
    assert.equal(d.C, 'x,y');
    assert.equal(d.D?.length, 300);
    assert.ok(d.D?.endsWith('…'));
    assert.equal(d.E, 'line1 line2');
    assert.equal(logonTypeName(99), '99');
  });

  it('ATT&CK tactics (named, in kill-chain order) and techniques from Sigma tags', () => {
    assert.deepEqual(attackOf(['attack.lateral-movement', 'attack.t1021.002', 'attack.execution', 'attack.t1569.002', 'attack.s0029', 'attack.g0016', 'cve.2021-1', 'attack.T1021']), {
      tactics: ['Execution', 'Lateral Movement'],
      techniques: ['T1021', 'T1021.002', 'T1569.002'],
    });
    assert.deepEqual(attackOf(['attack.command_and_control', 'attack.defense_evasion']), { tactics: ['Defense Evasion', 'Command and Control'], techniques: [] });
  });

  const corpusFile = fileURLToPath(new URL('../../../shared/corpus/evtx/EVTX-ATTACK-SAMPLES/Lateral Movement/LM_Remote_Service02_7045.evtx', import.meta.url));
  it('real remote service evidence (corpus): 7045 gives the service name and its image path', { skip: existsSync(corpusFile) ? false : 'corpus not present' }, () => {
    const found: Record<string, string>[] = [];
    readEvtxFile(join(corpusFile), (r) => r.eventId === 7045 && found.push(detailsOf(r)), () => undefined);
    assert.deepEqual(found.find((d) => d.Svc === 'remotesvc'), { Svc: 'remotesvc', Path: 'calc.exe', Account: 'LocalSystem', StartType: 'auto start' });
  });
});
