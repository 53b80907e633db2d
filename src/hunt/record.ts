/**
 * The one shape every evidence source is mapped to (EVTX files, evtx_dump JSONL, NXLog, Winlogbeat/ECS).
 * The Sigma engine only ever sees this shape.
 */

/** A field value as it appears in the event (evtx_dump renders the same values in its JSON). */
export type EventValue = string | number | boolean | null | readonly EventValue[];

export interface EventRecord {
  /** Where the record came from: a path as given on the command line. */
  readonly file: string;
  /** EventRecordID of the record (EVTX record header number). */
  readonly recordId: number;
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
}
