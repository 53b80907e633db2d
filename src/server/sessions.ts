/**
 * Server-side sessions and the login rate limiter. Sessions live in memory only: a restart logs
 * everyone out, which is acceptable for a crisis cell (log in again) and means no session token is
 * ever written to the evidential journal or to disk.
 */
import { randomBytes, timingSafeEqual } from 'node:crypto';

export interface Session {
  readonly token: string;
  /** Double-submit CSRF token: returned by /api/session, echoed in `x-csrf-token` on every write. */
  readonly csrf: string;
  readonly user: string;
  readonly createdAt: number;
  expiresAt: number;
}

export interface SessionOptions {
  /** Idle lifetime: each use extends it. Default 12 h, one long crisis shift. */
  readonly idleMs?: number;
  /** Absolute lifetime from login. Default 24 h. */
  readonly maxMs?: number;
  readonly now?: () => number;
}

export class SessionStore {
  private readonly sessions = new Map<string, Session>();
  private readonly idleMs: number;
  private readonly maxMs: number;
  readonly now: () => number;

  constructor(opts: SessionOptions = {}) {
    this.idleMs = opts.idleMs ?? 12 * 3600_000;
    this.maxMs = opts.maxMs ?? 24 * 3600_000;
    this.now = opts.now ?? Date.now;
  }

  create(user: string): Session {
    const now = this.now();
    const s: Session = { token: randomBytes(32).toString('base64url'), csrf: randomBytes(24).toString('base64url'), user, createdAt: now, expiresAt: now + this.idleMs };
    this.sessions.set(s.token, s);
    this.sweep(now);
    return s;
  }

  /** The live session for a token, extended; undefined when unknown or expired (and then forgotten). */
  get(token: string | undefined): Session | undefined {
    if (!token) return undefined;
    const s = this.sessions.get(token);
    if (!s) return undefined;
    const now = this.now();
    if (now >= s.expiresAt || now >= s.createdAt + this.maxMs) {
      this.sessions.delete(token);
      return undefined;
    }
    s.expiresAt = Math.min(now + this.idleMs, s.createdAt + this.maxMs);
    return s;
  }

  delete(token: string | undefined): void {
    if (token) this.sessions.delete(token);
  }

  /** Ends every session of a user (disabled account). */
  deleteUser(user: string): void {
    for (const [k, s] of this.sessions) if (s.user === user) this.sessions.delete(k);
  }

  /** Forces a session to expire; tests use it for the expired-session case. */
  expire(token: string): void {
    const s = this.sessions.get(token);
    if (s) s.expiresAt = 0;
  }

  get size(): number {
    return this.sessions.size;
  }

  private sweep(now: number): void {
    if (this.sessions.size < 1000) return;
    for (const [k, s] of this.sessions) if (now >= s.expiresAt) this.sessions.delete(k);
  }
}

/** Constant-time string comparison for tokens. */
export function sameToken(a: string | undefined, b: string): boolean {
  if (typeof a !== 'string') return false;
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

/**
 * Counts failed logins in a sliding window, per key (an IP, an account). Only failures count, so
 * a cell member who types the password right is never locked out by someone else's attempts on
 * another account from another laptop; an attacker guessing one account is stopped by the
 * per-account limit whatever the number of addresses.
 */
export class FailureLimiter {
  private readonly failures = new Map<string, number[]>();

  constructor(
    private readonly max: number,
    private readonly windowMs: number,
    private readonly now: () => number = Date.now,
  ) {}

  /** Seconds until the key may try again, or 0 when it may now. */
  retryAfter(key: string): number {
    const list = this.prune(key);
    if (list.length < this.max) return 0;
    const oldest = list[0] ?? this.now();
    return Math.max(1, Math.ceil((oldest + this.windowMs - this.now()) / 1000));
  }

  fail(key: string): void {
    const list = this.prune(key);
    list.push(this.now());
    this.failures.set(key, list);
    if (this.failures.size > 10_000) {
      for (const k of this.failures.keys()) {
        if (this.prune(k).length === 0) this.failures.delete(k);
      }
    }
  }

  reset(key: string): void {
    this.failures.delete(key);
  }

  private prune(key: string): number[] {
    const list = this.failures.get(key) ?? [];
    const from = this.now() - this.windowMs;
    while (list.length > 0 && (list[0] ?? 0) <= from) list.shift();
    return list;
  }
}
