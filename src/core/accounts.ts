/**
 * Local accounts are a fold of the journal like everything else: who was given an account, by whom,
 * with which role, and when it was disabled is part of the evidential logbook. The fold keeps the
 * latest state per name; the server reads it on every request, so a role change or a disabled
 * account takes effect at once, even for sessions already open.
 */
import type { AnyEntry } from './journal.ts';

/** The state of one account. `role` is a string here: the role list lives in the app layer. */
export interface UserAccount {
  readonly name: string;
  readonly role: string;
  readonly disabled: boolean;
  readonly addedAt: string;
  readonly addedBy: string;
  /** Seq of the entry that last changed the account. */
  readonly changedSeq: number;
}

/** Account names: lower-case, so `Alice` and `alice` cannot be two people in the logbook. */
export const USER_NAME_PATTERN = /^[a-z][a-z0-9._-]{1,39}$/;

export type AccountEntry = Extract<AnyEntry, { kind: 'user.added' | 'user.role-changed' | 'user.disabled' | 'user.password-changed' }>;

export function isAccountEntry(e: AnyEntry): e is AccountEntry {
  return e.kind === 'user.added' || e.kind === 'user.role-changed' || e.kind === 'user.disabled' || e.kind === 'user.password-changed';
}

/**
 * Applies one account entry. An entry about an unknown name is ignored rather than fatal: the app
 * layer refuses to write one, and a replayed journal must still fold.
 */
export function foldAccount(users: Map<string, UserAccount>, e: AccountEntry): void {
  switch (e.kind) {
    case 'user.added':
      users.set(e.payload.name, {
        name: e.payload.name,
        role: e.payload.role,
        disabled: false,
        addedAt: e.at,
        addedBy: e.actor,
        changedSeq: e.seq,
      });
      break;
    case 'user.role-changed': {
      const u = users.get(e.payload.name);
      if (u) users.set(u.name, { ...u, role: e.payload.role, changedSeq: e.seq });
      break;
    }
    case 'user.disabled': {
      const u = users.get(e.payload.name);
      if (u) users.set(u.name, { ...u, disabled: true, changedSeq: e.seq });
      break;
    }
    case 'user.password-changed': {
      // changedSeq moves: every session opened before the change ends.
      const u = users.get(e.payload.name);
      if (u) users.set(u.name, { ...u, changedSeq: e.seq });
      break;
    }
  }
}
