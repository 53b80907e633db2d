// Impact engine: full recompute and one-asset incremental update, at scale 1 (the demo, ~2,000
// assets) and scale 100 (100 copies of the group, ~200,000 assets, ~12,000 services), in the
// state of the article's 15:00 board (isolations, suspected domain, internet cut).
// `npm run bench -- impact [--quick]`
import { performance } from 'node:perf_hooks';
import type { AnyEntry, EntryDraft } from '../src/core/journal.ts';
import { Projection } from '../src/core/state.ts';
import type { AssetId } from '../src/core/ids.ts';
import { entryId } from '../src/core/ids.ts';
import { explainCell, ImpactEngine, whatIf } from '../src/core/impact/index.ts';
import { DEMO_BOARD_AT, DEFAULT_SEED, buildDemoJournal, demoTimeline, generateDemoEstate, Prng } from '../src/scenarios/index.ts';
import type { DemoEstate } from '../src/scenarios/index.ts';
import { peakRssMb, percentile, report } from './report.ts';
import type { Figure } from './report.ts';

const quick = process.argv.includes('--quick');

/** Folds drafts into a Projection (sequence numbers only: hashing is not what we measure). */
function fold(drafts: readonly EntryDraft[], p = new Projection()): Projection {
  let seq = p.lastSeq;
  for (const d of drafts) {
    if (Date.parse(d.at) > Date.parse(DEMO_BOARD_AT)) continue;
    seq++;
    p.apply({ ...d, seq, prev: '', hash: '' } as AnyEntry);
  }
  return p;
}

/** The timeline's asset and measure entries, repeated for every copy of the group. */
function scaledJournal(estate: DemoEstate): EntryDraft[] {
  const one = demoTimeline(DEFAULT_SEED, { ...estate, plans: estate.plans.slice(0, 1) });
  const out: EntryDraft[] = [];
  for (const d of one) {
    if (d.kind !== 'asset.state') {
      out.push(d);
      continue;
    }
    // Same decision in every copy: map the plan's list of copy 0 onto each copy's plan.
    const p = (d as EntryDraft<'asset.state'>).payload;
    const plan0 = estate.plans[0]!;
    const key = (Object.keys(plan0) as (keyof typeof plan0)[]).find((k) => plan0[k] === p.assets || JSON.stringify(plan0[k]) === JSON.stringify(p.assets));
    const assets = key === undefined ? p.assets : estate.plans.flatMap((pl) => pl[key] as readonly AssetId[]);
    out.push({ ...d, payload: { ...p, assets } } as EntryDraft);
  }
  return out;
}

function time(fn: () => void, iterations: number): number[] {
  const out: number[] = [];
  for (let i = 0; i < iterations; i++) {
    const t0 = performance.now();
    fn();
    out.push(performance.now() - t0);
  }
  return out.sort((a, b) => a - b);
}

function run(scale: number, targets: { full: number; incr: number }, iterations: { full: number; incr: number }): boolean {
  const t0 = performance.now();
  const estate = scale === 1 ? undefined : generateDemoEstate({ scale });
  const drafts = estate === undefined ? buildDemoJournal() : scaledJournal(estate);
  const state = fold(drafts);
  const tGen = performance.now() - t0;
  const t1 = performance.now();
  const engine = new ImpactEngine(state);
  const tBuild = performance.now() - t1;
  state.onChange = (c) => engine.handle(c);
  const g = engine.g;
  const board = engine.board({ causes: 'none' });
  const notOk = board.cells.filter((c) => c.status !== 'operational').length;
  console.log(
    `\nscale ${scale}: ${state.assets.size.toLocaleString('en-US')} assets, ${state.services.size.toLocaleString('en-US')} services, ${state.needs.size.toLocaleString('en-US')} needs, ${g.edgeTarget.length.toLocaleString('en-US')} need targets; ${notOk.toLocaleString('en-US')} services not operational (estate + fold ${tGen.toFixed(0)} ms)`,
  );

  for (let i = 0; i < 3; i++) engine.recomputeAll(); // warm up
  const full = time(() => engine.recomputeAll(), iterations.full);

  // One asset at a time, chosen at random among all assets (most are workstations) and among
  // servers (which many things need): flip it between isolated and restored, through the real
  // fold and Projection.onChange, as the server does when an entry arrives.
  const rng = new Prng(7);
  const assets = [...state.assets.keys()];
  const servers = [...state.assets.values()].filter((a) => a.kind === 'server').map((a) => a.id);
  let seq = state.lastSeq;
  let evaluated = 0;
  const flip = (pool: readonly AssetId[]) => (): void => {
    const id = rng.pick(pool);
    const isolated = state.assetStatus.get(id)?.recovery === 'isolated';
    seq++;
    state.apply({ seq, id: entryId(`b${seq}`), at: DEMO_BOARD_AT, actor: 'bench', kind: 'asset.state', payload: { assets: [id], recovery: isolated ? 'restored' : 'isolated', reason: 'bench' }, prev: '', hash: '' });
    evaluated += engine.lastEvaluated;
  };
  for (let i = 0; i < 200; i++) flip(assets)();
  evaluated = 0;
  const incr = time(flip(assets), iterations.incr);
  const incrEvaluated = evaluated / iterations.incr;
  evaluated = 0;
  const incrSrv = time(flip(servers), iterations.incr);
  const srvEvaluated = evaluated / iterations.incr;

  // The incremental engine must still agree with a full recompute after all those flips.
  const check = new ImpactEngine(state);
  let same = true;
  for (let n = 0; n < g.nodeCount; n++) if (check.lo[n] !== engine.lo[n] || check.hi[n] !== engine.hi[n] || check.risk[n] !== engine.risk[n]) same = false;
  console.log(`  incremental == full recompute after ${2 * iterations.incr + 200} updates: ${same ? 'yes' : 'NO'}; nodes evaluated per update: ${incrEvaluated.toFixed(1)} (any asset), ${srvEvaluated.toFixed(1)} (servers) of ${g.nodeCount.toLocaleString('en-US')}`);

  // Not targets of the issue, printed for the app layer: what a cold engine and a whole board cost.
  const tb = performance.now();
  const boardWithCauses = engine.board();
  const tBoard = performance.now() - tb;
  const tj = performance.now();
  engine.board({ causes: 'none' });
  const tBoardNone = performance.now() - tj;
  console.log(`  engine build (compile + full): ${tBuild.toFixed(1)} ms; board() with causes of the ${boardWithCauses.cells.filter((c) => c.causes.length > 0).length.toLocaleString('en-US')} non-operational cells: ${tBoard.toFixed(1)} ms; board() without causes: ${tBoardNone.toFixed(1)} ms`);

  const tw = performance.now();
  const wi = whatIf(state, [{ id: entryId('whatif'), at: DEMO_BOARD_AT, actor: 'bench', kind: 'asset.state', payload: { assets: [servers[0]!], recovery: 'isolated', reason: 'what if' } }], { engine });
  console.log(`  what-if (isolate ${servers[0]}) with the live engine: ${(performance.now() - tw).toFixed(1)} ms, ${wi.changes.length} cells changed`);

  // The explanation of a cell for people walks every lost path of the whole board once (to count
  // the services each cause hits): the cost of opening a cell in the web or `crisiscell why`.
  const heavy = board.cells.filter((c) => c.status !== 'operational').sort((a, b) => a.capacity - b.capacity || (a.criticality === 'vital' ? -1 : 1))[0] ?? board.cells[0]!;
  const heavyCell = engine.cell(heavy.serviceId)!;
  const explain = time(() => void explainCell(engine, heavyCell), quick ? 3 : scale === 1 ? 50 : 5);
  const x = explainCell(engine, heavyCell);
  console.log(`  explanation of ${heavy.serviceId}: ${x.causes.length} causes, ${x.causes.reduce((n, c) => n + (c.hosts?.total ?? 0), 0)} hosts; p50 ${percentile(explain, 50).toFixed(1)} ms`);

  const figures: Figure[] = [
    { name: `scale ${scale} full recompute p50`, measured: percentile(full, 50), unit: 'ms', op: '<=', target: targets.full },
    { name: `scale ${scale} full recompute p99`, measured: percentile(full, 99), unit: 'ms', op: '<=', target: targets.full },
    { name: `scale ${scale} incremental, any asset p50`, measured: percentile(incr, 50), unit: 'ms', op: '<=', target: targets.incr },
    { name: `scale ${scale} incremental, any asset p99`, measured: percentile(incr, 99), unit: 'ms', op: '<=', target: targets.incr },
    { name: `scale ${scale} incremental, a server p50`, measured: percentile(incrSrv, 50), unit: 'ms', op: '<=', target: targets.incr },
    { name: `scale ${scale} incremental, a server p99`, measured: percentile(incrSrv, 99), unit: 'ms', op: '<=', target: targets.incr },
    // Issue 11: every view under 300 ms; the explanation is the heaviest part of opening a cell.
    { name: `scale ${scale} cell explanation p50`, measured: percentile(explain, 50), unit: 'ms', op: '<=', target: 300 },
  ];
  const ok = report(`impact engine, scale ${scale}`, figures);
  return ok && same;
}

let ok = run(1, { full: 5, incr: 0.2 }, { full: quick ? 50 : 500, incr: quick ? 500 : 5000 });
ok = run(100, { full: 500, incr: 5 }, { full: quick ? 5 : 30, incr: quick ? 200 : 2000 }) && ok;
ok = report('impact engine, memory', [{ name: 'peak RSS (both scales, one process)', measured: peakRssMb(), unit: 'MB', op: '<=', target: 1024 }]) && ok;
process.exit(ok ? 0 : 1);
