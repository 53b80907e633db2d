/**
 * One error class for the whole product. Expected outcomes (invalid input, an infeasible plan) are
 * returned as values where a caller can act on them; a CrisisError is thrown when the operation
 * cannot go on. The code decides the HTTP status and the CLI exit code (see codeToExit / codeToHttp).
 */
import type { Lang, MessageKey, Params, Say } from './i18n/index.ts';
import { say as sayIn, t } from './i18n/index.ts';

export type ErrorCode =
  | 'invalid-input' // the request or a file is malformed; `details` lists every problem
  | 'not-found' // an id that does not exist
  | 'conflict' // optimistic concurrency: the journal moved under us
  | 'forbidden' // the actor's role may not do this
  | 'unauthenticated'
  | 'not-initialised' // no crisis journal in this database yet
  | 'already-exists'
  | 'journal-corrupt' // a stored entry cannot be read (bad JSON, unknown kind, broken chain)
  | 'store-unavailable' // the database cannot be reached or opened
  | 'io'; // a file could not be read or written

/** One problem, located: `file:line: column: message` when printed. */
export interface Problem {
  readonly file?: string;
  readonly line?: number;
  readonly column?: string;
  /** A JSON path or field name for API input. */
  readonly path?: string;
  /** In English (logs, the CLI's default). */
  readonly message: string;
  /** The same message as a catalogue key, so the API and the CLI can say it in the reader's language. */
  readonly say?: Say;
}

export function formatProblem(p: Problem): string {
  const where = [p.file, p.line === undefined ? undefined : String(p.line)].filter((x) => x !== undefined).join(':');
  const col = p.column ?? p.path;
  return [where, col, p.message].filter((x) => x !== undefined && x !== '').join(': ');
}

export class CrisisError extends Error {
  readonly code: ErrorCode;
  readonly details: readonly Problem[];
  /** Journal sequence number concerned, when there is one. */
  readonly seq: number | undefined;
  /** The message as a catalogue key and parameters (`message` is its English form). */
  readonly say: Say | undefined;

  constructor(code: ErrorCode, message: string, opts: { details?: readonly Problem[]; seq?: number; cause?: unknown; say?: Say } = {}) {
    super(message, opts.cause === undefined ? undefined : { cause: opts.cause });
    this.name = 'CrisisError';
    this.code = code;
    this.details = opts.details ?? [];
    this.seq = opts.seq;
    this.say = opts.say;
  }
}

/**
 * A CrisisError whose message comes from the catalogue: English in `message`, the key kept so the
 * reader gets it in French or Dutch. `path` names the field concerned (a detail with the same
 * message). Times in `params` should be ISO with the crisis's offset: they read the same in every
 * language.
 */
export function sayError(code: ErrorCode, key: MessageKey, params: Params = {}, opts: { path?: string; details?: readonly Problem[]; seq?: number; cause?: unknown } = {}): CrisisError {
  const message = t('en', key, params);
  const s: Say = { key, params };
  const details = opts.details ?? (opts.path === undefined ? [] : [{ path: opts.path, message, say: s }]);
  return new CrisisError(code, message, { details, say: s, ...(opts.seq === undefined ? {} : { seq: opts.seq }), ...(opts.cause === undefined ? {} : { cause: opts.cause }) });
}

/** A problem in the reader's language (its English message when it has no catalogue key). */
export function problemIn(lang: Lang, p: Problem): Problem {
  return p.say === undefined ? p : { ...p, message: sayIn(lang, p.say) };
}

/**
 * The error's message in `lang`: its own catalogue message, else the one of its code (and the
 * English message, which is never thrown away: it may be all there is to act on).
 */
export function errorMessageIn(lang: Lang, e: CrisisError): string {
  // A validation error is the list of its fields, each in the reader's language.
  if (e.say?.key === 'error.fields') return e.details.map((d) => t(lang, 'error.field', { path: d.path ?? '', message: problemIn(lang, d).message })).join(t(lang, 'punct.sep'));
  if (e.say !== undefined) return sayIn(lang, e.say);
  if (lang === 'en') return e.message;
  return t(lang, 'error.untranslated', { what: t(lang, `error.code.${e.code}`), message: e.message });
}

export function isCrisisError(e: unknown): e is CrisisError {
  return e instanceof CrisisError;
}

/** CLI exit code per error code: 1 for a failed check/conflict, 2 for bad usage or input, 3 for infrastructure. */
export const codeToExit: Readonly<Record<ErrorCode, number>> = {
  'invalid-input': 2,
  'not-found': 2,
  conflict: 1,
  forbidden: 4,
  unauthenticated: 4,
  'not-initialised': 2,
  'already-exists': 2,
  'journal-corrupt': 1,
  'store-unavailable': 3,
  io: 3,
};

/**
 * Exit codes of runs that went to the end but must say something short of "all done" (0). Beside
 * codeToExit so that every exit code of the CLI is in this file; the main help lists them.
 */
export const outcomeToExit = {
  /** evtx dump, hunt: every input that could be read was; the others are listed at the end. */
  'completed-with-unreadable-inputs': 5,
} as const;
export type Outcome = keyof typeof outcomeToExit;

/** HTTP status per error code; anything that is not a CrisisError is a plain 500. */
export const codeToHttp: Readonly<Record<ErrorCode, number>> = {
  'invalid-input': 400,
  'not-found': 404,
  conflict: 409,
  forbidden: 403,
  unauthenticated: 401,
  'not-initialised': 409,
  'already-exists': 409,
  'journal-corrupt': 500,
  'store-unavailable': 503,
  io: 500,
};
