/**
 * What an investigator needs to read a hit without opening the event: per event type, the few
 * fields that say who did what from where (as Hayabusa's "details" profiles do). 4624 gives the
 * target user, logon type, source IP and workstation, authentication package; 4688 and Sysmon 1
 * the image, command line, parent and user; 7045/4697 the service name, image path and account;
 * 4698 the task name and its command; and so on. Events without a profile show their first
 * fields. Also: ATT&CK tactics and techniques from a rule's tags.
 *
 * Used by the hunt output (text, JSONL, CSV) and available to any analysis over EventRecord
 * (src/hunt/lateral reads logon fields through the same profiles: `detailsOf`, `logonTypeName`).
 */
import type { EventRecord, EventValue } from './record.ts';

/** One line of a profile: the label shown, then the fields tried in order (first non-empty wins). */
type Line = readonly [label: string, ...fields: string[]];

const SECURITY = 'security';
const SYSTEM = 'system';
const SYSMON = 'microsoft-windows-sysmon/operational';
const POWERSHELL = 'microsoft-windows-powershell/operational';
const TASKS = 'microsoft-windows-taskscheduler/operational';
const DEFENDER = 'microsoft-windows-windows defender/operational';
const LSM = 'microsoft-windows-terminalservices-localsessionmanager/operational';
const RCM = 'microsoft-windows-terminalservices-remoteconnectionmanager/operational';

const LOGON: readonly Line[] = [
  ['TgtUser', 'TargetUserName'],
  ['TgtDomain', 'TargetDomainName'],
  ['Type', 'LogonType'],
  ['SrcIP', 'IpAddress'],
  ['SrcComp', 'WorkstationName'],
  ['AuthPkg', 'AuthenticationPackageName'],
  ['Proc', 'ProcessName'],
  ['LID', 'TargetLogonId'],
];

const PROCESS_SYSMON: readonly Line[] = [
  ['Cmdline', 'CommandLine'],
  ['Proc', 'Image'],
  ['User', 'User'],
  ['ParentCmdline', 'ParentCommandLine'],
  ['ParentProc', 'ParentImage'],
  ['PID', 'ProcessId'],
  ['Hashes', 'Hashes'],
];

const REGISTRY: readonly Line[] = [
  ['EventType', 'EventType'],
  ['TgtObj', 'TargetObject'],
  ['Details', 'Details', 'NewName'],
  ['Proc', 'Image'],
  ['User', 'User'],
];

/** `${channel lower-case}:${EventID}` -> profile. */
const PROFILES: ReadonlyMap<string, readonly Line[]> = new Map<string, readonly Line[]>([
  // Security
  [`${SECURITY}:4624`, LOGON],
  [`${SECURITY}:4625`, [...LOGON.filter((l) => l[0] !== 'LID'), ['Status', 'Status'], ['SubStatus', 'SubStatus'], ['Reason', 'FailureReason']]],
  [`${SECURITY}:4634`, [['TgtUser', 'TargetUserName'], ['Type', 'LogonType'], ['LID', 'TargetLogonId']]],
  [`${SECURITY}:4647`, [['TgtUser', 'TargetUserName'], ['LID', 'TargetLogonId']]],
  [`${SECURITY}:4648`, [['SrcUser', 'SubjectUserName'], ['TgtUser', 'TargetUserName'], ['TgtSvr', 'TargetServerName'], ['TgtInfo', 'TargetInfo'], ['SrcIP', 'IpAddress'], ['Proc', 'ProcessName']]],
  [`${SECURITY}:4672`, [['User', 'SubjectUserName'], ['Domain', 'SubjectDomainName'], ['Privileges', 'PrivilegeList'], ['LID', 'SubjectLogonId']]],
  [`${SECURITY}:4688`, [['Cmdline', 'CommandLine'], ['Proc', 'NewProcessName'], ['PID', 'NewProcessId'], ['ParentProc', 'ParentProcessName'], ['User', 'SubjectUserName'], ['TgtUser', 'TargetUserName'], ['LID', 'SubjectLogonId']]],
  [`${SECURITY}:4697`, [['Svc', 'ServiceName'], ['Path', 'ServiceFileName'], ['Account', 'ServiceAccount'], ['StartType', 'ServiceStartType'], ['User', 'SubjectUserName']]],
  [`${SECURITY}:4698`, [['TaskName', 'TaskName'], ['Command', '@TaskCommand'], ['User', 'SubjectUserName']]],
  [`${SECURITY}:4699`, [['TaskName', 'TaskName'], ['User', 'SubjectUserName']]],
  [`${SECURITY}:4702`, [['TaskName', 'TaskName'], ['Command', '@TaskCommand'], ['User', 'SubjectUserName']]],
  [`${SECURITY}:4720`, [['TgtUser', 'TargetUserName'], ['TgtDomain', 'TargetDomainName'], ['User', 'SubjectUserName']]],
  [`${SECURITY}:4722`, [['TgtUser', 'TargetUserName'], ['User', 'SubjectUserName']]],
  [`${SECURITY}:4724`, [['TgtUser', 'TargetUserName'], ['User', 'SubjectUserName']]],
  [`${SECURITY}:4726`, [['TgtUser', 'TargetUserName'], ['User', 'SubjectUserName']]],
  [`${SECURITY}:4728`, [['Member', 'MemberName', 'MemberSid'], ['Group', 'TargetUserName'], ['User', 'SubjectUserName']]],
  [`${SECURITY}:4732`, [['Member', 'MemberName', 'MemberSid'], ['Group', 'TargetUserName'], ['User', 'SubjectUserName']]],
  [`${SECURITY}:4756`, [['Member', 'MemberName', 'MemberSid'], ['Group', 'TargetUserName'], ['User', 'SubjectUserName']]],
  [`${SECURITY}:4768`, [['TgtUser', 'TargetUserName'], ['Svc', 'ServiceName'], ['SrcIP', 'IpAddress'], ['Status', 'Status'], ['EncType', 'TicketEncryptionType'], ['PreAuth', 'PreAuthType']]],
  [`${SECURITY}:4769`, [['TgtUser', 'TargetUserName'], ['Svc', 'ServiceName'], ['SrcIP', 'IpAddress'], ['Status', 'Status'], ['EncType', 'TicketEncryptionType']]],
  [`${SECURITY}:4771`, [['TgtUser', 'TargetUserName'], ['Svc', 'ServiceName'], ['SrcIP', 'IpAddress'], ['Status', 'Status']]],
  [`${SECURITY}:4776`, [['TgtUser', 'TargetUserName'], ['SrcComp', 'Workstation'], ['AuthPkg', 'PackageName'], ['Status', 'Status']]],
  [`${SECURITY}:4663`, [['User', 'SubjectUserName'], ['Object', 'ObjectName'], ['Proc', 'ProcessName'], ['Access', 'AccessList']]],
  [`${SECURITY}:4656`, [['User', 'SubjectUserName'], ['Object', 'ObjectName'], ['Proc', 'ProcessName'], ['Access', 'AccessList']]],
  [`${SECURITY}:5140`, [['User', 'SubjectUserName'], ['SrcIP', 'IpAddress'], ['Share', 'ShareName'], ['Path', 'ShareLocalPath']]],
  [`${SECURITY}:5145`, [['User', 'SubjectUserName'], ['SrcIP', 'IpAddress'], ['Share', 'ShareName'], ['Path', 'RelativeTargetName'], ['Access', 'AccessList']]],
  [`${SECURITY}:5156`, [['Proc', 'Application'], ['SrcIP', 'SourceAddress'], ['SrcPort', 'SourcePort'], ['TgtIP', 'DestAddress'], ['TgtPort', 'DestPort'], ['Proto', 'Protocol']]],
  [`${SECURITY}:1102`, [['User', 'SubjectUserName'], ['Domain', 'SubjectDomainName'], ['LID', 'SubjectLogonId']]],
  // System
  [`${SYSTEM}:7045`, [['Svc', 'ServiceName'], ['Path', 'ImagePath'], ['Account', 'AccountName'], ['StartType', 'StartType']]],
  [`${SYSTEM}:7036`, [['Svc', 'param1'], ['State', 'param2']]],
  [`${SYSTEM}:7040`, [['Svc', 'param1'], ['From', 'param2'], ['To', 'param3']]],
  [`${SYSTEM}:104`, [['User', 'SubjectUserName'], ['Domain', 'SubjectDomainName'], ['Log', 'Channel'], ['Backup', 'BackupPath']]],
  // Sysmon
  [`${SYSMON}:1`, PROCESS_SYSMON],
  [`${SYSMON}:3`, [['Proto', 'Protocol'], ['SrcIP', 'SourceIp'], ['SrcPort', 'SourcePort'], ['SrcHost', 'SourceHostname'], ['TgtIP', 'DestinationIp'], ['TgtPort', 'DestinationPort'], ['TgtHost', 'DestinationHostname'], ['User', 'User'], ['Proc', 'Image']]],
  [`${SYSMON}:5`, [['Proc', 'Image'], ['PID', 'ProcessId']]],
  [`${SYSMON}:6`, [['Driver', 'ImageLoaded'], ['Signed', 'Signed'], ['Sig', 'Signature'], ['Hashes', 'Hashes']]],
  [`${SYSMON}:7`, [['Image', 'ImageLoaded'], ['Proc', 'Image'], ['Signed', 'Signed'], ['Sig', 'Signature'], ['Hashes', 'Hashes']]],
  [`${SYSMON}:8`, [['SrcProc', 'SourceImage'], ['TgtProc', 'TargetImage'], ['StartFunction', 'StartFunction'], ['StartAddress', 'StartAddress']]],
  [`${SYSMON}:10`, [['SrcProc', 'SourceImage'], ['TgtProc', 'TargetImage'], ['Access', 'GrantedAccess'], ['SrcUser', 'SourceUser'], ['TgtUser', 'TargetUser']]],
  [`${SYSMON}:11`, [['Path', 'TargetFilename'], ['Proc', 'Image'], ['User', 'User']]],
  [`${SYSMON}:12`, REGISTRY],
  [`${SYSMON}:13`, REGISTRY],
  [`${SYSMON}:14`, REGISTRY],
  [`${SYSMON}:15`, [['Path', 'TargetFilename'], ['Proc', 'Image'], ['Hash', 'Hash']]],
  [`${SYSMON}:17`, [['Pipe', 'PipeName'], ['Proc', 'Image']]],
  [`${SYSMON}:18`, [['Pipe', 'PipeName'], ['Proc', 'Image']]],
  [`${SYSMON}:19`, [['Name', 'Name'], ['Query', 'Query'], ['User', 'User']]],
  [`${SYSMON}:20`, [['Name', 'Name'], ['Destination', 'Destination'], ['User', 'User']]],
  [`${SYSMON}:21`, [['Consumer', 'Consumer'], ['Filter', 'Filter'], ['User', 'User']]],
  [`${SYSMON}:22`, [['Query', 'QueryName'], ['Result', 'QueryResults'], ['Proc', 'Image']]],
  [`${SYSMON}:23`, [['Path', 'TargetFilename'], ['Proc', 'Image'], ['User', 'User']]],
  [`${SYSMON}:25`, [['Type', 'Type'], ['Proc', 'Image'], ['User', 'User']]],
  [`${SYSMON}:26`, [['Path', 'TargetFilename'], ['Proc', 'Image'], ['User', 'User']]],
  // PowerShell
  [`${POWERSHELL}:4104`, [['ScriptBlock', 'ScriptBlockText'], ['Path', 'Path']]],
  [`${POWERSHELL}:4103`, [['Payload', 'Payload'], ['Context', 'ContextInfo']]],
  // Task Scheduler
  [`${TASKS}:106`, [['TaskName', 'TaskName'], ['User', 'UserContext']]],
  [`${TASKS}:140`, [['TaskName', 'TaskName'], ['User', 'UserName']]],
  [`${TASKS}:141`, [['TaskName', 'TaskName'], ['User', 'UserName']]],
  [`${TASKS}:200`, [['TaskName', 'TaskName'], ['Action', 'ActionName']]],
  [`${TASKS}:201`, [['TaskName', 'TaskName'], ['Action', 'ActionName'], ['Result', 'ResultCode']]],
  // Defender
  [`${DEFENDER}:1116`, [['Threat', 'Threat Name', 'ThreatName'], ['Path', 'Path'], ['User', 'Detection User'], ['Severity', 'Severity Name']]],
  [`${DEFENDER}:1117`, [['Threat', 'Threat Name', 'ThreatName'], ['Path', 'Path'], ['Action', 'Action Name'], ['User', 'Detection User']]],
  // Remote Desktop
  [`${LSM}:21`, [['User', 'User'], ['SrcIP', 'Address'], ['Session', 'SessionID']]],
  [`${LSM}:22`, [['User', 'User'], ['SrcIP', 'Address'], ['Session', 'SessionID']]],
  [`${LSM}:24`, [['User', 'User'], ['SrcIP', 'Address'], ['Session', 'SessionID']]],
  [`${LSM}:25`, [['User', 'User'], ['SrcIP', 'Address'], ['Session', 'SessionID']]],
  [`${RCM}:1149`, [['User', 'Param1'], ['Domain', 'Param2'], ['SrcIP', 'Param3']]],
]);

/** PowerShell classic (Windows PowerShell channel) 400/403/600/800 carry everything in one text block. */
const CLASSIC_PS = 'windows powershell';

const LOGON_TYPES: Readonly<Record<string, string>> = {
  '0': 'System',
  '2': 'Interactive',
  '3': 'Network',
  '4': 'Batch',
  '5': 'Service',
  '7': 'Unlock',
  '8': 'NetworkCleartext',
  '9': 'NewCredentials',
  '10': 'RemoteInteractive',
  '11': 'CachedInteractive',
  '12': 'CachedRemoteInteractive',
  '13': 'CachedUnlock',
};

/** "3 - Network" for a logon type value; the value itself when unknown. */
export function logonTypeName(v: EventValue | undefined): string {
  const s = text(v);
  const name = LOGON_TYPES[s];
  return name === undefined ? s : `${s} - ${name}`;
}

/** Values longer than this are cut (a 4104 script block can be megabytes). */
const MAX_VALUE = 300;
/** Fields shown for an event without a profile. */
const DEFAULT_FIELDS = 6;

function text(v: EventValue | undefined): string {
  if (v === undefined || v === null) return '';
  if (Array.isArray(v)) return v.map((x) => text(x as EventValue)).filter((x) => x !== '').join(',');
  return String(v);
}

function cut(s: string): string {
  const one = s.replace(/\s*[\r\n]+\s*/g, ' ').trim();
  return one.length > MAX_VALUE ? `${one.slice(0, MAX_VALUE - 1)}…` : one;
}

/** The command of a scheduled task from its XML definition (4698/4702 TaskContent). */
function taskCommand(data: Readonly<Record<string, EventValue>>): string {
  const xml = text(data.TaskContent ?? data.TaskContentNew);
  if (!xml) return '';
  const cmd = /<Command>([\s\S]*?)<\/Command>/i.exec(xml)?.[1] ?? '';
  const args = /<Arguments>([\s\S]*?)<\/Arguments>/i.exec(xml)?.[1] ?? '';
  return `${cmd} ${args}`.replace(/&quot;/g, '"').replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&').trim();
}

function field(rec: EventRecord, name: string): string {
  if (name === '@TaskCommand') return taskCommand(rec.data);
  const v = rec.data[name];
  if (name === 'LogonType' && v !== undefined) return logonTypeName(v);
  return text(v);
}

/**
 * The details of one event, label -> value, in the profile's order; empty values are left out.
 * Events without a profile show their first EventData fields (at most 6) under their own names.
 */
export function detailsOf(rec: EventRecord): Record<string, string> {
  const out: Record<string, string> = {};
  const profile = PROFILES.get(`${rec.channel.toLowerCase()}:${rec.eventId}`);
  if (profile !== undefined) {
    for (const [label, ...fields] of profile) {
      for (const f of fields) {
        const v = field(rec, f);
        if (v !== '') {
          out[label] = cut(v);
          break;
        }
      }
    }
    if (profile.length > 0) return out;
  }
  if (rec.channel.toLowerCase() === CLASSIC_PS) {
    // 400/403/600/800: the one Data value is "key=value" lines; HostApplication says what ran.
    const all = text(rec.data.Data);
    const host = /HostApplication=([^\r\n]*)/.exec(all)?.[1];
    if (host) out.HostApplication = cut(host);
    if (Object.keys(out).length > 0) return out;
  }
  let n = 0;
  for (const [k, v] of Object.entries(rec.data)) {
    const s = text(v);
    if (s === '') continue;
    out[k] = cut(s);
    if (++n >= DEFAULT_FIELDS) break;
  }
  return out;
}

/** `Label: value ¦ Label: value` as Hayabusa prints details (text and CSV outputs). */
export function detailsText(d: Readonly<Record<string, string>>): string {
  return Object.entries(d)
    .map(([k, v]) => `${k}: ${v}`)
    .join(' ¦ ');
}

const TACTICS: Readonly<Record<string, string>> = {
  reconnaissance: 'Reconnaissance',
  resource_development: 'Resource Development',
  initial_access: 'Initial Access',
  execution: 'Execution',
  persistence: 'Persistence',
  privilege_escalation: 'Privilege Escalation',
  defense_evasion: 'Defense Evasion',
  credential_access: 'Credential Access',
  discovery: 'Discovery',
  lateral_movement: 'Lateral Movement',
  collection: 'Collection',
  command_and_control: 'Command and Control',
  exfiltration: 'Exfiltration',
  impact: 'Impact',
};

/**
 * ATT&CK tactics (names, in kill-chain order) and techniques (`T1059.001`) from Sigma tags
 * (`attack.execution`, `attack.t1059.001`). Group and software tags are left out.
 */
export function attackOf(tags: readonly string[]): { tactics: string[]; techniques: string[] } {
  const tactics = new Set<string>();
  const techniques = new Set<string>();
  for (const raw of tags) {
    const t = raw.trim().toLowerCase();
    if (!t.startsWith('attack.')) continue;
    const v = t.slice(7);
    const tech = /^t(\d{4})(?:\.(\d{3}))?$/.exec(v);
    if (tech) {
      techniques.add(`T${tech[1]}${tech[2] ? `.${tech[2]}` : ''}`);
      continue;
    }
    const name = TACTICS[v.replace(/-/g, '_')];
    if (name) tactics.add(name);
  }
  const order = Object.values(TACTICS);
  return { tactics: [...tactics].sort((a, b) => order.indexOf(a) - order.indexOf(b)), techniques: [...techniques].sort() };
}
