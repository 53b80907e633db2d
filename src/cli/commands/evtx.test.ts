import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import type { CliIo } from '../io.ts';
import { evtxCommand } from './evtx.ts';
import { buildChunk, buildFile, fixChunkCrcs, standardEvent, standardSystemValues, v } from '../../../test/support/evtx-builder.ts';
import type { RecordSpec } from '../../../test/support/evtx-builder.ts';

/** A writable that keeps what it gets; `slow` acknowledges each write later (back-pressure). */
function sink(slow = false): { stream: Writable; text: () => string } {
  const parts: string[] = [];
  const stream = new Writable({
    highWaterMark: slow ? 256 : 16384,
    write(chunk: Buffer | string, _enc, cb) {
      parts.push(chunk.toString());
      if (slow) setImmediate(cb);
      else cb();
    },
  });
  return { stream, text: () => parts.join('') };
}

async function run(argv: string[], cwd: string, slow = false): Promise<{ code: number; stdout: string; stderr: string }> {
  const out = sink(slow);
  const err = sink();
  const io: CliIo = { stdout: out.stream, stderr: err.stream, env: {}, cwd };
  const code = await evtxCommand(argv, io);
  return { code, stdout: out.text(), stderr: err.text() };
}

const TPL = standardEvent(['TargetUserName', 'LogonType'], [0x01, 0x08]);

function records(first: number, n: number): RecordSpec[] {
  let def: number | undefined;
  return Array.from({ length: n }, (_, i) => ({
    id: first + i,
    body: (x) => {
      x.w.u8(0x0f).u8(1).u8(1).u8(0);
      def = x.instance(TPL, [...standardSystemValues(4625, first + i), v.str('admin'), v.u32(3)], def);
      x.w.u8(0);
    },
  }));
}

describe('crisiscell evtx dump', () => {
  let dir: string;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'cc-evtx-'));
    mkdirSync(join(dir, 'dc01', 'logs'), { recursive: true });
    writeFileSync(join(dir, 'dc01', 'logs', 'Security.evtx'), buildFile([buildChunk(records(1, 3)).bytes]));
    const broken = buildChunk(records(10, 3));
    broken.bytes[(broken.offsets[1] as number) + 24] = 0x3f; // record 11: invalid BinXML token
    fixChunkCrcs(broken.bytes);
    writeFileSync(join(dir, 'dc01', 'System.EVTX'), buildFile([broken.bytes]));
    writeFileSync(join(dir, 'dc01', 'notes.txt'), 'not a log');
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('prints every record of the .evtx files under a folder as JSON lines, errors and a summary on stderr', async () => {
    const r = await run(['dump', 'dc01', '--jsonl'], dir);
    assert.equal(r.code, 0);
    const lines = r.stdout.trim().split('\n').map((l) => JSON.parse(l) as { file: string; recordId: number; eventId: number; data: unknown });
    assert.deepEqual(lines.map((l) => [l.file, l.recordId]), [
      [join('dc01', 'System.EVTX'), 10],
      [join('dc01', 'System.EVTX'), 12],
      [join('dc01', 'logs', 'Security.evtx'), 1],
      [join('dc01', 'logs', 'Security.evtx'), 2],
      [join('dc01', 'logs', 'Security.evtx'), 3],
    ]);
    assert.deepEqual(lines[0]?.data, { TargetUserName: 'admin', LogonType: 3 });
    const err = r.stderr.trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
    assert.equal(err.length, 2);
    assert.deepEqual({ file: err[0]?.file, chunk: err[0]?.chunk, record: err[0]?.record }, { file: join('dc01', 'System.EVTX'), chunk: 0, record: 11 });
    assert.deepEqual(err[1], { summary: { files: 2, records: 5, errors: 1, chunks: 2, badChunks: 0, recovered: 0, unreadable: 0 } });
  });

  it('keeps reading under back-pressure from a slow consumer', async () => {
    const r = await run(['dump', join('dc01', 'logs', 'Security.evtx')], dir, true);
    assert.equal(r.code, 0);
    assert.equal(r.stdout.trim().split('\n').length, 3);
  });

  it('exits 2 naming a path that does not exist, before printing any record', async () => {
    const r = await run(['dump', 'dc01', 'missing.evtx'], dir);
    assert.equal(r.code, 2);
    assert.equal(r.stdout, '');
    assert.match(r.stderr, /no such file or folder: missing\.evtx/);
  });

  it('exits 2 with the usage for a missing or unknown sub-command, no path, or an unknown option', async () => {
    for (const argv of [[], ['list', 'x.evtx'], ['dump'], ['dump', 'dc01', '--xml']]) {
      const r = await run(argv, dir);
      assert.equal(r.code, 2, argv.join(' '));
      assert.match(r.stderr, /Usage: crisiscell evtx dump/);
    }
  });

  it('--recover prints the records carved from slack space, marked recovered, and counts them', async () => {
    const c = buildChunk(records(20, 3));
    const view = new DataView(c.bytes.buffer);
    view.setBigUint64(16, 20n, true);
    view.setBigUint64(32, 20n, true);
    view.setUint32(48, c.offsets[1] as number, true);
    fixChunkCrcs(c.bytes);
    writeFileSync(join(dir, 'slack.evtx'), buildFile([c.bytes]));
    const plain = await run(['dump', 'slack.evtx'], dir);
    assert.equal(plain.stdout.trim().split('\n').length, 1);
    const r = await run(['dump', 'slack.evtx', '--recover'], dir);
    assert.equal(r.code, 0);
    const lines = r.stdout.trim().split('\n').map((l) => JSON.parse(l) as { eventRecordId: number; recovered?: boolean; offset: number });
    assert.deepEqual(lines.map((l) => [l.eventRecordId, l.recovered === true]), [[20, false], [21, true], [22, true]]);
    assert.equal(lines[1]?.offset, 4096 + (c.offsets[1] as number));
    const summary = JSON.parse(r.stderr.trim().split('\n').pop() ?? '{}') as { summary: { records: number; recovered: number } };
    assert.deepEqual([summary.summary.records, summary.summary.recovered], [3, 2]);
  });

  it('shows help with an example', async () => {
    const r = await run(['--help'], dir);
    assert.equal(r.code, 0);
    assert.match(r.stdout, /Example:\n  crisiscell evtx dump /);
  });
});
