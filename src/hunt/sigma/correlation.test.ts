import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { CorrelationEngine, parseCorrelation, parseTimespan, type CorrelationHit, type CorrelationInput, type CorrelationRule } from './correlation.ts';
import { ruleSetFrom } from '../../../test/support/sigma.ts';

const T0 = Date.parse('2026-08-20T10:00:00Z');

function corr(c: Record<string, unknown>): CorrelationRule {
  return parseCorrelation({ title: 'c', id: 'c1', level: 'high', correlation: c }, 'c.yml');
}

function input(rule: string, sec: number, fields: Record<string, string> = {}): CorrelationInput {
  const ts = new Date(T0 + sec * 1000).toISOString();
  return { ruleId: rule, timeMs: T0 + sec * 1000, fields, ref: { file: 'f', eventRecordId: sec, timestamp: ts, computer: 'h', eventId: 1 } };
}

function run(rule: CorrelationRule, inputs: CorrelationInput[]): CorrelationHit[] {
  const hits: CorrelationHit[] = [];
  const e = new CorrelationEngine([rule], (h) => hits.push(h));
  for (const i of inputs) e.push(i);
  e.finish();
  return hits;
}

describe('sigma correlations', () => {
  test('timespans parse s, m, h, d and reject the rest', () => {
    assert.equal(parseTimespan('30s'), 30000);
    assert.equal(parseTimespan('5m'), 300000);
    assert.equal(parseTimespan('2h'), 7200000);
    assert.equal(parseTimespan('1d'), 86400000);
    assert.throws(() => parseTimespan('5 minutes'), /bad timespan/);
  });

  test('event_count fires when the count within the timespan reaches the threshold, per group', () => {
    const r = corr({ type: 'event_count', rules: ['logon'], 'group-by': ['IpAddress'], timespan: '1m', condition: { gte: 3 } });
    const hits = run(r, [
      input('logon', 0, { IpAddress: 'a' }),
      input('logon', 10, { IpAddress: 'b' }),
      input('logon', 20, { IpAddress: 'a' }),
      input('logon', 30, { IpAddress: 'b' }),
      input('logon', 40, { IpAddress: 'a' }),
    ]);
    assert.equal(hits.length, 1);
    assert.deepEqual(hits[0]?.group, { IpAddress: 'a' });
    assert.equal(hits[0]?.count, 3);
  });

  test('event_count ignores events that fell out of the sliding window', () => {
    const r = corr({ type: 'event_count', rules: ['logon'], 'group-by': ['IpAddress'], timespan: '1m', condition: { gte: 3 } });
    const spread = [0, 50, 100, 150].map((s) => input('logon', s, { IpAddress: 'a' }));
    assert.equal(run(r, spread).length, 0);
    const tight = [0, 50, 100, 105].map((s) => input('logon', s, { IpAddress: 'a' }));
    assert.equal(run(r, tight).length, 1);
  });

  test('event_count with an upper bound is judged when the window closes', () => {
    const r = corr({ type: 'event_count', rules: ['x'], 'group-by': ['H'], timespan: '1m', condition: { lt: 2 } });
    const hits = run(r, [input('x', 0, { H: 'quiet' }), input('x', 0, { H: 'busy' }), input('x', 5, { H: 'busy' })]);
    assert.deepEqual(hits.map((h) => h.group.H), ['quiet']);
  });

  test('value_count counts distinct values of the field', () => {
    const r = corr({ type: 'value_count', rules: ['fail'], 'group-by': ['IpAddress'], timespan: '5m', condition: { field: 'TargetUserName', gte: 3 } });
    const same = [0, 1, 2, 3].map((s) => input('fail', s, { IpAddress: 'a', TargetUserName: 'bob' }));
    assert.equal(run(r, same).length, 0);
    const spray = ['bob', 'alice', 'bob', 'eve'].map((u, i) => input('fail', i, { IpAddress: 'a', TargetUserName: u }));
    const hits = run(r, spray);
    assert.equal(hits.length, 1);
    assert.equal(hits[0]?.count, 3);
  });

  test('temporal needs every referenced rule within the timespan, in any order', () => {
    const r = corr({ type: 'temporal', rules: ['a', 'b', 'c'], 'group-by': ['Computer'], timespan: '10m' });
    assert.equal(run(r, [input('c', 0, { Computer: 'x' }), input('a', 60, { Computer: 'x' }), input('b', 120, { Computer: 'x' })]).length, 1);
    assert.equal(run(r, [input('c', 0, { Computer: 'x' }), input('a', 60, { Computer: 'y' }), input('b', 120, { Computer: 'x' })]).length, 0);
    assert.equal(run(r, [input('c', 0, { Computer: 'x' }), input('a', 60, { Computer: 'x' }), input('b', 900, { Computer: 'x' })]).length, 0);
  });

  test('temporal_ordered needs the referenced rules in order within the timespan', () => {
    const r = corr({ type: 'temporal_ordered', rules: ['recon', 'dump', 'exfil'], 'group-by': ['Computer'], timespan: '1h' });
    const g = { Computer: 'x' };
    assert.equal(run(r, [input('recon', 0, g), input('dump', 10, g), input('exfil', 20, g)]).length, 1);
    assert.equal(run(r, [input('dump', 0, g), input('recon', 10, g), input('exfil', 20, g)]).length, 0);
    assert.equal(run(r, [input('recon', 0, g), input('dump', 10, g), input('exfil', 4000, g)]).length, 0);
    assert.equal(run(r, [input('recon', 0, g), input('recon', 3500, g), input('dump', 3600, g), input('exfil', 3700, g)]).length, 1);
  });

  test('aliases map group-by names to different fields per rule', () => {
    const r = parseCorrelation(
      {
        title: 'c',
        correlation: {
          type: 'temporal',
          rules: ['a', 'b'],
          'group-by': ['ip'],
          timespan: '1m',
          aliases: { ip: { a: 'SourceIp', b: 'DestinationIp' } },
        },
      },
      'c.yml',
    );
    const hits: CorrelationHit[] = [];
    const e = new CorrelationEngine([r], (h) => hits.push(h));
    e.push({ ...input('a', 0, { SourceIp: '1.2.3.4' }), ruleName: 'a', ruleId: 'id-a' });
    e.push({ ...input('b', 5, { DestinationIp: '1.2.3.4' }), ruleName: 'b', ruleId: 'id-b' });
    e.finish();
    assert.equal(hits.length, 1);
    assert.deepEqual(hits[0]?.group, { ip: '1.2.3.4' });
  });

  test('memory stays bounded: groups older than the timespan are evicted', () => {
    const r = corr({ type: 'event_count', rules: ['x'], 'group-by': ['K'], timespan: '10s', condition: { gte: 1000 } });
    const e = new CorrelationEngine([r], () => undefined);
    for (let i = 0; i < 50000; i++) e.push(input('x', i, { K: `k${i}` }));
    assert.ok(e.liveGroups() < 5000, `live groups ${e.liveGroups()}`);
  });

  test('malformed correlations are reported by the rule set with the reason', () => {
    const rs = ruleSetFrom('title: c\ncorrelation:\n    type: event_count\n    rules: [missing_rule]\n    group-by: [x]\n    timespan: 5m\n    condition:\n        gte: 3\n');
    assert.match(rs.problems[0]?.reason ?? '', /referenced rule\(s\) not loaded: missing_rule/);
    const bad = ruleSetFrom('title: c\ncorrelation:\n    type: event_sum\n    rules: [a]\n    timespan: 5m\n');
    assert.match(bad.problems[0]?.reason ?? '', /unknown correlation type/);
  });
});
