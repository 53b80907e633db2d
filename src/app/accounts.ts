/**
 * Account management, for the HTTP API and the `crisiscell user` CLI alike: argon2id hashing, the
 * input schemas, and the writes (through CrisisApp.write, so the permission check, the actor, the
 * clock and the optimistic-concurrency retry are the app's own). The server keeps only sessions
 * and cookies.
 */
import { hash, verify } from '@node-rs/argon2';
import { z } from 'zod';
import type { CrisisApp } from './crisis-app.ts';
import type { Actor, Role } from './permissions.ts';
import { ROLES } from './permissions.ts';
import { validate, vmsg } from './validate.ts';
import type { UserAccount } from '../core/accounts.ts';
import { USER_NAME_PATTERN } from '../core/accounts.ts';
import { CrisisError, sayError } from '../core/errors.ts';
import type { MessageKey } from '../core/i18n/index.ts';

/** OWASP's argon2id baseline (19 MiB, 2 passes): ~30 ms here, slow enough for offline guessing. */
// 2 is Algorithm.Argon2id: the package exports it as an ambient const enum, unusable under verbatimModuleSyntax.
const ARGON2 = { algorithm: 2, memoryCost: 19456, timeCost: 2, parallelism: 1 } as const;

const reason = z.string().trim().min(3, vmsg('v.reason')).max(2000);
export const userName = z.string().trim().regex(USER_NAME_PATTERN, vmsg('v.userName'));
export const roleSchema = z.enum(ROLES);

const password = z.string().min(10, vmsg('v.password')).max(256);
export const userAddInput = z.object({
  name: userName,
  role: roleSchema,
  password,
});
export const passwordSetInput = z.object({ password, reason: z.string().trim().max(2000).optional() });
export const ownPasswordInput = z.object({ current: z.string().min(1).max(256), password });
export const userRoleInput = z.object({ role: roleSchema, reason });
export const userDisableInput = z.object({ reason });
export const loginInput = z.object({ name: z.string().trim().min(1).max(40), password: z.string().min(1).max(256) });

export interface PublicUser {
  readonly name: string;
  readonly role: string;
  readonly disabled: boolean;
  readonly addedAt: string;
  readonly addedBy: string;
}

export function publicUser(u: UserAccount): PublicUser {
  return { name: u.name, role: u.role, disabled: u.disabled, addedAt: u.addedAt, addedBy: u.addedBy };
}

export function hashPassword(password: string): Promise<string> {
  return hash(password, ARGON2);
}

// Verified against when the name is unknown, so a wrong name costs as long as a wrong password
// and the timing does not tell which accounts exist.
let dummyHash: Promise<string> | undefined;

/** The enabled account whose password this is, or undefined. */
export async function authenticate(app: CrisisApp, name: string, password: string): Promise<UserAccount | undefined> {
  await app.sync();
  const u = app.liveProjection.users.get(name.trim().toLowerCase());
  if (!u || u.disabled) {
    dummyHash ??= hashPassword('not-a-password-anyone-has');
    await verify(await dummyHash, password).catch(() => false);
    return undefined;
  }
  const stored = await app.store.getCredential(u.name);
  if (stored === undefined) {
    // An account whose credential is missing (a journal imported without its credential table):
    // nobody can log in as it until an admin sets a password again.
    dummyHash ??= hashPassword('not-a-password-anyone-has');
    await verify(await dummyHash, password).catch(() => false);
    return undefined;
  }
  const ok = await verify(stored, password).catch(() => false);
  return ok ? u : undefined;
}

/** The account behind a session, if it still exists, is enabled and has a known role. */
export function currentActor(app: CrisisApp, name: string): Actor | undefined {
  const u = app.liveProjection.users.get(name);
  if (!u || u.disabled || !(ROLES as readonly string[]).includes(u.role)) return undefined;
  return { name: u.name, role: u.role as Role };
}

type Zxcvbn = { check(password: string, userInputs?: string[]): Promise<{ score: number; feedback: { warning: string | null; suggestions: string[] } }> };
let zxcvbn: Promise<Zxcvbn> | undefined;

/**
 * zxcvbn-ts with the common-password list and the English and French dictionaries, loaded on
 * the first password set (about 0.2 s; logins never need it). Everything is in the package: no
 * network, no list fetched at run time.
 */
function strengthMeter(): Promise<Zxcvbn> {
  zxcvbn ??= (async () => {
    const [{ ZxcvbnFactory }, common, en, fr] = await Promise.all([import('@zxcvbn-ts/core'), import('@zxcvbn-ts/language-common'), import('@zxcvbn-ts/language-en'), import('@zxcvbn-ts/language-fr')]);
    return new ZxcvbnFactory({ dictionary: { ...common.dictionary, ...en.dictionary, ...fr.dictionary }, graphs: common.adjacencyGraphs, translations: en.translations }) as unknown as Zxcvbn;
  })();
  return zxcvbn;
}

/** zxcvbn scores 0..4; 2 means it takes a million guesses or more, far beyond what the login limits let through. */
const MIN_SCORE = 2;

/**
 * Refuses common and trivial passwords (a known password, a keyboard row, `aaaaaaaaaa`, the
 * account's own name, the product's name) with a message that says why and what to do instead.
 */
export async function checkPasswordStrength(password: string, context: readonly string[]): Promise<void> {
  const meter = await strengthMeter();
  const r = await meter.check(password, ['crisiscell', 'crisis', 'cockpit', ...context.filter((c) => c.length > 0)]);
  if (r.score >= MIN_SCORE) return;
  const why = r.feedback.warning ?? 'This password is too easy to guess.';
  const message = `too easy to guess: ${why} Use a longer phrase of a few uncommon words, or a password manager's.`;
  throw new CrisisError('invalid-input', `password: ${message}`, { details: [{ path: 'password', message }] });
}

export async function addUser(app: CrisisApp, actor: Actor, input: unknown): Promise<PublicUser> {
  const v = validate(userAddInput, input);
  await checkPasswordStrength(v.password, [v.name, app.state.crisis?.name ?? '', app.state.crisis?.organisation ?? '']);
  // Hash before taking the write path: argon2 takes tens of ms and must not widen the retry window.
  const passwordHash = await hashPassword(v.password);
  await app.write(actor, 'user.manage', (s) => {
    const u = s.users?.get(v.name);
    if (u && !u.disabled) throw sayError('already-exists', 'err.accountExists', { name: v.name, role: { key: `role.${u.role}` as MessageKey } }, { path: 'name' });
    return [app.makeDraft(actor, 'user.added', { name: v.name, role: v.role })];
  });
  // The entry first, then the credential: the journal decides who won a race between two admins
  // adding the same name, and only the winner's password is stored. If storing fails, the account
  // exists but nobody can log in to it (authenticate finds no credential) until it is re-added.
  try {
    await app.store.setCredential(v.name, passwordHash);
  } catch (e) {
    throw new CrisisError('store-unavailable', `the account ${v.name} was recorded but its password could not be stored; disable it and add it again`, { cause: e });
  }
  const u = app.liveProjection.users.get(v.name);
  if (!u) throw new Error('user.added was not folded');
  return publicUser(u);
}

function existing(app: CrisisApp, name: string): UserAccount {
  const u = app.liveProjection.users.get(name);
  if (!u) throw sayError('not-found', 'err.noAccount', { name }, { path: 'name' });
  return u;
}

/** Refuses a change that would leave no enabled admin: nobody could manage accounts from the web any more. */
function keepOneAdmin(app: CrisisApp, name: string): void {
  const admins = [...app.liveProjection.users.values()].filter((u) => u.role === 'admin' && !u.disabled);
  if (admins.length === 1 && admins[0]?.name === name) throw sayError('conflict', 'err.lastAdmin', { name });
}

export async function changeRole(app: CrisisApp, actor: Actor, name: string, input: unknown): Promise<PublicUser> {
  const v = validate(userRoleInput, input);
  await app.write(actor, 'user.manage', () => {
    const u = existing(app, name);
    if (u.role === 'admin' && v.role !== 'admin') keepOneAdmin(app, name);
    return [app.makeDraft(actor, 'user.role-changed', { name: u.name, role: v.role, reason: v.reason })];
  });
  return publicUser(existing(app, name));
}

export async function disableUser(app: CrisisApp, actor: Actor, name: string, input: unknown): Promise<PublicUser> {
  const v = validate(userDisableInput, input);
  await app.write(actor, 'user.manage', () => {
    const u = existing(app, name);
    if (u.disabled) throw sayError('conflict', 'err.alreadyDisabled', { name });
    if (u.role === 'admin') keepOneAdmin(app, name);
    return [app.makeDraft(actor, 'user.disabled', { name: u.name, reason: v.reason })];
  });
  return publicUser(existing(app, name));
}

/**
 * Sets a new password (an admin for anyone, from the API or the CLI). The journal records that it
 * changed (`user.password-changed`, never the hash); every session of the account then ends, on
 * every instance that folds the entry.
 */
export async function setPassword(app: CrisisApp, actor: Actor, name: string, input: unknown): Promise<PublicUser> {
  const v = validate(passwordSetInput, input);
  const u = existing(app, name);
  await checkPasswordStrength(v.password, [u.name, app.state.crisis?.name ?? '', app.state.crisis?.organisation ?? '']);
  const passwordHash = await hashPassword(v.password);
  // The credential first, then the entry: the entry is what ends the sessions, and it must not be
  // there while the old password still works.
  await app.store.setCredential(u.name, passwordHash);
  await app.write(actor, 'user.manage', () => {
    const now = existing(app, name);
    if (now.disabled) throw new CrisisError('conflict', `${name} is disabled; add the account again to re-enable it`);
    return [app.makeDraft(actor, 'user.password-changed', { name: now.name, ...(v.reason ? { reason: v.reason } : {}) })];
  });
  return publicUser(existing(app, name));
}

/** A user changes their own password, proving the current one. */
export async function changeOwnPassword(app: CrisisApp, actor: Actor, input: unknown): Promise<PublicUser> {
  const v = validate(ownPasswordInput, input);
  const u = await authenticate(app, actor.name, v.current);
  if (!u) throw new CrisisError('unauthenticated', 'the current password is wrong', { details: [{ path: 'current', message: 'wrong password' }] });
  await checkPasswordStrength(v.password, [u.name, app.state.crisis?.name ?? '', app.state.crisis?.organisation ?? '']);
  const passwordHash = await hashPassword(v.password);
  await app.store.setCredential(u.name, passwordHash);
  await app.write(actor, 'password.change', () => [app.makeDraft(actor, 'user.password-changed', { name: u.name, reason: 'changed by the user' })]);
  return publicUser(existing(app, u.name));
}

export function listUsers(app: CrisisApp): PublicUser[] {
  return [...app.liveProjection.users.values()].map(publicUser).sort((a, b) => a.name.localeCompare(b.name));
}

/** An account to create with a known password (the demo's, or a test's). */
export interface AccountSpec {
  readonly name: string;
  /** Checked against the role list like any input. */
  readonly role: string;
  readonly password: string;
}

/** Writes the accounts that do not exist yet (one entry each), as `actor` (an admin); returns those added. */
export async function addMissingAccounts(app: CrisisApp, actor: Actor, accounts: readonly AccountSpec[]): Promise<readonly AccountSpec[]> {
  await app.sync();
  const added: AccountSpec[] = [];
  for (const a of accounts) {
    if (app.liveProjection.users.has(a.name)) continue;
    await addUser(app, actor, a);
    added.push(a);
  }
  return added;
}
