/**
 * The contract every JournalStore adapter must honour, run against each of them
 * (`runJournalStoreContract`), in the manner of one router suite run against every router.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { EntryDraft } from '../core/journal.ts';
import { GENESIS_HASH } from '../core/journal.ts';
import type { EntryKind, EntryPayloads } from '../core/entries.ts';
import { entryId } from '../core/ids.ts';
import { CrisisError } from '../core/errors.ts';
import type { CredentialStore, JournalImporter, JournalStore } from '../core/journal-store.ts';
import { openSqliteStore } from './sqlite/sqlite-journal-store.ts';

export interface StoreUnderTest {
  readonly store: JournalStore & JournalImporter & CredentialStore;
  /** A second handle on the same journal, as another process would have. */
  openAnother(): Promise<JournalStore & CredentialStore>;
  /** Rewrites a stored row behind the adapter's back (an attacker with the database). */
  tamper(seq: number, column: 'payload' | 'kind' | 'actor', value: string): Promise<void>;
  /** Tries to change or remove rows through the database itself, as any client of it could (must fail). */
  rawChange(op: 'update' | 'delete' | 'truncate'): Promise<void>;
  cleanup(): Promise<void>;
}

export function note(text: string, at = '2022-05-14T03:25:00+02:00'): EntryDraft<'log.note'> {
  return draft('log.note', { type: 'fact', text }, at);
}

export function draft<K extends EntryKind>(kind: K, payload: EntryPayloads[K], at = '2022-05-14T03:25:00+02:00'): EntryDraft<K> {
  return { id: entryId(randomUUID()), at, actor: 'test', kind, payload };
}

async function rejectsWith(p: Promise<unknown>, code: string): Promise<CrisisError> {
  try {
    await p;
  } catch (e) {
    assert.ok(e instanceof CrisisError, `expected a CrisisError, got ${String(e)}`);
    assert.equal(e.code, code);
    return e;
  }
  assert.fail(`expected a ${code} error`);
}

export function runJournalStoreContract(name: string, open: () => Promise<StoreUnderTest>, skip: string | false = false): void {
  describe(`JournalStore contract: ${name}`, { skip }, () => {
    const withStore = (fn: (t: StoreUnderTest) => Promise<void>) => async () => {
      const t = await open();
      try {
        await fn(t);
      } finally {
        await t.cleanup();
      }
    };

    it('starts empty with the genesis head', withStore(async ({ store }) => {
      assert.deepEqual(await store.head(), { seq: 0, hash: GENESIS_HASH });
      assert.deepEqual(await store.read(), []);
      const v = await store.verify();
      assert.equal(v.ok, true);
    }));

    it('appends a batch, numbers it from 1 and chains the hashes', withStore(async ({ store }) => {
      const out = await store.append([note('a'), note('b'), note('c')], 0);
      assert.deepEqual(out.map((e) => e.seq), [1, 2, 3]);
      assert.equal(out[0]?.prev, GENESIS_HASH);
      assert.equal(out[1]?.prev, out[0]?.hash);
      const back = await store.read();
      assert.deepEqual(back, out);
      assert.deepEqual(await store.head(), { seq: 3, hash: out[2]?.hash });
    }));

    it('keeps payloads exactly: unicode, nesting, numbers', withStore(async ({ store }) => {
      const text = 'Radiologie dégradée — « images sur la console » 🩻 \u0000 end';
      const [e] = await store.append([draft('log.note', { type: 'fact', text, source: 'x'.repeat(10_000) })], 0);
      const [back] = await store.read();
      assert.deepEqual(back, e);
      assert.equal((await store.verify()).ok, true);
    }));

    it('refuses an append when the expected last seq moved, and writes nothing', withStore(async ({ store }) => {
      await store.append([note('a')], 0);
      await rejectsWith(store.append([note('b'), note('c')], 0), 'conflict');
      assert.equal((await store.head()).seq, 1);
    }));

    it('writes a batch all or nothing', withStore(async ({ store }) => {
      const a = note('a');
      await store.append([a], 0);
      // The second draft reuses an id: the store's uniqueness fails mid-batch, the first must not stay.
      await assert.rejects(store.append([note('b'), { ...note('c'), id: a.id }], 1));
      assert.equal((await store.head()).seq, 1);
      assert.equal((await store.verify()).ok, true);
    }));

    it('lets exactly one of two concurrent writers win', withStore(async ({ store, openAnother }) => {
      const other = await openAnother();
      try {
        await store.append([note('first')], 0);
        const results = await Promise.allSettled([store.append([note('x')], 1), other.append([note('y')], 1)]);
        assert.equal(results.filter((r) => r.status === 'fulfilled').length, 1);
        const rejected = results.find((r) => r.status === 'rejected');
        assert.ok(rejected && rejected.status === 'rejected' && rejected.reason instanceof CrisisError && rejected.reason.code === 'conflict');
        assert.equal((await store.head()).seq, 2);
      } finally {
        await other.close();
      }
    }));

    it('reads from a seq with a limit, and streams everything in pages', withStore(async ({ store }) => {
      await store.append(Array.from({ length: 25 }, (_, i) => note(`n${i}`)), 0);
      assert.deepEqual((await store.read(10, 5)).map((e) => e.seq), [11, 12, 13, 14, 15]);
      const seen: number[] = [];
      for await (const e of store.readAll(3, 7)) seen.push(e.seq);
      assert.deepEqual(seen, Array.from({ length: 22 }, (_, i) => i + 4));
    }));

    it('reads the last entries of some kinds, oldest first, filtered by the database', withStore(async ({ store }) => {
      await store.append([note('a'), draft('measure.applied', { id: 'internet-cut' as never, type: 'internet-cut', reason: 'r' }), note('b'), draft('measure.lifted', { id: 'internet-cut' as never, reason: 'r' }), note('c'), draft('user.added', { name: 'x_y', role: 'it' })], 0);
      assert.deepEqual((await store.readLast(2)).map((e) => e.seq), [5, 6]);
      assert.deepEqual((await store.readLast(10, { kinds: ['log.note'] })).map((e) => e.seq), [1, 3, 5]);
      assert.deepEqual((await store.readLast(10, { kinds: ['measure.*'] })).map((e) => e.seq), [2, 4]);
      assert.deepEqual((await store.readLast(2, { kinds: ['measure.*', 'log.note'] })).map((e) => e.seq), [4, 5]);
      assert.deepEqual((await store.readLast(10, { afterSeq: 3, kinds: ['log.note', 'user.*'] })).map((e) => e.seq), [5, 6]);
      // `_` and `%` in a prefix are not wildcards.
      assert.deepEqual(await store.readLast(10, { kinds: ['user_*'] }), []);
    }));

    it('verifies an intact chain and names the first altered entry', withStore(async ({ store, tamper }) => {
      await store.append([note('a'), note('b'), note('c'), note('d')], 0);
      const ok = await store.verify();
      assert.ok(ok.ok);
      assert.equal(ok.headSeq, 4);
      await tamper(3, 'payload', JSON.stringify({ type: 'fact', text: 'nothing happened' }));
      const bad = await store.verify();
      assert.equal(bad.ok, false);
      assert.equal(!bad.ok && bad.badSeq, 3);
    }));

    it('refuses UPDATE, DELETE and TRUNCATE of journal rows in the database itself', withStore(async ({ store, rawChange }) => {
      await store.append([note('a'), note('b'), note('c')], 0);
      const before = await store.read();
      for (const op of ['update', 'delete', 'truncate'] as const) {
        await assert.rejects(rawChange(op), /append-only/, `${op} must be refused`);
      }
      assert.deepEqual(await store.read(), before);
      assert.ok((await store.verify()).ok);
    }));

    it('reports an unknown kind in a stored journal as an error naming its seq', withStore(async ({ store, tamper }) => {
      await store.append([note('a'), note('b')], 0);
      await tamper(2, 'kind', 'asset.teleported');
      const err = await rejectsWith(store.read(), 'journal-corrupt');
      assert.equal(err.seq, 2);
      assert.match(err.message, /entry 2 .*unknown kind "asset.teleported"/);
    }));

    it('tells subscribers about appends, including another handle\'s', withStore(async ({ store, openAnother }) => {
      const other = await openAnother();
      try {
        let calls = 0;
        const heard = new Promise<void>((res) => {
          const off = store.subscribe(() => {
            calls++;
            off();
            res();
          });
        });
        await new Promise((r) => setTimeout(r, 100)); // LISTEN needs a moment to be in place
        await other.append([note('from elsewhere')], 0);
        await Promise.race([heard, new Promise((_, rej) => setTimeout(() => rej(new Error('no notification within 3 s')), 3000))]);
        assert.ok(calls >= 1);
      } finally {
        await other.close();
      }
    }));

    it('backs up to a SQLite file that verifies against the same head', withStore(async ({ store }) => {
      await store.append([note('a'), note('b')], 0);
      const dir = mkdtempSync(join(tmpdir(), 'cc-backup-'));
      try {
        const file = join(dir, 'backup.db');
        await store.backup(file);
        const copy = openSqliteStore(file, { pollMs: 0 });
        const v = await copy.verify();
        const h = await store.head();
        await copy.close();
        assert.ok(v.ok);
        assert.equal(v.ok && v.headHash, h.hash);
        await assert.rejects(store.backup(file), /exists/);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    }));

    it('keeps credentials beside the journal: replaced on set, shared by handles, never in entries or backups of the journal', withStore(async ({ store, openAnother }) => {
      assert.equal(await store.getCredential('alice'), undefined);
      await store.setCredential('alice', '$argon2id$first');
      await store.setCredential('alice', '$argon2id$second');
      const other = await openAnother();
      try {
        assert.equal(await other.getCredential('alice'), '$argon2id$second');
      } finally {
        await other.close();
      }
      assert.equal((await store.head()).seq, 0, 'setting a credential appends nothing');
      const dir = mkdtempSync(join(tmpdir(), 'cc-cred-'));
      try {
        const file = join(dir, 'backup.db');
        await store.backup(file);
        const copy = openSqliteStore(file, { pollMs: 0 });
        assert.equal(await copy.getCredential('alice'), '$argon2id$second', 'a backup restores logins too');
        await copy.close();
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    }));

    it('imports sealed entries verbatim into an empty store only', withStore(async ({ store, openAnother }) => {
      const src = openSqliteStore(':memory:', { pollMs: 0 });
      const sealed = await src.append([note('a'), note('b')], 0);
      await src.close();
      await store.importSealed(sealed);
      assert.deepEqual(await store.read(), sealed);
      assert.ok((await store.verify()).ok);
      await rejectsWith(store.importSealed(sealed), 'already-exists');
      const other = await openAnother();
      await other.close();
    }));
  });
}
