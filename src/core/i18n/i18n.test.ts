import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { CATALOGUES, fill, LANGS, pickLang, t } from './index.ts';
import type { MessageKey } from './index.ts';
import { AREAS } from './catalogue.ts';

const placeholders = (s: string) => [...new Set([...s.matchAll(/\{(\w+)(?::[^{}]*)?\}/g)].map((m) => m[1]))].sort();

describe('the catalogues', () => {
  it('have every key in every language, non-empty, with the same placeholders', () => {
    const keys = Object.keys(CATALOGUES.en) as MessageKey[];
    assert.ok(keys.length > 200, `${keys.length} keys`);
    for (const lang of LANGS) {
      assert.deepEqual(Object.keys(CATALOGUES[lang]).sort(), [...keys].sort(), `${lang} has exactly the English keys`);
      for (const k of keys) {
        const text = CATALOGUES[lang][k];
        assert.ok(typeof text === 'string' && text.trim() !== '', `${lang} ${k} is empty`);
        assert.deepEqual(placeholders(text), placeholders(CATALOGUES.en[k]), `${lang} ${k}: placeholders differ from English`);
      }
    }
  });

  it('never give one key to two areas (a duplicate would hide a translation)', () => {
    const seen = new Map<string, number>();
    AREAS.forEach((a, i) => {
      for (const k of Object.keys(a.en)) {
        assert.equal(seen.get(k), undefined, `key ${k} is in two areas`);
        seen.set(k, i);
      }
    });
  });

  it('are translated, not copied: most French and Dutch texts differ from the English', () => {
    const keys = Object.keys(CATALOGUES.en) as MessageKey[];
    for (const lang of ['fr', 'nl'] as const) {
      const same = keys.filter((k) => CATALOGUES[lang][k] === CATALOGUES.en[k] && /[a-z]{4}/i.test(CATALOGUES.en[k]) && CATALOGUES.en[k].includes(' '));
      assert.ok(same.length < keys.length * 0.03, `${lang}: ${same.length} sentences identical to English: ${same.slice(0, 10).join(', ')}`);
    }
  });

  it('name 7 days and 12 months in every language', () => {
    for (const lang of LANGS) {
      assert.equal(t(lang, 'cal.days').split(' ').length, 7, lang);
      assert.equal(t(lang, 'cal.months').split(' ').length, 12, lang);
    }
  });
});

describe('messages', () => {
  it('fill parameters and pick singular or plural by the language rule', () => {
    assert.equal(fill('en', '{n} {n:site|sites}', { n: 1 }), '1 site');
    assert.equal(fill('en', '{n} {n:site|sites}', { n: 0 }), '0 sites');
    assert.equal(fill('fr', '{n} site{n:|s}', { n: 0 }), '0 site', 'French: 0 is singular');
    assert.equal(fill('fr', '{n} site{n:|s}', { n: 2 }), '2 sites');
    assert.equal(fill('nl', '{n} {n:dienst|diensten}', { n: 3 }), '3 diensten');
  });

  it('leave an unknown parameter visible rather than dropping it', () => {
    assert.equal(fill('en', 'due {at}', {}), 'due {at}');
  });

  it('answer in the language asked by parameter, then by Accept-Language, else English', () => {
    assert.equal(pickLang('nl', 'fr-BE,fr;q=0.9'), 'nl');
    assert.equal(pickLang(undefined, 'fr-BE,fr;q=0.9,en;q=0.8'), 'fr');
    assert.equal(pickLang(null, 'de-DE,de;q=0.9,nl;q=0.5,en;q=0.4'), 'nl');
    assert.equal(pickLang(undefined, 'en;q=0.2,fr;q=0.8'), 'fr');
    assert.equal(pickLang('xx', 'de'), 'en');
    assert.equal(pickLang(undefined, undefined), 'en');
  });
});
