import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { canonicalJson } from './canonical-json.ts';
import { ChainVerifier, entryFromRow, GENESIS_HASH, hashInput, sealEntries } from './journal.ts';
import type { EntryDraft, StoredRow } from './journal.ts';
import { entryId } from './ids.ts';
import { CrisisError } from './errors.ts';

const sha256 = (s: string) => createHash('sha256').update(s, 'utf8').digest('hex');
const d = (text: string, i: number): EntryDraft => ({ id: entryId(`id-${i}`), at: `2022-05-14T03:${String(20 + i).padStart(2, '0')}:00+02:00`, actor: 'nurse', kind: 'log.note', payload: { type: 'fact', text } });
const toRow = (e: ReturnType<typeof sealEntries>[number]): StoredRow => ({ ...e, payload: JSON.stringify(e.payload) });

describe('canonical JSON', () => {
  it('sorts keys at every depth and drops undefined members', () => {
    assert.equal(canonicalJson({ b: 1, a: { d: [1, { z: 1, y: undefined, x: 'é' }], c: null } }), '{"a":{"c":null,"d":[1,{"x":"é","z":1}]},"b":1}');
  });
  it('refuses numbers JSON cannot carry', () => {
    assert.throws(() => canonicalJson({ n: NaN }), /NaN/);
    assert.throws(() => canonicalJson({ n: Infinity }), /Infinity/);
  });
  it('gives the same text whatever the key order in memory', () => {
    assert.equal(canonicalJson({ x: 1, y: 2 }), canonicalJson({ y: 2, x: 1 }));
  });
});

describe('the hash chain', () => {
  it('hashes the canonical form of everything but the hash, including prev', () => {
    const [e] = sealEntries([d('ER calls IT on-call', 5)], 0, GENESIS_HASH, sha256);
    assert.ok(e);
    assert.equal(e.prev, GENESIS_HASH);
    assert.equal(e.hash, sha256(hashInput(e)));
    assert.match(hashInput(e), /^\{"actor":"nurse","at":.*"prev":"0{64}","seq":1\}$/);
  });

  it('verifies an intact chain and reports its head', () => {
    const sealed = sealEntries([d('a', 1), d('b', 2), d('c', 3)], 0, GENESIS_HASH, sha256);
    const v = new ChainVerifier(sha256);
    sealed.map(toRow).forEach((r) => v.push(r));
    assert.deepEqual(v.result(), { ok: true, count: 3, headSeq: 3, headHash: sealed[2]?.hash });
  });

  for (const [what, mutate] of [
    ['an altered payload', (r: StoredRow) => ({ ...r, payload: JSON.stringify({ type: 'fact', text: 'nothing happened' }) })],
    ['an altered author', (r: StoredRow) => ({ ...r, actor: 'someone else' })],
    ['an altered time', (r: StoredRow) => ({ ...r, at: '2022-05-14T09:00:00+02:00' })],
    ['a recomputed hash that breaks the next prev', (r: StoredRow) => {
      const changed = { ...r, payload: JSON.stringify({ type: 'fact', text: 'x' }) };
      return { ...changed, hash: sha256(hashInput({ ...changed, id: entryId(changed.id), kind: 'log.note', payload: JSON.parse(changed.payload) as never })) };
    }],
  ] as const) {
    it(`names the first bad entry after ${what}`, () => {
      const rows = sealEntries([d('a', 1), d('b', 2), d('c', 3), d('d', 4)], 0, GENESIS_HASH, sha256).map(toRow);
      rows[1] = mutate(rows[1]!);
      const v = new ChainVerifier(sha256);
      rows.forEach((r) => v.push(r));
      const r = v.result();
      assert.equal(r.ok, false);
      assert.equal(!r.ok && r.badSeq, what.startsWith('a recomputed') ? 3 : 2);
    });
  }

  it('notices a removed entry', () => {
    const rows = sealEntries([d('a', 1), d('b', 2), d('c', 3)], 0, GENESIS_HASH, sha256).map(toRow);
    const v = new ChainVerifier(sha256);
    [rows[0]!, rows[2]!].forEach((r) => v.push(r));
    const r = v.result();
    assert.equal(!r.ok && r.badSeq, 3);
  });

  it('refuses to read a stored entry of an unknown kind, naming its seq', () => {
    const [e] = sealEntries([d('a', 1)], 0, GENESIS_HASH, sha256);
    assert.throws(() => entryFromRow({ ...toRow(e!), seq: 7, kind: 'asset.teleported' }), (err: unknown) => err instanceof CrisisError && err.seq === 7 && /unknown kind "asset.teleported"/.test(err.message));
  });
});
