/**
 * From event logs to the crisis: `hunt --db` and `evidence import` record per-asset evidence
 * through the app layer; `assets`, `why` and the API's asset data show it; no asset state moves.
 */
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from './support/cli-io.ts';
import { EXAMPLE_ESTATE, loggedIn, startTestServer } from './support/server.ts';
import { buildChunk, buildFile } from './support/evtx-builder.ts';
import { logonRecords } from './support/evidence-tree.ts';
import { recordEvidence } from '../src/app/evidence.ts';

describe('hunt evidence into the crisis', () => {
  let dir: string;
  const db = (): string => join(dir, 'crisis.db');
  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'cc-hunt-db-'));
    mkdirSync(join(dir, 'logs'));
    // RDP logons from a public address on the laboratory's server (an FQDN as Windows writes it),
    // and on a host the estate does not know.
    writeFileSync(join(dir, 'logs', 'lis-Security.evtx'), buildFile([buildChunk(logonRecords([
      { eventRecordId: 7001, user: 'admin', logonType: 10, ip: '185.220.101.4' },
      { eventRecordId: 7002, user: 'admin', logonType: 10, ip: '185.220.101.4' },
    ], 'SRV-LIS-01.hospital.local')).bytes]));
    writeFileSync(join(dir, 'logs', 'laptop-Security.evtx'), buildFile([buildChunk(logonRecords([{ eventRecordId: 9, user: 'bob', logonType: 10, ip: '203.0.113.9' }], 'LAPTOP-77')).bytes]));
    for (const argv of [['init', '--name', 'Ransomware 14 May'], ['import', ...['sites.csv', 'services.csv', 'assets.csv', 'dependencies.csv'].map((f) => join(EXAMPLE_ESTATE, f))]]) {
      const r = await runCli([...argv, '--db', db()], { cwd: dir });
      assert.equal(r.code, 0, r.stderr);
    }
    const r = await runCli(['asset', 'set', 'SRV-LIS-01', '--recovery', 'isolated', '--reason', 'isolated by IT on-call', '--db', db()], { cwd: dir });
    assert.equal(r.code, 0, r.stderr);
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('hunt --db records one entry per matched asset, lists the unknown host, leaves asset states alone', async () => {
    const before = JSON.parse((await runCli(['assets', '--host', 'SRV-LIS-01', '--json', '--db', db()], { cwd: dir })).stdout) as { security: string; recovery: string }[];
    const r = await runCli(['hunt', 'logs', '--threads', '0', '--jsonl', '-o', 'hits.jsonl', '--db', db()], { cwd: dir });
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /Evidence recorded for 1 asset\(s\)/);
    assert.match(r.stdout, /srv-lis-01\s+2 detection\(s\): 2 high.*\(matched by fqdn: SRV-LIS-01\.hospital\.local\)/);
    assert.match(r.stdout, /Hosts not in the estate \(1\), nothing recorded for them: LAPTOP-77/);
    const log = await runCli(['log', '--kind', 'evidence.recorded', '--json', '--db', db()], { cwd: dir });
    const entries = JSON.parse(log.stdout) as { kind: string; payload: { asset: string; refs: { ruleTitle: string; file: string; eventRecordIds: number[]; count: number }[]; source: string } }[];
    assert.equal(entries.length, 1);
    const p = entries[0]?.payload;
    assert.equal(p?.asset, 'srv-lis-01');
    assert.match(p?.source ?? '', /^hunt of logs \(2 files\)$/);
    assert.deepEqual(p?.refs.map((x) => [x.ruleTitle, x.file.endsWith('lis-Security.evtx'), x.eventRecordIds, x.count]), [['RDP Logon From A Public IP Address', true, [7001, 7002], 2]]);
    const after = JSON.parse((await runCli(['assets', '--host', 'SRV-LIS-01', '--json', '--db', db()], { cwd: dir })).stdout) as { security: string; recovery: string; evidence: { detections: number; byLevel: Record<string, number> } }[];
    assert.deepEqual([after[0]?.security, after[0]?.recovery], [before[0]?.security, before[0]?.recovery]);
    assert.deepEqual(after[0]?.evidence.byLevel, { high: 2 });
  });

  it('the asset listing and why show the evidence', async () => {
    const assets = await runCli(['assets', '--db', db()], { cwd: dir });
    assert.match(assets.stdout, /EVIDENCE/);
    assert.match(assets.stdout, /SRV-LIS-01 .* 2 high/);
    assert.match(assets.stdout, /1 with evidence from hunts/);
    const why = await runCli(['why', 'laboratory@hsp-north', '--db', db()], { cwd: dir });
    assert.equal(why.code, 0, why.stderr);
    assert.match(why.stdout, /Evidence from hunts on these assets \(it informs; no state was changed by it\):\n {2}- srv-lis-01: 2 detection\(s\) \(2 high\)/);
    assert.match(why.stdout, /RDP Logon From A Public IP Address x2 in .*lis-Security\.evtx \(EventRecordID 7001, 7002\)/);
    const json = JSON.parse((await runCli(['why', 'laboratory@hsp-north', '--json', '--db', db()], { cwd: dir })).stdout) as { evidence: { asset: string }[] };
    assert.deepEqual(json.evidence.map((e) => e.asset), ['srv-lis-01']);
  });

  it('evidence import reads a hunt JSONL; a line that is not hunt output is named and nothing is written', async () => {
    const ok = await runCli(['evidence', 'import', 'hits.jsonl', '--db', db()], { cwd: dir });
    assert.equal(ok.code, 0, ok.stderr);
    assert.match(ok.stdout, /Evidence recorded for 1 asset\(s\)/);
    const log = JSON.parse((await runCli(['log', '--kind', 'evidence.recorded', '--json', '--db', db()], { cwd: dir })).stdout) as { payload: { source: string } }[];
    assert.equal(log.length, 2);
    assert.match(log[1]?.payload.source ?? '', /^import of hits\.jsonl \(3 detection\(s\), 0 finding\(s\), sha256 [0-9a-f]{16}\)$/);
    writeFileSync(join(dir, 'bad.jsonl'), '{"rule":{"id":"x","title":"t","level":"high"},"timestamp":"2019-01-01T00:00:00Z","computer":"SRV-LIS-01","file":"f","eventRecordId":1}\n{"hello":1}\n');
    const bad = await runCli(['evidence', 'import', 'bad.jsonl', '--db', db()], { cwd: dir });
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /bad\.jsonl: 1 line\(s\) are not hunt output; nothing was recorded\n {2}bad\.jsonl:2: rule: expected/);
    assert.equal((JSON.parse((await runCli(['log', '--kind', 'evidence.recorded', '--json', '--db', db()], { cwd: dir })).stdout) as unknown[]).length, 2);
  });

  it('the API serves the evidence with the asset, and records it for the IT role only', async () => {
    const t = await startTestServer();
    try {
      await recordEvidence(t.app, { name: 'it', role: 'it' }, {
        source: 'hunt of /ev',
        hosts: [{ host: 'srv-pacs-01', detections: 1, byLevel: { critical: 1 }, first: '2022-05-14T01:00:00Z', last: '2022-05-14T01:00:00Z', refs: [{ ruleId: 'r', ruleTitle: 'Shadow copies deleted', level: 'critical', file: '/ev/pacs.evtx', count: 1, first: '2022-05-14T01:00:00Z', last: '2022-05-14T01:00:00Z', eventRecordIds: [42] }] }],
      });
      const c = await loggedIn(t.port, 'observer');
      const one = await c.get('/api/assets/srv-pacs-01');
      assert.equal(one.status, 200);
      const body = one.json as { evidence: { detections: number; byLevel: Record<string, number> }; evidenceEntries: { refs: { eventRecordIds: number[] }[] }[]; security: string };
      assert.deepEqual(body.evidence.byLevel, { critical: 1 });
      assert.deepEqual(body.evidenceEntries[0]?.refs[0]?.eventRecordIds, [42]);
      assert.equal(body.security, 'unknown');
      const list = (await c.get('/api/assets?q=srv-pacs')).json as { items: { id: string; evidence: unknown }[] };
      assert.ok(list.items.find((x) => x.id === 'srv-pacs-01')?.evidence);
      const denied = await c.post('/api/evidence', { source: 'hunt of /ev', hosts: [] });
      assert.equal(denied.status, 403);
      const it = await loggedIn(t.port, 'it');
      const posted = await it.post('/api/evidence', { source: 'hunt of /ev2', hosts: [{ host: 'SRV-DC-01', detections: 0, byLevel: {}, first: '', last: '', refs: [], erased: [{ type: 'log-cleared', channel: 'Security', time: '2022-05-14T01:05:00Z', eventRecordId: 1, by: 'CORP\\eve' }] }, { host: 'nowhere' }] });
      assert.equal(posted.status, 400, 'an invalid host is refused, nothing written');
      const good = await it.post('/api/evidence', { source: 'hunt of /ev2', hosts: [{ host: 'SRV-DC-01', detections: 0, byLevel: {}, first: '', last: '', refs: [], erased: [{ type: 'log-cleared', channel: 'Security', time: '2022-05-14T01:05:00Z', eventRecordId: 1, by: 'CORP\\eve' }] }] });
      assert.equal(good.status, 201, good.text);
      assert.equal((good.json as { entries: unknown[] }).entries.length, 1);
    } finally {
      await t.close();
    }
  });
});
