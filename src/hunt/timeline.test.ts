import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Detection } from './pipeline.ts';
import { Deduper, timeKey, Timeline } from './timeline.ts';

/** A seeded generator (mulberry32): the shuffle is the same on every run. */
function makePrng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function det(i: number, over: Partial<Detection> = {}): Detection {
  const t = new Date(Date.UTC(2022, 4, 14, 0, 0, 0) + i * 1500).toISOString().replace(/\.(\d{3})Z$/, '.$1000Z');
  return {
    rule: { id: `rule-${i % 3}`, title: `Rule ${i % 3}`, level: 'high' },
    timestamp: t,
    computer: `host${i % 4}`,
    channel: 'Security',
    eventId: 4624,
    eventRecordId: 1000 + i,
    details: { TgtUser: `u${i}` },
    tactics: [],
    techniques: [],
    file: `/ev/host${i % 4}.evtx`,
    offset: 4608 + i * 100,
    ...over,
  };
}

describe('hunt timeline', () => {
  it('orders times whatever their precision', () => {
    const ts = ['2022-05-14T01:00:00.5Z', '2022-05-14T01:00:00Z', '2022-05-14T01:00:00.123456Z', '', 'garbage', '2022-05-14T00:59:59.9999999Z'];
    assert.deepEqual([...ts].sort((a, b) => (timeKey(a) < timeKey(b) ? -1 : 1)), ['2022-05-14T00:59:59.9999999Z', '2022-05-14T01:00:00Z', '2022-05-14T01:00:00.123456Z', '2022-05-14T01:00:00.5Z', '', 'garbage']);
  });

  it('merges sorted runs from disk: a tiny run size gives the same order as a sort in memory, with bounded fan-in', () => {
    const tmp = mkdtempSync(join(tmpdir(), 'cc-tl-test-'));
    try {
      const rnd = makePrng(12);
      const all = Array.from({ length: 500 }, (_, i) => det(i));
      const shuffled = [...all];
      for (let i = shuffled.length - 1; i > 0; i--) {
        const j = Math.floor(rnd() * (i + 1));
        [shuffled[i], shuffled[j]] = [shuffled[j] as Detection, shuffled[i] as Detection];
      }
      const tl = new Timeline({ runSize: 7, maxFanIn: 4, tmpDir: tmp });
      for (const d of shuffled) tl.add(d);
      assert.ok(tl.runsWritten >= Math.floor(500 / 7), `${tl.runsWritten} runs written`);
      const runDir = readdirSync(tmp).find((n) => n.startsWith('crisiscell-timeline-'));
      assert.ok(runDir && readdirSync(join(tmp, runDir)).length > 4, 'the runs are on disk, not in memory');
      const out = [...tl.sorted()];
      assert.ok(tl.runsWritten > 71 + 18, 'runs were merged in groups of 4 first (more runs written than the first pass)');
      assert.deepEqual(out.map((d) => d.eventRecordId), all.map((d) => d.eventRecordId));
      assert.deepEqual(out[3], all[3], 'detections come back whole');
      assert.deepEqual(readdirSync(tmp), [], 'run files are removed');
    } finally {
      rmSync(tmp, { recursive: true, force: true });
    }
  });

  it('a hunt that fits in one run never touches the disk', () => {
    const tmp = mkdtempSync(join(tmpdir(), 'cc-tl-mem-'));
    try {
      const tl = new Timeline({ runSize: 100, tmpDir: tmp });
      for (let i = 9; i >= 0; i--) tl.add(det(i));
      assert.deepEqual([...tl.sorted()].map((d) => d.eventRecordId), [1000, 1001, 1002, 1003, 1004, 1005, 1006, 1007, 1008, 1009]);
      assert.equal(tl.runsWritten, 0);
      assert.deepEqual(readdirSync(tmp), []);
    } finally {
      rmSync(tmp, { recursive: true, force: true });
    }
  });

  it('merges copies of one event from two inputs into one detection listing both sources, across runs', () => {
    const tl = new Timeline({ runSize: 2 });
    const evtx = det(1);
    // The JSON export: same computer, channel, EventRecordID and second; time written to the second.
    const json = det(1, { file: '/ev/host1.json', offset: undefined, line: 7, timestamp: evtx.timestamp.slice(0, 19) + 'Z' });
    const { offset: _o, ...jsonNoOffset } = json;
    tl.add(jsonNoOffset as Detection);
    tl.add(det(0));
    tl.add(det(2));
    tl.add(evtx);
    const out = [...tl.sorted()];
    assert.equal(out.length, 3);
    const merged = out[1];
    assert.equal(merged?.file, '/ev/host1.evtx', 'the .evtx copy is shown');
    assert.deepEqual(merged?.sources, [{ file: '/ev/host1.evtx', offset: 4708 }, { file: '/ev/host1.json', line: 7 }]);
    assert.equal(tl.duplicates, 1);
  });

  it('never merges two rules on one event, nor events without an EventRecordID, nor correlation hits', () => {
    const tl = new Timeline();
    tl.add(det(1));
    tl.add(det(1, { rule: { id: 'other', title: 'Other', level: 'low' } }));
    tl.add(det(2, { eventRecordId: 0, file: 'a.json' }));
    tl.add(det(2, { eventRecordId: 0, file: 'b.json' }));
    tl.add(det(3, { correlation: { type: 'event_count', group: {}, count: 20, firstTimestamp: '' } }));
    tl.add(det(3, { correlation: { type: 'event_count', group: {}, count: 20, firstTimestamp: '' } }));
    assert.equal([...tl.sorted()].length, 6);
  });

  it('the run folder is removed when the timeline is dropped early', () => {
    const tmp = mkdtempSync(join(tmpdir(), 'cc-tl-close-'));
    try {
      const tl = new Timeline({ runSize: 1, tmpDir: tmp });
      for (let i = 0; i < 5; i++) tl.add(det(i));
      const it = tl.sorted();
      it.next();
      it.return(undefined);
      assert.deepEqual(readdirSync(tmp), []);
      tl.close();
      assert.equal(existsSync(tmp), true);
    } finally {
      rmSync(tmp, { recursive: true, force: true });
    }
  });
});

describe('streaming dedupe', () => {
  it('passes the first copy, leaves out later copies from other inputs and counts them per pair', () => {
    const d = new Deduper();
    assert.equal(d.isCopy(det(1)), false);
    assert.equal(d.isCopy(det(1, { file: '/ev/host1.json', line: 3 })), true);
    assert.equal(d.isCopy(det(1, { file: '/ev/host1.json', line: 3 })), true);
    assert.equal(d.isCopy(det(1, { file: '/ev/host1.evtx', offset: 99999 })), false, 'two records of one file are two records');
    assert.deepEqual([...d.pairs], [['/ev/host1.evtx\u0000/ev/host1.json', 2]]);
  });
});
