import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { foldJournal } from '../state.ts';
import type { AnyEntry } from '../journal.ts';
import type { EntryId } from '../ids.ts';
import { computeClocks } from './clocks.ts';
import type { ClockId } from './clocks.ts';
import { addMonths } from './time.ts';

let seq = 0;
function e(kind: string, payload: unknown, at: string): AnyEntry {
  seq++;
  return { seq, id: `e${seq}` as EntryId, at, actor: 'dpo', kind, payload, prev: '', hash: '' } as AnyEntry;
}
function stateWith(...entries: [string, unknown, string][]) {
  seq = 0;
  return foldJournal([e('crisis.initialised', { name: 'x', organisation: 'y' }, '2022-05-14T03:25:00+02:00'), ...entries.map(([k, p, at]) => e(k, p, at))]);
}
const AWARE = '2022-05-14T03:28:00+02:00';
const byId = (cs: ReturnType<typeof computeClocks>, id: ClockId) => {
  const c = cs.find((x) => x.id === id);
  assert.ok(c, id);
  return c;
};
const same = (a: string | undefined, b: string) => assert.equal(Date.parse(a ?? ''), Date.parse(b), `${a} is not ${b}`);

describe('calendar months for the final report', () => {
  it('adds a calendar month in Brussels, clamping at the end of a shorter month', () => {
    same(addMonths('2022-01-31T10:00:00+01:00', 1, 'Europe/Brussels'), '2022-02-28T10:00:00+01:00');
    same(addMonths('2024-01-31T10:00:00+01:00', 1, 'Europe/Brussels'), '2024-02-29T10:00:00+01:00');
    same(addMonths('2022-05-17T03:28:00+02:00', 1, 'Europe/Brussels'), '2022-06-17T03:28:00+02:00');
  });
  it('keeps the wall-clock time across a change of summer time', () => {
    // 10:00 in winter (+01:00) is 10:00 in summer (+02:00) a month later, not 11:00.
    same(addMonths('2022-03-10T10:00:00+01:00', 1, 'Europe/Brussels'), '2022-04-10T10:00:00+02:00');
    same(addMonths('2022-10-10T10:00:00+02:00', 1, 'Europe/Brussels'), '2022-11-10T10:00:00+01:00');
  });
});

describe('regulatory clocks', () => {
  it('does not start before the cell records when it became aware', () => {
    const cs = computeClocks(stateWith(), '2022-05-14T15:00:00+02:00');
    assert.equal(byId(cs, 'nis2-early-warning').status, 'not-started');
  });

  it('runs NIS2 24 h and 72 h from awareness, and the final report one month after the notification deadline', () => {
    const s = stateWith(['regulatory.awareness', { awareAt: AWARE, basis: 'ER alert, files encrypted' }, '2022-05-14T06:10:00+02:00']);
    const cs = computeClocks(s, '2022-05-14T15:00:00+02:00');
    const ew = byId(cs, 'nis2-early-warning');
    same(ew.due, '2022-05-15T03:28:00+02:00');
    assert.equal(ew.status, 'upcoming');
    assert.ok(Math.abs((ew.hoursLeft ?? 0) - 12.4667) < 0.01);
    same(byId(cs, 'nis2-notification').due, '2022-05-17T03:28:00+02:00');
    same(byId(cs, 'nis2-final').due, '2022-06-17T03:28:00+02:00');
  });

  it('says due-soon under 6 hours, overdue after, and filed (late or not) once a filing is recorded', () => {
    const aware: [string, unknown, string] = ['regulatory.awareness', { awareAt: AWARE, basis: 'x' }, '2022-05-14T06:10:00+02:00'];
    assert.equal(byId(computeClocks(stateWith(aware), '2022-05-14T22:00:00+02:00'), 'nis2-early-warning').status, 'due-soon');
    assert.equal(byId(computeClocks(stateWith(aware), '2022-05-15T04:00:00+02:00'), 'nis2-early-warning').status, 'overdue');
    const filed = stateWith(aware, ['regulatory.filed', { report: 'nis2-early-warning', filedAt: '2022-05-14T20:00:00+02:00', authority: 'CCB' }, '2022-05-14T20:05:00+02:00']);
    const c = byId(computeClocks(filed, '2022-05-16T10:00:00+02:00'), 'nis2-early-warning');
    assert.equal(c.status, 'filed');
    assert.equal(c.filedLate, false);
    const late = stateWith(aware, ['regulatory.filed', { report: 'nis2-early-warning', filedAt: '2022-05-15T09:00:00+02:00', authority: 'CCB' }, '2022-05-15T09:05:00+02:00']);
    assert.equal(byId(computeClocks(late, '2022-05-16T10:00:00+02:00'), 'nis2-early-warning').filedLate, true);
  });

  it('counts the final report from the notification actually filed', () => {
    const s = stateWith(
      ['regulatory.awareness', { awareAt: AWARE, basis: 'x' }, '2022-05-14T06:10:00+02:00'],
      ['regulatory.filed', { report: 'nis2-notification', filedAt: '2022-05-16T11:00:00+02:00', authority: 'CCB' }, '2022-05-16T11:00:00+02:00'],
    );
    same(byId(computeClocks(s, '2022-05-20T10:00:00+02:00'), 'nis2-final').due, '2022-06-16T11:00:00+02:00');
  });

  it('runs GDPR art. 33 provisionally until the breach finding, and stops it when there is no breach', () => {
    const aware: [string, unknown, string] = ['regulatory.awareness', { awareAt: AWARE, basis: 'x' }, '2022-05-14T06:10:00+02:00'];
    const open = byId(computeClocks(stateWith(aware), '2022-05-14T15:00:00+02:00'), 'gdpr-art33');
    assert.equal(open.provisional, true);
    same(open.due, '2022-05-17T03:28:00+02:00');
    const breach = byId(computeClocks(stateWith(aware, ['regulatory.breach-assessed', { personalDataBreach: true, reason: 'patient records unavailable', awareAt: '2022-05-14T11:00:00+02:00' }, '2022-05-14T11:00:00+02:00']), '2022-05-14T15:00:00+02:00'), 'gdpr-art33');
    assert.equal(breach.provisional, false);
    same(breach.due, '2022-05-17T11:00:00+02:00');
    assert.ok(breach.draft.missing.length > 0, 'the draft lists what is still missing');
    const none = byId(computeClocks(stateWith(aware, ['regulatory.breach-assessed', { personalDataBreach: false, reason: 'no personal data concerned' }, '2022-05-14T11:00:00+02:00']), '2022-05-14T15:00:00+02:00'), 'gdpr-art33');
    assert.equal(none.status, 'not-applicable');
  });
});
