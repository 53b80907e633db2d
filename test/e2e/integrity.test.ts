// The web shows whether the journal can be trusted: a "verified" badge on a sound journal, a red
// banner naming the first entry not to trust when the chain is broken. Debian's Chromium.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import type { Browser } from 'playwright-core';
import { createCockpit } from '../../src/server/index.ts';
import type { Cockpit } from '../../src/server/index.ts';
import { ensureWebBuilt } from '../../src/server/web-build.ts';
import { openCrisisApp } from '../../src/main/wiring.ts';
import type { CrisisApp } from '../../src/app/crisis-app.ts';
import { makeTestApp, passwordOf } from '../support/server.ts';
import { alter } from '../support/tamper.ts';
import { CHROMIUM, skipWithoutChromium } from './fixture.ts';

describe('integrity in the web UI', { skip: skipWithoutChromium }, () => {
  let browser: Browser;
  const opened: { app: CrisisApp; cockpit: Cockpit; cleanup(): Promise<void> }[] = [];
  before(async () => {
    ensureWebBuilt();
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-sync'] });
  });
  after(async () => {
    await browser.close();
    for (const o of opened) {
      await o.cockpit.close();
      await o.app.close();
      await o.cleanup();
    }
  });

  async function serve(tamper: boolean): Promise<string> {
    const t = await makeTestApp({ estate: false });
    const file = join(t.dir, 'test.db');
    await t.app.note({ name: 'scribe', role: 'admin' }, { type: 'fact', text: 'the lab runs on paper' });
    await t.app.close();
    if (tamper) alter(file, 3, { name: 'admin', role: 'observer' });
    const app = await openCrisisApp({ db: file, env: {}, cwd: t.dir });
    const cockpit = createCockpit(app);
    await new Promise<void>((r) => cockpit.server.listen(0, '127.0.0.1', () => r()));
    await cockpit.deps.integrity.settled();
    opened.push({ app, cockpit, cleanup: async () => (await import('node:fs')).rmSync(t.dir, { recursive: true, force: true }) });
    return `http://127.0.0.1:${(cockpit.server.address() as AddressInfo).port}`;
  }

  async function loginAt(base: string) {
    const page = await browser.newPage();
    await page.goto(base);
    await page.fill('#login-name', 'observer');
    await page.fill('#login-password', passwordOf('observer'));
    await page.click('button[type=submit]');
    await page.waitForSelector('#integrity-badge:not(:text("…"))');
    return page;
  }

  it('says the journal is verified, with no banner', async () => {
    const page = await loginAt(await serve(false));
    assert.match((await page.textContent('#integrity-badge')) ?? '', /journal verified/);
    assert.equal(await page.$('#integrity-banner'), null);
    await page.close();
  });

  it('shows a red banner naming the first entry not to trust when the chain is broken', async () => {
    const page = await loginAt(await serve(true));
    await page.waitForSelector('#integrity-banner');
    const text = (await page.textContent('#integrity-banner')) ?? '';
    assert.match(text, /JOURNAL NOT TRUSTED/);
    assert.match(text, /broken at entry 3/);
    assert.match(text, /from #3 on/);
    const bg = await page.$eval('#integrity-banner', (el) => (el.ownerDocument.defaultView as unknown as { getComputedStyle(e: unknown): { backgroundColor: string } }).getComputedStyle(el).backgroundColor);
    assert.equal(bg, 'rgb(176, 0, 32)');
    await page.close();
  });
});
