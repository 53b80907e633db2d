/**
 * The installation's signing key and its log of checkpoints (src/core/checkpoint.ts says what a
 * checkpoint is). Both live beside the database, never in the journal: the journal is what leaves
 * the building, the key must not, and the log is the server's high-water mark — kept outside the
 * database so that someone who can only reach the database cannot hide a cut tail.
 *
 * ed25519 through node:crypto (no library needed). The key is a PKCS#8 PEM file, mode 0600,
 * created at `init` or on first need; the log is JSON lines, one signed checkpoint per line.
 */
import { createHash, createPrivateKey, createPublicKey, generateKeyPairSync, sign, verify } from 'node:crypto';
import type { KeyObject } from 'node:crypto';
import { appendFileSync, chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import type { Checkpoint, CheckpointBody } from '../core/checkpoint.ts';
import { asCheckpoint, checkpointMessage } from '../core/checkpoint.ts';
import { CrisisError } from '../core/errors.ts';

/** Where the key and the log are; undefined: kept in memory only (a `:memory:` database, tests). */
export interface Keyring {
  readonly keyFile: string | undefined;
  readonly logFile: string | undefined;
}

/** The raw 32 bytes of an ed25519 public key, base64 (what a checkpoint carries). */
function rawPublic(pub: KeyObject): string {
  const jwk = pub.export({ format: 'jwk' }) as { x?: string };
  return Buffer.from(jwk.x ?? '', 'base64url').toString('base64');
}

export function keyIdOf(rawBase64: string): string {
  return createHash('sha256').update(Buffer.from(rawBase64, 'base64')).digest('hex').slice(0, 16);
}

/** Checks a checkpoint's signature against the public key it carries; true when it holds. */
export function signatureHolds(c: Checkpoint): boolean {
  try {
    const pub = createPublicKey({ key: { kty: 'OKP', crv: 'Ed25519', x: Buffer.from(c.key, 'base64').toString('base64url') }, format: 'jwk' });
    return keyIdOf(c.key) === c.keyId && verify(null, Buffer.from(checkpointMessage(c), 'utf8'), pub, Buffer.from(c.sig, 'base64'));
  } catch {
    return false;
  }
}

export class CheckpointKeeper {
  private privateKey: KeyObject | undefined;
  private readonly memoryLog: Checkpoint[] = [];

  constructor(readonly keyring: Keyring) {}

  /** Whether a key exists yet (no key: nothing was ever signed here). */
  hasKey(): boolean {
    return this.privateKey !== undefined || (this.keyring.keyFile !== undefined && existsSync(this.keyring.keyFile));
  }

  /** Loads the key, creating it (0600) when there is none. */
  ensureKey(): KeyObject {
    if (this.privateKey) return this.privateKey;
    const file = this.keyring.keyFile;
    if (file !== undefined && existsSync(file)) {
      try {
        this.privateKey = createPrivateKey(readFileSync(file, 'utf8'));
      } catch (cause) {
        throw new CrisisError('io', `cannot read the signing key ${file}: ${(cause as Error).message}`, { cause });
      }
      if (this.privateKey.asymmetricKeyType !== 'ed25519') throw new CrisisError('io', `${file} is not an ed25519 key`);
      return this.privateKey;
    }
    const { privateKey } = generateKeyPairSync('ed25519');
    if (file !== undefined) {
      try {
        mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
        // wx: never overwrite a key another process has just written.
        writeFileSync(file, privateKey.export({ format: 'pem', type: 'pkcs8' }), { mode: 0o600, flag: 'wx' });
        chmodSync(file, 0o600);
      } catch (cause) {
        if ((cause as NodeJS.ErrnoException).code === 'EEXIST') return this.ensureKey();
        throw new CrisisError('io', `cannot write the signing key ${file}: ${(cause as Error).message}`, { cause });
      }
    }
    this.privateKey = privateKey;
    return privateKey;
  }

  /** The public key (raw, base64) and its fingerprint, when a key exists. */
  publicKey(): { key: string; keyId: string } | undefined {
    if (!this.hasKey()) return undefined;
    const key = rawPublic(createPublicKey(this.ensureKey()));
    return { key, keyId: keyIdOf(key) };
  }

  /** Signs a checkpoint of (seq, hash) and writes it to the log. */
  sign(fields: Omit<CheckpointBody, 'v' | 'key'>): Checkpoint {
    const priv = this.ensureKey();
    const key = rawPublic(createPublicKey(priv));
    const body: CheckpointBody = { v: 1, seq: fields.seq, hash: fields.hash, origin: fields.origin, at: fields.at, reason: fields.reason, key };
    const sig = sign(null, Buffer.from(checkpointMessage(body), 'utf8'), priv).toString('base64');
    const c: Checkpoint = { ...body, keyId: keyIdOf(key), sig };
    this.record(c);
    return c;
  }

  private record(c: Checkpoint): void {
    const file = this.keyring.logFile;
    if (file === undefined) {
      this.memoryLog.push(c);
      return;
    }
    try {
      mkdirSync(dirname(file), { recursive: true });
      // One short line with O_APPEND: the CLI and the server beside the same database may both write.
      appendFileSync(file, `${JSON.stringify(c)}\n`, { mode: 0o600 });
    } catch (cause) {
      throw new CrisisError('io', `cannot write the checkpoint log ${file}: ${(cause as Error).message}`, { cause });
    }
  }

  /** Every checkpoint in the log whose signature holds, oldest first; unreadable lines are skipped. */
  all(): Checkpoint[] {
    const file = this.keyring.logFile;
    if (file === undefined || !existsSync(file)) return [...this.memoryLog];
    const out: Checkpoint[] = [];
    for (const line of readFileSync(file, 'utf8').split('\n')) {
      if (line.trim() === '') continue;
      try {
        const c = asCheckpoint(JSON.parse(line));
        if (typeof c !== 'string' && typeof c.sig === 'string' && signatureHolds(c as Checkpoint)) out.push(c as Checkpoint);
      } catch {
        // A torn last line (a crash mid-write) is not a checkpoint.
      }
    }
    return out;
  }

  /** The high-water mark: the checkpoint of the highest entry. */
  last(): Checkpoint | undefined {
    let best: Checkpoint | undefined;
    for (const c of this.all()) if (!best || c.seq > best.seq || (c.seq === best.seq && c.at > best.at)) best = c;
    return best;
  }
}
