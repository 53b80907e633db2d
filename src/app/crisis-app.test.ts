import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { CrisisApp } from './crisis-app.ts';
import { openTestApp } from '../../test/support/app.ts';
import { CrisisError } from '../core/errors.ts';
import type { Actor } from './permissions.ts';

const it_lead: Actor = { name: 'it-lead', role: 'it' };
const observer: Actor = { name: 'press-observer', role: 'observer' };
const examples = fileURLToPath(new URL('../../examples/estate/', import.meta.url));
const estate = ['sites.csv', 'services.csv', 'assets.csv', 'dependencies.csv'].map((f) => ({ file: f, text: readFileSync(join(examples, f), 'utf8'), sha256: f }));

async function withApps(fn: (a: CrisisApp, b: CrisisApp) => Promise<void>): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'cc-app-'));
  const file = join(dir, 'c.db');
  const a = await openTestApp(file, { now: () => '2022-05-14T04:00:00+02:00' });
  await a.init({ name: 'admin', role: 'admin' }, {});
  await a.importEstate({ name: 'admin', role: 'admin' }, estate);
  const b = await openTestApp(file);
  try {
    await fn(a, b);
  } finally {
    await a.close();
    await b.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

describe('the application layer', () => {
  it('loses no entry when two operators write at once: the loser catches up and retries', async () => {
    await withApps(async (a, b) => {
      const results = await Promise.all([
        a.setAssets(it_lead, { pattern: 'srv-pacs-01', recovery: 'isolated', reason: 'ransom note on PACS' }),
        b.setAssets(it_lead, { pattern: 'srv-lis-01', recovery: 'isolated', reason: 'LIS encrypted' }),
        a.applyMeasure(it_lead, { type: 'internet-cut', reason: 'stop the spread' }),
      ]);
      assert.deepEqual(results.map((r) => ('seq' in r ? r.seq : r.entry.seq)).sort(), [3, 4, 5]);
      await a.sync();
      await b.sync();
      assert.equal(a.state.lastSeq, 5);
      assert.equal(b.state.assetStatus.get('srv-pacs-01' as never)?.recovery, 'isolated');
      assert.equal(a.state.assetStatus.get('srv-lis-01' as never)?.recovery, 'isolated');
      assert.ok((await a.verify()).ok);
    });
  });

  it('refuses a write the role may not make, and writes nothing', async () => {
    await withApps(async (a) => {
      const before = a.state.lastSeq;
      await assert.rejects(a.setAssets(observer, { pattern: '*', recovery: 'isolated', reason: 'curious' }), (e: unknown) => e instanceof CrisisError && e.code === 'forbidden');
      await a.sync();
      assert.equal(a.state.lastSeq, before);
    });
  });

  it('stamps entries with the author and the injected clock', async () => {
    await withApps(async (a) => {
      const e = await a.note(it_lead, { type: 'fact', text: 'switchboard down, direct numbers work' });
      assert.equal(e.actor, 'it-lead');
      assert.equal(e.at, '2022-05-14T04:00:00+02:00');
      const back = await a.note(it_lead, { type: 'fact', text: 'ER noticed at 03:25', at: '2022-05-14T03:25:00+02:00' });
      assert.equal(back.at, '2022-05-14T03:25:00+02:00');
    });
  });

  it('records when a change happened apart from when it was written, and refuses a fact in the future', async () => {
    await withApps(async (a) => {
      const r = await a.setAssets(it_lead, { pattern: 'srv-pacs-01', recovery: 'isolated', reason: 'isolated by on-call', at: '2022-05-14T03:50:00+02:00' });
      assert.equal(r.entry.at, '2022-05-14T04:00:00+02:00', 'written now');
      assert.equal(r.entry.kind === 'asset.state' && r.entry.payload.happenedAt, '2022-05-14T03:50:00+02:00');
      assert.equal(a.state.assetStatus.get('srv-pacs-01' as never)?.changedAt, '2022-05-14T03:50:00+02:00');
      const m = await a.applyMeasure(it_lead, { type: 'internet-cut', reason: 'cut by on-call', at: '2022-05-14T03:40:00+02:00' });
      assert.equal(m.kind === 'measure.applied' && m.payload.happenedAt, '2022-05-14T03:40:00+02:00');
      const before = a.state.lastSeq;
      await assert.rejects(a.setAssets(it_lead, { pattern: 'srv-lis-01', recovery: 'isolated', reason: 'later', at: '2022-05-14T06:00:00+02:00' }), (e: unknown) =>
        e instanceof CrisisError && e.code === 'invalid-input' && /the fact time 2022-05-14T06:00:00\+02:00 is in the future \(it is 2022-05-14T04:00:00\+02:00\)/.test(e.message));
      await assert.rejects(a.liftMeasure(it_lead, { type: 'internet-cut', reason: 'too early', at: '2022-05-14T03:00:00+02:00' }), /before the measure took effect/);
      assert.equal(a.state.lastSeq, before);
    });
  });

  it('starts a crisis in the time zone it is given, spelt the IANA way, and refuses one that is not a zone', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'cc-tz-'));
    try {
      const a = await openTestApp(join(dir, 'a.db'), { now: () => '2022-05-14T04:00:00+02:00' });
      await assert.rejects(a.init({ name: 'admin', role: 'admin' }, { timeZone: 'Mars/Olympus' }), /timeZone: not an IANA time zone/);
      await a.init({ name: 'admin', role: 'admin' }, { timeZone: 'europe/paris' });
      assert.equal(a.state.crisis?.timeZone, 'Europe/Paris');
      await assert.rejects(a.init({ name: 'admin', role: 'admin' }, {}), /already holds the crisis "Cyberattack" \(since 2022-05-14T04:00:00\+02:00\)/);
      await a.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
