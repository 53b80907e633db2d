/**
 * Maps one parsed JSON event to an EventRecord. Three shapes are recognised per document:
 * - evtx_dump (`{"Event": {"System": {...}, "EventData": {...}}}`, attributes under `#attributes`),
 * - NXLog flat JSON (EventID, Channel, Hostname, SourceName, EventTime + data fields at top level),
 * - Winlogbeat/ECS (`winlog.event_id`, `winlog.channel`, `winlog.event_data.*`, `@timestamp`).
 */
import type { EventRecord, EventValue } from '../record.ts';

type Obj = Record<string, unknown>;

function isObj(v: unknown): v is Obj {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

function toValue(v: unknown): EventValue {
  if (v === null || typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean') return v;
  if (Array.isArray(v)) return v.map(toValue);
  if (isObj(v)) {
    if ('#text' in v) return toValue(v['#text']);
    return JSON.stringify(v);
  }
  return String(v);
}

function num(v: unknown): number {
  if (typeof v === 'number') return v;
  if (typeof v === 'string' && v.trim() !== '') {
    const n = Number(v);
    if (Number.isFinite(n)) return n;
  }
  if (isObj(v) && '#text' in v) return num(v['#text']);
  return 0;
}

function str(v: unknown): string {
  if (typeof v === 'string') return v;
  if (v === null || v === undefined) return '';
  if (isObj(v) && '#text' in v) return str(v['#text']);
  return String(v);
}

/**
 * Normalises a timestamp to ISO 8601 UTC. Text that already is ISO UTC is kept as is (so
 * microseconds survive); "YYYY-MM-DD HH:MM:SS" without a zone (NXLog) is read as UTC.
 */
export function normalizeTime(v: unknown): string {
  const s = str(v).trim();
  if (!s) return '';
  if (/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$/.test(s)) return s;
  const local = /^(\d{4}-\d\d-\d\d)[ T](\d\d:\d\d:\d\d(?:\.\d+)?)$/.exec(s);
  if (local) return `${local[1]}T${local[2]}Z`;
  const d = new Date(s);
  return Number.isNaN(d.getTime()) ? s : d.toISOString();
}

/** Flattens the System element: `Provider.Name`, `TimeCreated.SystemTime`, `EventID`, ... */
function flattenSystem(sys: Obj): Record<string, EventValue> {
  const out: Record<string, EventValue> = {};
  for (const [k, v] of Object.entries(sys)) {
    if (isObj(v)) {
      const attrs = v['#attributes'];
      if (isObj(attrs)) for (const [a, av] of Object.entries(attrs)) out[`${k}.${a}`] = toValue(av);
      if ('#text' in v) out[k] = toValue(v['#text']);
      for (const [ck, cv] of Object.entries(v)) if (ck !== '#attributes' && ck !== '#text') out[`${k}.${ck}`] = toValue(cv);
    } else {
      out[k] = toValue(v);
    }
  }
  return out;
}

/** EventData / UserData -> name -> value. Unnamed `Data` items stay under `Data`. */
function flattenData(ed: unknown, out: Record<string, EventValue>): void {
  if (!isObj(ed)) {
    if (ed !== null && ed !== undefined) out.Data = toValue(ed);
    return;
  }
  for (const [k, v] of Object.entries(ed)) {
    if (k === '#attributes') continue;
    out[k] = toValue(v);
  }
}

function fromEvtxDump(ev: Obj, file: string, line: number): EventRecord {
  const sys = isObj(ev.System) ? ev.System : {};
  const system = flattenSystem(sys);
  const data: Record<string, EventValue> = {};
  flattenData(ev.EventData, data);
  if (isObj(ev.UserData)) {
    // UserData holds one element named after the event (e.g. LogFileCleared); its children are
    // the data fields.
    for (const [k, v] of Object.entries(ev.UserData)) {
      if (k === '#attributes') continue;
      if (isObj(v)) flattenData(v, data);
      else data[k] = toValue(v);
    }
  }
  const provider = isObj(sys.Provider) && isObj(sys.Provider['#attributes']) ? str(sys.Provider['#attributes'].Name) : str(system['Provider.Name']);
  const tc = isObj(sys.TimeCreated) && isObj(sys.TimeCreated['#attributes']) ? sys.TimeCreated['#attributes'].SystemTime : undefined;
  return {
    file,
    recordId: sys.EventRecordID !== undefined ? num(sys.EventRecordID) : line,
    eventRecordId: sys.EventRecordID !== undefined ? num(sys.EventRecordID) : 0,
    line,
    timestamp: normalizeTime(tc),
    channel: str(sys.Channel),
    provider,
    eventId: num(sys.EventID),
    level: num(sys.Level),
    computer: str(sys.Computer),
    data,
    system,
  };
}

/** NXLog im_msvistalog fields that describe the record rather than its EventData. */
const NXLOG_META = new Set([
  'EventTime', 'Hostname', 'Keywords', 'EventType', 'SeverityValue', 'Severity', 'EventID', 'SourceName',
  'ProviderGuid', 'Version', 'Task', 'OpcodeValue', 'RecordNumber', 'ActivityID', 'RelatedActivityID',
  'ProcessID', 'ThreadID', 'Channel', 'Domain', 'AccountName', 'UserID', 'AccountType', 'Category',
  'Opcode', 'EventReceivedTime', 'SourceModuleName', 'SourceModuleType', 'Message', 'Level', 'ERRORLEVEL',
]);

const NXLOG_LEVEL: Record<string, number> = { CRITICAL: 1, ERROR: 2, WARNING: 3, INFO: 4, VERBOSE: 5 };

function fromNxlog(o: Obj, file: string, line: number): EventRecord {
  const data: Record<string, EventValue> = {};
  const system: Record<string, EventValue> = {};
  for (const [k, v] of Object.entries(o)) {
    if (NXLOG_META.has(k)) system[k] = toValue(v);
    else data[k] = toValue(v);
  }
  return {
    file,
    recordId: o.RecordNumber !== undefined ? num(o.RecordNumber) : line,
    eventRecordId: o.RecordNumber !== undefined ? num(o.RecordNumber) : 0,
    line,
    timestamp: normalizeTime(o.EventTime),
    channel: str(o.Channel),
    provider: str(o.SourceName),
    eventId: num(o.EventID),
    level: NXLOG_LEVEL[str(o.Severity).toUpperCase()] ?? num(o.Level),
    computer: str(o.Hostname),
    data,
    system,
  };
}

const ECS_LEVEL: Record<string, number> = { critical: 1, error: 2, warning: 3, information: 4, info: 4, verbose: 5 };

function fromEcs(o: Obj, file: string, line: number): EventRecord {
  const w = o.winlog as Obj;
  const data: Record<string, EventValue> = {};
  flattenData(w.event_data, data);
  if (isObj(w.user_data)) flattenData(w.user_data, data);
  const system: Record<string, EventValue> = {};
  for (const [k, v] of Object.entries(w)) {
    if (k === 'event_data' || k === 'user_data') continue;
    if (isObj(v)) for (const [ck, cv] of Object.entries(v)) system[`${k}.${ck}`] = toValue(cv);
    else system[k] = toValue(v);
  }
  const log = isObj(o.log) ? o.log : {};
  const host = isObj(o.host) ? o.host : {};
  return {
    file,
    recordId: w.record_id !== undefined ? num(w.record_id) : line,
    eventRecordId: w.record_id !== undefined ? num(w.record_id) : 0,
    line,
    timestamp: normalizeTime(o['@timestamp']),
    channel: str(w.channel),
    provider: str(w.provider_name),
    eventId: num(w.event_id ?? (isObj(o.event) ? o.event.code : undefined)),
    level: ECS_LEVEL[str(log.level).toLowerCase()] ?? 0,
    computer: str(w.computer_name ?? host.name ?? host.hostname),
    data,
    system,
  };
}

/**
 * Maps one parsed JSON document. Throws with a clear message when the document is none of the
 * known shapes. `line` is used as the record id when the source has none.
 */
export function mapJsonEvent(o: unknown, file: string, line: number): EventRecord {
  if (!isObj(o)) throw new Error('not a JSON object');
  if (isObj(o.Event)) return fromEvtxDump(o.Event, file, line);
  if (isObj(o.winlog)) return fromEcs(o, file, line);
  if ('EventID' in o && ('Channel' in o || 'SourceName' in o || 'Hostname' in o)) return fromNxlog(o, file, line);
  if (isObj(o.System)) return fromEvtxDump(o, file, line);
  throw new Error('unknown JSON event shape (expected evtx_dump "Event", Winlogbeat "winlog" or NXLog "EventID"+"Channel")');
}
