import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { EntryDraft, AnyEntry } from '../core/journal.ts';
import { sealEntries, GENESIS_HASH } from '../core/journal.ts';
import { foldJournal, stateAt } from '../core/state.ts';
import type { Projection } from '../core/state.ts';
import type { AssetId, ServiceId } from '../core/ids.ts';
import { assetId, entryId, measureId, siteId } from '../core/ids.ts';
import { ImpactEngine, whatIf } from '../core/impact/index.ts';
import type { ImpactCell } from '../core/impact/index.ts';
import { MEASURE_TYPES, OBSERVATIONS, RECOVERY_STATES, SECURITY_STATES } from '../core/model.ts';
import { DEFAULT_SEED, DEMO_BOARD_AT, DEMO_START, DEMO_INTERNET_CUT_ID, buildDemoJournal, demoTimeline, generateDemoEstate } from './index.ts';
import { Prng } from './prng.ts';

const seal = (drafts: readonly EntryDraft[]): AnyEntry[] => sealEntries(drafts, 0, GENESIS_HASH, () => '') as AnyEntry[];

function boardAt(drafts: readonly EntryDraft[], at: string = DEMO_BOARD_AT): { engine: ImpactEngine; state: Projection; cells: readonly ImpactCell[] } {
  const state = stateAt(seal(drafts), at);
  const engine = new ImpactEngine(state);
  return { engine, state, cells: engine.board().cells };
}

const cellOf = (cells: readonly ImpactCell[], kind: string, site: string): ImpactCell | undefined => cells.find((c) => c.service === kind && c.site === site);

function assertArticleBoard(cells: readonly ImpactCell[]): void {
  const hospitals = [...new Set(cells.filter((c) => c.siteKind === 'hospital').map((c) => c.site))];
  assert.equal(hospitals.length, 5);
  for (const h of hospitals) {
    const vital = ['icu', 'dialysis', 'operating-theatre', 'emergency', 'cath-lab'].map((k) => cellOf(cells, k, h)).filter((c) => c !== undefined);
    assert.ok(vital.length >= 3, `${h} has its vital services`);
    const radiology = cellOf(cells, 'radiology', h)!;
    const laboratory = cellOf(cells, 'laboratory', h)!;
    for (const c of vital) {
      assert.notEqual(c.status, 'down', `${c.serviceId} is not down`);
      assert.notEqual(c.status, 'unknown', `${c.serviceId} is known`);
      assert.ok(c.capacity >= 0.8, `${c.serviceId} at ${c.capacity} >= 0.8`);
      assert.ok(radiology.capacity < c.capacity, `radiology below ${c.serviceId}`);
      assert.ok(laboratory.capacity < c.capacity, `laboratory below ${c.serviceId}`);
    }
    assert.equal(radiology.status, 'degraded');
    assert.equal(laboratory.status, 'degraded');
    assert.ok(radiology.procedures.some((p) => /x-rays?\b.*still possible/i.test(p)), `radiology procedures say X-rays still work: ${radiology.procedures.join(' | ')}`);
    assert.ok(laboratory.procedures.some((p) => /manual/i.test(p) && /slower|longer/i.test(p)), `lab procedures say manual and slower: ${laboratory.procedures.join(' | ')}`);
    const switchboard = cellOf(cells, 'switchboard', h)!;
    assert.equal(switchboard.status, 'down');
    assert.ok(switchboard.procedures.some((p) => /direct numbers/i.test(p)));
    assert.equal(cellOf(cells, 'patient-record', h)?.status, 'down');
    assert.equal(cellOf(cells, 'e-prescription', h)?.status, 'down');
  }
}

describe('demo organisation', () => {
  it('is the same estate for the same seed, and another one for another seed', () => {
    const a = JSON.stringify(generateDemoEstate({ seed: 7 }));
    assert.equal(JSON.stringify(generateDemoEstate({ seed: 7 })), a);
    assert.notEqual(JSON.stringify(generateDemoEstate({ seed: 8 })), a);
    assert.deepEqual(buildDemoJournal(7), buildDemoJournal(7));
  });

  it('has the sites of the article and exactly 200 Windows servers and 1,500 Windows workstations', () => {
    const e = generateDemoEstate();
    const kinds = e.sites.map((s) => s.kind);
    const count = (k: string): number => kinds.filter((x) => x === k).length;
    assert.deepEqual([count('hospital'), count('psychiatric-hospital'), count('polyclinic'), count('nursing-home'), count('psychiatric-care-home'), count('creche'), count('datacenter')], [5, 1, 1, 4, 1, 3, 1]);
    const servers = e.assets.filter((a) => a.kind === 'server');
    const workstations = e.assets.filter((a) => a.kind === 'workstation');
    assert.equal(servers.length, 200);
    assert.equal(workstations.length, 1500);
    assert.ok(servers.every((a) => /^Windows Server (2016|2019|2022)$/.test(a.os)));
    assert.ok(workstations.every((a) => /^Windows (10|11)$/.test(a.os)));
    const roles = new Set(e.assets.filter((a) => a.kind === 'medical-device').flatMap((a) => a.roles));
    for (const r of ['icu-monitor', 'ventilator', 'dialysis', 'angiography', 'xray', 'ct']) assert.ok(roles.has(r), `has ${r}`);
    assert.ok(e.assets.some((a) => a.kind === 'network'));
    assert.ok(e.assets.filter((a) => a.kind === 'application').every((a) => a.os === ''));
    assert.equal(new Set(e.assets.map((a) => a.id)).size, e.assets.length, 'asset ids unique');
    assert.ok(e.services.every((s) => s.phone !== undefined && s.rtoHours !== undefined));
  });

  it('scales to copies of the group with unique ids', () => {
    const e = generateDemoEstate({ scale: 3 });
    assert.equal(e.assets.filter((a) => a.kind === 'server').length, 600);
    assert.equal(new Set(e.assets.map((a) => a.id)).size, e.assets.length);
    assert.equal(new Set(e.needs.map((n) => n.id)).size, e.needs.length);
    assert.equal(e.plans.length, 3);
  });

  it('writes the timeline in Brussels summer time, in order, with deterministic unique ids', () => {
    const drafts = demoTimeline();
    assert.ok(drafts.every((d) => d.at.endsWith('+02:00')));
    for (let i = 1; i < drafts.length; i++) assert.ok(Date.parse(drafts[i]!.at) >= Date.parse(drafts[i - 1]!.at), `entry ${i} not before entry ${i - 1}`);
    assert.equal(new Set(drafts.map((d) => d.id)).size, drafts.length);
    assert.equal(drafts[0]!.kind, 'crisis.initialised');
    assert.equal((drafts[0] as EntryDraft<'crisis.initialised'>).payload.demo, true);
    assert.equal(drafts[1]!.kind, 'estate.upserted');
    const cut = drafts.findIndex((d) => d.kind === 'measure.applied');
    const isolation = drafts.findIndex((d) => d.kind === 'asset.state' && (d as EntryDraft<'asset.state'>).payload.recovery === 'isolated');
    assert.ok(cut > 0 && isolation > 0);
    assert.ok(drafts.some((d) => d.kind === 'log.note' && /governor/i.test((d as EntryDraft<'log.note'>).payload.text)));
    assert.ok(drafts.some((d) => d.kind === 'log.note' && /judicial police/i.test((d as EntryDraft<'log.note'>).payload.text)));
    assert.ok(drafts.some((d) => d.kind === 'log.note' && /CERT/.test((d as EntryDraft<'log.note'>).payload.text)));
    // Issue 11: the Sunday meeting is scheduled (meeting M2), no longer a note dated Sunday: the demo's
    // clock starts on Saturday at 15:00, and no entry may lie in its future.
    const all = buildDemoJournal();
    assert.ok(all.some((d) => d.kind === 'meeting.scheduled' && (d as EntryDraft<'meeting.scheduled'>).payload.at === '2022-05-15T10:00:00+02:00'), 'the Sunday meeting');
    assert.ok(all.every((d) => Date.parse(d.at) <= Date.parse(DEMO_BOARD_AT)), 'nothing written after the demo clock starts');
  });

  it("reproduces the article's board at 15:00 from asset states and measures", () => {
    const { cells } = boardAt(buildDemoJournal());
    assertArticleBoard(cells);
  });

  it("reproduces the article's board for other seeds too", () => {
    for (const seed of [1, 42, 2022]) assertArticleBoard(boardAt(buildDemoJournal(seed)).cells);
  });

  it('shows every service operational when the same estate has no asset states or measures', () => {
    const drafts = buildDemoJournal().filter((d) => d.kind !== 'asset.state' && d.kind !== 'measure.applied');
    const { cells } = boardAt(drafts);
    assert.ok(cells.length > 100);
    for (const c of cells) {
      assert.equal(c.status, 'operational', c.serviceId);
      assert.equal(c.capacity, 1);
      assert.equal(c.atRisk, false);
    }
  });

  it('shows the board at 03:26 before any measure: only the estate, all operational', () => {
    const { cells } = boardAt(buildDemoJournal(), '2022-05-14T03:26:00+02:00');
    assert.ok(cells.every((c) => c.status === 'operational'));
    assert.equal(boardAt(buildDemoJournal(), '2022-05-14T03:00:00+02:00').cells.length, 0, 'nothing before the cockpit was opened');
  });

  it("raises the laboratory's capacity when the isolation of the LIS host is lifted", () => {
    const drafts = buildDemoJournal();
    const before = boardAt(drafts).cells;
    const lift: EntryDraft = { id: entryId('lift-lis'), at: '2022-05-14T14:59:00+02:00', actor: 'test', kind: 'asset.state', payload: { assets: [assetId('srv-lis-01')], recovery: 'restored', reason: 'rebuilt from a clean backup' } };
    const after = boardAt([...drafts, lift]).cells;
    for (const lab of before.filter((c) => c.service === 'laboratory')) {
      const next = cellOf(after, 'laboratory', lab.site)!;
      assert.ok(next.capacity > lab.capacity, `${lab.serviceId}: ${lab.capacity} -> ${next.capacity}`);
    }
  });

  it('restoring the LIS host in a what-if removes it from the laboratory causes and raises its capacity', () => {
    const { state } = boardAt(buildDemoJournal());
    const result = whatIf(state, [{ id: entryId('w1'), at: DEMO_BOARD_AT, actor: 'test', kind: 'asset.state', payload: { assets: [assetId('srv-lis-01')], recovery: 'restored', reason: 'what if' } }]);
    const labs = result.changes.filter((c) => c.service === 'laboratory');
    assert.ok(labs.length >= 5);
    for (const c of labs) {
      assert.ok(c.after.capacity > c.before.capacity);
      assert.ok(c.causesRemoved.some((x) => x.text.includes('srv-lis-01')), `${c.serviceId} loses the LIS cause`);
      assert.ok(!c.causesAdded.some((x) => x.text.includes('host srv-lis-01 <-')));
    }
    assert.ok(state.assetStatus.get(assetId('srv-lis-01'))?.recovery === 'isolated', 'the state is untouched');
  });

  it('isolating a PACS server in a what-if on an operational board degrades radiology and says why', () => {
    const drafts = buildDemoJournal().filter((d) => d.kind !== 'asset.state' && d.kind !== 'measure.applied');
    const { state, cells } = boardAt(drafts);
    assert.ok(cells.filter((c) => c.service === 'radiology').every((c) => c.status === 'operational'));
    const result = whatIf(state, [{ id: entryId('w2'), at: DEMO_BOARD_AT, actor: 'test', kind: 'asset.state', payload: { assets: [assetId('srv-pacs-01')], recovery: 'isolated', security: 'suspected', reason: 'beaconing to an unknown host' } }]);
    const radiology = result.changes.filter((c) => c.service === 'radiology');
    assert.equal(radiology.length, cells.filter((c) => c.service === 'radiology').length);
    for (const c of radiology) {
      assert.equal(c.before.status, 'operational');
      assert.equal(c.after.status, 'degraded');
      assert.ok(c.causesAdded.some((x) => /app pacs <- host srv-pacs-01 <- isolated \[suspected\]: beaconing/.test(x.text)));
    }
    assert.deepEqual(result.unknownAssets, []);
  });

  it('gives the same what-if as a diff of two full boards, with or without a live engine (seeded)', () => {
    const journal = buildDemoJournal();
    const entries = seal(journal);
    const state = foldJournal(entries);
    const live = new ImpactEngine(state);
    const assets = [...state.assets.values()].filter((a) => a.kind !== 'workstation').map((a) => a.id);
    const rng = new Prng(99);
    let nonEmpty = 0;
    for (let round = 0; round < 12; round++) {
      const drafts: EntryDraft[] = [];
      for (let i = 0, n = rng.int(1, 3); i < n; i++) {
        const payload = rng.chance(0.5)
          ? { assets: [rng.pick(assets)], recovery: rng.pick(RECOVERY_STATES), reason: 'w' }
          : { assets: [rng.pick(assets)], security: rng.pick(SECURITY_STATES), observed: rng.pick(OBSERVATIONS), reason: 'w' };
        drafts.push({ id: entryId(`w${round}-${i}`), at: '2022-05-15T12:00:00+02:00', actor: 't', kind: 'asset.state', payload });
      }
      if (round % 4 === 3) drafts.push({ id: entryId(`m${round}`), at: '2022-05-15T12:00:00+02:00', actor: 't', kind: 'measure.lifted', payload: { id: DEMO_INTERNET_CUT_ID, reason: 'w' } });
      const before = new ImpactEngine(state).board().cells;
      const after = new ImpactEngine(foldJournal(seal([...journal, ...drafts]))).board().cells;
      const expected = before
        .filter((b, i) => {
          const a = after[i]!;
          return a.status !== b.status || a.capacity !== b.capacity || a.atRisk !== b.atRisk || a.causes.map((c) => c.text).join() !== b.causes.map((c) => c.text).join() || a.procedures.join() !== b.procedures.join();
        })
        .map((c) => c.serviceId)
        .sort();
      const withEngine = whatIf(state, drafts, { engine: live });
      const cold = whatIf(state, drafts);
      assert.deepEqual(withEngine.changes.map((c) => c.serviceId).sort(), expected, `round ${round}`);
      assert.deepEqual(cold, withEngine);
      if (expected.length > 0) nonEmpty++;
    }
    assert.ok(nonEmpty >= 6, `most rounds change something (${nonEmpty})`);
  });

  it('lists a cell whose causes change though its value does not (a second host of an app already down)', () => {
    const { state } = boardAt(buildDemoJournal());
    // EHR is already down (all its app servers isolated); the patient record stays down either way.
    const result = whatIf(state, [{ id: entryId('w3'), at: DEMO_BOARD_AT, actor: 't', kind: 'asset.state', payload: { assets: [assetId('srv-ehr-app-01')], recovery: 'restored', reason: 'w' } }]);
    const rec = result.changes.find((c) => c.serviceId === ('patient-record@hsp-aubrelune' as ServiceId));
    assert.ok(rec, 'patient record listed');
    assert.equal(rec.significant, false);
    assert.equal(rec.before.status, rec.after.status);
    assert.ok(rec.causesRemoved.some((c) => c.text.includes('srv-ehr-app-01')));
  });

  it('keeps the incremental engine equal to a full recompute after random changes (seeded)', () => {
    const entries = seal(buildDemoJournal());
    const state = foldJournal(entries);
    const engine = new ImpactEngine(state);
    state.onChange = (c) => engine.handle(c);
    const assets = [...state.assets.keys()];
    const sites = [...state.sites.keys()];
    const zones = [...new Set([...state.assets.values()].map((a) => a.zone))];
    const rng = new Prng(12345);
    let seq = state.lastSeq;
    const applied: string[] = [];
    let incrementalWork = 0;
    for (let step = 0; step < 300; step++) {
      seq++;
      const at = '2022-05-14T16:00:00+02:00';
      const x = rng.next();
      let e: AnyEntry;
      if (x < 0.8) {
        const ids: AssetId[] = [];
        for (let i = 0, n = rng.int(1, 4); i < n; i++) ids.push(rng.pick(assets));
        e = {
          seq, id: entryId(`r${seq}`), at, actor: 't', kind: 'asset.state', prev: '', hash: '',
          payload: { assets: ids, reason: 'random', ...(rng.chance(0.6) ? { recovery: rng.pick(RECOVERY_STATES) } : {}), ...(rng.chance(0.4) ? { security: rng.pick(SECURITY_STATES) } : {}), ...(rng.chance(0.3) ? { observed: rng.pick(OBSERVATIONS) } : {}) },
        };
      } else if (x < 0.92 || applied.length === 0) {
        const id = measureId(`m${seq}`);
        applied.push(id);
        const type = rng.pick(MEASURE_TYPES);
        e = {
          seq, id: entryId(`r${seq}`), at, actor: 't', kind: 'measure.applied', prev: '', hash: '',
          payload: { id, type, reason: 'random', ...(rng.chance(0.6) ? { site: rng.pick(sites) } : {}), ...(type === 'quarantine' ? { zone: rng.pick(zones) } : {}) },
        };
      } else {
        const id = applied.splice(rng.int(0, applied.length - 1), 1)[0]!;
        e = { seq, id: entryId(`r${seq}`), at, actor: 't', kind: 'measure.lifted', prev: '', hash: '', payload: { id: measureId(id), reason: 'random' } };
      }
      state.apply(e);
      incrementalWork += engine.lastEvaluated;
      if (step % 10 === 9 || step === 299) {
        const full = new ImpactEngine(state);
        assert.deepEqual(engine.lo, full.lo, `lo after step ${step}`);
        assert.deepEqual(engine.hi, full.hi, `hi after step ${step}`);
        assert.deepEqual(engine.risk, full.risk, `risk after step ${step}`);
        assert.deepEqual(engine.board().cells.map((c) => [c.serviceId, c.status, c.capacity, c.atRisk, c.causes.length]), full.board().cells.map((c) => [c.serviceId, c.status, c.capacity, c.atRisk, c.causes.length]));
      }
    }
    // The point of the incremental path: far fewer evaluations than 300 full recomputes.
    assert.ok(incrementalWork < 300 * engine.g.nodeCount * 0.2, `incremental work ${incrementalWork}`);
    assert.ok(siteId('x') && DEMO_START && DEFAULT_SEED);
  });

  it('answers why for one cell with readable chains', () => {
    const { engine } = boardAt(buildDemoJournal());
    const cell = engine.cell('laboratory@hsp-aubrelune' as ServiceId)!;
    assert.ok(cell.causes.some((c) => c.text === 'laboratory@hsp-aubrelune <- app lis <- host srv-lis-01 <- isolated [compromised]: attacked servers taken off the network to stop the spread'));
    assert.ok(cell.causes.some((c) => /app labportal <- internet <- internet cut group-wide/.test(c.text)));
  });
});
