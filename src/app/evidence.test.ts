import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { CrisisApp } from './crisis-app.ts';
import { openTestApp } from '../../test/support/app.ts';
import { CrisisError } from '../core/errors.ts';
import { assetId } from '../core/ids.ts';
import { statusOf } from '../core/state.ts';
import type { Actor } from './permissions.ts';
import { evidenceForAssets, evidenceOf, evidenceSummaryOf, matchHost, recordEvidence, type HostEvidenceInput } from './evidence.ts';
import { describeEntry } from './describe-entry.ts';
import { cellOf } from './board.ts';
import { assetsOfCell } from './evidence.ts';

const admin: Actor = { name: 'admin', role: 'admin' };
const itLead: Actor = { name: 'it-lead', role: 'it' };
const examples = fileURLToPath(new URL('../../examples/estate/', import.meta.url));
const estate = ['sites.csv', 'services.csv', 'assets.csv', 'dependencies.csv'].map((f) => ({ file: f, text: readFileSync(join(examples, f), 'utf8'), sha256: f }));

async function withApp(fn: (app: CrisisApp) => Promise<void>): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'cc-evidence-'));
  const app = await openTestApp(join(dir, 'c.db'), { now: () => '2022-05-14T05:00:00+02:00' });
  try {
    await app.init(admin, {});
    await app.importEstate(admin, estate);
    await fn(app);
  } finally {
    await app.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

function host(name: string, over: Partial<HostEvidenceInput> = {}): HostEvidenceInput {
  return {
    host: name,
    detections: 3,
    byLevel: { critical: 1, high: 2 },
    first: '2022-05-14T00:31:00Z',
    last: '2022-05-14T01:10:00Z',
    refs: [
      { ruleId: 'r-high', ruleTitle: 'PsExec-like service installed', level: 'high', file: '/ev/dc01/System.evtx', count: 2, first: '2022-05-14T00:31:00Z', last: '2022-05-14T00:40:00Z', eventRecordIds: [1201, 1207] },
      { ruleId: 'r-crit', ruleTitle: 'Shadow copies deleted', level: 'critical', file: '/ev/dc01/Sysmon.evtx', count: 1, first: '2022-05-14T01:10:00Z', last: '2022-05-14T01:10:00Z', eventRecordIds: [88] },
    ],
    ...over,
  };
}

describe('hunt evidence in the crisis', () => {
  it('matches hosts by hostname, FQDN and IP, case-insensitive; an unknown host matches nothing', async () => {
    await withApp(async (app) => {
      const s = app.state;
      assert.deepEqual([matchHost(s, 'SRV-DC-01')?.asset.id, matchHost(s, 'SRV-DC-01')?.by], ['srv-dc-01', 'hostname']);
      assert.deepEqual([matchHost(s, 'srv-pacs-01.hospital.local')?.asset.id, matchHost(s, 'srv-pacs-01.hospital.local')?.by], ['srv-pacs-01', 'fqdn']);
      assert.deepEqual([matchHost(s, '10.0.0.30')?.asset.id, matchHost(s, '10.0.0.30')?.by], ['srv-lis-01', 'ip']);
      assert.equal(matchHost(s, 'MSEDGEWIN10'), undefined);
      assert.equal(matchHost(s, '10.9.9.9'), undefined);
      assert.equal(matchHost(s, 'srv-dc-01x.hospital.local'), undefined, 'a first label that is no hostname');
    });
  });

  it('writes one entry per asset (names of one asset merged), lists unmatched hosts, changes no asset state', async () => {
    await withApp(async (app) => {
      const before = statusOf(app.state, assetId('srv-dc-01'));
      const r = await recordEvidence(app, itLead, {
        source: 'hunt of /ev (3 files)',
        hosts: [host('SRV-DC-01'), host('srv-dc-01.hospital.local', { detections: 1, byLevel: { low: 1 }, refs: [] }), host('10.0.0.30'), host('MSEDGEWIN10')],
      });
      assert.equal(r.entries.length, 2);
      assert.deepEqual(r.unmatched, ['MSEDGEWIN10']);
      assert.deepEqual(r.matched.map((m) => [m.host, m.asset, m.by]), [['SRV-DC-01', 'srv-dc-01', 'hostname'], ['srv-dc-01.hospital.local', 'srv-dc-01', 'fqdn'], ['10.0.0.30', 'srv-lis-01', 'ip']]);
      const dc = evidenceOf(app.state, assetId('srv-dc-01'));
      assert.equal(dc.length, 1);
      const e = dc[0];
      assert.ok(e);
      assert.deepEqual(e.hosts, ['SRV-DC-01', 'srv-dc-01.hospital.local']);
      assert.equal(e.matchedBy, 'hostname');
      assert.equal(e.detections, 4);
      assert.deepEqual(e.byLevel, { critical: 1, high: 2, low: 1 });
      assert.deepEqual(e.refs.map((x) => x.ruleId), ['r-crit', 'r-high'], 'worst level first');
      assert.equal(e.actor, 'it-lead');
      assert.deepEqual(statusOf(app.state, assetId('srv-dc-01')), before, 'evidence never changes an asset state by itself');
      assert.equal(evidenceSummaryOf(app.state, assetId('srv-lis-01'))?.detections, 3);
      const entry = r.entries[0];
      assert.ok(entry && entry.kind === 'evidence.recorded');
      assert.match(describeEntry(entry), /^evidence on srv-dc-01 \(as SRV-DC-01, srv-dc-01\.hospital\.local\): 4 detections \(1 critical, 2 high, 1 low\) from Sat 14 May 2022 02:31 \+02:00 to Sat 14 May 2022 03:10 \+02:00.*hunt of \/ev \(3 files\); asset state unchanged$/);
      assert.ok((await app.verify()).ok);
    });
  });

  it('writes nothing when no host is in the estate, and refuses roles other than IT, commander and admin', async () => {
    await withApp(async (app) => {
      const head = app.state.lastSeq;
      const r = await recordEvidence(app, itLead, { source: 'hunt of /ev', hosts: [host('ELSEWHERE')] });
      assert.deepEqual(r.entries, []);
      assert.deepEqual(r.unmatched, ['ELSEWHERE']);
      for (const role of ['medical', 'comms', 'observer', 'liaison', 'dpo'] as const) {
        await assert.rejects(recordEvidence(app, { name: role, role }, { source: 'hunt of /ev', hosts: [host('SRV-DC-01')] }), (e: unknown) => e instanceof CrisisError && e.code === 'forbidden', role);
      }
      await recordEvidence(app, { name: 'cmd', role: 'commander' }, { source: 'hunt of /ev', hosts: [host('SRV-DC-01')] });
      await app.sync();
      assert.equal(app.state.lastSeq, head + 1);
    });
  });

  it('refuses malformed input naming the field, and writes nothing', async () => {
    await withApp(async (app) => {
      const head = app.state.lastSeq;
      await assert.rejects(
        recordEvidence(app, itLead, { source: 'hunt', hosts: [{ ...host('SRV-DC-01'), refs: [{ ruleId: 'x' }] }] }),
        (e: unknown) => e instanceof CrisisError && e.code === 'invalid-input' && e.details.some((d) => d.path?.startsWith('hosts.0.refs.0')),
      );
      await app.sync();
      assert.equal(app.state.lastSeq, head);
    });
  });

  it('why shows the evidence of the assets on a cell\'s cause chains', async () => {
    await withApp(async (app) => {
      await app.setAssets(itLead, { pattern: 'SRV-LIS-01', recovery: 'isolated', security: 'compromised', reason: 'encrypted' });
      await recordEvidence(app, itLead, { source: 'hunt of /ev', hosts: [host('SRV-LIS-01'), host('SRV-PACS-01')] });
      const cell = cellOf(app.state, 'laboratory@hsp-north');
      const assets = assetsOfCell(cell);
      assert.ok(assets.includes(assetId('srv-lis-01')), assets.join(','));
      const ev = evidenceForAssets(app.state, assets);
      assert.deepEqual(ev.map((x) => x.asset), ['srv-lis-01']);
      assert.equal(ev[0]?.summary.detections, 3);
    });
  });
});
