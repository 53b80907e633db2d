// The cockpit in Debian's Chromium (playwright-core drives the system browser; none is ever
// downloaded). The demo crisis is served in-process on a random port; screenshots of the board,
// an explanation, the logbook and the clocks go to docs/screenshots/ with CRISISCELL_SCREENSHOTS=1 (see shots.ts).
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { whatIf } from '../../src/core/impact/index.ts';
import { statusOf } from '../../src/core/state.ts';
import type { EntryDraft } from '../../src/core/journal.ts';
import type { AssetId } from '../../src/core/ids.ts';
import type { CrisisApp } from '../../src/app/crisis-app.ts';
import { SHOTS } from './shots.ts';
import { demoPassword, postFromPage, skipWithoutChromium, startCockpitInChromium } from './fixture.ts';
import type { CockpitInChromium } from './fixture.ts';

// Page functions run in the browser; the root tsconfig has no DOM lib, so declare the little they use.
interface PageNode { readonly textContent: string | null; getAttribute(name: string): string | null }
declare const document: { querySelector(s: string): PageNode | null; querySelectorAll(s: string): Iterable<PageNode> & { readonly length: number } };

const skip = skipWithoutChromium;
const pass = demoPassword;

/** An asset in service whose isolation turns an operational cell non-operational (found, not hard-coded, so a new demo seed still works). */
function isolationTarget(app: CrisisApp): { asset: string; cell: string } {
  const s = app.liveProjection;
  const candidates = [...s.assets.values()].filter((a) => a.kind === 'server' && statusOf(s, a.id).recovery === 'in-service');
  candidates.sort((a, b) => Number(b.roles.some((r) => /pharm|steril/.test(r))) - Number(a.roles.some((r) => /pharm|steril/.test(r))));
  for (const a of candidates.slice(0, 80)) {
    const draft = { id: 'x', at: s.lastAt, actor: 'x', kind: 'asset.state', payload: { assets: [a.id as AssetId], recovery: 'isolated', reason: 'x' } } as unknown as EntryDraft;
    const hit = whatIf(s, [draft]).changes.find((c) => c.before.status === 'operational' && c.after.status !== 'operational');
    if (hit) return { asset: a.hostname, cell: hit.serviceId };
  }
  throw new Error('no asset of the demo degrades an operational cell when isolated');
}

describe('cockpit in Chromium', { skip }, () => {
  let app: CrisisApp;
  let base: string;
  let browser: Browser;
  let fixture: CockpitInChromium | undefined;

  before(async () => {
    fixture = await startCockpitInChromium();
    ({ app, base, browser } = fixture);
  });
  after(async () => {
    await fixture?.close();
  });

  async function login(context: BrowserContext, name: string): Promise<Page> {
    const page = await context.newPage();
    const errors: string[] = [];
    page.on('console', (m) => {
      // The first /api/session probe answers 401 before login: that one is expected.
      if (m.type() === 'error' && !m.text().includes('status of 401')) errors.push(m.text());
    });
    page.on('pageerror', (e) => errors.push(String(e)));
    await page.goto(`${base}/`);
    await page.fill('#login-name', name);
    await page.fill('#login-password', pass(name));
    await page.click('button[type=submit]');
    await page.waitForSelector('#board-table');
    (page as Page & { errors?: string[] }).errors = errors;
    return page;
  }

  const newContext = (locale = 'en-GB'): Promise<BrowserContext> => browser.newContext({ viewport: { width: 1440, height: 900 }, locale, timezoneId: 'Europe/Brussels' });

  it('logs in and shows the board in the demo state of the article', async () => {
    const ctx = await newContext();
    try {
      const page = await login(ctx, 'commander');
      assert.equal(await page.textContent('#whoami'), 'commander · commander');
      const status = async (service: string): Promise<string[]> => page.$$eval(`#board-table button[data-cell^="${service}@"]`, (els) => els.map((e) => e.getAttribute('data-status') ?? ''));
      // Radiology and the laboratory are the most impacted but still work (degraded);
      // the switchboard and the patient record are down; the vital services are not down.
      for (const s of await status('radiology')) assert.equal(s, 'degraded');
      for (const s of await status('laboratory')) assert.equal(s, 'degraded');
      assert.ok((await status('switchboard')).length > 0);
      for (const s of await status('switchboard')) assert.equal(s, 'down');
      for (const s of await status('patient-record')) assert.equal(s, 'down');
      for (const svc of ['icu', 'dialysis', 'operating-theatre', 'emergency', 'cath-lab']) {
        for (const s of await status(svc)) assert.notEqual(s, 'down', svc);
      }
      // Colour plus a letter in every cell.
      const letters = await page.$$eval('#board-table button.cell .letter', (els) => [...new Set(els.map((e) => e.textContent))].sort());
      assert.deepEqual(letters.filter((l) => l !== '?'), ['D', 'O', 'X']);
      await page.screenshot({ path: `${SHOTS}board.png`, fullPage: true });

      await page.click('#board-table button[data-cell^="radiology@"]');
      await page.waitForSelector('dialog#explain[open]');
      const causes = await page.$$eval('dialog#explain ol.causes li', (els) => els.map((e) => e.textContent ?? ''));
      assert.ok(causes.length > 0, 'a degraded cell explains itself');
      assert.ok((await page.$$eval('dialog#explain ul.procedures li', (els) => els.length)) > 0, 'and names its downtime procedure');
      await page.screenshot({ path: `${SHOTS}explanation.png` });
      await page.keyboard.press('Escape');

      // The time slider: before the attack was detected, nothing was down.
      await page.$eval('#time-slider', (el) => {
        const input = el as unknown as { value: string; dispatchEvent(e: Event): boolean };
        input.value = '0';
        input.dispatchEvent(new Event('input', { bubbles: true }));
      });
      await page.waitForSelector('#asof:not([hidden])');
      await page.waitForFunction(() => document.querySelectorAll('#board-table button[data-status="down"]').length === 0);
      await page.click('#back-live');
      await page.waitForSelector('#board-table button[data-status="down"]');

      await page.click('#nav-log');
      await page.waitForSelector('#log-body tr');
      assert.ok((await page.$$eval('#log-body tr', (els) => els.length)) > 40);
      // The narrative of the night (the demo's account entries, written at start-up, come last).
      await page.selectOption('#log-kind', 'log.note');
      await page.waitForFunction(() => [...document.querySelectorAll('#log-body td.mono')].every((td) => td.textContent === 'log.note'));
      await page.screenshot({ path: `${SHOTS}logbook.png` });

      await page.click('#nav-clocks');
      await page.waitForSelector('#clocks article.clock');
      await page.waitForFunction(() => /\d\d:\d\d:\d\d/.test(document.querySelector('#clocks .countdown')?.textContent ?? ''));
      await page.screenshot({ path: `${SHOTS}clocks.png`, fullPage: true });
      assert.deepEqual((page as Page & { errors?: string[] }).errors, []);
    } finally {
      await ctx.close();
    }
  });

  it('isolating an asset in one browser degrades the right cell in another within a second', async () => {
    const target = isolationTarget(app);
    const itCtx = await newContext();
    const watchCtx = await newContext();
    try {
      const watcher = await login(watchCtx, 'medical');
      const cellSel = `#board-table button[data-cell="${target.cell}"]`;
      assert.equal(await watcher.getAttribute(cellSel, 'data-status'), 'operational');
      const it_ = await login(itCtx, 'it');
      await it_.click('#nav-assets');
      await it_.waitForSelector('#bulk-form');
      await it_.fill('#asset-q', target.asset);
      await it_.waitForFunction((host) => document.querySelector('#asset-list .vrow')?.getAttribute('data-host') === host.toLowerCase(), target.asset);
      await it_.fill('#bulk-pattern', target.asset);
      await it_.selectOption('#bulk-recovery', 'isolated');
      await it_.fill('#bulk-reason', 'e2e: isolate to stop lateral movement');
      await it_.click('#bulk-preview');
      await it_.waitForSelector(`#preview li[data-cell="${target.cell}"]`);
      await it_.screenshot({ path: `${SHOTS}assets-what-if.png` });
      const t0 = Date.now();
      await it_.click('#bulk-apply');
      await watcher.waitForFunction((sel) => document.querySelector(sel)?.getAttribute('data-status') !== 'operational', cellSel, { timeout: 1000 });
      const took = Date.now() - t0;
      assert.ok(took < 1000, `the change showed after ${took} ms`);
      const entries = await app.log({ kinds: ['asset.state'] });
      assert.equal(entries.at(-1)?.actor, 'it', 'the entry names who did it');
    } finally {
      await itCtx.close();
      await watchCtx.close();
    }
  });

  it('an observer can change nothing: no forms in the UI, 403 from the API', async () => {
    const ctx = await newContext();
    try {
      const page = await login(ctx, 'observer');
      assert.ok(await page.isVisible('#readonly-note'));
      await page.click('#nav-assets');
      await page.waitForSelector('#asset-list .vrow');
      assert.equal(await page.$('#bulk-form'), null);
      assert.equal(await page.$('#measure-form'), null);
      await page.click('#nav-log');
      await page.waitForSelector('#log-body tr');
      assert.equal(await page.$('#note-form'), null);
      const head = app.liveProjection.lastSeq;
      // The API refuses even when the page is bypassed (same session, right CSRF token).
      // No named functions inside evaluate(): tsx's keepNames would reference a helper the page lacks.
      const attempts: [string, unknown][] = [
        ['/api/assets/state', { pattern: '*', recovery: 'isolated', reason: 'observer tries' }],
        ['/api/notes', { type: 'fact', text: 'observer tries' }],
        ['/api/measures/apply', { type: 'internet-cut', reason: 'observer tries' }],
      ];
      for (const [path, body] of attempts) {
        assert.equal(await postFromPage(page, path, body), 403, path);
      }
      assert.equal(app.liveProjection.lastSeq, head);
    } finally {
      await ctx.close();
    }
  });

  it('renders in French', async () => {
    const ctx = await newContext('fr-BE');
    try {
      const page = await ctx.newPage();
      await page.goto(`${base}/`);
      assert.equal(await page.textContent('button[type=submit]'), 'Se connecter');
      await page.fill('#login-name', 'dpo');
      await page.fill('#login-password', pass('dpo'));
      await page.click('button[type=submit]');
      await page.waitForSelector('#board-table');
      assert.equal(await page.textContent('#board-title'), 'Services par site');
      assert.equal(await page.textContent('#nav-log'), 'Main courante');
      assert.match((await page.textContent('.legend')) ?? '', /dégradé.*à l’arrêt/);
      await page.screenshot({ path: `${SHOTS}board-fr.png` });
      // Switching back to English re-renders without a reload.
      await page.selectOption('#lang', 'en');
      await page.waitForFunction(() => document.querySelector('#board-title')?.textContent === 'Services by site');
    } finally {
      await ctx.close();
    }
  });
});
