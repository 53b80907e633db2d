import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { request } from 'node:http';
import type { TestServer , Client} from '../../test/support/server.ts';
import { loggedIn, startTestServer } from '../../test/support/server.ts';

type Json = Record<string, unknown>;
const err = (r: { json: unknown }): Json => ((r.json as Json).error ?? {}) as Json;

describe('the API in the client\'s language, with the crisis\'s zone (issue 11)', () => {
  let t: TestServer;
  let it_: Client;
  let medical: Client;
  let observer: Client;

  before(async () => {
    t = await startTestServer();
    it_ = await loggedIn(t.port, 'it');
    medical = await loggedIn(t.port, 'medical');
    observer = await loggedIn(t.port, 'observer');
    const r = await it_.post('/api/assets/state', { pattern: 'srv-lis-01', security: 'compromised', recovery: 'isolated', reason: 'LIS encrypted' });
    assert.equal(r.status, 201, r.text);
  });
  after(async () => t.close());

  it('describes every logbook entry in the language asked by ?lang or Accept-Language', async () => {
    const fr = await it_.get('/api/log?lang=fr');
    const entries = (fr.json as { entries: { kind: string; description: string }[] }).entries;
    assert.ok(entries.length > 3);
    assert.ok(entries.every((e) => typeof e.description === 'string' && e.description.length > 5));
    assert.match(entries.find((e) => e.kind === 'asset.state')?.description ?? '', /srv-lis-01 : sécurité : compromis, rétablissement : isolé — LIS encrypted/);
    const nl = await it_.get('/api/log', { 'accept-language': 'nl-BE,nl;q=0.9,en;q=0.5' });
    assert.match((nl.json as { entries: { kind: string; description: string }[] }).entries.find((e) => e.kind === 'asset.state')?.description ?? '', /beveiliging: gecompromitteerd/);
  });

  it('says errors in the client\'s language and keeps every detail with its field', async () => {
    const r = await it_.post('/api/assets/state', { pattern: 'srv-*', reason: 'x' }, { 'accept-language': 'fr' });
    assert.equal(r.status, 400);
    const e = err(r);
    assert.equal(e.code, 'invalid-input');
    const details = e.details as { path: string; message: string }[];
    assert.ok(details.some((d) => d.path === 'reason' && /donnez une raison d’au moins 3 caractères/.test(d.message)), JSON.stringify(details));
    assert.ok(details.some((d) => d.path === 'security' && /dites ce qui change/.test(d.message)));
    assert.match(String(e.message), /reason : donnez une raison/);
    const nl = await observer.post('/api/notes?lang=nl', { type: 'fact', text: 'observer tries' });
    assert.equal(nl.status, 403);
    assert.match(String(err(nl).message), /observer \(rol observer\) mag dit niet: in het logboek schrijven/);
    const en = await observer.post('/api/notes', { type: 'fact', text: 'observer tries' });
    assert.match(String(err(en).message), /observer \(role observer\) may not write in the logbook/);
  });

  it('gives the crisis\'s time zone to the web: session, crisis summary, clock', async () => {
    assert.equal(((await it_.get('/api/session?lang=nl')).json as Json).timeZone, 'Europe/Brussels');
    assert.equal(((await it_.get('/api/session?lang=nl')).json as Json).lang, 'nl');
    assert.equal(((await it_.get('/api/crisis')).json as Json).timeZone, 'Europe/Brussels');
    assert.equal(((await it_.get('/api/clock')).json as Json).timeZone, 'Europe/Brussels');
  });

  it('lets the medical lead preview a what-if without the right to apply it, and shows the risk and the restore gate as the CLI does', async () => {
    const change = { kind: 'asset.state', input: { pattern: 'srv-lis-01', recovery: 'restored', reason: 'what if' } };
    const r = await medical.post('/api/what-if', change);
    assert.equal(r.status, 200, r.text);
    const report = (r.json as { report: { lines: { serviceId: string; before: { mark: string }; after: { mark: string } }[]; warnings: { gate: string; text: string }[]; text: string } }).report;
    const lab = report.lines.find((l) => l.serviceId === 'laboratory@hsp-north');
    assert.equal(lab?.before.mark, 'D');
    assert.equal(lab?.after.mark, 'O!', 'operational again, but relying on the compromised LIS');
    assert.equal(report.warnings[0]?.gate, 'restore-before-clean');
    assert.match(report.warnings[0]?.text ?? '', /srv-lis-01/);
    assert.equal((await medical.post('/api/assets/state', change.input)).status, 403, 'previewing is not applying');
    assert.equal((await observer.post('/api/what-if', change)).status, 403);
    const fr = await medical.post('/api/what-if?lang=fr', change);
    assert.match((fr.json as { report: { text: string } }).report.text, /Verrou de restauration/);
  });

  it('explains a cell for people in the client\'s language: procedures, grouped causes with hosts, glossary', async () => {
    const r = await observer.get('/api/board/cells/laboratory@hsp-north?lang=fr');
    assert.equal(r.status, 200, r.text);
    const x = (r.json as { explanation: { procedures: string[]; causes: { line: string; servicesHit: number; hosts?: { shown: string[]; query: string } }[]; glossary: string[] } }).explanation;
    assert.deepEqual(x.procedures, ['paper requisitions, runners to the lab']);
    assert.equal(x.causes.length, 1);
    assert.match(x.causes[0]?.line ?? '', /^isolé, compromis — LIS encrypted \(depuis le .* \+0[12]:00\)\. Touche 2 services du tableau\. Ici par appli lis\. Équipements : srv-lis-01\./);
    assert.equal(x.causes[0]?.hosts?.query, 'site=dc&kind=server&security=compromised&recovery=isolated');
    assert.ok(x.glossary.some((g) => g.startsWith('! à risque')));
    const listed = await observer.get(`/api/assets?${x.causes[0]?.hosts?.query}`);
    assert.deepEqual((listed.json as { items: { id: string }[] }).items.map((a) => a.id), ['srv-lis-01'], 'the filter finds the hosts');
  });

  it('streams live entries described in the language of the stream', async () => {
    const got = new Promise<string>((resolve, reject) => {
      const req = request({ host: '127.0.0.1', port: t.port, path: '/api/events?lang=nl', headers: { cookie: it_.cookie } }, (res) => {
        let buf = '';
        res.on('data', (c: Buffer) => {
          buf += c.toString('utf8');
          const m = /event: entry\ndata: (.*)\n/.exec(buf);
          if (m) {
            resolve(m[1] ?? '');
            req.destroy();
          }
        });
      });
      req.on('error', (e) => (String(e).includes('socket hang up') ? undefined : reject(e)));
      req.end();
    });
    await new Promise((r) => setTimeout(r, 100));
    assert.equal((await it_.post('/api/notes', { type: 'fact', text: 'Labo belt terug' })).status, 201);
    const entry = JSON.parse(await got) as { description: string };
    assert.equal(entry.description, '[feit] Labo belt terug');
  });
});
