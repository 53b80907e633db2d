import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { EventRecord, ReadError } from '../record.ts';
import { readEvtxBuffer, readEvtxFile } from './index.ts';
import type { RecordSpec, TplNode, Value } from '../../../test/support/evtx-builder.ts';
import {
  attr, buildChunk, buildFile, CHUNK_SIZE, el, fixChunkCrcs, standardEvent, standardSystemValues, sub, text, v,
} from '../../../test/support/evtx-builder.ts';

function read(buf: Uint8Array): { records: EventRecord[]; errors: ReadError[]; summary: ReturnType<typeof readEvtxBuffer> } {
  const records: EventRecord[] = [];
  const errors: ReadError[] = [];
  const summary = readEvtxBuffer(buf, 'test.evtx', (r) => records.push(r), (e) => errors.push(e));
  return { records, errors, summary };
}

const LOGON = standardEvent(['TargetUserName', 'LogonType', 'IpAddress'], [0x01, 0x08, 0x01]);

/** Records 4624 with inline template on the first one, referenced by offset afterwards. */
function logonRecords(firstId: number, n: number): RecordSpec[] {
  let defOffset: number | undefined;
  const out: RecordSpec[] = [];
  for (let i = 0; i < n; i++) {
    const id = firstId + i;
    out.push({
      id,
      body: (x) => {
        x.w.u8(0x0f).u8(1).u8(1).u8(0);
        defOffset = x.instance(LOGON, [...standardSystemValues(4624, id), v.str(`user${id}`), v.u32(3), v.str('10.0.0.5')], defOffset);
        x.w.u8(0x00);
      },
    });
  }
  return out;
}

describe('evtx reader: file and chunk walking', () => {
  it('reads records of a hand-built file, template inline then referenced by offset', () => {
    const { records, errors, summary } = read(buildFile([buildChunk(logonRecords(1, 3)).bytes]));
    assert.deepEqual(errors, []);
    assert.deepEqual(summary, { records: 3, errors: 0, chunks: 1, badChunks: 0, recovered: 0 });
    const r = records[1] as EventRecord;
    assert.equal(r.recordId, 2);
    assert.equal(r.eventId, 4624);
    assert.equal(r.channel, 'Security');
    assert.equal(r.provider, 'Microsoft-Windows-Security-Auditing');
    assert.equal(r.computer, 'WS042.hospital.local');
    assert.equal(r.level, 0);
    assert.equal(r.timestamp, '2019-04-17T18:40:02.000000Z');
    assert.deepEqual(r.data, { TargetUserName: 'user2', LogonType: 3, IpAddress: '10.0.0.5' });
    assert.equal(r.system.Provider_Guid, '54845425-6BB8-495A-A5BA-3E3B0D301A3E');
    assert.equal(r.system.Correlation, null, 'an element whose only attribute is an empty optional substitution is null');
    assert.equal(r.system.EventRecordID, 2);
    assert.equal('Security_UserID' in r.system, false);
  });

  it('walks chunks by file size, not by the chunk count in the file header', () => {
    const file = buildFile([buildChunk(logonRecords(1, 2)).bytes, buildChunk(logonRecords(3, 2)).bytes, buildChunk(logonRecords(5, 2)).bytes], { headerChunks: 1 });
    const { records, summary } = read(file);
    assert.deepEqual(records.map((r) => r.recordId), [1, 2, 3, 4, 5, 6]);
    assert.equal(summary.chunks, 3);
  });

  it('reports a bad chunk signature as one error and reads the next chunk', () => {
    const bad = buildChunk(logonRecords(3, 2)).bytes;
    bad[0] = 0x58;
    const { records, errors, summary } = read(buildFile([buildChunk(logonRecords(1, 2)).bytes, bad, buildChunk(logonRecords(5, 1)).bytes]));
    assert.deepEqual(records.map((r) => r.recordId), [1, 2, 5]);
    assert.equal(errors.length, 1);
    assert.equal(errors[0]?.chunk, 1);
    assert.equal(errors[0]?.offset, 4096 + CHUNK_SIZE);
    assert.match(errors[0]?.message ?? '', /bad chunk signature/);
    assert.deepEqual(summary, { records: 3, errors: 1, chunks: 3, badChunks: 1, recovered: 0 });
  });

  it('reports an event-records CRC32 mismatch, counts the chunk as bad, and still reads its records', () => {
    const chunk = buildChunk(logonRecords(1, 2)).bytes;
    chunk[52] = (chunk[52] as number) ^ 0xff;
    const { records, errors, summary } = read(buildFile([chunk]));
    assert.equal(records.length, 2);
    assert.equal(errors.length, 1);
    assert.match(errors[0]?.message ?? '', /event records CRC32 mismatch/);
    assert.deepEqual(summary, { records: 2, errors: 0, chunks: 1, badChunks: 1, recovered: 0 });
  });

  it('reports a chunk header CRC32 mismatch and still reads the records', () => {
    const chunk = buildChunk(logonRecords(1, 2)).bytes;
    chunk[200] = 0x77; // inside the string offset table, covered by the header CRC
    const { records, errors } = read(buildFile([chunk]));
    assert.equal(records.length, 2);
    assert.match(errors[0]?.message ?? '', /header CRC32 mismatch/);
  });

  it('skips the CRC checks of a chunk flagged as having none', () => {
    const chunk = buildChunk(logonRecords(1, 1), { flags: 0x4 }).bytes;
    chunk[52] = (chunk[52] as number) ^ 0xff;
    assert.deepEqual(read(buildFile([chunk])).errors, []);
  });

  it('skips all-zero (preallocated) chunks silently', () => {
    const { records, errors, summary } = read(buildFile([buildChunk(logonRecords(1, 1)).bytes, new Uint8Array(CHUNK_SIZE), buildChunk(logonRecords(2, 1)).bytes]));
    assert.equal(records.length, 2);
    assert.deepEqual(errors, []);
    assert.equal(summary.chunks, 2);
  });

  it('reads the intact records of a file cut in the middle of a chunk and reports the truncation', () => {
    const full = buildFile([buildChunk(logonRecords(1, 1)).bytes, buildChunk(logonRecords(2, 20)).bytes]);
    const { offsets } = buildChunk(logonRecords(2, 20));
    const cut = 4096 + CHUNK_SIZE + (offsets[10] as number) + 20; // inside record 12's header
    const { records, errors, summary } = read(full.subarray(0, cut));
    assert.deepEqual(records.map((r) => r.recordId), [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11]);
    assert.equal(errors.length, 1);
    assert.match(errors[0]?.message ?? '', /truncated chunk/);
    assert.equal(summary.badChunks, 1);
  });

  it('reports a file too short for its header without throwing, whether or not the header starts well', () => {
    // Issue 12: a file cut inside its header (3,000 bytes of a valid header start) used to give
    // 0 records and no error at all; it is now one error naming what is missing.
    for (const len of [0, 7, 100, 3000, 4095]) {
      const { records, errors, summary } = read(buildFile([]).subarray(0, len));
      assert.equal(records.length, 0);
      assert.equal(errors.length, 1, `length ${len}`);
      assert.equal(errors[0]?.unreadable, true, `length ${len}`);
      assert.match(errors[0]?.message ?? '', len >= 128 ? /cut inside its header: \d+ of 4096 bytes/ : /too short/, `length ${len}`);
      assert.equal(summary.records, 0);
    }
  });

  it('reports one error for a non-EVTX file instead of one per 64 KiB slot', () => {
    const junk = new Uint8Array(4096 + 3 * CHUNK_SIZE).fill(0x41);
    const { errors, summary } = read(junk);
    assert.equal(errors.length, 1);
    assert.match(errors[0]?.message ?? '', /not an EVTX file/);
    assert.equal(summary.badChunks, 3);
  });

  it('reports a broken record with its id and offset, and reads the next record', () => {
    const { bytes, offsets } = buildChunk(logonRecords(1, 3));
    // Record 2's BinXML starts at +24: replace the fragment header by an invalid token.
    bytes[(offsets[1] as number) + 24] = 0x3f;
    fixChunkCrcs(bytes);
    const { records, errors, summary } = read(buildFile([bytes]));
    assert.deepEqual(records.map((r) => r.recordId), [1, 3]);
    assert.equal(errors.length, 1);
    assert.equal(errors[0]?.record, 2);
    assert.equal(errors[0]?.chunk, 0);
    assert.equal(errors[0]?.offset, 4096 + (offsets[1] as number));
    assert.match(errors[0]?.message ?? '', /invalid BinXML token 0x3f/);
    assert.deepEqual(summary, { records: 2, errors: 1, chunks: 1, badChunks: 0, recovered: 0 });
  });

  it('stops a chunk at a bad record signature with one error, and goes on with the next chunk', () => {
    const { bytes, offsets } = buildChunk(logonRecords(1, 3));
    bytes[offsets[1] as number] = 0x2b;
    fixChunkCrcs(bytes);
    const { records, errors } = read(buildFile([bytes, buildChunk(logonRecords(4, 1)).bytes]));
    assert.deepEqual(records.map((r) => r.recordId), [1, 4]);
    assert.equal(errors.length, 1);
    assert.match(errors[0]?.message ?? '', /bad record signature/);
  });

  it('resolves a template whose definition is stored later in the chunk', () => {
    let later = 0;
    const specs: RecordSpec[] = [
      { id: 1, body: (x) => { x.w.u8(0x0f).u8(1).u8(1).u8(0); x.instance(LOGON, [...standardSystemValues(4625, 1), v.str('early'), v.u32(2), v.str('-')], 0xdead); x.w.u8(0); } },
      { id: 2, body: (x) => { x.w.u8(0x0f).u8(1).u8(1).u8(0); later = x.instance(LOGON, [...standardSystemValues(4624, 2), v.str('late'), v.u32(3), v.str('-')]); x.w.u8(0); } },
    ];
    buildChunk(specs); // first pass learns where record 2's inline definition lands
    const fixed: RecordSpec[] = [
      { id: 1, body: (x) => { x.w.u8(0x0f).u8(1).u8(1).u8(0); x.instance(LOGON, [...standardSystemValues(4625, 1), v.str('early'), v.u32(2), v.str('-')], later); x.w.u8(0); } },
      specs[1] as RecordSpec,
    ];
    const { records, errors } = read(buildFile([buildChunk(fixed).bytes]));
    assert.deepEqual(errors, []);
    assert.deepEqual(records.map((r) => [r.eventId, r.data.TargetUserName]), [[4625, 'early'], [4624, 'late']]);
  });

  it('throws for a missing file, naming the path', () => {
    assert.throws(() => readEvtxFile('/nonexistent/dir/Security.evtx', () => {}, () => {}), /ENOENT.*\/nonexistent\/dir\/Security\.evtx/);
  });

  it('reads a file from disk with 64 KiB reads, same as from memory', () => {
    const dir = mkdtempSync(join(tmpdir(), 'evtx-'));
    try {
      const bytes = buildFile([buildChunk(logonRecords(1, 5)).bytes, new Uint8Array(CHUNK_SIZE), buildChunk(logonRecords(6, 5)).bytes]);
      const path = join(dir, 'Security.evtx');
      writeFileSync(path, bytes);
      const fromDisk: EventRecord[] = [];
      const summary = readEvtxFile(path, (r) => fromDisk.push(r), () => {});
      assert.deepEqual(summary, read(bytes).summary);
      assert.deepEqual(fromDisk.map((r) => ({ ...r, file: 'x' })), read(bytes).records.map((r) => ({ ...r, file: 'x' })));
      assert.equal(fromDisk[0]?.file, path);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

/** One record whose template is `root` with `values`. */
function single(root: TplNode, values: Value[]): EventRecord {
  const { records, errors } = read(buildFile([buildChunk([{ id: 7, body: (x) => { x.w.u8(0x0f).u8(1).u8(1).u8(0); x.instance(root, values); x.w.u8(0); } }]).bytes]));
  assert.deepEqual(errors, []);
  assert.equal(records.length, 1);
  return records[0] as EventRecord;
}

describe('evtx reader: values and BinXML', () => {
  it('renders every value type as evtx_dump does', () => {
    const values: Value[] = [
      v.str('héllo wörld, a longer string that takes the native decoding path'), v.ansi('ansi'), v.i8(-5), v.u8(250), v.i16(-300), v.u16(65000),
      v.i32(-70000), v.u32(4_000_000_000), v.i64(-5_000_000_000n), v.u64(18_446_744_073_709_551_615n), v.f32(1.5), v.f64(-2.25),
      v.bool(1), v.bool(0x100), v.bool(0), v.bin([0xde, 0xad, 0x01]), v.guid([0x5f, 0x38, 0x70, 0x57, 0x2a, 0xc2, 0xe0, 0x43, 0xbf, 0x4c, 0x06, 0xf5, 0x69, 0x8f, 0xfb, 0xd9]),
      v.sizet64(0x10n), v.filetime(132_923_954_930_920_510n), v.systime(2026, 4, 17, 5, 24, 53, 79), v.sid(1, 5, [21, 1004336348, 1177238915, 682003330, 512]),
      v.hex32(0x58c3c), v.hex64(0x8000000000000000n), v.strArray(['a', 'bc', '']), v.u16Array([1, 2, 3]), v.null(),
    ];
    const names = ['Str', 'Ansi', 'I8', 'U8', 'I16', 'U16', 'I32', 'U32', 'I64', 'U64', 'F32', 'F64', 'BoolTrue', 'BoolIrregular', 'BoolFalse', 'Bin', 'Guid', 'SizeT', 'FileTime', 'SysTime', 'Sid', 'Hex32', 'Hex64', 'StrArray', 'U16Array', 'Null'];
    const root = el('Event', [], [el('EventData', [], names.map((n, i) => el('Data', [attr('Name', text(n))], [sub(i, values[i]?.type ?? 0, true)])))]);
    const r = single(root, values);
    assert.deepEqual(r.data, {
      Str: 'héllo wörld, a longer string that takes the native decoding path', Ansi: 'ansi', I8: -5, U8: 250, I16: -300, U16: 65000,
      I32: -70000, U32: 4_000_000_000, I64: -5_000_000_000, U64: '18446744073709551615', F32: 1.5, F64: -2.25,
      BoolTrue: true, BoolIrregular: true, BoolFalse: false, Bin: 'DEAD01', Guid: '5770385F-C22A-43E0-BF4C-06F5698FFBD9',
      SizeT: '0x10', FileTime: '2022-03-22T04:04:53.092051Z', SysTime: '2026-04-17T05:24:53.079000Z', Sid: 'S-1-5-21-1004336348-1177238915-682003330-512',
      Hex32: '0x58c3c', Hex64: '0x8000000000000000', StrArray: ['a', 'bc', ''], U16Array: [1, 2, 3], Null: '',
    });
  });

  it('renders an incomplete SID with the sub-authorities present', () => {
    const sid = v.sid(1, 5, [21, 42, 43]);
    const cut = v.raw(0x13, sid.bytes.subarray(0, 14));
    const r = single(el('Event', [], [el('EventData', [], [el('Data', [attr('Name', text('S'))], [sub(0, 0x13)])])]), [cut]);
    assert.equal(r.data.S, 'S-1-5-21');
  });

  it('keeps unnamed Data values under "Data", as an array when there are several', () => {
    const root = el('Event', [], [el('EventData', [], [el('Data', [], [sub(0, 1)]), el('Data', [], [sub(1, 1)]), el('Binary', [], [sub(2, 0x0e)])])]);
    assert.deepEqual(single(root, [v.str('first'), v.str('second'), v.bin([1, 2])]).data, { Data: ['first', 'second'], Binary: '0102' });
    const one = el('Event', [], [el('EventData', [], [el('Data', [], [sub(0, 1)])])]);
    assert.deepEqual(single(one, [v.str('only')]).data, { Data: 'only' });
  });

  it('concatenates mixed content and decodes character and entity references', () => {
    const root = el('Event', [], [el('EventData', [], [el('Data', [attr('Name', text('Msg'))], [text('a'), sub(0, 1), text('b')])])]);
    assert.deepEqual(single(root, [v.str('-')]).data, { Msg: 'a-b' });
  });

  it('flattens UserData to its leaf elements and attributes, skipping xmlns', () => {
    const root = el('Event', [], [
      el('UserData', [], [el('LogFileCleared', [attr('xmlns', text('http://manifests.microsoft.com/win/2004/08/windows/eventlog'))], [
        el('SubjectUserName', [], [sub(0, 1)]),
        el('SubjectDomainName', [], [sub(1, 1)]),
        el('Error', [attr('Code', sub(2, 0x08))]),
      ])]),
    ]);
    assert.deepEqual(single(root, [v.str('admin'), v.str('CORP'), v.u32(15007)]).data, {
      SubjectUserName: 'admin', SubjectDomainName: 'CORP', Error_Code: 15007, Error: null,
    });
  });

  it('expands a BinXML substitution value (0x21) holding its own template instance', () => {
    // The inner fragment is written at its real chunk position, so its inline names resolve.
    const inner = el('UserData', [], [el('EventXML', [], [el('param1', [], [sub(0, 1)]), el('param2', [], [sub(1, 8)])])]);
    const outer = el('Event', [], [el('System', [], [el('EventID', [], [sub(0, 6)])]), sub(1, 0x21)]);
    const { records, errors } = read(buildFile([buildChunk([{
      id: 1,
      body: (x) => {
        x.w.u8(0x0f).u8(1).u8(1).u8(0);
        // Outer instance with 2 values; the second (BinXML) is built in place below.
        x.w.u8(0x0c).u8(1).u32(1);
        x.w.u32(x.pos() + 4);
        x.w.u32(0).bytes(new Uint8Array(16));
        const sizeAt = x.w.len;
        x.w.u32(0);
        x.w.u8(0x0f).u8(1).u8(1).u8(0);
        x.node(outer, true);
        x.w.u8(0);
        x.w.patch32(sizeAt, x.w.len - sizeAt - 4);
        x.w.u32(2);
        x.w.u16(2).u8(0x06).u8(0);
        const descAt = x.w.len;
        x.w.u16(0).u8(0x21).u8(0);
        x.w.u16(1102);
        const start = x.w.len;
        x.w.u8(0x0f).u8(1).u8(1).u8(0);
        x.instance(inner, [v.str('Security'), v.u32(7)]);
        x.w.u8(0);
        const len = x.w.len - start;
        x.w.buf[descAt] = len & 0xff;
        x.w.buf[descAt + 1] = len >>> 8;
        x.w.u8(0);
      },
    }]).bytes]));
    assert.deepEqual(errors, []);
    assert.equal(records[0]?.eventId, 1102);
    assert.deepEqual(records[0]?.data, { param1: 'Security', param2: 7 });
  });

  it('fails one record, not the file, on a self-referencing BinXML value (recursion guard)', () => {
    // A BinXML value whose bytes are a template instance pointing at the template that holds it.
    const { records, errors } = read(buildFile([buildChunk([{
      id: 1,
      body: (x) => {
        x.w.u8(0x0f).u8(1).u8(1).u8(0);
        x.w.u8(0x0c).u8(1).u32(1);
        const defOff = x.pos() + 4;
        x.w.u32(defOff);
        x.w.u32(0).bytes(new Uint8Array(16));
        const sizeAt = x.w.len;
        x.w.u32(0);
        x.w.u8(0x0f).u8(1).u8(1).u8(0);
        x.node(el('Event', [], [el('EventData', [], [sub(0, 0x21)])]), true);
        x.w.u8(0);
        x.w.patch32(sizeAt, x.w.len - sizeAt - 4);
        x.w.u32(1);
        x.w.u16(10 + 4 + 4 + 8).u8(0x21).u8(0);
        // Value: a template instance of the same definition whose only value is this region.
        x.w.u8(0x0c).u8(1).u32(1).u32(defOff).u32(1).u16(26).u8(0x21).u8(0);
        x.w.bytes(new Uint8Array(8));
        x.w.u8(0);
      },
    }, ...logonRecords(2, 1)]).bytes]));
    assert.equal(errors.length, 1);
    assert.equal(errors[0]?.record, 1);
    assert.deepEqual(records.map((r) => r.recordId), [2]);
  });

  it('does not let an element named __proto__ replace the prototype of data', () => {
    const root = el('Event', [], [el('EventData', [], [el('Data', [attr('Name', text('__proto__'))], [sub(0, 1)]), el('Data', [attr('Name', text('constructor'))], [sub(1, 1)])])]);
    const r = single(root, [v.str('x'), v.str('y')]);
    assert.equal(Object.getPrototypeOf(r.data), Object.prototype);
    assert.deepEqual(Object.entries(r.data), [['__proto__', 'x'], ['constructor', 'y']]);
  });
});
