/**
 * Per-host evidence from a hunt's detections and erased-evidence findings, in the shape the app
 * layer records (src/app/evidence.ts): per host, counts by level, first and last hit, and one
 * reference per rule and input file (count, time range, the first EventRecordIDs). Memory grows
 * with hosts x rules x files, not with detections. Fed by `hunt --db` as detections are printed,
 * and by `evidence import` from a hunt's JSONL.
 */
import type { Level } from './sigma/compile.ts';
import type { ErasedFinding } from './erased.ts';
import { timeKey } from './timeline.ts';

/** The fields of a detection this needs (a Detection, or a line of a hunt's JSONL). */
export interface DetectionLike {
  readonly rule: { readonly id: string; readonly title: string; readonly level: Level };
  readonly timestamp: string;
  readonly computer: string;
  readonly eventRecordId: number;
  readonly file: string;
}

export interface HostRef {
  ruleId: string;
  ruleTitle: string;
  level: Level;
  file: string;
  count: number;
  first: string;
  last: string;
  eventRecordIds: number[];
}

export interface HostErased {
  type: 'log-cleared' | 'record-gap' | 'numbering-restart';
  channel: string;
  time: string;
  eventRecordId: number;
  count?: number;
  by?: string;
  file?: string;
}

export interface HostEvidence {
  host: string;
  detections: number;
  byLevel: Partial<Record<Level, number>>;
  first: string;
  last: string;
  refs: HostRef[];
  refsOmitted?: number;
  erased?: HostErased[];
}

const LEVEL_RANK: Record<Level, number> = { critical: 4, high: 3, medium: 2, low: 1, informational: 0 };
const MAX_REFS = 100;
const MAX_ERASED = 100;
const MAX_IDS = 10;

interface Acc {
  host: string;
  detections: number;
  byLevel: Partial<Record<Level, number>>;
  first: string;
  last: string;
  refs: Map<string, HostRef>;
  erased: HostErased[];
}

export class HostEvidenceBuilder {
  private readonly hosts = new Map<string, Acc>();

  private acc(host: string): Acc {
    const k = host.trim().toLowerCase();
    let a = this.hosts.get(k);
    if (a === undefined) {
      a = { host: host.trim(), detections: 0, byLevel: {}, first: '', last: '', refs: new Map(), erased: [] };
      this.hosts.set(k, a);
    }
    return a;
  }

  addDetection(d: DetectionLike): void {
    if (d.computer.trim() === '') return;
    const a = this.acc(d.computer);
    a.detections++;
    a.byLevel[d.rule.level] = (a.byLevel[d.rule.level] ?? 0) + 1;
    if (d.timestamp && (a.first === '' || timeKey(d.timestamp) < timeKey(a.first))) a.first = d.timestamp;
    if (d.timestamp && (a.last === '' || timeKey(d.timestamp) > timeKey(a.last))) a.last = d.timestamp;
    const rk = `${d.rule.id}\u0000${d.file}`;
    const r = a.refs.get(rk);
    if (r === undefined) {
      a.refs.set(rk, { ruleId: d.rule.id, ruleTitle: d.rule.title, level: d.rule.level, file: d.file, count: 1, first: d.timestamp, last: d.timestamp, eventRecordIds: d.eventRecordId > 0 ? [d.eventRecordId] : [] });
      return;
    }
    r.count++;
    if (timeKey(d.timestamp) < timeKey(r.first)) r.first = d.timestamp;
    if (timeKey(d.timestamp) > timeKey(r.last)) r.last = d.timestamp;
    if (r.eventRecordIds.length < MAX_IDS && d.eventRecordId > 0 && !r.eventRecordIds.includes(d.eventRecordId)) r.eventRecordIds.push(d.eventRecordId);
  }

  addFinding(f: ErasedFinding): void {
    if (f.computer.trim() === '') return;
    const a = this.acc(f.computer);
    if (a.erased.length >= MAX_ERASED) return;
    if (f.type === 'log-cleared') {
      a.erased.push({ type: f.type, channel: f.channel, time: f.time, eventRecordId: f.eventRecordId, ...(f.by ? { by: f.by } : {}), file: f.source.file });
    } else {
      a.erased.push({ type: f.type, channel: f.channel, time: f.before.time, eventRecordId: f.missing.from, ...(f.type === 'record-gap' ? { count: f.missing.count } : {}) });
    }
  }

  /** One entry per host, hosts sorted by name; references worst level first, then most hits. */
  build(): HostEvidence[] {
    return [...this.hosts.values()]
      .sort((a, b) => a.host.localeCompare(b.host))
      .map((a) => {
        const refs = [...a.refs.values()].sort((x, y) => LEVEL_RANK[y.level] - LEVEL_RANK[x.level] || y.count - x.count || x.first.localeCompare(y.first));
        return {
          host: a.host,
          detections: a.detections,
          byLevel: a.byLevel,
          first: a.first,
          last: a.last,
          refs: refs.slice(0, MAX_REFS),
          ...(refs.length > MAX_REFS ? { refsOmitted: refs.length - MAX_REFS } : {}),
          ...(a.erased.length > 0 ? { erased: a.erased } : {}),
        };
      });
  }
}
