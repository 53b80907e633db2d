// What both browser suites share: Debian's Chromium (never a downloaded one), the skip rule, the
// demo crisis served in-process on a random port, and the demo passwords.
import { existsSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { chromium } from 'playwright-core';
import type { Browser, Page } from 'playwright-core';
import { createCockpit } from '../../src/server/index.ts';
import { ensureWebBuilt } from '../../src/server/web-build.ts';
import { makeDemoApp } from '../support/server.ts';
import { DEMO_ACCOUNTS } from '../../src/scenarios/index.ts';
import type { CrisisApp } from '../../src/app/crisis-app.ts';

export const CHROMIUM = '/usr/bin/chromium';
export const chromiumPresent = existsSync(CHROMIUM);
/** Outside CI a machine without Chromium skips with one line; in CI its absence is a failure. */
export const skipWithoutChromium = !chromiumPresent && !process.env.CI ? `${CHROMIUM} not installed (apt-get install chromium)` : false;
export const demoPassword = (name: string): string => DEMO_ACCOUNTS.find((a) => a.name === name)?.password ?? '';

export interface CockpitInChromium {
  readonly app: CrisisApp;
  readonly base: string;
  readonly browser: Browser;
  close(): Promise<void>;
}

/** Builds the web UI if needed, serves a fresh demo crisis, and launches the browser. */
export async function startCockpitInChromium(): Promise<CockpitInChromium> {
  ensureWebBuilt();
  const demo = await makeDemoApp();
  const cockpit = createCockpit(demo.app);
  await new Promise<void>((r) => cockpit.server.listen(0, '127.0.0.1', () => r()));
  const base = `http://127.0.0.1:${(cockpit.server.address() as AddressInfo).port}`;
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run', '--disable-sync'] });
  return {
    app: demo.app,
    base,
    browser,
    close: async () => {
      await browser.close();
      await cockpit.close();
      await demo.cleanup();
    },
  };
}

/**
 * POSTs from inside the page with the session's CSRF token, as a user bypassing the UI would:
 * the API must refuse on its own. Returns the HTTP status.
 * No named functions inside evaluate(): tsx's keepNames would reference a helper the page lacks.
 */
export async function postFromPage(page: Page, path: string, body: unknown): Promise<number> {
  return page.evaluate(async ([p, b]) => {
    const s = (await (await fetch('/api/session')).json()) as { csrf: string };
    return (await fetch(p as string, { method: 'POST', headers: { 'content-type': 'application/json', 'x-csrf-token': s.csrf }, body: JSON.stringify(b) })).status;
  }, [path, body] as const);
}
