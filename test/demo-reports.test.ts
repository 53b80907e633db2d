import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { DEMO_AWARENESS, DEMO_BOARD_AT } from '../src/scenarios/index.ts';
import { meetingId } from '../src/core/coordination/types.ts';
import { formatLocal } from '../src/core/clocks/time.ts';
import { clocksAt, downtimePackAt, sitrepAt, snapshot } from '../src/app/coordination.ts';
import type { Kit } from './support/coordination.ts';
import { openDemoKit } from './support/coordination.ts';
import { renderSitrepMarkdown } from '../src/app/reports/sitrep-markdown.ts';
import { renderSitrepHtml } from '../src/app/reports/sitrep-html.ts';
import { renderPackHtml } from '../src/app/reports/pack-html.ts';
import { findChromium, htmlToPdf } from '../src/app/reports/pdf.ts';

describe('the demo at the time of the press conference (acceptance)', () => {
  let kit: Kit;
  before(async () => {
    kit = await openDemoKit(DEMO_BOARD_AT);
  });
  after(() => kit.close());

  it('shows the NIS2 early warning due 24 h after awareness, Sunday early morning in Brussels, not filed', async () => {
    const { clocks } = await clocksAt(kit.app, { at: DEMO_BOARD_AT });
    const ew = clocks.find((k) => k.id === 'nis2-early-warning');
    assert.ok(ew);
    assert.equal(Date.parse(ew.due ?? ''), Date.parse(DEMO_AWARENESS) + 24 * 3_600_000);
    assert.match(ew.due ?? '', /^2022-05-15T03:\d\d:00\+02:00$/, 'due about 03:30 on Sunday, Brussels time');
    assert.equal(ew.status, 'upcoming');
    assert.equal(ew.filedAt, undefined);
    // The JSON form the CLI prints carries the same fields.
    assert.equal(JSON.parse(JSON.stringify(ew)).status, 'upcoming');
  });

  it('states in the sitrep, from state, the vital services, radiology and lab, the switchboard, ransom, data theft and the next meeting', async () => {
    const m = await sitrepAt(kit.app, { at: DEMO_BOARD_AT });
    const { state } = await snapshot(kit.app, DEMO_BOARD_AT);
    const summary = m.summary.join('\n');
    for (const kind of ['emergency', 'icu', 'operating-theatre', 'dialysis', 'cath-lab']) {
      assert.ok(m.board.vitalWorking.some((g) => g.kind === kind), `${kind} working`);
    }
    for (const kind of ['radiology', 'laboratory']) assert.ok(m.board.degraded.some((g) => g.kind === kind), `${kind} degraded`);
    const sb = state.coordination?.channels.get('switchboard');
    assert.ok(sb?.fallback);
    assert.ok(summary.includes(`Switchboard ${sb.status}; ${sb.fallback}`));
    assert.match(summary, /No ransom demand has been received/);
    assert.match(summary, /no indication that personal data has been stolen/);
    const sunday = state.coordination?.meetings.get(meetingId('M2'));
    assert.ok(sunday);
    assert.equal(m.nextMeeting?.at, formatLocal(sunday.at, 'Europe/Brussels'));
    assert.match(summary, /Pending decision: Postpone or cancel consultations/);
    assert.ok(m.communications.some((c) => c.audience === 'press' && c.status === 'published'));
  });

  it('renders Markdown and self-contained HTML with the same facts', async () => {
    const m = await sitrepAt(kit.app, { at: DEMO_BOARD_AT });
    const md = renderSitrepMarkdown(m);
    const html = renderSitrepHtml(m);
    for (const s of m.summary) assert.ok(md.includes(s), `markdown has: ${s}`);
    assert.match(html, /@page \{ size: A4/);
    assert.doesNotMatch(html, /<script|<link|<img|url\(|@import|https?:\/\//i, 'nothing fetched from outside');
  });

  it('makes a downtime pack per site with its services, procedures and direct numbers', async () => {
    const { state } = await snapshot(kit.app, DEMO_BOARD_AT);
    const site = [...state.sites.values()].find((s) => s.kind === 'hospital');
    assert.ok(site);
    const pack = await downtimePackAt(kit.app, site.id, { at: DEMO_BOARD_AT });
    const own = [...state.services.values()].filter((s) => s.site === site.id);
    assert.equal(pack.services.length, own.length);
    assert.ok(pack.services.some((s) => s.status === 'degraded' && s.procedures.length > 0));
    for (const s of own.filter((x) => x.phone)) assert.ok(pack.directory.some((d) => d.number === s.phone));
    const html = renderPackHtml(pack);
    assert.ok(html.includes(site.name.replace(/'/g, '&#39;')));
  });

  it('prints the sitrep to a PDF with the local Chromium', async (t) => {
    if (findChromium() === undefined) {
      // CI installs Debian's chromium (.ci/run): there a missing browser is a failure, not a skip.
      if (process.env.CI) assert.fail('Chromium is required under CI for the PDF sitrep');
      t.skip('no Chromium installed: PDF not checked');
      return;
    }
    const pdf = await htmlToPdf(renderSitrepHtml(await sitrepAt(kit.app, { at: DEMO_BOARD_AT })));
    assert.equal(pdf.subarray(0, 5).toString('latin1'), '%PDF-');
    assert.ok(pdf.length > 10_000);
  });

  it('refuses to make a PDF without Chromium and says what to do', async () => {
    await assert.rejects(htmlToPdf('<p>x</p>', { env: { CRISISCELL_CHROMIUM: '/nonexistent/chromium' } }), /apt-get install -y chromium.*--format html/s);
  });
});
