/**
 * Signed checkpoints: tamper evidence beyond the hash chain. A chain alone cannot see a cut tail
 * (remove the last entries) or a rewritten suffix (change entry 30 and re-hash everything after
 * it): what is left is a valid chain. A checkpoint is the head of the journal at a moment —
 * `{seq, head hash, time}` — signed with the installation's ed25519 key and printed, so that a copy
 * leaves the building (in the sitrep and logbook PDFs, with the police, the national CERT). Later,
 * the journal either still contains that entry with that hash, or it does not, and then we can say
 * from which entry on it cannot be trusted.
 *
 * Pure: the message to sign, parsing what a person hands back (`seq:hash`, a checkpoint as JSON,
 * the JSON lines of a checkpoint log) and the judgement. Signing and the key live in the app layer.
 */
import { canonicalJson } from './canonical-json.ts';

/** What is signed. `key` is the base64 of the raw 32-byte ed25519 public key. */
export interface CheckpointBody {
  readonly v: 1;
  /** The journal's last entry at the time of the checkpoint, and its hash. */
  readonly seq: number;
  readonly hash: string;
  /** The hash of entry 1: which journal this is (a checkpoint of another crisis must not pass). */
  readonly origin: string;
  /** When it was signed (wall clock), ISO. */
  readonly at: string;
  /** Why: `manual`, `interval`, `serve`, `log`, `sitrep`, `export`, `backup`. */
  readonly reason: string;
  readonly key: string;
}

export interface Checkpoint extends CheckpointBody {
  /** First 16 hex digits of the SHA-256 of the raw public key: what people compare by eye. */
  readonly keyId: string;
  /** base64 ed25519 signature of `checkpointMessage(body)`. */
  readonly sig: string;
}

/** The exact bytes signed: a domain prefix (a signature made for something else never passes) and the canonical JSON. */
export function checkpointMessage(b: CheckpointBody): string {
  return `crisiscell-checkpoint-v1\n${canonicalJson({ v: b.v, seq: b.seq, hash: b.hash, origin: b.origin, at: b.at, reason: b.reason, key: b.key })}`;
}

/** What a checkpoint to prove is: at least a seq and a hash (`seq:hash` typed from a printout), maybe the whole signed record. */
export interface CheckpointRef {
  readonly seq: number;
  readonly hash: string;
  readonly checkpoint?: Checkpoint;
  /** Where it came from, for messages: `the argument`, `cp.json:3`, `the checkpoint log`. */
  readonly source: string;
}

const HEX64 = /^[0-9a-f]{64}$/;

/**
 * Parses what a person hands back: `1234:abcd…` (as printed, spaces allowed around the colon), one
 * checkpoint as JSON, or JSON lines of them (a checkpoint log). Throws a message naming the line.
 */
export function parseCheckpointRefs(text: string, source: string): CheckpointRef[] {
  const t = text.trim();
  const plain = /^#?(\d+)\s*:\s*([0-9a-fA-F]{64})$/.exec(t);
  if (plain) return [{ seq: Number(plain[1]), hash: (plain[2] ?? '').toLowerCase(), source }];
  const out: CheckpointRef[] = [];
  const lines = t.startsWith('{') && !t.includes('\n{') ? [t] : t.split(/\r?\n/);
  lines.forEach((line, i) => {
    if (line.trim() === '') return;
    const where = lines.length > 1 ? `${source}:${i + 1}` : source;
    let o: unknown;
    try {
      o = JSON.parse(line);
    } catch {
      throw new Error(`${where}: neither "seq:hash" nor a checkpoint in JSON`);
    }
    const c = asCheckpoint(o);
    if (typeof c === 'string') throw new Error(`${where}: ${c}`);
    out.push({ seq: c.seq, hash: c.hash, ...(c.sig ? { checkpoint: c as Checkpoint } : {}), source: where });
  });
  if (out.length === 0) throw new Error(`${source}: no checkpoint in it`);
  return out;
}

/** A checkpoint read back from JSON (a log line, a file), or what is wrong with it. */
export function asCheckpoint(o: unknown): (Partial<Checkpoint> & { seq: number; hash: string }) | string {
  if (o === null || typeof o !== 'object') return 'not an object';
  const r = o as Record<string, unknown>;
  const inner = r.checkpoint !== undefined && typeof r.checkpoint === 'object' ? (r.checkpoint as Record<string, unknown>) : r;
  if (typeof inner.seq !== 'number' || !Number.isInteger(inner.seq) || inner.seq < 1) return 'seq: expected a whole number from 1';
  if (typeof inner.hash !== 'string' || !HEX64.test(inner.hash)) return 'hash: expected 64 hex digits';
  for (const k of ['origin', 'at', 'reason', 'key', 'keyId', 'sig'] as const) {
    if (inner[k] !== undefined && typeof inner[k] !== 'string') return `${k}: expected a string`;
  }
  return inner as Partial<Checkpoint> & { seq: number; hash: string };
}

/** What the journal says about one checkpoint. */
export type CheckpointStatus =
  | { readonly ref: CheckpointRef; readonly state: 'holds' }
  | { readonly ref: CheckpointRef; readonly state: 'missing'; readonly headSeq: number }
  | { readonly ref: CheckpointRef; readonly state: 'differs'; readonly found: string }
  /** Signed, but not by this installation's key, or the signature does not check. */
  | { readonly ref: CheckpointRef; readonly state: 'bad-signature'; readonly why: string };

export interface CheckpointJudgement {
  readonly ok: boolean;
  /** The first entry that can no longer be trusted, and the range where the change must lie. */
  readonly fromSeq?: number;
  readonly toSeq?: number;
  /** One sentence per finding, for people. */
  readonly findings: readonly string[];
  /** The highest checkpoint that holds, if any. */
  readonly holding?: CheckpointRef;
}

/**
 * Judges the statuses of a set of checkpoints over one journal: a cut tail (the journal ends before
 * a checkpoint's entry) names the first missing entry; a rewritten suffix (an entry no longer has
 * the checkpointed hash) is located between the last checkpoint that still holds and the first
 * that does not.
 */
export function judgeCheckpoints(statuses: readonly CheckpointStatus[]): CheckpointJudgement {
  const findings: string[] = [];
  const sorted = [...statuses].sort((a, b) => a.ref.seq - b.ref.seq);
  const holding = sorted.filter((s) => s.state === 'holds').pop()?.ref;
  let fromSeq: number | undefined;
  let toSeq: number | undefined;
  for (const s of sorted) {
    if (s.state === 'bad-signature') findings.push(`checkpoint of entry ${s.ref.seq} (${s.ref.source}): ${s.why}`);
  }
  const differs = sorted.find((s) => s.state === 'differs');
  if (differs && differs.state === 'differs') {
    const lastGood = sorted.filter((s) => s.state === 'holds' && s.ref.seq < differs.ref.seq).pop()?.ref;
    fromSeq = (lastGood?.seq ?? 0) + 1;
    toSeq = differs.ref.seq;
    findings.push(
      `the journal was rewritten: entry ${differs.ref.seq} no longer has the hash of the checkpoint (${differs.ref.source}${at(differs.ref)}): ${short(differs.ref.hash)} then, ${short(differs.found)} now. ` +
        (lastGood ? `The checkpoint of entry ${lastGood.seq} still holds, so the change lies in entries ${fromSeq} to ${toSeq}; nothing from entry ${fromSeq} on can be trusted.` : `The change lies at or before entry ${toSeq}; no earlier checkpoint narrows it.`),
    );
  }
  const missing = sorted.filter((s) => s.state === 'missing').pop();
  if (missing && missing.state === 'missing') {
    const first = missing.headSeq + 1;
    if (fromSeq === undefined || first < fromSeq) fromSeq = first;
    toSeq = Math.max(toSeq ?? 0, missing.ref.seq);
    findings.push(
      `the journal ends at entry ${missing.headSeq} but a checkpoint (${missing.ref.source}${at(missing.ref)}) covers entry ${missing.ref.seq}: entries ${first} to ${missing.ref.seq} were removed (a cut tail).`,
    );
  }
  const ok = findings.length === 0;
  return { ok, ...(fromSeq === undefined ? {} : { fromSeq }), ...(toSeq === undefined ? {} : { toSeq }), findings, ...(holding ? { holding } : {}) };
}

const short = (h: string): string => `${h.slice(0, 12)}…`;
const at = (r: CheckpointRef): string => (r.checkpoint?.at ? `, signed ${r.checkpoint.at}` : '');

/** The printed block: what goes under a sitrep, a logbook, a backup, and on the police's form. */
export function checkpointLines(c: Checkpoint): string[] {
  return [
    `Signed checkpoint of the crisis journal (${c.reason})`,
    `  entry (seq):      ${c.seq}`,
    `  head hash:        ${c.hash}`,
    `  journal (entry 1): ${c.origin}`,
    `  signed at:        ${c.at}`,
    `  key (ed25519):    ${c.key}`,
    `  key fingerprint:  ${c.keyId}`,
    `  signature:        ${c.sig}`,
    `To check later: crisiscell verify --checkpoint "${c.seq}:${c.hash}"`,
  ];
}
