import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { forceGc, fuzzSeeds, runFuzz } from '../../../test/support/evtx-fuzz.ts';

const evtxDir = fileURLToPath(new URL('../../../../shared/corpus/evtx', import.meta.url));
/** EVTX_FUZZ_SEED=<n> replays a reported failure; the default seed keeps CI deterministic. */
const SEED = Number(process.env.EVTX_FUZZ_SEED ?? 0x5eed_e7f);
const CASES = 20_000;

describe('evtx reader under mutation fuzzing', () => {
  it(`survives ${CASES} mutated files (bit flips, garbage tables, truncation, chunk swaps) with bounded time and memory`, () => {
    const seeds = fuzzSeeds(existsSync(evtxDir) ? evtxDir : undefined);
    assert.ok(seeds.length >= 1);
    forceGc();
    const baseMb = process.memoryUsage().heapUsed / 1048576;
    let stats;
    try {
      stats = runFuzz(seeds, SEED, 0, CASES, { maxMs: 1000, maxHeapMb: baseMb + 96 });
    } catch (e) {
      assert.fail(`${(e as Error).message}\nreplay with EVTX_FUZZ_SEED=${SEED}`);
    }
    assert.equal(stats.cases, CASES);
    // The mutations must leave most of the data readable, or they test nothing but the header.
    assert.ok(stats.records > CASES * 10, `only ${stats.records} records read`);
    assert.ok(stats.errors > CASES / 2, `only ${stats.errors} errors reported`);
  });

  it(`carving (recover) survives ${CASES / 20} mutated files with bounded time and memory`, () => {
    // Carving reads exactly the bytes the normal walk refuses: slack, broken chunks, garbage.
    const seeds = fuzzSeeds(existsSync(evtxDir) ? evtxDir : undefined);
    forceGc();
    const baseMb = process.memoryUsage().heapUsed / 1048576;
    let stats;
    try {
      stats = runFuzz(seeds, SEED + 1, 0, CASES / 20, { maxMs: 1000, maxHeapMb: baseMb + 96, recover: true });
    } catch (e) {
      assert.fail(`${(e as Error).message}\nreplay with EVTX_FUZZ_SEED=${SEED} (recover, seed + 1)`);
    }
    assert.equal(stats.cases, CASES / 20);
    assert.ok(stats.records > CASES / 2, `only ${stats.records} records read`);
  });
});
