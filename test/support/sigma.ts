/** Helpers for the hunt tests: hand-made records and one-rule rule sets from YAML text. */
import type { EventRecord, EventValue } from '../../src/hunt/record.ts';
import { parseRuleText, RuleSet, type BuildOptions } from '../../src/hunt/sigma/ruleset.ts';

/** A Sysmon-like record unless told otherwise. */
export function makeRecord(data: Record<string, EventValue>, over: Partial<EventRecord> = {}): EventRecord {
  return {
    file: 'test.json',
    recordId: 1,
    eventRecordId: 1,
    timestamp: '2026-08-20T10:00:00.000000Z',
    channel: 'Microsoft-Windows-Sysmon/Operational',
    provider: 'Microsoft-Windows-Sysmon',
    eventId: 1,
    level: 4,
    computer: 'ws01.hospital.local',
    data,
    system: {},
    ...over,
  };
}

/** Builds a rule set from YAML text (one or more documents). */
export function ruleSetFrom(yamlText: string, opts: BuildOptions = {}): RuleSet {
  const { docs, problems } = parseRuleText(yamlText, 'test.yml');
  if (problems.length > 0) throw new Error(problems.map((p) => p.reason).join('; '));
  return RuleSet.build(docs, opts);
}

/** A rule with the given detection body (indented YAML under `detection:`), any Windows channel. */
export function detectionRule(detection: string, logsource = 'product: windows'): string {
  const ind = detection
    .trim()
    .split('\n')
    .map((l) => '    ' + l)
    .join('\n');
  return `title: t\nid: 00000000-0000-4000-8000-000000000001\nlogsource:\n    ${logsource.split('\n').join('\n    ')}\ndetection:\n${ind}\nlevel: high\n`;
}

/** True when the one-rule set built from `detection` matches `data`. */
export function matches(detection: string, data: Record<string, EventValue>, over: Partial<EventRecord> = {}, opts: BuildOptions = {}): boolean {
  const rs = ruleSetFrom(detectionRule(detection), opts);
  if (rs.problems.length > 0) throw new Error(rs.problems.map((p) => p.reason).join('; '));
  let hit = false;
  rs.match(makeRecord(data, over), () => {
    hit = true;
  });
  // Every engine test also checks that the prefilter never changes the answer.
  if (opts.prefilter === undefined) {
    let plain = false;
    ruleSetFrom(detectionRule(detection), { ...opts, prefilter: false }).match(makeRecord(data, over), () => {
      plain = true;
    });
    if (plain !== hit) throw new Error(`prefilter changed the result (${plain} without, ${hit} with) for:\n${detection}`);
  }
  return hit;
}

/** The reason the rule cannot be used (or undefined when it loads). */
export function problemOf(detection: string, opts: BuildOptions = {}): string | undefined {
  const rs = ruleSetFrom(detectionRule(detection), opts);
  return rs.problems[0]?.reason;
}
