/**
 * The one shape every evidence source is mapped to (EVTX files, evtx_dump JSONL, NXLog, Winlogbeat/ECS).
 * The Sigma engine, the detection details, the erased-evidence analysis and the lateral-movement
 * analysis (src/hunt/lateral) only ever see this shape.
 *
 * Identity of a record: `computer` + `channel` + `eventRecordId` + `timestamp` name one event
 * wherever it was read (an .evtx and its own JSON export hold the same events: `recordKey`).
 * Location of a record: `file` + `chunk`/`offset` (EVTX) or `file` + `line` (JSON), so a hit can
 * be found again with any tool (`evtxexport`, a hex editor, `sed -n 'Np'`).
 */

/** A field value as it appears in the event (evtx_dump renders the same values in its JSON). */
export type EventValue = string | number | boolean | null | readonly EventValue[];

export interface EventRecord {
  /** Where the record came from: a path as given on the command line. */
  readonly file: string;
  /**
   * EVTX: the record header's number (the position in the file's numbering); JSON sources: the
   * record number the shipper gives, else the line. Not what Event Viewer shows: see eventRecordId.
   */
  readonly recordId: number;
  /**
   * `<System><EventRecordID>`: the number Event Viewer, evtxexport, Hayabusa and Chainsaw show and
   * the one to quote. EVTX without it: the header number. JSON: evtx_dump `EventRecordID`, NXLog
   * `RecordNumber`, Winlogbeat `winlog.record_id`; 0 when the source has none (never deduplicated,
   * never part of a gap).
   */
  readonly eventRecordId: number;
  /** EVTX: 0-based chunk index of the record. */
  readonly chunk?: number;
  /** EVTX: byte offset of the record header in the file (`**\0\0` signature). */
  readonly offset?: number;
  /** JSON sources: 1-based line where the document starts. */
  readonly line?: number;
  /** True for a record carved from slack space or an unused chunk area (`--recover`): it was deleted or overwritten. */
  readonly recovered?: true;
  /** TimeCreated as ISO 8601 in UTC, e.g. 2019-03-19T23:34:24.123456Z (microseconds kept when known). */
  readonly timestamp: string;
  readonly channel: string;
  readonly provider: string;
  readonly eventId: number;
  readonly level: number;
  readonly computer: string;
  /** EventData `Data` Name -> value; UserData flattened the same way. */
  readonly data: Readonly<Record<string, EventValue>>;
  /** The System element, flattened to name -> value (e.g. EventID, Channel, Provider_Name, Security_UserID). */
  readonly system: Readonly<Record<string, EventValue>>;
}

/** Where one record was read: enough to find it again. */
export interface RecordSource {
  readonly file: string;
  readonly chunk?: number;
  readonly offset?: number;
  readonly line?: number;
  readonly recovered?: true;
}

/** The location part of a record. */
export function sourceOf(r: Pick<EventRecord, 'file' | 'chunk' | 'offset' | 'line' | 'recovered'>): RecordSource {
  return {
    file: r.file,
    ...(r.chunk !== undefined ? { chunk: r.chunk } : {}),
    ...(r.offset !== undefined ? { offset: r.offset } : {}),
    ...(r.line !== undefined ? { line: r.line } : {}),
    ...(r.recovered ? { recovered: true as const } : {}),
  };
}

/**
 * The identity of an event across inputs: computer (case-insensitive), channel (case-insensitive:
 * forwarders write `security`), EventRecordID and time to the second (exports keep microseconds,
 * some shippers only seconds). Undefined when the record has no EventRecordID (it cannot be told
 * apart from another one reliably).
 */
export function recordKey(r: Pick<EventRecord, 'computer' | 'channel' | 'eventRecordId' | 'timestamp'>): string | undefined {
  if (!(r.eventRecordId > 0)) return undefined;
  return `${r.computer.toLowerCase()}\u0000${r.channel.toLowerCase()}\u0000${r.eventRecordId}\u0000${r.timestamp.slice(0, 19)}`;
}

/** A problem met while reading evidence; never the end of a file. */
export interface ReadError {
  readonly file: string;
  /** Chunk index in the file (0-based), when the source has chunks. */
  readonly chunk?: number;
  /** Record number (EventRecordID) or line number for JSONL sources. */
  readonly record?: number;
  readonly line?: number;
  readonly offset?: number;
  readonly message: string;
  /**
   * The file (or part of it) could not be read at all: it could not be opened, is not what its
   * name says, or was cut short. Such files are listed among the unreadable inputs at the end of
   * a run, which then exits "completed with unreadable inputs".
   */
  readonly unreadable?: true;
}
