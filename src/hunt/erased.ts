/**
 * Evidence the attacker tried to erase: log-clearing events (Security 1102, System 104) and holes
 * in the EventRecordID sequence of a computer's channel (as Chainsaw's `analyse gaps` reports).
 *
 * EventRecordIDs of one channel on one computer count up by one per event. Across every input
 * (several files, an .evtx and its export, records carved with --recover), the IDs seen are kept
 * as runs of consecutive numbers with the time at each end, so memory grows with the number of
 * holes, not of records. A hole between two runs is a `record-gap`: records were deleted, the log
 * was cut (an export filtered by a query also leaves holes), or the file holding them was not
 * given. When the record after a hole is older than the one before it, the numbering started
 * again (the log was cleared or recreated): that is a `numbering-restart`.
 *
 * Per file (worker side): `IdRunTracker` and `clearEventOf`. Across files (main thread):
 * `ErasedEvidence`, whose `findings()` lists everything, largest holes first within a channel.
 */
import type { EventRecord, RecordSource } from './record.ts';
import { sourceOf } from './record.ts';

/** A log-clearing event, as found. */
export interface LogCleared {
  readonly type: 'log-cleared';
  readonly computer: string;
  /** The channel that was cleared (Security for 1102; the event's own Channel field for 104). */
  readonly channel: string;
  readonly time: string;
  readonly eventRecordId: number;
  readonly eventId: number;
  /** Who cleared it (SubjectDomainName\SubjectUserName), when the event says. */
  readonly by?: string;
  readonly source: RecordSource;
}

/** A hole in the EventRecordIDs of one channel on one computer. */
export interface RecordGap {
  readonly type: 'record-gap' | 'numbering-restart';
  readonly computer: string;
  readonly channel: string;
  /** The EventRecordIDs absent, inclusive (`count` = to - from + 1; 0 for a restart). */
  readonly missing: { readonly from: number; readonly to: number; readonly count: number };
  /** The last record seen before the hole and the first after it. */
  readonly before: { readonly eventRecordId: number; readonly time: string };
  readonly after: { readonly eventRecordId: number; readonly time: string };
}

export type ErasedFinding = LogCleared | RecordGap;

/** Runs of consecutive EventRecordIDs of one channel on one computer, in one file. */
export interface IdRuns {
  readonly computer: string;
  readonly channel: string;
  /** [start, end] pairs, inclusive. */
  readonly ids: number[];
  /** [time of start, time of end] pairs. */
  readonly times: string[];
}

/** Runs per computer/channel kept while one file is read; a record extends the run it follows. */
export class IdRunTracker {
  private readonly byKey = new Map<string, IdRuns>();
  private last: IdRuns | undefined;

  add(r: EventRecord): void {
    const id = r.eventRecordId;
    if (!(id > 0)) return;
    // Consecutive records almost always share computer and channel: no key string for them.
    let runs = this.last;
    if (runs === undefined || runs.computer !== r.computer || runs.channel !== r.channel) {
      const key = `${r.computer}\u0000${r.channel}`;
      runs = this.byKey.get(key);
      if (runs === undefined) {
        runs = { computer: r.computer, channel: r.channel, ids: [], times: [] };
        this.byKey.set(key, runs);
      }
      this.last = runs;
    }
    const n = runs.ids.length;
    if (n > 0) {
      const end = runs.ids[n - 1] as number;
      if (id === end + 1) {
        runs.ids[n - 1] = id;
        runs.times[n - 1] = r.timestamp;
        return;
      }
      if (id === end) return;
    }
    runs.ids.push(id, id);
    runs.times.push(r.timestamp, r.timestamp);
  }

  /** The runs of the file, each list sorted and merged. */
  take(): IdRuns[] {
    const out = [...this.byKey.values()].map(normalise);
    this.byKey.clear();
    this.last = undefined;
    return out;
  }
}

interface Run {
  start: number;
  end: number;
  startTime: string;
  endTime: string;
}

function toRuns(r: IdRuns): Run[] {
  const out: Run[] = [];
  for (let i = 0; i + 1 < r.ids.length; i += 2) out.push({ start: r.ids[i] as number, end: r.ids[i + 1] as number, startTime: r.times[i] as string, endTime: r.times[i + 1] as string });
  return out;
}

/** Sorts by start and merges overlapping or adjacent runs, keeping the times at the new ends. */
function mergeRuns(runs: Run[]): Run[] {
  runs.sort((a, b) => a.start - b.start || b.end - a.end);
  const out: Run[] = [];
  for (const r of runs) {
    const top = out[out.length - 1];
    if (top !== undefined && r.start <= top.end + 1) {
      if (r.end > top.end) {
        top.end = r.end;
        top.endTime = r.endTime;
      }
    } else out.push({ ...r });
  }
  return out;
}

function normalise(r: IdRuns): IdRuns {
  const merged = mergeRuns(toRuns(r));
  return { computer: r.computer, channel: r.channel, ids: merged.flatMap((m) => [m.start, m.end]), times: merged.flatMap((m) => [m.startTime, m.endTime]) };
}

/** The log-clearing event a record is, if it is one (Security 1102, System 104 from the Eventlog provider). */
export function clearEventOf(r: EventRecord): LogCleared | undefined {
  const ch = r.channel.toLowerCase();
  const provider = r.provider.toLowerCase();
  const fromEventlog = provider === '' || provider === 'microsoft-windows-eventlog' || provider === 'eventlog';
  if (!fromEventlog) return undefined;
  let channel: string;
  if (r.eventId === 1102 && ch === 'security') channel = 'Security';
  else if (r.eventId === 104 && ch === 'system') {
    const named = r.data.Channel;
    channel = typeof named === 'string' && named !== '' ? named : 'System';
  } else return undefined;
  const user = typeof r.data.SubjectUserName === 'string' ? r.data.SubjectUserName : '';
  const domain = typeof r.data.SubjectDomainName === 'string' ? r.data.SubjectDomainName : '';
  const by = user === '' ? undefined : domain === '' ? user : `${domain}\\${user}`;
  return {
    type: 'log-cleared',
    computer: r.computer,
    channel,
    time: r.timestamp,
    eventRecordId: r.eventRecordId,
    eventId: r.eventId,
    ...(by === undefined ? {} : { by }),
    source: sourceOf(r),
  };
}

/** Runs lists past this size are merged before more are added. */
const COMPACT_AT = 4096;

/** Everything seen across the inputs of a hunt; findings at the end. */
export class ErasedEvidence {
  private readonly runs = new Map<string, { computer: string; channel: string; runs: Run[]; compacted: number }>();
  private readonly clears = new Map<string, LogCleared>();

  /** Adds one file's runs (IdRunTracker.take) and clearing events. */
  add(fileRuns: readonly IdRuns[], clears: readonly LogCleared[]): void {
    for (const r of fileRuns) {
      // Case-insensitive: forwarders write `security`, hosts are written in any case.
      const key = `${r.computer.toLowerCase()}\u0000${r.channel.toLowerCase()}`;
      let e = this.runs.get(key);
      if (e === undefined) {
        e = { computer: r.computer, channel: r.channel, runs: [], compacted: 0 };
        this.runs.set(key, e);
      }
      for (const x of toRuns(r)) e.runs.push(x);
      if (e.runs.length > Math.max(COMPACT_AT, e.compacted * 2)) {
        e.runs = mergeRuns(e.runs);
        e.compacted = e.runs.length;
      }
    }
    for (const c of clears) {
      // The same event read from an .evtx and its export is one clearing.
      const key = `${c.computer.toLowerCase()}\u0000${c.channel.toLowerCase()}\u0000${c.eventRecordId}\u0000${c.time.slice(0, 19)}`;
      if (!this.clears.has(key)) this.clears.set(key, c);
    }
  }

  /** Clearing events in time order, then gaps per computer and channel (largest first). */
  findings(): ErasedFinding[] {
    const out: ErasedFinding[] = [...this.clears.values()].sort((a, b) => a.time.localeCompare(b.time));
    const keys = [...this.runs.keys()].sort();
    for (const key of keys) {
      const e = this.runs.get(key)!;
      const merged = mergeRuns(e.runs);
      const gaps: RecordGap[] = [];
      for (let i = 1; i < merged.length; i++) {
        const a = merged[i - 1] as Run;
        const b = merged[i] as Run;
        const restart = b.startTime !== '' && a.endTime !== '' && b.startTime < a.endTime;
        gaps.push({
          type: restart ? 'numbering-restart' : 'record-gap',
          computer: e.computer,
          channel: e.channel,
          missing: { from: a.end + 1, to: b.start - 1, count: restart ? 0 : b.start - a.end - 1 },
          before: { eventRecordId: a.end, time: a.endTime },
          after: { eventRecordId: b.start, time: b.startTime },
        });
      }
      gaps.sort((x, y) => y.missing.count - x.missing.count || x.missing.from - y.missing.from);
      out.push(...gaps);
    }
    return out;
  }
}
