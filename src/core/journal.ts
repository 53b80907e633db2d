/**
 * The journal: an append-only list of entries, each sealed with the SHA-256 of its canonical JSON,
 * which includes the previous entry's hash. Altering, removing or reordering any stored entry breaks
 * the chain from that entry on. The SHA-256 function is a parameter: the core does no I/O and uses
 * no platform crypto, the adapters pass node:crypto's.
 */
import { canonicalJson } from './canonical-json.ts';
import type { EntryKind, EntryPayloads } from './entries.ts';
import { isEntryKind } from './entries.ts';
import { CrisisError } from './errors.ts';
import type { EntryId } from './ids.ts';

/** Hex SHA-256 of a UTF-8 string. */
export type Sha256 = (text: string) => string;

/** The hash before the first entry. */
export const GENESIS_HASH = '0'.repeat(64);

/** An entry as the application layer writes it, before the store gives it a place in the chain. */
export interface EntryDraft<K extends EntryKind = EntryKind> {
  readonly id: EntryId;
  /** Wall-clock time of the author, ISO 8601 with offset; may lie in the past (a recorded fact). */
  readonly at: string;
  /** Who wrote it: a user name, `cli:<os user>`, or `system`. */
  readonly actor: string;
  readonly kind: K;
  readonly payload: EntryPayloads[K];
}

/** A stored entry. */
export interface JournalEntry<K extends EntryKind = EntryKind> extends EntryDraft<K> {
  readonly seq: number;
  readonly prev: string;
  readonly hash: string;
}

/** Any entry, narrowed by `kind`. */
export type AnyEntry = { [K in EntryKind]: JournalEntry<K> }[EntryKind];

/** The bytes that are hashed: everything of the entry but its own hash. */
export function hashInput(e: Omit<JournalEntry, 'hash'>): string {
  return canonicalJson({ seq: e.seq, id: e.id, at: e.at, actor: e.actor, kind: e.kind, payload: e.payload, prev: e.prev });
}

/**
 * A draft whose payload was encoded and hashed ahead (a 30 MB estate import, done in slices by
 * the app so the server keeps answering): the canonical payload text, and the hash state after
 * everything of `hashInput` that precedes `prev` and `seq` (its keys sort before them), which
 * only the store knows when it appends.
 */
export interface PreparedSeal {
  /** canonicalJson(payload): also what the store writes as the payload column. */
  readonly payloadText: string;
  /** The hex SHA-256 of hashInput, given what follows the payload: `sealSuffix(prev, seq)`. */
  complete(suffix: string): string;
}

const PREPARED = new WeakMap<object, PreparedSeal>();

/** What `hashInput` writes before the payload, for a draft: `{"actor":…,"at":…,"id":…,"kind":…,"payload":`. */
export function sealPrefix(d: Pick<EntryDraft, 'actor' | 'at' | 'id' | 'kind'>): string {
  return `{"actor":${JSON.stringify(d.actor)},"at":${JSON.stringify(d.at)},"id":${JSON.stringify(d.id)},"kind":${JSON.stringify(d.kind)},"payload":`;
}

/** What `hashInput` writes after the payload. */
export function sealSuffix(prev: string, seq: number): string {
  return `,"prev":${JSON.stringify(prev)},"seq":${seq}}`;
}

/** Attaches a prepared seal to a draft (the app does, after encoding it in slices). */
export function attachPreparedSeal(draft: EntryDraft, prepared: PreparedSeal): void {
  PREPARED.set(draft, prepared);
}

/** The payload as the store writes it: the prepared text when there is one. */
export function payloadTextOf(e: EntryDraft): string {
  return PREPARED.get(e)?.payloadText ?? JSON.stringify(e.payload);
}

/** Gives drafts their sequence numbers and hashes, continuing a chain whose head is (`lastSeq`, `lastHash`). */
export function sealEntries(drafts: readonly EntryDraft[], lastSeq: number, lastHash: string, sha256: Sha256): AnyEntry[] {
  const out: AnyEntry[] = [];
  let prev = lastHash;
  let seq = lastSeq;
  for (const d of drafts) {
    seq += 1;
    const unsealed = { seq, id: d.id, at: d.at, actor: d.actor, kind: d.kind, payload: d.payload, prev };
    const prepared = PREPARED.get(d);
    const hash = prepared ? prepared.complete(sealSuffix(prev, seq)) : sha256(hashInput(unsealed));
    const entry = { ...unsealed, hash } as AnyEntry;
    if (prepared) PREPARED.set(entry, prepared);
    out.push(entry);
    prev = hash;
  }
  return out;
}

/** A stored row as any adapter reads it back: the payload still as text. */
export interface StoredRow {
  readonly seq: number;
  readonly id: string;
  readonly at: string;
  readonly actor: string;
  readonly kind: string;
  readonly payload: string;
  readonly prev: string;
  readonly hash: string;
}

/** Turns a stored row into an entry; an unknown kind or unreadable payload is an error naming the seq. */
export function entryFromRow(row: StoredRow): AnyEntry {
  if (!isEntryKind(row.kind)) {
    throw new CrisisError('journal-corrupt', `journal entry ${row.seq} has unknown kind "${row.kind}"`, { seq: row.seq });
  }
  let payload: unknown;
  try {
    payload = JSON.parse(row.payload);
  } catch (cause) {
    throw new CrisisError('journal-corrupt', `journal entry ${row.seq} has a payload that is not JSON`, { seq: row.seq, cause });
  }
  return { ...row, id: row.id as EntryId, kind: row.kind, payload } as AnyEntry;
}

export type VerifyResult =
  | { readonly ok: true; readonly count: number; readonly headSeq: number; readonly headHash: string }
  | { readonly ok: false; readonly count: number; readonly badSeq: number; readonly reason: string };

/**
 * Checks a chain incrementally: feed rows in seq order, then read `result()`. Stops judging at the
 * first bad entry (everything after it is unproven), but keeps counting.
 */
export class ChainVerifier {
  private expectedSeq = 1;
  private prevHash = GENESIS_HASH;
  private count = 0;
  private failure: { badSeq: number; reason: string } | undefined;

  constructor(private readonly sha256: Sha256) {}

  push(row: StoredRow): void {
    this.count++;
    if (this.failure) return;
    const fail = (reason: string): void => {
      this.failure = { badSeq: row.seq, reason };
    };
    if (row.seq !== this.expectedSeq) return fail(`expected seq ${this.expectedSeq}, found ${row.seq} (an entry is missing or out of order)`);
    if (row.prev !== this.prevHash) return fail(`prev does not match the hash of entry ${row.seq - 1}`);
    if (!isEntryKind(row.kind)) return fail(`unknown kind "${row.kind}"`);
    let payload: unknown;
    try {
      payload = JSON.parse(row.payload);
    } catch {
      return fail('payload is not JSON');
    }
    const computed = this.sha256(hashInput({ seq: row.seq, id: row.id as EntryId, at: row.at, actor: row.actor, kind: row.kind, payload: payload as never, prev: row.prev }));
    if (computed !== row.hash) return fail('content does not match its hash (the entry was altered)');
    this.prevHash = row.hash;
    this.expectedSeq++;
  }

  result(): VerifyResult {
    if (this.failure) return { ok: false, count: this.count, ...this.failure };
    return { ok: true, count: this.count, headSeq: this.expectedSeq - 1, headHash: this.prevHash };
  }
}
