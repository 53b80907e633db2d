import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { sealEntries, GENESIS_HASH } from '../core/journal.ts';
import type { AnyEntry } from '../core/journal.ts';
import { stateAt } from '../core/state.ts';
import { assetId, entryId } from '../core/ids.ts';
import type { ServiceId } from '../core/ids.ts';
import { explainCell, ImpactEngine, whatIf, whatIfReport } from '../core/impact/index.ts';
import type { Board } from '../core/impact/index.ts';
import { DEMO_BOARD_AT, buildDemoJournal } from '../scenarios/index.ts';
import { SERVICE_CODES, boardToJson, renderBoard, renderDiff, renderWhy } from './board-text.ts';

const LETTER = { operational: 'O', degraded: 'D', down: 'X', unknown: '?' } as const;

function demo(): { engine: ImpactEngine; board: Board; state: ReturnType<typeof stateAt> } {
  const state = stateAt(sealEntries(buildDemoJournal(), 0, GENESIS_HASH, () => '') as AnyEntry[], DEMO_BOARD_AT);
  const engine = new ImpactEngine(state);
  return { engine, board: engine.board(), state };
}

describe('board text', () => {
  it('draws a site x service matrix whose letters are the computed statuses, readable without colour', () => {
    const { board } = demo();
    const text = renderBoard(board, { color: false, at: DEMO_BOARD_AT });
    assert.ok(!text.includes('\x1b['), 'no escape codes without colour');
    const lines = text.split('\n');
    const header = lines.find((l) => l.trimStart().startsWith('ER '))!;
    for (const cell of board.cells) {
      const row = lines.find((l) => l.startsWith(`${cell.site} `))!;
      assert.ok(row, `a row for ${cell.site}`);
      const col = header.indexOf(SERVICE_CODES[cell.service]!.padEnd(3));
      assert.equal(row[col], LETTER[cell.status], `${cell.serviceId}`);
      assert.equal(row[col + 1] ?? ' ', cell.atRisk ? '!' : ' ', `${cell.serviceId} risk marker`);
    }
    assert.match(text, /Legend: O operational {2}D degraded.*X down {2}\? unknown {2}! at risk/);
    assert.match(text, /^General hospitals$/m);
    assert.match(text, /^Creches$/m);
  });

  it('colours cells when asked, keeping the letters', () => {
    const { board } = demo();
    const text = renderBoard(board, { color: true });
    assert.match(text, /\x1b\[31;1mX\x1b\[0m/);
    assert.match(text, /\x1b\[33mD\x1b\[0m/);
  });

  it('shortens site names to fit a narrow terminal', () => {
    const { board } = demo();
    const text = renderBoard(board, { color: false, width: 86 });
    const rows = text.split('\n').filter((l) => /^(hsp|nh|cr|psy|pol|dc|mspc)/.test(l));
    assert.ok(rows.length > 10);
    assert.ok(rows.every((r) => r.length <= 86), 'rows fit');
    assert.ok(rows.some((r) => r.includes('~')), 'long names shortened');
  });

  // Issue 11: the explanation groups causes (one line per journal entry or measure, never the same
  // cause seven times as raw chains) and lists the hosts, so this replaces the chain-per-line test.
  it('prints why a cell is what it is: status, procedures first, each distinct cause once with its hosts, the risks, the symbols', () => {
    const { engine } = demo();
    const cell = engine.cell('emergency@hsp-aubrelune' as ServiceId)!;
    const x = explainCell(engine, cell);
    const text = renderWhy(x, cell);
    assert.ok(text.startsWith('emergency@hsp-aubrelune: Emergency department, Aubrelune'));
    assert.ok(text.includes(`${cell.status.toUpperCase()} [D]`));
    assert.ok(text.indexOf('Procedures in force') < text.indexOf('Causes'), 'procedures first');
    for (const p of cell.procedures) assert.ok(text.includes(`  - ${p}`));
    for (const c of x.causes) assert.equal(text.split(c.text).length - 1, 1, `"${c.text}" said once`);
    assert.equal(new Set(x.causes.map((c) => c.key)).size, x.causes.length);
    assert.match(text, /Hits \d+ services on the board/);
    assert.match(text, /AT RISK \[!\]/);
    assert.match(text, /At risk because it still relies on:\n  - suspected — one domain for all sites/);
    assert.match(text, /Symbols: O operational/);
  });

  it('lists every host of a cause, or the first ones and "and N more" with the command that lists them all', () => {
    const { engine, state } = demo();
    const cell = engine.cell('laboratory@hsp-aubrelune' as ServiceId)!;
    const x = explainCell(engine, cell, { hostsShown: 3 });
    const ws = x.causes.find((c) => c.via.some((v) => v.startsWith('workstations (8 of 14 unavailable, 7 needed)')) && c.root.kind === 'asset-state' && c.root.security === 'suspected');
    assert.ok(ws?.hosts, 'the suspected workstations are one cause');
    // Every isolated workstation the lab needs is counted, not two samples of them.
    const need = [...state.needs.values()].find((n) => n.from.id === 'laboratory@hsp-aubrelune' && n.targets.length === 14)!;
    const lost = need.targets.filter((t) => t.type === 'asset' && state.assetStatus.get(t.id)?.security === 'suspected' && state.assetStatus.get(t.id)?.recovery === 'isolated');
    assert.equal(ws.hosts.total, lost.length);
    assert.equal(ws.hosts.shown.length, 3);
    assert.equal(ws.hosts.more, lost.length - 3);
    assert.deepEqual(ws.hosts.filter, { site: 'hsp-aubrelune', kind: 'workstation', security: 'suspected', recovery: 'isolated' });
    assert.ok(ws.hosts.filterMatches >= ws.hosts.total);
    assert.equal(ws.hosts.query, 'site=hsp-aubrelune&kind=workstation&security=suspected&recovery=isolated');
    const text = renderWhy(x, cell);
    assert.match(text, new RegExp(`and ${lost.length - 3} more\\.\\n      All ${ws.hosts.filterMatches}: crisiscell assets --site hsp-aubrelune --kind workstation --security suspected --recovery isolated`));
  });

  it('prints a what-if diff, one line per changed cell with before -> after and why, from the report the API returns', () => {
    const { state } = demo();
    const drafts = [{ id: entryId('w'), at: DEMO_BOARD_AT, actor: 't', kind: 'asset.state' as const, payload: { assets: [assetId('srv-lis-01')], recovery: 'restored' as const, reason: 'what if' } }];
    const diff = whatIf(state, drafts);
    const text = renderDiff(whatIfReport(diff, state, drafts));
    const significant = diff.changes.filter((c) => c.significant);
    assert.ok(significant.length > 0);
    for (const c of significant) {
      const line = text.split('\n').find((l) => l.trimStart().startsWith(`${c.serviceId} `))!;
      assert.ok(line, `a line for ${c.serviceId}`);
      assert.ok(line.includes(`${LETTER[c.before.status]}`) && line.includes(' -> '));
      assert.match(line, /(because|no longer|relies) /);
    }
    assert.match(text, /laboratory@hsp-aubrelune .* -> .* no longer app lis <- host srv-lis-01 <- isolated/);
    assert.match(text, /^! Restore gate: 1 asset would return to service while compromised: srv-lis-01\./, 'restoring a compromised server is flagged first');
    assert.equal(renderDiff(whatIfReport({ changes: [], unknownAssets: [], unknownMeasures: [] }, state, [])), 'No service would change status or capacity.\n');
  });

  it('writes the --json shape: at, and per service site, siteKind, service, status, capacity, procedures, causes, atRisk', () => {
    const { board } = demo();
    const json = boardToJson(board, DEMO_BOARD_AT);
    assert.equal(json.at, DEMO_BOARD_AT);
    assert.equal(json.services.length, board.cells.length);
    for (const [i, s] of json.services.entries()) {
      for (const k of ['site', 'siteKind', 'service', 'status', 'capacity', 'procedures', 'causes', 'atRisk']) assert.ok(k in s, k);
      assert.ok(s.causes.every((c) => typeof c === 'string'));
      assert.equal(s.status, board.cells[i]!.status);
    }
    assert.doesNotThrow(() => JSON.parse(JSON.stringify(json)));
  });
});
