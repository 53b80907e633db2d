// SigmaHQ regression data: for every regression/**/info.yml, the named rule must match the events
// beside it exactly match_count times (>= 1 when no count is given), on the JSON and on the .evtx.
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';
import { readRuleDocs, RuleSet } from './ruleset.ts';
import { readEvidenceFile } from '../sources/index.ts';
import { tableFromThorConfig, WINDOWS_LOGSOURCES } from './logsource.ts';

const CORPUS = fileURLToPath(new URL('../../../../shared/corpus/sigma/', import.meta.url));
const skip = existsSync(CORPUS) ? false : 'corpus ../shared/corpus absent';

/**
 * Cases whose info.yml count disagrees with the events themselves: every listed event satisfies
 * the rule as written (checked by hand), so any engine counts more. Asserted at the real count.
 */
const KNOWN_COUNT_MISMATCH: Record<string, number> = {
  '0b9ad457-2554-44c1-82c2-d56a99c42377': 3, // Anydesk artefact: user.conf.new x2 + user.conf~RF*.TMP
  '8fbf3271-1ef6-4e94-8210-03c2317947f6': 3, // procdump.exe, procdump64.exe, procdump64a.exe dropped
  '45e112d0-7759-4c2a-aa36-9f8fb79d3393': 3, // three ZoneMap\Domains values set to zone 2
};

interface Case {
  dir: string;
  ruleId: string;
  want: number | null;
}

function cases(): Case[] {
  const out: Case[] = [];
  const walk = (p: string): void => {
    for (const n of readdirSync(p).sort()) {
      const f = join(p, n);
      if (statSync(f).isDirectory()) walk(f);
      else if (n === 'info.yml') {
        const y = parse(readFileSync(f, 'utf8')) as { rule_metadata?: { id: string }[]; regression_tests_info?: { type: string; match_count?: number }[] };
        const t = y.regression_tests_info?.[0];
        const id = y.rule_metadata?.[0]?.id;
        if (!t || !id || t.type !== 'evtx') continue; // the Cisco case has no evtx test
        out.push({ dir: p, ruleId: id, want: t.match_count ?? null });
      }
    }
  };
  walk(join(CORPUS, 'regression'));
  return out;
}

describe('SigmaHQ regression data', { skip }, () => {
  // Rules are loaded once for the whole file (about 3,000 files).
  let rules: RuleSet | undefined;
  const ruleSet = (): RuleSet => {
    rules ??= RuleSet.build(readRuleDocs([join(CORPUS, 'rules'), join(CORPUS, 'rules-emerging-threats'), join(CORPUS, 'rules-threat-hunting')]).docs);
    return rules;
  };

  for (const ext of ['.json', '.evtx']) {
    test(`every regression case matches its rule the expected number of times (${ext})`, () => {
      const rs = ruleSet();
      const all = cases();
      assert.ok(all.length >= 100, `found ${all.length} cases`);
      const failures: string[] = [];
      for (const c of all) {
        const f = readdirSync(c.dir).find((n) => n.endsWith(ext));
        if (!f) {
          failures.push(`${c.dir}: no ${ext} file`);
          continue;
        }
        let n = 0;
        const errors: string[] = [];
        readEvidenceFile(join(c.dir, f), (r) => rs.match(r, (rule) => void (rule.meta.id === c.ruleId && n++)), (e) => errors.push(e.message));
        const want = KNOWN_COUNT_MISMATCH[c.ruleId] ?? c.want;
        const ok = want === null ? n >= 1 : n === want;
        if (!ok) failures.push(`${c.dir.slice(CORPUS.length)}: rule ${c.ruleId} matched ${n}, want ${want ?? '>= 1'}${errors.length ? ` (${errors[0]})` : ''}`);
      }
      assert.deepEqual(failures, [], `${failures.length}/${all.length} regression cases fail`);
    });
  }

  test('every SigmaHQ Windows rule loads except the known unmappable logsources and placeholders', () => {
    const rs = ruleSet();
    const reasons = rs.problems.map((p) => p.reason);
    for (const r of reasons) assert.match(r, /no Windows log mapping for category '(file_access|file_rename)'|placeholder %known_cdcs%/);
    assert.ok(rs.rules.length > 2800, `loaded ${rs.rules.length}`);
  });
});

describe('logsource mapping', { skip }, () => {
  test('our runtime table agrees with thor-logsources.yml for every Windows category and service', () => {
    const thor = tableFromThorConfig(readFileSync(join(CORPUS, 'thor-logsources.yml'), 'utf8'));
    assert.ok(Object.keys(thor.categories).length > 30);
    for (const [cat, maps] of Object.entries(thor.categories)) {
      const ours = WINDOWS_LOGSOURCES.categories[cat];
      assert.ok(ours, `category ${cat} missing`);
      const norm = (m: readonly { service: string; eventIds: readonly number[]; conditions?: object; fieldMap?: object }[]): string[] =>
        m.map((x) => JSON.stringify([x.service, [...x.eventIds].sort((a, b) => a - b), x.conditions ?? {}, x.fieldMap ?? {}])).sort();
      assert.deepEqual(norm(ours), norm(maps), `category ${cat}`);
    }
    for (const [svc, channels] of Object.entries(thor.services)) {
      assert.deepEqual(WINDOWS_LOGSOURCES.services[svc], channels, `service ${svc}`);
    }
  });
});
