/**
 * Windows logsource mapping: Sigma `product/service/category` -> event log channel(s), EventIDs,
 * extra conditions and field renames. The runtime table below is ours; `tableFromThorConfig`
 * reads the THOR/SigmaHQ test configuration (`thor-logsources.yml`) into the same shape so that
 * tests can check that both agree.
 */
import { parse as parseYaml } from 'yaml';

export interface CategoryMapping {
  readonly service: string;
  readonly eventIds: readonly number[];
  /** Extra equality conditions on EventData (registry_add: EventType CreateKey). */
  readonly conditions?: Readonly<Record<string, string>>;
  /** Sigma field name -> field name in this log (Security 4688: Image -> NewProcessName). */
  readonly fieldMap?: Readonly<Record<string, string>>;
}

export interface LogsourceTable {
  /** service -> channel names. */
  readonly services: Readonly<Record<string, readonly string[]>>;
  /** category -> the logs it is found in. */
  readonly categories: Readonly<Record<string, readonly CategoryMapping[]>>;
}

/** Where one rule can match: a channel set (null: any), EventIDs (null: any), renames, extras. */
export interface LogsourceVariant {
  readonly label: string;
  readonly channels: readonly string[] | null;
  readonly eventIds: readonly number[] | null;
  readonly fieldMap: Readonly<Record<string, string>>;
  readonly conditions: Readonly<Record<string, string>>;
}

const SYSMON = 'sysmon';
const sysmon = (...eventIds: number[]): CategoryMapping[] => [{ service: SYSMON, eventIds }];

/** Our runtime mapping (same content as the SigmaHQ/THOR test configuration, plus a few channels). */
export const WINDOWS_LOGSOURCES: LogsourceTable = {
  services: {
    security: ['Security'],
    system: ['System'],
    application: ['Application'],
    sysmon: ['Microsoft-Windows-Sysmon/Operational'],
    powershell: ['Microsoft-Windows-PowerShell/Operational', 'PowerShellCore/Operational'],
    'powershell-classic': ['Windows PowerShell'],
    taskscheduler: ['Microsoft-Windows-TaskScheduler/Operational'],
    wmi: ['Microsoft-Windows-WMI-Activity/Operational'],
    dhcp: ['Microsoft-Windows-DHCP-Server/Operational'],
    ntlm: ['Microsoft-Windows-NTLM/Operational'],
    'printservice-admin': ['Microsoft-Windows-PrintService/Admin'],
    'printservice-operational': ['Microsoft-Windows-PrintService/Operational'],
    'smbclient-security': ['Microsoft-Windows-SmbClient/Security'],
    'smbclient-connectivity': ['Microsoft-Windows-SmbClient/Connectivity'],
    'smbserver-connectivity': ['Microsoft-Windows-SMBServer/Connectivity'],
    'terminalservices-localsessionmanager': ['Microsoft-Windows-TerminalServices-LocalSessionManager/Operational'],
    'codeintegrity-operational': ['Microsoft-Windows-CodeIntegrity/Operational'],
    applocker: [
      'Microsoft-Windows-AppLocker/MSI and Script',
      'Microsoft-Windows-AppLocker/EXE and DLL',
      'Microsoft-Windows-AppLocker/Packaged app-Deployment',
      'Microsoft-Windows-AppLocker/Packaged app-Execution',
    ],
    'msexchange-management': ['MSExchange Management'],
    windefend: ['Microsoft-Windows-Windows Defender/Operational'],
    'firewall-as': ['Microsoft-Windows-Windows Firewall With Advanced Security/Firewall'],
    'bits-client': ['Microsoft-Windows-Bits-Client/Operational'],
    'security-mitigations': ['Microsoft-Windows-Security-Mitigations/Kernel Mode', 'Microsoft-Windows-Security-Mitigations/User Mode'],
    'diagnosis-scripted': ['Microsoft-Windows-Diagnosis-Scripted/Operational'],
    'shell-core': ['Microsoft-Windows-Shell-Core/Operational'],
    openssh: ['OpenSSH/Operational'],
    ldap: ['Microsoft-Windows-LDAP-Client/Debug'],
    bitlocker: ['Microsoft-Windows-BitLocker/BitLocker Management'],
    vhdmp: ['Microsoft-Windows-VHDMP/Operational'],
    'appxdeployment-server': ['Microsoft-Windows-AppXDeploymentServer/Operational'],
    'lsa-server': ['Microsoft-Windows-LSA/Operational'],
    'appxpackaging-om': ['Microsoft-Windows-AppxPackaging/Operational'],
    'dns-client': ['Microsoft-Windows-DNS Client Events/Operational'],
    'appmodel-runtime': ['Microsoft-Windows-AppModel-Runtime/Admin'],
    capi2: ['Microsoft-Windows-CAPI2/Operational'],
    'certificateservicesclient-lifecycle-system': ['Microsoft-Windows-CertificateServicesClient-Lifecycle-System/Operational'],
    'kernel-shimengine': ['Microsoft-Windows-Kernel-ShimEngine/Operational', 'Microsoft-Windows-Kernel-ShimEngine/Diagnostic'],
    'application-experience': [
      'Microsoft-Windows-Application-Experience/Program-Telemetry',
      'Microsoft-Windows-Application-Experience/Program-Compatibility-Assistant',
    ],
    ntfs: ['Microsoft-Windows-Ntfs/Operational'],
    'hyper-v-worker': ['Microsoft-Windows-Hyper-V-Worker'],
    'kernel-event-tracing': ['Microsoft-Windows-Kernel-EventTracing'],
    sense: ['Microsoft-Windows-SENSE/Operational'],
    'servicebus-client': ['Microsoft-ServiceBus-Client/Admin', 'Microsoft-ServiceBus-Client/Operational'],
    'iis-configuration': ['Microsoft-IIS-Configuration/Operational'],
    // Not in the THOR file but used by SigmaHQ rules (channel names from the pySigma Windows
    // pipeline's conventions and the Windows event log itself).
    'microsoft-servicebus-client': ['Microsoft-ServiceBus-Client/Admin', 'Microsoft-ServiceBus-Client/Operational'],
    'dns-server': ['DNS Server'],
    'dns-server-analytic': ['Microsoft-Windows-DNSServer/Analytical'],
    'dns-server-audit': ['Microsoft-Windows-DNSServer/Audit'],
    'driver-framework': ['Microsoft-Windows-DriverFrameworks-UserMode/Operational'],
    'terminalservices-remoteconnectionmanager': ['Microsoft-Windows-TerminalServices-RemoteConnectionManager/Operational'],
    'rdp-corets': ['Microsoft-Windows-RemoteDesktopServices-RdpCoreTS/Operational'],
    'terminalservices-gateway': ['Microsoft-Windows-TerminalServices-Gateway/Operational'],
  },
  categories: {
    process_creation: [
      { service: SYSMON, eventIds: [1] },
      { service: 'security', eventIds: [4688], fieldMap: { Image: 'NewProcessName', ParentImage: 'ParentProcessName' } },
    ],
    file_change: sysmon(2),
    network_connection: sysmon(3),
    sysmon_status: sysmon(4, 16),
    process_termination: sysmon(5),
    driver_load: sysmon(6),
    image_load: sysmon(7),
    create_remote_thread: sysmon(8),
    raw_access_thread: sysmon(9),
    process_access: sysmon(10),
    file_event: sysmon(11),
    registry_event: sysmon(12, 13, 14),
    registry_add: [{ service: SYSMON, eventIds: [12], conditions: { EventType: 'CreateKey' } }],
    registry_delete: [
      { service: SYSMON, eventIds: [12], conditions: { EventType: 'DeleteKey' } },
      { service: SYSMON, eventIds: [12], conditions: { EventType: 'DeleteValue' } },
    ],
    registry_set: sysmon(13),
    registry_rename: sysmon(14),
    create_stream_hash: sysmon(15),
    pipe_created: sysmon(17, 18),
    wmi_event: sysmon(19, 20, 21),
    dns_query: sysmon(22),
    file_delete: sysmon(23),
    clipboard_change: sysmon(24),
    process_tampering: sysmon(25),
    file_delete_detected: sysmon(26),
    file_block_executable: sysmon(27),
    file_block_shredding: sysmon(28),
    file_executable_detected: sysmon(29),
    sysmon_error: sysmon(255),
    ps_module: [{ service: 'powershell', eventIds: [4103] }],
    ps_script: [{ service: 'powershell', eventIds: [4104] }],
    ps_classic_start: [{ service: 'powershell-classic', eventIds: [400] }],
    ps_classic_provider_start: [{ service: 'powershell-classic', eventIds: [600] }],
    ps_classic_script: [{ service: 'powershell-classic', eventIds: [800] }],
    antivirus: [
      {
        service: 'windefend',
        eventIds: [1006, 1007, 1008, 1009, 1010, 1011, 1012, 1017, 1018, 1019, 1115, 1116],
        fieldMap: { Signature: 'ThreatName', Filename: 'Path' },
      },
    ],
  },
};

/** Categories that only ever come from Windows, so a rule without `product` still applies. */
const PRODUCTLESS_WINDOWS = new Set(['antivirus']);

export type LogsourceResult =
  | { readonly kind: 'ok'; readonly variants: readonly LogsourceVariant[] }
  | { readonly kind: 'not-windows'; readonly reason: string }
  | { readonly kind: 'unusable'; readonly reason: string };

/** Resolves a rule's logsource against a table. */
export function resolveLogsource(ls: unknown, table: LogsourceTable = WINDOWS_LOGSOURCES): LogsourceResult {
  if (ls === null || typeof ls !== 'object' || Array.isArray(ls)) return { kind: 'unusable', reason: 'logsource is missing or not a map' };
  const o = ls as Record<string, unknown>;
  const product = typeof o.product === 'string' ? o.product.toLowerCase() : undefined;
  const service = typeof o.service === 'string' ? o.service.toLowerCase() : undefined;
  const category = typeof o.category === 'string' ? o.category.toLowerCase() : undefined;
  if (product !== 'windows' && !(product === undefined && category && PRODUCTLESS_WINDOWS.has(category))) {
    return { kind: 'not-windows', reason: `product ${product ?? '(none)'}` };
  }
  const variants: LogsourceVariant[] = [];
  if (category) {
    const maps = table.categories[category];
    if (!maps) return { kind: 'unusable', reason: `no Windows log mapping for category '${category}'` };
    for (const m of maps) {
      if (service && service !== m.service) continue;
      const channels = table.services[m.service];
      if (!channels) return { kind: 'unusable', reason: `category '${category}' maps to unknown service '${m.service}'` };
      variants.push({
        label: `${category}:${m.service}`,
        channels,
        eventIds: m.eventIds,
        fieldMap: m.fieldMap ?? {},
        conditions: m.conditions ?? {},
      });
    }
    if (variants.length === 0) return { kind: 'unusable', reason: `category '${category}' has no mapping for service '${service}'` };
    return { kind: 'ok', variants };
  }
  if (service) {
    const channels = table.services[service];
    if (!channels) return { kind: 'unusable', reason: `no Windows channel known for service '${service}'` };
    return { kind: 'ok', variants: [{ label: service, channels, eventIds: null, fieldMap: {}, conditions: {} }] };
  }
  // product: windows alone: any channel; the detection itself says what it looks at.
  return { kind: 'ok', variants: [{ label: 'windows', channels: null, eventIds: null, fieldMap: {}, conditions: {} }] };
}

/**
 * Reads the THOR logsource configuration (as used by the SigmaHQ regression tests) into a table.
 * Only entries for Windows (product windows, or the Windows-only antivirus category) are kept.
 */
export function tableFromThorConfig(text: string): LogsourceTable {
  const doc = parseYaml(text) as { logsources?: Record<string, Record<string, unknown>> };
  const services: Record<string, string[]> = {};
  const categories: Record<string, CategoryMapping[]> = {};
  for (const entry of Object.values(doc.logsources ?? {})) {
    const product = entry.product as string | undefined;
    const rewrite = entry.rewrite as Record<string, string> | undefined;
    const cat = entry.category as string | undefined;
    const isWin = product === 'windows' || rewrite?.product === 'windows';
    if (!isWin) continue;
    if (cat && rewrite?.service) {
      const cond = { ...((entry.conditions as Record<string, unknown> | undefined) ?? {}) };
      const ids = cond.EventID;
      delete cond.EventID;
      const eventIds = (Array.isArray(ids) ? ids : [ids]).map(Number).filter((n) => Number.isFinite(n));
      const conditions = Object.fromEntries(Object.entries(cond).map(([k, v]) => [k, String(v)]));
      const fm = entry.fieldmappings as Record<string, string> | undefined;
      const list = (categories[cat] ??= []);
      // Consecutive entries differing only by EventID are one mapping (registry_event 12/13/14).
      const same = list.find(
        (m) => m.service === rewrite.service && JSON.stringify(m.conditions ?? {}) === JSON.stringify(conditions) && JSON.stringify(m.fieldMap ?? {}) === JSON.stringify(fm ?? {}),
      );
      if (same) (same.eventIds as number[]).push(...eventIds);
      else list.push({ service: rewrite.service, eventIds, ...(Object.keys(conditions).length ? { conditions } : {}), ...(fm ? { fieldMap: fm } : {}) });
    } else if (entry.service && Array.isArray(entry.sources)) {
      services[entry.service as string] = (entry.sources as string[]).map((s) => s.replace(/^WinEventLog:/, ''));
    }
  }
  return { services, categories };
}
