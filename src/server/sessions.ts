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
  /**
   * The seq of the entry that last changed the account when the session began. Any later change
   * (role, disable, password) ends the session, whichever process or instance wrote it.
   */
  readonly userSeq: number;
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

  create(user: string, userSeq: number): Session {
    const now = this.now();
    const s: Session = { token: randomBytes(32).toString('base64url'), csrf: randomBytes(24).toString('base64url'), user, userSeq, createdAt: now, expiresAt: now + this.idleMs };
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
    if (!token) return;
    this.sessions.delete(token);
    for (const l of this.listeners) l(token);
  }

  /** Whether the session is live, without extending it (the live stream checks this). */
  isLive(token: string): boolean {
    const s = this.sessions.get(token);
    if (!s) return false;
    const now = this.now();
    return now < s.expiresAt && now < s.createdAt + this.maxMs;
  }

  private readonly listeners = new Set<(token: string) => void>();

  /** Called with the token of every session that ends by logout or revocation (live streams close). */
  onEnd(listener: (token: string) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Ends every session of a user (disabled account). */
  deleteUser(user: string): void {
    for (const [k, s] of this.sessions) if (s.user === user) this.delete(k);
  }

  /** Ends the sessions whose account changed since they began (`valid` says which still hold). */
  revokeWhere(stale: (s: Session) => boolean): number {
    let n = 0;
    for (const [k, s] of this.sessions) {
      if (stale(s)) {
        this.delete(k);
        n++;
      }
    }
    return n;
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

/** Limits of the login guard; the defaults are what `createCockpit` uses. */
export interface LoginLimits {
  /** Failed (or pending) logins per source address in `windowMs` before that address is refused. Default 20. */
  readonly perIp?: number;
  readonly windowMs?: number;
  /** Failures per account and address before each next try waits (1 s, 2 s, 4 s ... `maxDelayMs`). Default 3. */
  readonly freeTries?: number;
  /** Longest wait between two tries of one account from one address. Default 15 min. */
  readonly maxDelayMs?: number;
  /** The first wait after the free tries, doubled at each further failure. Default 1 s. */
  readonly baseDelayMs?: number;
  readonly now?: () => number;
}

/** A reserved login attempt: say how it ended. */
export interface LoginTicket {
  succeeded(): void;
  failed(): void;
}

interface PairState {
  failures: number;
  /** When the last try (pending or failed) was made. */
  last: number;
}

/**
 * Login limiting that holds under concurrency: every attempt is reserved (counted as a failure)
 * before the password is checked, in the same tick as the limit is read, so fifty parallel guesses
 * see each other; a success gives its reservation back.
 *
 * Two keys, so that guessing someone's password never locks that person out:
 * - per source address: `perIp` failures in `windowMs` and the address is refused (the lock is on
 *   the source, not on the account);
 * - per account and address: after `freeTries` failures each further try must wait twice as long as
 *   the one before (1 s, 2 s, 4 s ... up to `maxDelayMs`). The owner at another address has a
 *   counter of their own and logs in as usual.
 */
export class LoginGuard {
  private readonly ipFailures = new Map<string, number[]>();
  private readonly pairs = new Map<string, PairState>();
  private readonly perIp: number;
  private readonly windowMs: number;
  private readonly freeTries: number;
  private readonly maxDelayMs: number;
  private readonly baseDelayMs: number;
  private readonly now: () => number;

  constructor(limits: LoginLimits = {}) {
    this.perIp = limits.perIp ?? 20;
    this.windowMs = limits.windowMs ?? 10 * 60_000;
    this.freeTries = limits.freeTries ?? 3;
    this.maxDelayMs = limits.maxDelayMs ?? 15 * 60_000;
    this.baseDelayMs = limits.baseDelayMs ?? 1000;
    this.now = limits.now ?? Date.now;
  }

  /**
   * Reserves an attempt, or says how many seconds to wait. Synchronous on purpose: the check and
   * the reservation happen in one tick, whatever else is in flight.
   */
  reserve(ip: string, account: string): { readonly ticket: LoginTicket } | { readonly retryAfter: number } {
    const now = this.now();
    const ipList = this.pruneIp(ip, now);
    if (ipList.length >= this.perIp) {
      const oldest = ipList[0] ?? now;
      return { retryAfter: Math.max(1, Math.ceil((oldest + this.windowMs - now) / 1000)) };
    }
    const key = `${account}\u0000${ip}`;
    const pair = this.pairs.get(key) ?? { failures: 0, last: 0 };
    const wait = pair.last + this.delayAfter(pair.failures) - now;
    if (wait > 0) return { retryAfter: Math.max(1, Math.ceil(wait / 1000)) };
    pair.failures++;
    pair.last = now;
    this.pairs.set(key, pair);
    ipList.push(now);
    this.ipFailures.set(ip, ipList);
    this.sweep(now);
    let settled = false;
    return {
      ticket: {
        succeeded: () => {
          if (settled) return;
          settled = true;
          this.pairs.delete(key);
          const list = this.ipFailures.get(ip);
          const i = list?.indexOf(now) ?? -1;
          if (list && i >= 0) list.splice(i, 1);
        },
        failed: () => {
          if (settled) return;
          settled = true;
          pair.last = Math.max(pair.last, this.now());
        },
      },
    };
  }

  /** How long after the last try the next one may come, given the failures so far. */
  private delayAfter(failures: number): number {
    if (failures < this.freeTries) return 0;
    return Math.min(this.maxDelayMs, this.baseDelayMs * 2 ** (failures - this.freeTries));
  }

  private pruneIp(ip: string, now: number): number[] {
    const list = this.ipFailures.get(ip) ?? [];
    const from = now - this.windowMs;
    while (list.length > 0 && (list[0] ?? 0) <= from) list.shift();
    return list;
  }

  /** Forgets what no longer matters, so a spray of names or addresses cannot grow memory for ever. */
  private sweep(now: number): void {
    if (this.pairs.size > 10_000) {
      for (const [k, p] of this.pairs) if (now - p.last > Math.max(this.windowMs, this.maxDelayMs)) this.pairs.delete(k);
    }
    if (this.ipFailures.size > 10_000) {
      for (const k of this.ipFailures.keys()) if (this.pruneIp(k, now).length === 0) this.ipFailures.delete(k);
    }
  }
}
