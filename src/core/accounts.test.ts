import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { foldJournal } from './state.ts';
import { USER_NAME_PATTERN } from './accounts.ts';
import type { AnyEntry } from './journal.ts';
import type { EntryId } from './ids.ts';

let seq = 0;
function entry(kind: AnyEntry['kind'], payload: unknown, actor = 'cli:root'): AnyEntry {
  seq++;
  return { seq, id: `e${seq}` as EntryId, at: `2022-05-14T0${seq}:00:00+02:00`, actor, kind, payload, prev: '', hash: '' } as AnyEntry;
}

describe('accounts fold', () => {
  it('adds, changes the role of, disables and re-enables an account', () => {
    seq = 0;
    const entries = [
      entry('crisis.initialised', { name: 'x', organisation: 'y' }),
      entry('user.added', { name: 'alice', role: 'it' }),
      entry('user.role-changed', { name: 'alice', role: 'commander', reason: 'night shift lead' }, 'admin'),
    ];
    const p = foldJournal(entries);
    assert.equal(p.users.get('alice')?.role, 'commander');
    assert.equal(p.users.get('alice')?.disabled, false);
    assert.equal(p.users.get('alice')?.addedBy, 'cli:root');
    p.apply(entry('user.disabled', { name: 'alice', reason: 'left the cell' }));
    assert.equal(p.users.get('alice')?.disabled, true);
    p.apply(entry('user.added', { name: 'alice', role: 'observer' }));
    assert.deepEqual([p.users.get('alice')?.disabled, p.users.get('alice')?.role], [false, 'observer']);
  });

  it('ignores a role change for an unknown name instead of failing the fold', () => {
    seq = 0;
    const p = foldJournal([entry('user.role-changed', { name: 'ghost', role: 'it', reason: 'x' })]);
    assert.equal(p.users.size, 0);
  });

  it('accepts lower-case account names only', () => {
    assert.ok(USER_NAME_PATTERN.test('dr.martin'));
    assert.ok(!USER_NAME_PATTERN.test('Alice'));
    assert.ok(!USER_NAME_PATTERN.test('a'));
  });
});
