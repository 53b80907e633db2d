import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from '../../../test/support/cli-io.ts';
import { parseChange } from './board.ts';

interface JsonBoard {
  at: string;
  services: { site: string; siteKind: string; service: string; status: string; capacity: number; procedures: string[]; causes: string[]; atRisk: boolean }[];
}

describe('the demo and the board commands', () => {
  let dir: string;
  let db: string;
  const cc = (...args: string[]) => runCli([...args, '--db', db], { cwd: dir });

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'cc-board-'));
    db = join(dir, 'demo.db');
    const r = await cc('demo');
    assert.equal(r.code, 0, r.stderr);
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('builds the group of the article: exactly 200 servers and 1,500 workstations, all Windows', async () => {
    const assets = JSON.parse((await cc('assets', '--json')).stdout) as { kind: string; os: string }[];
    const servers = assets.filter((a) => a.kind === 'server');
    const workstations = assets.filter((a) => a.kind === 'workstation');
    assert.equal(servers.length, 200);
    assert.equal(workstations.length, 1500);
    assert.ok([...servers, ...workstations].every((a) => a.os.startsWith('Windows')));
  });

  it('prints the 15:00 board as the article tells it, computed from the journal', async () => {
    const board = JSON.parse((await cc('status', '--at', '2022-05-14T15:00:00+02:00', '--json')).stdout) as JsonBoard;
    const hospitals = [...new Set(board.services.filter((s) => s.siteKind === 'hospital').map((s) => s.site))];
    assert.equal(hospitals.length, 5);
    for (const site of hospitals) {
      const at = (k: string) => board.services.find((s) => s.site === site && s.service === k);
      const vital = ['icu', 'dialysis', 'operating-theatre', 'emergency', 'cath-lab'].map(at).filter((c) => c !== undefined);
      for (const c of vital) {
        assert.notEqual(c.status, 'down', `${c.service}@${site}`);
        assert.ok(c.capacity >= 0.8, `${c.service}@${site} at ${c.capacity}`);
      }
      for (const k of ['radiology', 'laboratory']) {
        const c = at(k);
        assert.equal(c?.status, 'degraded', `${k}@${site}`);
        for (const v of vital) assert.ok((c?.capacity ?? 1) < v.capacity, `${k}@${site} below ${v.service}`);
      }
      assert.match(at('radiology')?.procedures.join(' ') ?? '', /x-ray/i);
      assert.match(at('laboratory')?.procedures.join(' ') ?? '', /manual/i);
      assert.equal(at('switchboard')?.status, 'down');
      assert.match(at('switchboard')?.procedures.join(' ') ?? '', /direct number/i);
      assert.equal(at('patient-record')?.status, 'down');
      assert.equal(at('e-prescription')?.status, 'down');
    }
  });

  it('draws the matrix with letters and a legend, and explains a cell', async () => {
    const text = (await cc('status', '--at', '2022-05-14T15:00:00+02:00')).stdout;
    assert.match(text, /Legend: O operational {2}D degraded/);
    assert.match(text, /General hospitals/);
    const site = /^(hsp-[a-z]+)/m.exec(text)?.[1] ?? '';
    const why = await cc('why', `laboratory@${site}`, '--at', '2022-05-14T15:00:00+02:00');
    assert.equal(why.code, 0, why.stderr);
    // Issue 11: causes grouped for people (one line per entry that set the state, with its hosts).
    assert.match(why.stdout, /^DEGRADED \[D\], capacity \d+ %$/m);
    assert.match(why.stdout, /isolated, compromised — .*Here through app lis\. Hosts: srv-lis-01\./);
    const unknown = await cc('why', `astrology@${site}`);
    assert.equal(unknown.code, 2);
    assert.match(unknown.stderr, /no service "astrology@/);
  });

  it('shows in a what-if that restoring the LIS host lifts the laboratory, without writing anything', async () => {
    const head = (await cc('verify', '--json')).stdout;
    const r = await cc('whatif', 'srv-lis-01:recovery=restored', '--json');
    assert.equal(r.code, 0, r.stderr);
    const diff = JSON.parse(r.stdout) as { changes: { serviceId: string; before: { capacity: number }; after: { capacity: number }; causesRemoved: { text: string }[] }[] };
    const labs = diff.changes.filter((c) => c.serviceId.startsWith('laboratory@'));
    assert.ok(labs.length >= 5);
    for (const c of labs) {
      assert.ok(c.after.capacity > c.before.capacity, c.serviceId);
      assert.ok(c.causesRemoved.some((x) => /srv-lis-01/.test(x.text)), c.serviceId);
    }
    const text = (await cc('whatif', 'srv-lis-01:recovery=restored')).stdout;
    assert.match(text, /laboratory@\S+ +D degraded 40 % -> D!? degraded \d+ %/);
    assert.equal((await cc('verify', '--json')).stdout, head, 'a what-if writes nothing');
  });

  it('shows that isolating a PACS server degrades an operational radiology, and why', async () => {
    const early = join(dir, 'early.db');
    assert.equal((await runCli(['demo', '--db', early, '--at', '2022-05-14T03:25:00+02:00'])).code, 0);
    const before = JSON.parse((await runCli(['status', '--json', '--db', early])).stdout) as JsonBoard;
    assert.ok(before.services.filter((s) => s.service === 'radiology').every((s) => s.status === 'operational'));
    const r = await runCli(['whatif', 'srv-pacs-01:recovery=isolated', '--db', early]);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /radiology@\S+ +O operational 100 % -> D degraded \d+ % +because .*host srv-pacs-01 <- isolated/);
  });

  it('refuses to overwrite a real crisis with the demo unless forced', async () => {
    const real = join(dir, 'real.db');
    assert.equal((await runCli(['init', '--name', 'Real one', '--db', real])).code, 0);
    const r = await runCli(['demo', '--db', real]);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /holds the crisis "Real one", not a demo; refusing/);
    assert.equal(JSON.parse((await runCli(['state', '--json', '--db', real])).stdout).crisis.name, 'Real one');
    assert.equal((await runCli(['demo', '--db', real, '--force'])).code, 0);
  });

  it('parses what-if changes and names a bad one', () => {
    assert.deepEqual(parseChange('srv-*:recovery=isolated,security=compromised'), { kind: 'asset.state', input: { pattern: 'srv-*', reason: 'what-if', recovery: 'isolated', security: 'compromised' } });
    assert.deepEqual(parseChange('apply:quarantine:clinical@hsp-a'), { kind: 'measure.applied', input: { type: 'quarantine', zone: 'clinical', site: 'hsp-a', reason: 'what-if' } });
    assert.deepEqual(parseChange('lift:internet-cut'), { kind: 'measure.lifted', input: { type: 'internet-cut', reason: 'what-if' } });
    assert.throws(() => parseChange('srv-1:colour=red'), /not key=value/);
    assert.throws(() => parseChange('apply:teleport'), /not a measure change/);
  });
});
