import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { ImpactEngine } from './engine.ts';
import { TestEstate } from '../../../test/support/impact-estate.ts';
import type { AssetId, ServiceId } from '../ids.ts';
import { serviceIdOf, siteId } from '../ids.ts';

/** A hospital with radiology on PACS (app) on a host on a hypervisor, and a datacenter. */
function radiologyEstate(): { t: TestEstate; radiology: ServiceId; pacs: AssetId; host: AssetId; hv: AssetId; dc: ReturnType<TestEstate['site']>; hsp: ReturnType<TestEstate['site']> } {
  const t = new TestEstate();
  const hsp = t.site('hsp-a');
  const dc = t.site('dc', 'datacenter');
  const radiology = t.service('radiology', hsp);
  const pacs = t.asset('pacs', 'application', dc, 'apps');
  const host = t.asset('srv-pacs-01', 'server', dc);
  const hv = t.asset('hv-01', 'server', dc);
  const xray = t.asset('xray-01', 'medical-device', hsp, 'medical-devices');
  t.need(radiology, [pacs], { kind: 'degraded', capacity: 0.5, procedure: 'images viewed on the modality console only' });
  t.need(radiology, [xray], { kind: 'down' });
  t.need(pacs, [host]);
  t.need(host, [hv]);
  return { t, radiology, pacs, host, hv, dc, hsp };
}

describe('impact engine', () => {
  it('marks radiology degraded when PACS is isolated, with the chain down to the isolation', () => {
    const { t, radiology, host } = radiologyEstate();
    const state = t.load();
    const engine = new ImpactEngine(state);
    assert.equal(engine.cell(radiology)?.status, 'operational');
    t.isolate([host], 'ransomware containment');
    engine.assetsChanged([host]);
    const cell = engine.cell(radiology)!;
    assert.equal(cell.status, 'degraded');
    assert.equal(cell.capacity, 0.5);
    assert.deepEqual(cell.procedures, ['images viewed on the modality console only']);
    assert.equal(cell.causes.length, 1);
    assert.equal(cell.causes[0]!.text, 'radiology@hsp-a <- app pacs <- host srv-pacs-01 <- isolated [compromised]: ransomware containment');
    assert.deepEqual(cell.causes[0]!.steps.map((s) => s.id), ['radiology@hsp-a', 'pacs', 'srv-pacs-01']);
  });

  it('propagates the loss of a hypervisor through the host and the app', () => {
    const { t, radiology, hv } = radiologyEstate();
    const engine = new ImpactEngine(t.load());
    t.append('asset.state', { assets: [hv], observed: 'down', reason: 'encrypted' });
    engine.assetsChanged([hv]);
    const cell = engine.cell(radiology)!;
    assert.equal(cell.status, 'degraded');
    assert.match(cell.causes[0]!.text, /host srv-pacs-01 <- host hv-01 <- observed down: encrypted$/);
  });

  it('takes a service down when a need whose effect is down is lost', () => {
    const { t, radiology } = radiologyEstate();
    const engine = new ImpactEngine(t.load());
    const xray = 'xray-01' as AssetId;
    t.append('asset.state', { assets: [xray], observed: 'down', reason: 'broken' });
    engine.assetsChanged([xray]);
    assert.equal(engine.cell(radiology)?.status, 'down');
    assert.equal(engine.cell(radiology)?.capacity, 0);
  });

  it('says unknown when an unknown need would change the answer, and why', () => {
    const { t, radiology, host } = radiologyEstate();
    const engine = new ImpactEngine(t.load());
    t.append('asset.state', { assets: [host], observed: 'unknown', reason: 'not checked since the attack' });
    engine.assetsChanged([host]);
    const cell = engine.cell(radiology)!;
    assert.equal(cell.status, 'unknown');
    assert.deepEqual(cell.capacityRange, [0.5, 1]);
    assert.equal(cell.capacity, 0.5);
    assert.equal(cell.causes[0]!.certainty, 'unknown');
    assert.match(cell.causes[0]!.text, /^\? radiology@hsp-a <- app pacs <- host srv-pacs-01 <- state unknown/);
  });

  it('says down, not unknown, when the service is down for another reason anyway', () => {
    const { t, radiology, host } = radiologyEstate();
    const engine = new ImpactEngine(t.load());
    t.append('asset.state', { assets: [host], observed: 'unknown', reason: 'not checked' });
    t.append('asset.state', { assets: ['xray-01' as AssetId], recovery: 'isolated', reason: 'suspicious traffic' });
    engine.assetsChanged([host, 'xray-01' as AssetId]);
    assert.equal(engine.cell(radiology)?.status, 'down');
  });

  it('is not unknown when the unknown need cannot lower the result further', () => {
    const t = new TestEstate();
    const h = t.site('h');
    const lab = t.service('laboratory', h);
    const lis = t.asset('lis', 'application', h, 'apps');
    const portal = t.asset('portal', 'application', h, 'apps');
    t.need(lab, [lis], { kind: 'degraded', capacity: 0.4, procedure: 'manual lab' });
    t.need(lab, [portal], { kind: 'degraded', capacity: 0.9, procedure: 'courier' });
    const engine = new ImpactEngine(t.load());
    t.isolate([lis]);
    t.append('asset.state', { assets: [portal], observed: 'unknown', reason: '' });
    engine.assetsChanged([lis, portal]);
    const cell = engine.cell(lab)!;
    assert.equal(cell.status, 'degraded');
    assert.equal(cell.capacity, 0.4);
  });

  it('combines lost needs by the minimum (the bottleneck), listing every procedure worst first', () => {
    const t = new TestEstate();
    const h = t.site('h');
    const er = t.service('emergency', h, 'vital');
    const ehr = t.asset('ehr', 'application', h, 'apps');
    const pacs = t.asset('pacs', 'application', h, 'apps');
    t.need(er, [ehr], { kind: 'degraded', capacity: 0.85, procedure: 'paper emergency record' });
    t.need(er, [pacs], { kind: 'degraded', capacity: 0.9, procedure: 'images on the modality console' });
    const engine = new ImpactEngine(t.load());
    t.isolate([ehr, pacs]);
    engine.assetsChanged([ehr, pacs]);
    const cell = engine.cell(er)!;
    assert.equal(cell.capacity, 0.85);
    assert.deepEqual(cell.procedures, ['paper emergency record', 'images on the modality console']);
    assert.equal(cell.causes.length, 2);
  });

  it('honours N-of-M redundancy', () => {
    const t = new TestEstate();
    const h = t.site('h');
    const icu = t.service('icu', h, 'vital');
    const vents = [1, 2, 3, 4].map((i) => t.asset(`vent-0${i}`, 'medical-device', h, 'medical-devices'));
    t.need(icu, vents, { kind: 'degraded', capacity: 0.5, procedure: 'transfer ventilated patients' }, 3);
    const engine = new ImpactEngine(t.load());
    t.append('asset.state', { assets: [vents[0]!], observed: 'down', reason: 'fault' });
    engine.assetsChanged([vents[0]!]);
    assert.equal(engine.cell(icu)?.status, 'operational');
    t.append('asset.state', { assets: [vents[1]!], observed: 'down', reason: 'fault' });
    engine.assetsChanged([vents[1]!]);
    const cell = engine.cell(icu)!;
    assert.equal(cell.status, 'degraded');
    assert.equal(cell.causes.length, 2);
    assert.match(cell.causes[0]!.text, /device vent-01 \(2 of 4 unavailable, 3 needed\)/);
  });

  it('cuts internet needs everywhere on a group-wide internet cut, and only at that site on a site cut', () => {
    const t = new TestEstate();
    const a = t.site('a');
    const b = t.site('b');
    const mailA = t.service('email', a, 'standard');
    const mailB = t.service('email', b, 'standard');
    t.need(mailA, ['internet']);
    t.need(mailB, ['internet']);
    t.load();
    t.measure('cut-a', 'internet-cut', { site: a });
    let engine = new ImpactEngine(t.projection);
    assert.equal(engine.cell(mailA)?.status, 'down');
    assert.equal(engine.cell(mailB)?.status, 'operational');
    assert.equal(engine.cell(mailA)?.causes[0]?.text, 'email@a <- internet <- internet cut at a: internet-cut for test');
    t.measure('cut-all', 'internet-cut');
    engine.measuresChanged();
    assert.equal(engine.cell(mailB)?.status, 'down');
    t.append('measure.lifted', { id: 'cut-all' as never, reason: 'restored' });
    t.append('measure.lifted', { id: 'cut-a' as never, reason: 'restored' });
    engine = new ImpactEngine(t.projection);
    assert.equal(engine.cell(mailA)?.status, 'operational');
  });

  it('fails needs that cross a cut site link, but not needs within a site', () => {
    const { t, radiology, hsp } = radiologyEstate();
    const engine = new ImpactEngine(t.load());
    t.measure('link', 'link-cut', { site: hsp });
    engine.measuresChanged();
    const cell = engine.cell(radiology)!;
    assert.equal(cell.status, 'degraded'); // PACS at the datacenter is out of reach; the X-ray room is not
    assert.match(cell.causes[0]!.text, /app pacs <- link cut at hsp-a/);
  });

  it('quarantines a zone from everything outside it, but not physical use of a device', () => {
    const { t, radiology } = radiologyEstate();
    const engine = new ImpactEngine(t.load());
    t.measure('q-md', 'quarantine', { zone: 'medical-devices' });
    engine.measuresChanged();
    assert.equal(engine.cell(radiology)?.status, 'operational');
    t.measure('q-srv', 'quarantine', { zone: 'servers' });
    engine.measuresChanged();
    // the app (zone apps) can no longer reach its host (zone servers)
    const cell = engine.cell(radiology)!;
    assert.equal(cell.status, 'degraded');
    assert.match(cell.causes[0]!.text, /app pacs <- host srv-pacs-01 <- quarantine of zone servers/);
  });

  it('marks every service using a compromised asset still in service at risk, and not once it is isolated', () => {
    const { t, radiology, hv } = radiologyEstate();
    const engine = new ImpactEngine(t.load());
    t.append('asset.state', { assets: [hv], security: 'compromised', reason: 'beacon seen' });
    engine.assetsChanged([hv]);
    const cell = engine.cell(radiology)!;
    assert.equal(cell.status, 'operational');
    assert.equal(cell.atRisk, true);
    assert.equal(cell.atRiskBecause?.[0]?.text, 'radiology@hsp-a <- app pacs <- host srv-pacs-01 <- host hv-01 <- compromised');
    t.isolate([hv]);
    engine.assetsChanged([hv]);
    assert.equal(engine.cell(radiology)?.atRisk, false);
    assert.equal(engine.cell(radiology)?.status, 'degraded');
  });

  it('does not hang on a dependency cycle, and a cycle holds itself up until something in it fails', () => {
    const t = new TestEstate();
    const h = t.site('h');
    const svc = t.service('admissions', h);
    const a = t.asset('a', 'application', h);
    const b = t.asset('b', 'server', h);
    t.need(svc, [a]);
    t.need(a, [b]);
    t.need(b, [a]);
    const engine = new ImpactEngine(t.load());
    assert.ok(engine.cyclicNodes >= 2);
    assert.equal(engine.cell(svc)?.status, 'operational');
    t.isolate([b]);
    engine.assetsChanged([b]);
    assert.equal(engine.cell(svc)?.status, 'down');
    t.append('asset.state', { assets: [b], recovery: 'restored', reason: 'back' });
    engine.assetsChanged([b]);
    assert.equal(engine.cell(svc)?.status, 'operational');
    assert.ok(engine.cell(svc)!.causes.length === 0);
  });

  it('treats a need on something missing from the estate as unknown', () => {
    const t = new TestEstate();
    const h = t.site('h');
    const svc = t.service('pharmacy', h);
    t.need(svc, ['ghost' as AssetId], { kind: 'degraded', capacity: 0.7, procedure: 'paper orders' });
    const engine = new ImpactEngine(t.load());
    const cell = engine.cell(svc)!;
    assert.equal(cell.status, 'unknown');
    assert.match(cell.causes[0]!.text, /ghost is not in the estate/);
  });

  it('reports which services changed on an incremental update', () => {
    const { t, radiology, host } = radiologyEstate();
    const engine = new ImpactEngine(t.load());
    t.isolate([host]);
    assert.deepEqual(engine.assetsChanged([host]), [radiology]);
    assert.deepEqual(engine.assetsChanged([host]), []);
    assert.equal(serviceIdOf('radiology', siteId('hsp-a')), radiology);
  });
});
