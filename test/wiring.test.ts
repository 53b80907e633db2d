import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Actor } from '../src/app/permissions.ts';
import { openCrisisApp } from '../src/main/wiring.ts';
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
});
