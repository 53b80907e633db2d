// The necessary-literal prefilter must never change a result: the automaton against a naive
// search, needs of condition forms, and every detection of every SigmaHQ rule over the whole
// corpus with and without the prefilter.
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Automaton } from './prefilter.ts';
import { readRuleDocs, RuleSet } from './ruleset.ts';
import { ruleSetFrom, detectionRule, makeRecord } from '../../../test/support/sigma.ts';
import { readEvidenceFile } from '../sources/index.ts';
import { builtinRulesDir } from '../rules/index.ts';

const CORPUS = fileURLToPath(new URL('../../../../shared/corpus/', import.meta.url));
const skip = existsSync(CORPUS) ? false : 'corpus ../shared/corpus absent';

function naive(lits: readonly string[], text: string): number[] {
  return lits.flatMap((l, i) => (text.includes(l) ? [i] : [])).sort((a, b) => a - b);
}

function scanAll(ac: Automaton, text: string, stamp: number): number[] {
  const found: number[] = [];
  ac.scan(text, stamp, found);
  return found.sort((a, b) => a - b);
}

describe('Aho-Corasick automaton', () => {
  test('finds overlapping, nested and suffix literals exactly like includes()', () => {
    const lits = ['he', 'she', 'his', 'hers', 'a', 'aaa', 'ab', 'bab', '\\cmd.exe', 'cmd', 'é', 'ßx', '\u2013c', 'xyz'];
    const ac = new Automaton(lits);
    const texts = ['ushers', 'aaaa', 'babab', 'c:\\windows\\system32\\cmd.exe /c', 'café', 'straßx', 'net \u2013c', '', 'nothing'];
    let stamp = 0;
    for (const t of texts) assert.deepEqual(scanAll(ac, t, ++stamp), naive(lits, t), t);
  });

  test('random literals over a small alphabet agree with includes()', () => {
    let seed = 42;
    const rnd = (n: number): number => {
      seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
      return seed % n;
    };
    const alpha = 'ab\\.é';
    const word = (max: number): string => Array.from({ length: 1 + rnd(max) }, () => alpha[rnd(alpha.length)]).join('');
    let stamp = 0;
    for (let round = 0; round < 200; round++) {
      const lits = [...new Set(Array.from({ length: 1 + rnd(30) }, () => word(6)))];
      const ac = new Automaton(lits);
      for (let k = 0; k < 10; k++) {
        const t = word(40);
        assert.deepEqual(scanAll(ac, t, ++stamp), naive(lits, t), `${JSON.stringify(lits)} in ${t}`);
      }
    }
  });

  test('a literal is reported once per stamp, again under a new stamp', () => {
    const ac = new Automaton(['ab']);
    const found: number[] = [];
    ac.scan('ab ab', 1, found);
    ac.scan('xab', 1, found);
    assert.deepEqual(found, [0]);
    ac.scan('ab', 2, found);
    assert.deepEqual(found, [0, 0]);
  });
});

describe('prefilter needs', () => {
  const stats = (det: string): { candidates: number; always: number } => ruleSetFrom(detectionRule(det)).prefilterStats('Security', 1);
  test('and keeps one side, or unites, not and regexes give nothing usable', () => {
    assert.deepEqual(stats("sel:\n  CommandLine|contains: 'mimikatz'\ncondition: sel").always, 0);
    assert.deepEqual(stats("sel:\n  CommandLine|contains: 'mimikatz'\ncondition: not sel").always, 1);
    assert.deepEqual(stats("sel:\n  CommandLine|re: 'mimi.*katz'\ncondition: sel").always, 1);
    assert.deepEqual(stats("a:\n  CommandLine|contains: 'mimikatz'\nb:\n  CommandLine|re: 'x'\ncondition: a and b").always, 0);
    assert.deepEqual(stats("a:\n  CommandLine|contains: 'mimikatz'\nb:\n  CommandLine|re: 'x'\ncondition: a or b").always, 1);
    assert.deepEqual(stats("sel:\n  CommandLine|contains: 'mimikatz'\n  User|neq: 'x'\ncondition: sel").always, 0);
    assert.deepEqual(stats("sel:\n  User: null\ncondition: sel").always, 1);
  });

  test('a cased non-ASCII literal is not used; a cased ASCII one is, lowercased', () => {
    const hit = (det: string, data: Record<string, string>): boolean => {
      let h = false;
      ruleSetFrom(detectionRule(det)).match(makeRecord(data), () => (h = true));
      return h;
    };
    assert.equal(stats("sel:\n  CommandLine|cased|contains: 'ΣX'\ncondition: sel").always, 1);
    assert.equal(hit("sel:\n  CommandLine|cased|contains: 'MiMi'\ncondition: sel", { CommandLine: 'xMiMix' }), true);
    assert.equal(hit("sel:\n  CommandLine|cased|contains: 'MiMi'\ncondition: sel", { CommandLine: 'xmimix' }), false);
  });
});

function evidence(dir: string, out: string[]): string[] {
  for (const n of readdirSync(dir).sort()) {
    const p = join(dir, n);
    if (statSync(p).isDirectory()) evidence(p, out);
    else if (/\.(evtx|json)$/.test(n)) out.push(p);
  }
  return out;
}

describe('prefilter on the corpus', { skip }, () => {
  test('every SigmaHQ rule gives the same detections with and without the prefilter', () => {
    const S = join(CORPUS, 'sigma');
    const docs = readRuleDocs([join(S, 'rules'), join(S, 'rules-emerging-threats'), join(S, 'rules-threat-hunting'), builtinRulesDir()]).docs;
    const files = [...evidence(join(CORPUS, 'evtx'), []), ...evidence(join(S, 'regression'), [])];
    const run = (prefilter: boolean): string[] => {
      const rs = RuleSet.build(docs, { prefilter });
      const out: string[] = [];
      for (const f of files) readEvidenceFile(f, (r) => rs.match(r, (rule) => out.push(`${rule.meta.id} ${r.file} ${r.recordId}`)), () => undefined);
      return out;
    };
    const plain = run(false);
    const fast = run(true);
    assert.ok(plain.length > 5000, `only ${plain.length} detections`);
    // Same detections in the same order (rule order within an event is kept too).
    assert.deepEqual(fast, plain);
  });
});
