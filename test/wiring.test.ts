import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Actor } from '../src/app/permissions.ts';
import { addDemoAccounts, openCrisisApp } from '../src/main/wiring.ts';
import { buildDemoJournal, DEMO_BOARD_AT } from '../src/scenarios/index.ts';

const it_lead: Actor = { name: 'it-lead', role: 'it' };

describe('the wiring', () => {
  it('runs the demo on its own clock from the article\'s Saturday 15:00, and a real crisis on real time', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'cc-clock-'));
    try {
      const demo = await openCrisisApp({ db: join(dir, 'demo.db'), env: {}, cwd: dir }, { create: true });
      await demo.appendDrafts({ name: 'admin', role: 'admin' }, 'crisis.init', buildDemoJournal());
      const demoNow = Date.parse(demo.clockNow());
      assert.ok(demoNow >= Date.parse(DEMO_BOARD_AT) && demoNow < Date.parse(DEMO_BOARD_AT) + 60_000, demo.clockNow());
      const e = await demo.note(it_lead, { type: 'fact', text: 'written during the exercise' });
      assert.ok(Date.parse(e.at) < Date.parse('2022-05-15T00:00:00+02:00'), e.at);
      await demo.close();
      const real = await openCrisisApp({ db: join(dir, 'real.db'), env: {}, cwd: dir }, { create: true });
      await real.init({ name: 'admin', role: 'admin' }, {});
      assert.ok(Math.abs(Date.parse(real.clockNow()) - Date.now()) < 5_000);
      await real.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('keeps every entry of the demo on its own timeline: accounts and actions included, none after its clock, none on today\'s date', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'cc-demo-line-'));
    try {
      const demo = await openCrisisApp({ db: join(dir, 'demo.db'), env: {}, cwd: dir }, { create: true });
      await demo.appendDrafts({ name: 'system', role: 'admin' }, 'crisis.init', buildDemoJournal());
      await addDemoAccounts(demo);
      const clock = Date.parse(demo.clockNow());
      const today = new Date().toISOString().slice(0, 10);
      const entries = await demo.log();
      assert.ok(entries.some((e) => e.kind === 'user.added') && entries.some((e) => e.kind === 'action.created'));
      for (const e of entries) {
        assert.ok(Date.parse(e.at) <= clock, `#${e.seq} ${e.kind} at ${e.at} is after the demo clock ${demo.clockNow()}`);
        assert.ok(!new Date(Date.parse(e.at)).toISOString().startsWith(today), `#${e.seq} ${e.kind} is dated today (${e.at})`);
      }
      for (let i = 1; i < entries.length; i++) assert.ok(Date.parse(entries[i]!.at) >= Date.parse(entries[i - 1]!.at), `#${entries[i]!.seq} is earlier than the entry before it`);
      await demo.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
