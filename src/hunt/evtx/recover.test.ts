/**
 * Record identity (EventRecordID, chunk, offset), files cut short, and recovery of deleted records
 * (`recover`): slack space after a chunk's last live record, and chunks whose header is gone.
 * Files are built byte by byte; `evtxexport -m recovered` (libevtx-utils) is the oracle when it is
 * installed, on these files and on the corpus.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { EventRecord, ReadError } from '../record.ts';
import { readEvtxBuffer, readEvtxFile } from './index.ts';
import type { RecordSpec } from '../../../test/support/evtx-builder.ts';
import { buildChunk, buildFile, CHUNK_SIZE, fixChunkCrcs, standardEvent, standardSystemValues, v } from '../../../test/support/evtx-builder.ts';

const LOGON = standardEvent(['TargetUserName', 'LogonType', 'IpAddress'], [0x01, 0x08, 0x01]);

/** 4624 records; `erid` gives the EventRecordID when it differs from the header number. */
function logons(firstId: number, n: number, erid: (id: number) => number = (id) => id): RecordSpec[] {
  let def: number | undefined;
  return Array.from({ length: n }, (_, i) => {
    const id = firstId + i;
    return {
      id,
      body: (x) => {
        x.w.u8(0x0f).u8(1).u8(1).u8(0);
        const sys = standardSystemValues(4624, id);
        sys[5] = v.u64(BigInt(erid(id)));
        def = x.instance(LOGON, [...sys, v.str(`user${id}`), v.u32(3), v.str('10.0.0.5')], def);
        x.w.u8(0x00);
      },
    };
  });
}

/** A chunk of `n` records whose header says only the first `live` are in use: the rest is slack. */
function chunkWithSlack(firstId: number, n: number, live: number): Uint8Array {
  const c = buildChunk(logons(firstId, n));
  const view = new DataView(c.bytes.buffer);
  const lastLive = BigInt(firstId + live - 1);
  view.setBigUint64(16, lastLive, true);
  view.setBigUint64(32, lastLive, true);
  view.setUint32(44, c.offsets[live - 1] as number, true);
  view.setUint32(48, c.offsets[live] as number, true);
  fixChunkCrcs(c.bytes);
  return c.bytes;
}

function read(buf: Uint8Array, recover: boolean): { records: EventRecord[]; errors: ReadError[]; summary: ReturnType<typeof readEvtxBuffer> } {
  const records: EventRecord[] = [];
  const errors: ReadError[] = [];
  const summary = readEvtxBuffer(buf, 'test.evtx', (r) => records.push(r), (e) => errors.push(e), { recover });
  return { records, errors, summary };
}

const hasEvtxexport = ((): boolean => {
  try {
    execFileSync('evtxexport', ['-h'], { stdio: 'ignore' });
    return true;
  } catch (e) {
    return (e as { status?: number }).status !== undefined && (e as { code?: string }).code !== 'ENOENT';
  }
})();

/** EventRecordIDs `evtxexport -m recovered` recovers from a file. */
function evtxexportRecovered(path: string): Set<number> {
  let xml = '';
  try {
    xml = execFileSync('evtxexport', ['-m', 'recovered', '-f', 'xml', path], { maxBuffer: 1 << 28, stdio: ['ignore', 'pipe', 'ignore'], timeout: 60_000 }).toString();
  } catch (e) {
    // evtxexport exits non-zero on files it cannot open; whatever it printed still counts.
    xml = String((e as { stdout?: Buffer }).stdout ?? '');
  }
  return new Set([...xml.matchAll(/<EventRecordID>(\d+)<\/EventRecordID>/g)].map((m) => Number(m[1])));
}

describe('evtx record identity', () => {
  it('every record carries the EventRecordID of its System element, its chunk and its byte offset', () => {
    // Exported logs renumber the record headers: the EventRecordID is what every other tool shows.
    const c1 = buildChunk(logons(1, 2, (id) => 9800 + id));
    const c2 = buildChunk(logons(3, 2, (id) => 9800 + id));
    const { records } = read(buildFile([c1.bytes, c2.bytes]), false);
    assert.deepEqual(records.map((r) => [r.recordId, r.eventRecordId, r.chunk, r.offset]), [
      [1, 9801, 0, 4096 + (c1.offsets[0] as number)],
      [2, 9802, 0, 4096 + (c1.offsets[1] as number)],
      [3, 9803, 1, 4096 + CHUNK_SIZE + (c2.offsets[0] as number)],
      [4, 9804, 1, 4096 + CHUNK_SIZE + (c2.offsets[1] as number)],
    ]);
    assert.equal(records.some((r) => r.recovered), false);
  });

  it('the offset points at the record signature in the file', () => {
    const file = buildFile([buildChunk(logons(1, 3)).bytes]);
    for (const r of read(file, false).records) {
      const o = r.offset as number;
      assert.deepEqual([...file.subarray(o, o + 4)], [0x2a, 0x2a, 0, 0], `record ${r.eventRecordId}`);
    }
  });
});

describe('evtx files cut short', () => {
  it('a file whose header promises chunks that are not there is an error naming it', () => {
    const file = buildFile([buildChunk(logons(1, 2)).bytes], { headerChunks: 3 });
    const { records, errors, summary } = read(file, false);
    assert.equal(records.length, 2, 'what is there is read');
    const e = errors.find((x) => /promises 3 chunks but the file holds 1/.test(x.message));
    assert.ok(e, JSON.stringify(errors));
    assert.equal(e.file, 'test.evtx');
    assert.equal(e.unreadable, true);
    assert.equal(summary.errors, 1);
  });

  it('a header-only file (4096 bytes, chunks promised) is an error, an empty log (no chunk promised) is not', () => {
    const promised = buildFile([buildChunk(logons(1, 2)).bytes]).subarray(0, 4096);
    assert.match(read(promised, false).errors[0]?.message ?? '', /promises 1 chunks but the file holds 0/);
    assert.deepEqual(read(buildFile([]), false).errors, []);
  });

  it('readEvtxFile names the file on disk in the error', () => {
    const dir = mkdtempSync(join(tmpdir(), 'cc-cut-'));
    try {
      const p = join(dir, 'Security.evtx');
      writeFileSync(p, buildFile([buildChunk(logons(1, 2)).bytes]).subarray(0, 3000));
      const errors: ReadError[] = [];
      const s = readEvtxFile(p, () => undefined, (e) => errors.push(e));
      assert.equal(s.records, 0);
      assert.equal(errors.length, 1);
      assert.equal(errors[0]?.file, p);
      assert.match(errors[0]?.message ?? '', /cut inside its header: 3000 of 4096 bytes/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('evtx recovery of deleted records', () => {
  it('carves the records left in slack space after the last live record, marked recovered', () => {
    const file = buildFile([chunkWithSlack(1, 5, 2)]);
    const plain = read(file, false);
    assert.deepEqual(plain.records.map((r) => r.eventRecordId), [1, 2]);
    const got = read(file, true);
    assert.deepEqual(got.records.map((r) => [r.eventRecordId, r.recovered === true]), [[1, false], [2, false], [3, true], [4, true], [5, true]]);
    assert.deepEqual(got.records[3]?.data, { TargetUserName: 'user4', LogonType: 3, IpAddress: '10.0.0.5' });
    assert.equal(got.summary.recovered, 3);
    assert.equal(got.summary.records, 5);
    assert.equal(got.summary.errors, 0, 'slack is not damage');
    assert.deepEqual(got.errors, []);
  });

  it('carves records from a chunk whose header was wiped, and says so', () => {
    const good = buildChunk(logons(1, 2)).bytes;
    const wiped = buildChunk(logons(10, 4)).bytes;
    wiped.fill(0, 0, 512);
    const { records, errors, summary } = read(buildFile([good, wiped]), true);
    assert.deepEqual(records.map((r) => [r.eventRecordId, r.chunk, r.recovered === true]), [[1, 0, false], [2, 0, false], [10, 1, true], [11, 1, true], [12, 1, true], [13, 1, true]]);
    assert.equal(summary.recovered, 4);
    assert.match(errors[0]?.message ?? '', /bad chunk signature.*records carved from it/);
  });

  it('drops a carved copy of a live record, and never drops a live record', () => {
    // Chunk 0: records 1-3 live. Chunk 1: record 2 live again, then slack holding a copy of
    // record 3 (same number, same time) and a record 4 found nowhere else.
    const c0 = buildChunk(logons(1, 3)).bytes;
    const older = buildChunk([...logons(2, 1), ...logons(3, 2)]);
    const c1 = older.bytes;
    const view = new DataView(c1.buffer);
    view.setBigUint64(16, 2n, true);
    view.setBigUint64(32, 2n, true);
    view.setUint32(48, older.offsets[1] as number, true);
    fixChunkCrcs(c1);
    const { records } = read(buildFile([c0, c1]), true);
    assert.deepEqual(records.filter((r) => r.recovered).map((r) => r.eventRecordId), [4]);
    assert.equal(records.filter((r) => r.eventRecordId === 2).length, 2, 'live records are never dropped');
  });

  it('never reports a broken carved record as damage, and never loops on garbage', () => {
    const junk = new Uint8Array(4096 + 2 * CHUNK_SIZE);
    junk.set(buildFile([buildChunk(logons(1, 1)).bytes]).subarray(0, 4096 + CHUNK_SIZE));
    // Signatures everywhere in the second slot, sizes pointing anywhere.
    for (let o = 4096 + CHUNK_SIZE + 512; o + 8 < junk.length; o += 40) junk.set([0x2a, 0x2a, 0, 0, 40, 0, 0, 0], o);
    const { records, summary } = read(junk, true);
    assert.equal(records.filter((r) => !r.recovered).length, 1);
    assert.equal(summary.records, records.length);
  });

  it('recovers what evtxexport -m recovered recovers from a generated file', { skip: hasEvtxexport ? false : 'evtxexport (libevtx-utils) not installed' }, () => {
    const dir = mkdtempSync(join(tmpdir(), 'cc-recover-'));
    try {
      const p = join(dir, 'slack.evtx');
      writeFileSync(p, buildFile([chunkWithSlack(1, 6, 3)]));
      const theirs = evtxexportRecovered(p);
      assert.deepEqual([...theirs].sort(), [4, 5, 6]);
      const ours = new Set<number>();
      readEvtxFile(p, (r) => r.recovered && ours.add(r.eventRecordId), () => undefined, { recover: true });
      assert.deepEqual([...ours].sort(), [4, 5, 6]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

const CORPUS = fileURLToPath(new URL('../../../../shared/corpus/evtx/', import.meta.url));
const corpusSkip = !existsSync(join(CORPUS, 'census.tsv')) ? '../shared/corpus not present' : !hasEvtxexport ? 'evtxexport (libevtx-utils) not installed' : false;

describe('evtx recovery on the corpus against evtxexport', { skip: corpusSkip }, () => {
  it('recovers at least the EventRecordIDs evtxexport -m recovered recovers, in every corpus file', () => {
    const census = readFileSync(join(CORPUS, 'census.tsv'), 'utf8').trim().split('\n').map((l) => join(CORPUS, (l.split('\t')[3] ?? '').replace(/^\.\//, '')));
    let theirsTotal = 0;
    let ourRecovered = 0;
    const missing: string[] = [];
    for (const f of census) {
      const theirs = evtxexportRecovered(f);
      if (theirs.size === 0) continue;
      theirsTotal += theirs.size;
      // Live or carved: evtxexport calls "recovered" some records we read as live (chunks past the
      // header's count, chunks with a stale checksum); what matters is that none is lost.
      const ours = new Set<number>();
      const s = readEvtxFile(f, (r) => ours.add(r.eventRecordId), () => undefined, { recover: true });
      ourRecovered += s.recovered;
      const lost = [...theirs].filter((id) => !ours.has(id));
      if (lost.length > 0) missing.push(`${f.slice(CORPUS.length)}: ${lost.length} (${lost.slice(0, 5).join(', ')})`);
    }
    assert.ok(theirsTotal > 2000, `evtxexport recovered only ${theirsTotal} records: is this the corpus?`);
    assert.deepEqual(missing, []);
    assert.ok(ourRecovered >= 1500, `only ${ourRecovered} records carved`);
  });
});
