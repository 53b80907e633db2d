import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { sealEntries, GENESIS_HASH } from '../core/journal.ts';
import type { AnyEntry } from '../core/journal.ts';
import { stateAt } from '../core/state.ts';
import { assetId, entryId } from '../core/ids.ts';
import type { ServiceId } from '../core/ids.ts';
import { ImpactEngine, whatIf } from '../core/impact/index.ts';
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

  it('prints why a cell is what it is: status, procedures, cause chains, risk', () => {
    const { engine } = demo();
    const cell = engine.cell('radiology@hsp-aubrelune' as ServiceId)!;
    const text = renderWhy(cell);
    assert.ok(text.startsWith('radiology@hsp-aubrelune: Radiology, Aubrelune'));
    assert.ok(text.includes(`Status: ${cell.status.toUpperCase()}`));
    for (const p of cell.procedures) assert.ok(text.includes(`  - ${p}`));
    for (const c of cell.causes) assert.ok(text.includes(`  - ${c.text}`));
    assert.ok(cell.causes.length > 0);
  });

  it('prints a what-if diff, one line per changed cell with before -> after and why', () => {
    const { state } = demo();
    const diff = whatIf(state, [{ id: entryId('w'), at: DEMO_BOARD_AT, actor: 't', kind: 'asset.state', payload: { assets: [assetId('srv-lis-01')], recovery: 'restored', reason: 'what if' } }]);
    const text = renderDiff(diff);
    const significant = diff.changes.filter((c) => c.significant);
    assert.ok(significant.length > 0);
    for (const c of significant) {
      const line = text.split('\n').find((l) => l.trimStart().startsWith(`${c.serviceId} `))!;
      assert.ok(line, `a line for ${c.serviceId}`);
      assert.ok(line.includes(`${LETTER[c.before.status]}`) && line.includes(' -> '));
      assert.match(line, /(because|no longer) /);
    }
    assert.match(text, /laboratory@hsp-aubrelune .* -> .* no longer app lis <- host srv-lis-01 <- isolated/);
    assert.equal(renderDiff({ changes: [], unknownAssets: [], unknownMeasures: [] }), 'No service would change status or capacity.\n');
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
