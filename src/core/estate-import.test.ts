import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { importEstate } from './estate-import.ts';
import type { EstateFile } from './estate-import.ts';
import { foldJournal, Projection } from './state.ts';
import { formatProblem } from './errors.ts';
import { parseCsv } from './csv.ts';
import { entryId } from './ids.ts';

const f = (file: string, text: string): EstateFile => ({ file, text, sha256: 'x' });
const SITES = f('sites.csv', 'id,name,kind\ndc,Datacenter,datacenter\nhsp-a,Hospital A,hospital\n');
const examples = fileURLToPath(new URL('../../examples/estate/', import.meta.url));

function problems(files: EstateFile[]): string[] {
  const r = importEstate(files, new Projection());
  assert.equal(r.ok, false);
  return r.ok ? [] : r.problems.map(formatProblem);
}

describe('CSV reading', () => {
  it('handles quotes, doubled quotes, CRLF, a BOM, blank and comment lines, and keeps line numbers', () => {
    const r = parseCsv('\ufeffa,b\r\n"x, y","say ""hi"""\r\n\r\n# comment\n"multi\nline",2\n3,4');
    assert.deepEqual(r.header, ['a', 'b']);
    assert.deepEqual(r.records.map((x) => [x.line, ...x.fields]), [[2, 'x, y', 'say "hi"'], [5, 'multi\nline', '2'], [7, '3', '4']]);
    assert.deepEqual(r.errors, []);
  });
  it('reports an unterminated quote with its line', () => {
    assert.deepEqual(parseCsv('a\n"open\n').errors, [{ line: 2, message: 'a quoted field is never closed' }]);
  });
});

describe('estate import', () => {
  it('imports the documented example estate', () => {
    const files = readdirSync(examples).map((n) => f(n, readFileSync(join(examples, n), 'utf8')));
    const r = importEstate(files, new Projection());
    assert.ok(r.ok, r.ok ? '' : r.problems.map(formatProblem).join('\n'));
    assert.equal(r.payload.sites.length, 3);
    assert.equal(r.payload.assets.length, 8);
    const dep = r.payload.needs.find((n) => n.from.id === 'laboratory@hsp-north');
    assert.deepEqual(dep?.effect, { kind: 'degraded', capacity: 0.4, procedure: 'paper requisitions, runners to the lab' });
  });

  it('lists every problem of every file as file:line: column: message', () => {
    const out = problems([
      SITES,
      f('assets.csv', 'hostname,kind,os,site,zone,roles,ip\nSRV1,server,Win,nowhere,s,,\nsrv1,toaster,Win,dc,s,,\n'),
      f('dependencies.csv', 'from,to,min,effect,capacity,procedure\nSRV1,ghost,1,down,,\nSRV1,internet,2,degraded,1.5,\n'),
    ]);
    assert.deepEqual(out, [
      'assets.csv:2: site: unknown site "nowhere"',
      'assets.csv:3: kind: unknown asset kind "toaster" (one of server, workstation, network, medical-device, application)',
      'assets.csv:3: hostname: duplicate hostname "srv1" (also assets.csv:2)',
      'dependencies.csv:2: to: dependency to nothing: "ghost" is no known asset or service (services are written kind@site; or "internet")',
      'dependencies.csv:3: min: needs 2 of only 1 target(s)',
      'dependencies.csv:3: capacity: "1.5" is not a number between 0 and 1',
      'dependencies.csv:3: capacity: a degraded effect needs a capacity between 0 and 1',
      'dependencies.csv:3: procedure: a degraded effect needs the name of its downtime procedure',
    ]);
  });

  it('refuses a dependency cycle and shows it', () => {
    const out = problems([
      SITES,
      f('assets.csv', 'hostname,kind,os,site,zone,roles,ip\na,server,W,dc,s,,\nb,server,W,dc,s,,\nc,server,W,dc,s,,\n'),
      f('dependencies.csv', 'from,to\na,b\nb,c\nc,a\n'),
    ]);
    assert.equal(out.length, 1);
    assert.match(out[0] ?? '', /^dependencies\.csv:\d: to: dependency cycle: (a -> b -> c -> a|b -> c -> a -> b|c -> a -> b -> c)$/);
  });

  it('names missing and unknown columns, and files it cannot place', () => {
    assert.deepEqual(problems([f('assets.csv', 'hostname,kind,os\nx,server,W\n')]), ['assets.csv:1: missing column(s) site, zone, roles, ip for a assets file']);
    assert.deepEqual(problems([f('x.csv', 'foo,bar\n1,2\n')]).length, 1);
    assert.deepEqual(problems([f('sites.csv', 'id,name,kind,colour\nx,X,hospital,red\n')]), ['sites.csv:1: colour: unknown column for a sites file (known: id, name, kind, location)']);
  });

  it('reads JSON with the same rules and names the line and path of a problem', () => {
    const json = '{\n  "sites": [\n    {"id": "dc", "name": "DC", "kind": "datacenter"},\n    {"id": "x", "name": "X", "kind": "castle"}\n  ]\n}\n';
    assert.deepEqual(problems([f('estate.json', json)]), ['estate.json:4: sites[1].kind: unknown site kind "castle" (one of hospital, psychiatric-hospital, polyclinic, nursing-home, psychiatric-care-home, creche, datacenter)']);
    assert.deepEqual(problems([f('estate.json', '{"sites": [}')]).length, 1);
  });

  it('returns only what changed, so a re-import writes nothing', () => {
    const files = [SITES, f('assets.csv', 'hostname,kind,os,site,zone,roles,ip\na,server,W,dc,s,ad;dns,10.0.0.1\n')];
    const first = importEstate(files, new Projection());
    assert.ok(first.ok);
    const state = foldJournal([{ seq: 1, id: entryId('x'), at: '2022-05-14T03:00:00Z', actor: 't', kind: 'estate.upserted', payload: first.payload, prev: '', hash: '' }]);
    const again = importEstate(files, state);
    assert.ok(again.ok);
    assert.equal(again.changed, 0);
    assert.equal(again.unchanged, 3);
    const changedOs = importEstate([f('assets.csv', 'hostname,kind,os,site,zone,roles,ip\na,server,W2022,dc,s,ad;dns,10.0.0.1\n')], state);
    assert.ok(changedOs.ok);
    assert.equal(changedOs.changed, 1);
    assert.equal(changedOs.payload.assets[0]?.os, 'W2022');
  });
});
