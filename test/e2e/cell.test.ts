// The crisis cell's views in Debian's Chromium: deciding a pending decision shows in another
// browser, forms put the server's validation errors next to the field, an observer sees no form
// and the API refuses it, French renders, axe-core finds no serious or critical violation on the
// main views in English and French, the keyboard works (board cells, dialogs, disclosures), and
// the sitrep and a downtime pack print cleanly (page 1 of each PDF rendered to PNG).
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import type { CrisisApp } from '../../src/app/crisis-app.ts';
import { SHOTS } from './shots.ts';
import { chromiumPresent, demoPassword, postFromPage, skipWithoutChromium, startCockpitInChromium } from './fixture.ts';
import type { CockpitInChromium } from './fixture.ts';

// Page functions run in the browser; the root tsconfig has no DOM lib, so declare the little they use.
interface PageNode { readonly textContent: string | null; readonly id: string; getAttribute(name: string): string | null }
declare const document: { querySelector(s: string): PageNode | null; querySelectorAll(s: string): Iterable<PageNode> & { readonly length: number }; readonly activeElement: PageNode | null };
interface AxeResult { violations: { id: string; impact: string | null; help: string; nodes: { target: unknown[]; failureSummary?: string }[] }[] }
declare const axe: { run(ctx: unknown, opts: unknown): Promise<AxeResult> };

const present = chromiumPresent;
const skip = skipWithoutChromium;
const pass = demoPassword;
const AXE_SOURCE = present ? readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8') : '';

describe('crisis cell in Chromium', { skip }, () => {
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

  const newContext = (locale = 'en-GB'): Promise<BrowserContext> => browser.newContext({ viewport: { width: 1440, height: 900 }, locale, timezoneId: 'Europe/Brussels' });

  async function login(context: BrowserContext, name: string): Promise<Page> {
    const page = await context.newPage();
    await page.goto(`${base}/`);
    await page.fill('#login-name', name);
    await page.fill('#login-password', pass(name));
    await page.click('button[type=submit]');
    await page.waitForSelector('#board-table');
    return page;
  }
  /** A screenshot without the transient "saved" toasts over it. */
  const shot = async (page: Page, name: string, fullPage = true): Promise<void> => {
    await page.$$eval('.toast', (els) => {
      for (const e of els) e.remove();
    });
    await page.screenshot({ path: `${SHOTS}${name}.png`, fullPage });
  };
  const go = async (page: Page, hash: string, ready: string): Promise<void> => {
    await page.click(`#nav-${hash}`);
    await page.waitForSelector(ready);
  };

  // First, while the demo is as the article tells it (later tests write into it).
  it('prints the sitrep and a downtime pack without the cockpit around them', async () => {
    const ctx = await newContext();
    const dir = mkdtempSync(join(tmpdir(), 'cc-print-'));
    try {
      const page = await login(ctx, 'medical');
      for (const [hash, ready, shot] of [['sitrep', '#sitrep h1', 'print-sitrep'], ['packs', '#pack table', 'print-pack']] as const) {
        await go(page, hash, ready);
        await page.emulateMedia({ media: 'print' });
        assert.equal(await page.isVisible('header.top'), false, 'the navigation does not print');
        assert.equal(await page.isVisible('#print'), false, 'nor the print button');
        // page.pdf() prints with the print media; leave the emulation as the browser would print.
        await page.emulateMedia({ media: null });
        const pdf = await page.pdf({ format: 'A4', preferCSSPageSize: true });
        assert.equal(pdf.subarray(0, 5).toString(), '%PDF-');
        const file = join(dir, `${shot}.pdf`);
        writeFileSync(file, pdf);
        // Page 1 as the reader sees it (poppler's pdftoppm, when installed).
        const r = spawnSync('pdftoppm', ['-png', '-r', '70', '-f', '1', '-l', '1', '-singlefile', file, join(SHOTS, shot)]);
        if (r.error && !process.env.CI) continue;
        assert.equal(r.status, 0, String(r.stderr));
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
      await ctx.close();
    }
  });
  it('meetings: the agenda of the next one; schedule and minute a meeting', async () => {
    const ctx = await newContext();
    try {
      const page = await login(ctx, 'commander');
      await go(page, 'meetings', '#agenda ol.agenda-items');
      assert.match((await page.textContent('#agenda-title')) ?? '', /M2/);
      assert.ok(await page.$('#agenda li[data-decision="D1"]'), 'the pending decision is on the agenda');
      assert.match((await page.textContent('#agenda ol.agenda-items')) ?? '', /A2 Check the workstations/, 'and the overdue action');
      await shot(page, 'agenda');
      // A meeting that began an hour ago (the demo clock), then its minutes.
      const now = await page.evaluate(async () => Date.parse(((await (await fetch('/api/clock')).json()) as { now: string }).now));
      const d = new Date(now - 3_600_000);
      const p = (n: number): string => String(n).padStart(2, '0');
      await page.fill('#meeting-title', 'Flash briefing: laboratory on call');
      await page.fill('#meeting-at', `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())}T${p(d.getHours())}:${p(d.getMinutes())}`);
      await page.click('#meeting-form-submit');
      await page.waitForSelector('#minutes-M3-open');
      await page.click('#minutes-M3-open');
      await page.fill('#minutes-M3-text', 'Lab on call at CHU de Val-Meuse confirmed.');
      await page.click('#minutes-M3-submit');
      await page.waitForSelector('li[data-meeting="M3"] .tag-held');
    } finally {
      await ctx.close();
    }
  });

  it('decides a pending decision: a second browser sees it leave the pending list; errors show next to the field', async () => {
    const cmdCtx = await newContext();
    const watchCtx = await newContext();
    try {
      const watcher = await login(watchCtx, 'medical');
      await go(watcher, 'cell', '#pending-list li[data-decision="D1"]');
      const page = await login(cmdCtx, 'commander');
      await go(page, 'cell', '#pending-list li[data-decision="D1"]');

      // The keyboard opens the form, Escape closes it and gives the focus back to its button.
      await page.focus('#decide-D1-open');
      await page.keyboard.press('Enter');
      await page.waitForSelector('#decide-D1:visible');
      assert.equal(await page.evaluate(() => document.activeElement?.id), 'decide-D1-decision');
      await page.keyboard.press('Escape');
      await page.waitForSelector('#decide-D1', { state: 'hidden' });
      assert.equal(await page.evaluate(() => document.activeElement?.id), 'decide-D1-open');
      await page.keyboard.press('Enter');

      // Empty required fields: the error sits under the field, the focus goes to the first one.
      await page.fill('#decide-D1-decision', 'postpone non-urgent consultations and surgery');
      await page.click('#decide-D1-submit');
      await page.waitForSelector('#decide-D1-rationale-error:visible');
      assert.equal(await page.getAttribute('#decide-D1-rationale', 'aria-invalid'), 'true');
      assert.equal(await page.evaluate(() => document.activeElement?.id), 'decide-D1-rationale');
      assert.equal(await page.inputValue('#decide-D1-position'), 'medical', 'the decision owner is proposed');
      assert.match(await page.inputValue('#decide-D1-person'), /Renard/, 'and the person holding it now');
      await shot(page, 'decisions');

      await page.fill('#decide-D1-rationale', 'Radiology and the lab are degraded; the patient record is down for days.');
      await page.selectOption('#decide-D1-position', 'commander');
      assert.match(await page.inputValue('#decide-D1-person'), /Lambert/, 'changing the position proposes its holder');
      await page.click('#decide-D1-submit');
      await watcher.waitForSelector('#pending-list li[data-decision="D1"]', { state: 'detached', timeout: 2000 });
      await watcher.waitForSelector('#made-list li[data-decision="D1"]');
      assert.match((await watcher.textContent('#made-list li[data-decision="D1"]')) ?? '', /postpone non-urgent.*Lambert/s);
      const made = (await app.log({ kinds: ['decision.made'] })).at(-1);
      assert.equal(made?.actor, 'commander');

      // A server-side rule (an action due before it is created) lands next to its field.
      await page.fill('#action-title', 'e2e: call the lab on call');
      await page.fill('#action-due', '2022-05-14T10:00');
      await page.click('#action-form-submit');
      await page.waitForSelector('#action-due-error:visible');
      assert.match((await page.textContent('#action-due-error')) ?? '', /before the time the action is created/);
    } finally {
      await cmdCtx.close();
      await watchCtx.close();
    }
  });

  it('contacts, channels and the fallback directory', async () => {
    const ctx = await newContext();
    try {
      const page = await login(ctx, 'liaison');
      await go(page, 'contacts', '#directory-table tbody tr');
      assert.ok((await page.$$('#directory-table td.phone')).length > 5, 'direct numbers of the site');
      assert.equal(await page.$('#assign-open'), null, 'liaison may not assign positions');
      await page.click('#contact-open');
      await page.fill('#contact-name', 'Duty prosecutor');
      await page.selectOption('#contact-party', 'prosecutor');
      await page.click('#contact-form-submit');
      // No way to reach them: the server's rule names `phone`.
      await page.waitForSelector('#contact-phone-error:visible');
      await page.fill('#contact-phone', '+32 63 00 00 09');
      await page.click('#contact-form-submit');
      await page.waitForSelector('#contacts-table tr[data-contact="duty-prosecutor"]');
      await page.click('#channel-open');
      await page.selectOption('#channel-name', 'radio');
      await page.selectOption('#channel-status', 'working');
      await page.fill('#channel-fallback', 'radio between emergency departments');
      await page.click('#channel-form-submit');
      await page.waitForSelector('#channels-table tr[data-channel="radio"]');
      await shot(page, 'contacts');
    } finally {
      await ctx.close();
    }
  });

  it('regulatory facts: a filing stops its clock; the assessment needs its source', async () => {
    const ctx = await newContext();
    try {
      const page = await login(ctx, 'dpo');
      await go(page, 'clocks', '#clocks article[data-clock="nis2-early-warning"]');
      await page.waitForSelector('#reg-awareness strong');
      await page.click('#filing-open');
      await page.selectOption('#file-report', 'nis2-early-warning');
      await page.fill('#file-reference', 'CCB-2022-0514');
      await page.click('#filing-form-submit');
      await page.waitForSelector('#filings-table');
      await page.waitForSelector('#clocks article.clock-filed[data-clock="nis2-early-warning"]');
      await page.click('#assess-open');
      await page.selectOption('#assess-severity', 'high');
      await page.selectOption('#assess-crossBorderImpact', 'none');
      await page.click('#assess-form-submit');
      await page.waitForSelector('#assess-source-error:visible');
      await page.fill('#assess-source', 'CERT.be incident desk, phone call');
      await page.click('#assess-form-submit');
      await page.waitForFunction(() => /high/.test(document.querySelector('#assessment-table tr[data-assess="severity"]')?.textContent ?? ''));
      await page.click('#breach-open');
      await shot(page, 'regulatory');
    } finally {
      await ctx.close();
    }
  });

  it('an observer sees no coordination form, and the API refuses', async () => {
    const ctx = await newContext();
    try {
      const page = await login(ctx, 'observer');
      for (const [hash, ready] of [['cell', '#pending-list, #made-list'], ['meetings', '#agenda'], ['contacts', '#positions-table'], ['clocks', '#assessment-table'], ['comms', '#comms']] as const) {
        await go(page, hash, ready);
        assert.equal(await page.$$eval('main form, main button.disclose, main select[id^="action-status"]', (els) => els.length), 0, hash);
      }
      const head = app.liveProjection.lastSeq;
      const attempts: [string, unknown][] = [
        ['/api/decisions/decide', { id: 'D2', decision: 'x', rationale: 'x', position: 'commander', person: 'x' }],
        ['/api/decisions', { question: 'observer tries' }],
        ['/api/meetings', { title: 'x', at: '2022-05-15T10:00:00+02:00' }],
        ['/api/positions/assign', { position: 'commander', person: 'observer' }],
        ['/api/contacts', { name: 'x', party: 'other', phone: '1' }],
        ['/api/channels', { channel: 'radio', status: 'down' }],
        ['/api/regulatory/file', { report: 'nis2-notification' }],
        ['/api/incident/assess', { ransomDemand: 'none', source: 'x' }],
      ];
      for (const [path, body] of attempts) {
        assert.equal(await postFromPage(page, path, body), 403, path);
      }
      assert.equal(app.liveProjection.lastSeq, head);
    } finally {
      await ctx.close();
    }
  });

  it('French renders the new views', async () => {
    const ctx = await newContext('fr-BE');
    try {
      const page = await login(ctx, 'commander');
      await go(page, 'meetings', '#agenda');
      assert.equal(await page.textContent('#meetings-h'), 'Réunions');
      assert.match((await page.textContent('#agenda')) ?? '', /Ordre du jour de M2.*Décisions à prendre/s);
      await go(page, 'contacts', '#positions-table');
      assert.equal(await page.textContent('#contacts-h'), 'Contacts et canaux');
      assert.match((await page.textContent('#channels-table')) ?? '', /standard téléphonique.*à l’arrêt/s);
      await go(page, 'clocks', '#assessment-table');
      assert.equal(await page.textContent('#reg-title'), 'Faits dont partent les échéances');
      assert.match((await page.textContent('#assessment-table')) ?? '', /Demande de rançon/);
      await go(page, 'cell', '#pending-list, #made-list');
      assert.equal(await page.textContent('#decision-form-title'), 'Ouvrir une décision');
    } finally {
      await ctx.close();
    }
  });

  it('the keyboard reaches a board cell with Tab, opens it with Enter, closes with Escape and gets the focus back', async () => {
    const ctx = await newContext();
    try {
      const page = await login(ctx, 'medical');
      let onCell = '';
      for (let i = 0; i < 60 && !onCell; i++) {
        await page.keyboard.press('Tab');
        onCell = await page.evaluate(() => document.activeElement?.getAttribute('data-cell') ?? '');
      }
      assert.ok(onCell, 'a board cell is reachable with Tab');
      await page.keyboard.press('Enter');
      await page.waitForSelector('dialog#explain[open]');
      await page.keyboard.press('Escape');
      await page.waitForSelector('dialog#explain', { state: 'detached' });
      assert.equal(await page.evaluate(() => document.activeElement?.getAttribute('data-cell')), onCell);
    } finally {
      await ctx.close();
    }
  });

  it('axe-core: no serious or critical violation on the main views, in English and French', async () => {
    const found: string[] = [];
    for (const locale of ['en-GB', 'fr-BE']) {
      const ctx = await newContext(locale);
      try {
        const page = await ctx.newPage();
        await page.goto(`${base}/`);
        await page.waitForSelector('#login-name');
        const check = async (where: string): Promise<void> => {
          await page.evaluate(AXE_SOURCE);
          const r = await page.evaluate(() => axe.run(document, { resultTypes: ['violations'] }));
          for (const v of r.violations) {
            if (v.impact === 'serious' || v.impact === 'critical') found.push(`${locale} ${where}: ${v.id} (${v.impact}) ${v.help} — ${v.nodes.slice(0, 3).map((n) => JSON.stringify(n.target)).join(', ')}`);
          }
        };
        await check('login');
        await page.fill('#login-name', 'commander');
        await page.fill('#login-password', pass('commander'));
        await page.click('button[type=submit]');
        await page.waitForSelector('#board-table');
        await check('board');
        await page.click('#board-table button[data-cell^="radiology@"]');
        await page.waitForSelector('dialog#explain[open]');
        await check('board explanation');
        await page.keyboard.press('Escape');
        const views: [string, string, string?][] = [
          ['assets', '#asset-list .vrow'],
          ['log', '#log-body tr'],
          ['cell', '#pending-list, #made-list'],
          ['meetings', '#agenda'],
          ['contacts', '#directory-table', '#contact-open'],
          ['clocks', '#assessment-table', '#assess-open'],
          ['comms', '#comms article'],
          ['sitrep', '#sitrep h1'],
          ['packs', '#pack h1'],
        ];
        for (const [hash, ready, open] of views) {
          await go(page, hash, ready);
          if (open && (await page.$(open.split(',')[0] ?? ''))) await page.click(open.split(',')[0] ?? '');
          await check(hash);
        }
      } finally {
        await ctx.close();
      }
    }
    assert.deepEqual(found, []);
  });

});
