/**
 * Is the journal still the one we signed? One assessment for `crisiscell verify`, the server's
 * start (it refuses a broken journal unless told otherwise), `/api/integrity` and the web banner:
 * the chain recomputed from the stored rows, every signed checkpoint of the local log (and any
 * handed in: `verify --checkpoint`) proved against the journal, and the entries the fold left out.
 */
import type { Checkpoint, CheckpointJudgement, CheckpointRef, CheckpointStatus } from '../core/checkpoint.ts';
import { judgeCheckpoints } from '../core/checkpoint.ts';
import type { JournalStore } from '../core/journal-store.ts';
import type { VerifyResult } from '../core/journal.ts';
import { GENESIS_HASH } from '../core/journal.ts';
import type { CheckpointKeeper } from './checkpoints.ts';
import { signatureHolds } from './checkpoints.ts';
import type { EntryProblem } from './entry-schemas.ts';

export interface IntegrityReport {
  readonly ok: boolean;
  readonly checkedAt: string;
  readonly head: { readonly seq: number; readonly hash: string };
  readonly chain: VerifyResult;
  readonly checkpoints: CheckpointJudgement & { readonly count: number; readonly last?: Checkpoint };
  /** Entries the fold could not apply (left out of the state). */
  readonly skipped: readonly EntryProblem[];
  /** The installation's public key, when it has one. */
  readonly key?: { readonly key: string; readonly keyId: string };
  /** The first entry not to trust, when something failed. */
  readonly badSeq?: number;
  /** One sentence per problem, for people: printed by the CLI, shown in the banner. */
  readonly problems: readonly string[];
}

async function hashAt(store: JournalStore, seq: number): Promise<string | undefined> {
  try {
    return (await store.read(seq - 1, 1))[0]?.hash;
  } catch {
    return '(unreadable)';
  }
}

/** Proves checkpoints against the journal: what each finds there. */
export async function checkpointStatuses(store: JournalStore, keeper: CheckpointKeeper | undefined, refs: readonly CheckpointRef[]): Promise<CheckpointStatus[]> {
  const head = await store.head();
  const origin = head.seq > 0 ? await hashAt(store, 1) : undefined;
  const own = keeper?.publicKey();
  const out: CheckpointStatus[] = [];
  for (const ref of refs) {
    const c = ref.checkpoint;
    if (c) {
      if (!signatureHolds(c)) out.push({ ref, state: 'bad-signature', why: 'its signature does not hold (the checkpoint was altered or forged)' });
      else if (own && c.keyId !== own.keyId) out.push({ ref, state: 'bad-signature', why: `signed by key ${c.keyId}, not by this installation's key ${own.keyId}` });
      if (c.origin && origin !== undefined && c.origin !== origin) {
        out.push({ ref, state: 'bad-signature', why: `it belongs to another journal (entry 1 ${c.origin.slice(0, 12)}…, here ${origin.slice(0, 12)}…): this database was replaced, or rewritten from entry 1` });
      }
    }
    if (ref.seq > head.seq) {
      out.push({ ref, state: 'missing', headSeq: head.seq });
      continue;
    }
    const found = await hashAt(store, ref.seq);
    out.push(found === ref.hash ? { ref, state: 'holds' } : { ref, state: 'differs', found: found ?? '(none)' });
  }
  return out;
}

/** The whole assessment. `extra`: checkpoints handed in besides the local log. */
export async function assessIntegrity(
  store: JournalStore,
  keeper: CheckpointKeeper | undefined,
  opts: { readonly now: string; readonly extra?: readonly CheckpointRef[]; readonly skipped?: readonly EntryProblem[]; readonly chain?: VerifyResult },
): Promise<IntegrityReport> {
  const chain = opts.chain ?? (await store.verify());
  const head = await store.head();
  const log = keeper?.all() ?? [];
  const refs: CheckpointRef[] = [...log.map((c) => ({ seq: c.seq, hash: c.hash, checkpoint: c, source: 'the checkpoint log' })), ...(opts.extra ?? [])];
  const judgement = judgeCheckpoints(await checkpointStatuses(store, keeper, refs));
  const skipped = opts.skipped ?? [];
  const problems: string[] = [];
  let badSeq: number | undefined;
  if (!chain.ok) {
    problems.push(`The chain is broken at entry ${chain.badSeq}: ${chain.reason}. Entries before ${chain.badSeq} are intact; nothing from ${chain.badSeq} on can be trusted.`);
    badSeq = chain.badSeq;
  }
  for (const f of judgement.findings) problems.push(`Checkpoint: ${f[0]?.toUpperCase()}${f.slice(1)}`);
  if (judgement.fromSeq !== undefined) badSeq = Math.min(badSeq ?? Infinity, judgement.fromSeq);
  for (const s of skipped) problems.push(`Entry ${s.seq} (${s.kind}) cannot be applied and is left out of the state: ${s.field}: ${s.message}.`);
  if (skipped.length > 0) badSeq = Math.min(badSeq ?? Infinity, ...skipped.map((s) => s.seq));
  let last: Checkpoint | undefined;
  for (const c of log) if (!last || c.seq > last.seq) last = c;
  const key = keeper?.publicKey();
  return {
    ok: problems.length === 0,
    checkedAt: opts.now,
    head: { seq: head.seq, hash: head.seq === 0 ? GENESIS_HASH : head.hash },
    chain,
    checkpoints: { ...judgement, count: log.length, ...(last ? { last } : {}) },
    skipped,
    ...(key ? { key } : {}),
    ...(badSeq === undefined ? {} : { badSeq }),
    problems,
  };
}

/** Signs a checkpoint of the journal's head as stored (verify, backup and export need no fold). */
export async function checkpointStore(store: JournalStore, keeper: CheckpointKeeper, reason: string, at: string): Promise<Checkpoint> {
  const head = await store.head();
  const origin = head.seq > 0 ? ((await hashAt(store, 1)) ?? GENESIS_HASH) : GENESIS_HASH;
  return keeper.sign({ seq: head.seq, hash: head.hash, origin, at, reason });
}
