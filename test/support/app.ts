/**
 * The app over a real SQLite file for tests, through the same wiring as the CLI. A test that sets
 * `now` gets that clock for a demo journal as well, unless it sets `demoNow` too.
 */
import type { AppOptions, CrisisApp } from '../../src/app/crisis-app.ts';
import { openAppOn } from '../../src/main/wiring.ts';
import { openSqliteStore } from '../../src/store/sqlite/sqlite-journal-store.ts';

export function openTestApp(file: string, opts: Partial<AppOptions> = {}): Promise<CrisisApp> {
  const overrides = opts.now !== undefined && !('demoNow' in opts) ? { ...opts, demoNow: opts.now } : opts;
  return openAppOn(openSqliteStore(file, { pollMs: 0 }), overrides);
}
