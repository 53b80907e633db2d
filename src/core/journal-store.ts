/**
 * The one port every storage adapter implements. The journal is the database: there are no other
 * tables of truth. Adapters (src/store): SQLite (embedded, default) and PostgreSQL (server mode).
 *
 * The port is a core type, not a store one: the app layer is handed a store by the wiring
 * (src/main) and must not import the layer that implements it.
 */
import type { AnyEntry, EntryDraft, VerifyResult } from './journal.ts';

export interface JournalHead {
  readonly seq: number;
  readonly hash: string;
}

export interface JournalStore {
  /** Human description for messages, e.g. `sqlite:/path/crisiscell.db`. */
  readonly location: string;
  /**
   * Appends drafts atomically (all or none), sealed after the current head. Fails with a
   * CrisisError `conflict` when the head is not `expectedLastSeq` any more (someone appended first);
   * the caller then catches up, re-validates and retries.
   */
  append(drafts: readonly EntryDraft[], expectedLastSeq: number): Promise<readonly AnyEntry[]>;
  /** Entries with seq > `afterSeq`, in order, at most `limit`. An unknown kind is an error naming its seq. */
  read(afterSeq?: number, limit?: number): Promise<readonly AnyEntry[]>;
  /**
   * The last `limit` entries after `afterSeq` whose kind is one of `kinds` (a `prefix.*` matches a
   * family), oldest first. Filtered by the database, so the logbook's "last 1,000 notes" does not
   * read and parse a journal of estate imports.
   */
  readLast(limit: number, opts?: { readonly afterSeq?: number; readonly kinds?: readonly string[] }): Promise<readonly AnyEntry[]>;
  /** Every entry after `afterSeq`, streamed in pages so memory stays bounded. */
  readAll(afterSeq?: number, pageSize?: number): AsyncIterable<AnyEntry>;
  head(): Promise<JournalHead>;
  /**
   * Calls `listener` after entries are appended, by this process or (where the adapter can tell)
   * by another. The listener reads what is new itself; it may be called spuriously.
   */
  subscribe(listener: () => void): () => void;
  /** Recomputes the whole chain from the stored rows. */
  verify(): Promise<VerifyResult>;
  /** A consistent copy of the store, taken while others may be writing. */
  backup(destination: string): Promise<void>;
  close(): Promise<void>;
}

/**
 * Password hashes of the local accounts. Kept beside the journal, never in it: the journal is
 * evidence that is exported and handed to the police and regulators, and a password hash has no
 * place there. The journal records who was given an account and when a password was set; only
 * this table knows the hash. Replaced on each set; not exported; copied by `backup`.
 */
export interface CredentialStore {
  getCredential(name: string): Promise<string | undefined>;
  setCredential(name: string, hash: string): Promise<void>;
}

/**
 * Entries imported verbatim from an export: their seq, prev and hash are kept, so the copy
 * verifies against the original head hash. Only into an empty store.
 */
export interface JournalImporter {
  importSealed(entries: readonly AnyEntry[]): Promise<void>;
}

/** What the app layer is handed: the journal, verbatim import, and the credential table beside it. */
export type CrisisStore = JournalStore & JournalImporter & CredentialStore;
