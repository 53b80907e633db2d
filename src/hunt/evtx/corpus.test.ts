/**
 * The real-evidence suite: every .evtx of ../shared/corpus (public attack samples and damaged
 * files), the record counts of the Rust evtx crate on the damaged ones, and the SigmaHQ
 * regression data (each .evtx beside the same events as JSON).
 * Skipped with one message when the corpus folder is absent (a fresh clone elsewhere).
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { isDeepStrictEqual } from 'node:util';
import type { EventRecord, EventValue } from '../record.ts';
import { readEvtxFile } from './index.ts';

const corpus = fileURLToPath(new URL('../../../../shared/corpus/', import.meta.url));
const skip = existsSync(join(corpus, 'evtx', 'census.tsv')) ? false : '../shared/corpus not present';

/** (ok, errors) the Rust evtx crate reports on the damaged samples (corpus README). */
const MATURE: Record<string, [number, number]> = {
  'sample-with-irregular-bool-values.evtx': [3028, 0],
  '2-vss_0-Microsoft-Windows-RemoteDesktopServices-RdpCoreTS%4Operational.evtx': [1910, 4],
  '2-vss_0-Microsoft-Windows-TerminalServices-RemoteConnectionManager%4Operational.evtx': [1774, 2],
  '2-vss_7-System.evtx': [1160, 0],
  'sample_with_a_bad_chunk_magic.evtx': [270, 2],
  'Microsoft-Windows-HelloForBusiness%4Operational.evtx': [6, 0],
  'Microsoft-Windows-LanguagePackSetup%4Operational.evtx': [17, 0],
  'E_Windows_system32_winevt_logs_Microsoft-Windows-Shell-Core%4Operational.evtx': [1146, 0],
  'E_ShadowCopy6_windows_system32_winevt_logs_Microsoft-Windows-CAPI2%4Operational.evtx': [459, 0],
  'Application_no_crc32.evtx': [17, 0],
  'post-Security.evtx': [126, 0],
};

interface Outcome {
  records: EventRecord[];
  errors: number;
  summary: ReturnType<typeof readEvtxFile>;
}

function readAll(path: string): Outcome {
  const records: EventRecord[] = [];
  let errors = 0;
  const summary = readEvtxFile(path, (r) => records.push(r), () => errors++);
  return { records, errors, summary };
}

describe('evtx reader on the corpus', { skip }, () => {
  const census = skip ? [] : readFileSync(join(corpus, 'evtx', 'census.tsv'), 'utf8').trim().split('\n').map((l) => {
    const [records, , , path] = l.split('\t');
    return { records: Number(records), path: join(corpus, 'evtx', (path ?? '').replace(/^\.\//, '')) };
  });

  it('reads every corpus file to the end: records plus reported errors cover the census count', () => {
    assert.ok(census.length > 300, 'census lists the corpus files');
    const short: string[] = [];
    for (const c of census) {
      const { summary } = readAll(c.path);
      if (summary.records + summary.errors < c.records) short.push(`${basename(c.path)}: ${summary.records}+${summary.errors} < ${c.records}`);
    }
    assert.deepEqual(short, []);
  });

  it('matches the record and error counts of the Rust evtx crate on the damaged samples', () => {
    for (const [name, [ok, err]] of Object.entries(MATURE)) {
      const { summary } = readAll(join(corpus, 'evtx', 'edge-cases', name));
      assert.deepEqual([summary.records, summary.errors], [ok, err], name);
    }
    // The zero-data-size sample: 336 records in all, one of them unreadable.
    const z = readAll(join(corpus, 'evtx', 'edge-cases', 'sample-with-zero-data-size-event.evtx')).summary;
    assert.equal(z.records + z.errors, 336);
  });

  it('yields the same EventData and header fields as the SigmaHQ regression JSON', () => {
    const files: string[] = [];
    const walk = (d: string): void => {
      for (const n of readdirSync(d)) {
        const f = join(d, n);
        if (statSync(f).isDirectory()) walk(f);
        else if (n.endsWith('.evtx')) files.push(f);
      }
    };
    walk(join(corpus, 'sigma', 'regression'));
    assert.ok(files.length > 90);
    const problems: string[] = [];
    let compared = 0;
    for (const f of files) {
      const expected = jsonObjects(readFileSync(f.replace(/\.evtx$/, '.json'), 'utf8'));
      const { records, errors } = readAll(f);
      assert.equal(errors, 0, f);
      assert.equal(records.length, expected.length, `${f}: one JSON object per record`);
      records.forEach((r, i) => {
        compared++;
        const ev = (expected[i] as { Event: Json }).Event;
        for (const p of compareRecord(r, ev)) problems.push(`${basename(f)}#${r.recordId} ${p}`);
      });
    }
    assert.ok(compared >= 118);
    // One regression JSON was exported from another capture than its .evtx (Windows' own
    // rendering: nanosecond time, "Explorer.exe" where the .evtx has "Explorer.EXE").
    assert.deepEqual(problems, ['ad691d92-15f2-4181-9aa4-723c74f9ddc3.evtx#1 data.ParentCommandLine: "C:\\\\Windows\\\\Explorer.EXE" vs "C:\\\\Windows\\\\Explorer.exe"']);
  });
});

type Json = Record<string, unknown>;

/** The JSON files hold one or several pretty-printed objects back to back. */
function jsonObjects(text: string): unknown[] {
  const out: unknown[] = [];
  let depth = 0;
  let start = -1;
  let inString = false;
  let escaped = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (inString) {
      if (escaped) escaped = false;
      else if (c === '\\') escaped = true;
      else if (c === '"') inString = false;
    } else if (c === '"') inString = true;
    else if (c === '{' && depth++ === 0) start = i;
    else if (c === '}' && --depth === 0) out.push(JSON.parse(text.slice(start, i + 1)));
  }
  return out;
}

/**
 * Differences between our record and the JSON event. The regression JSON strips the leading
 * and trailing white space of text values (its exporter does; evtx_dump and Windows do not),
 * so a string of ours equals theirs once trimmed. Its times may carry 9 fractional digits.
 */
function compareRecord(r: EventRecord, ev: Json): string[] {
  const out: string[] = [];
  const sys = ev.System as Json;
  const userData = ev.UserData as Json | undefined;
  const expectedData = { ...((ev.EventData ?? (userData ? Object.values(userData)[0] : {})) as Json) };
  delete expectedData['#attributes'];
  const keys = new Set([...Object.keys(r.data), ...Object.keys(expectedData)]);
  for (const k of keys) {
    const ours = r.data[k];
    const theirs = expectedData[k];
    if (!isDeepStrictEqual(typeof ours === 'string' ? ours.trim() : ours, theirs)) out.push(`data.${k}: ${JSON.stringify(ours)} vs ${JSON.stringify(theirs)}`);
  }
  const eventId = sys.EventID as EventValue | Json;
  const id = typeof eventId === 'object' && eventId !== null && !Array.isArray(eventId) ? (eventId as Json)['#text'] : eventId;
  if (r.eventId !== id) out.push(`eventId ${r.eventId} vs ${String(id)}`);
  if (r.computer !== sys.Computer) out.push(`computer ${r.computer} vs ${String(sys.Computer)}`);
  if (r.channel !== sys.Channel) out.push(`channel ${r.channel} vs ${String(sys.Channel)}`);
  const time = String(((sys.TimeCreated as Json)['#attributes'] as Json).SystemTime).replace(/(\.\d{6})\d*Z$/, '$1Z');
  if (r.timestamp !== time) out.push(`timestamp ${r.timestamp} vs ${time}`);
  if (r.system.EventRecordID !== sys.EventRecordID) out.push(`EventRecordID ${String(r.system.EventRecordID)} vs ${String(sys.EventRecordID)}`);
  const provider = ((sys.Provider as Json)['#attributes'] as Json).Name;
  if (r.provider !== provider) out.push(`provider ${r.provider} vs ${String(provider)}`);
  return out;
}
