/**
 * Small HTTP helpers over node:http: bounded JSON bodies, JSON errors, security headers.
 * Every error a client sees is `{error: {code, message, path?, details?}}`; nothing else leaks
 * (no stack, no SQL, no file path): unknown errors become a plain 500 `internal`.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { codeToHttp, CrisisError, errorMessageIn, problemIn } from '../core/errors.ts';
import type { Lang, Say } from '../core/i18n/index.ts';
import { say, t } from '../core/i18n/index.ts';

/** Error codes the HTTP layer adds to the domain's (codeToHttp covers those). */
export type HttpOnlyCode = 'payload-too-large' | 'unsupported-media-type' | 'method-not-allowed' | 'too-many-requests' | 'request-timeout' | 'internal';

export class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly code: HttpOnlyCode | CrisisError['code'],
    message: string,
    readonly headers: Record<string, string> = {},
    /** The message as a catalogue key, so the client reads it in its language. */
    readonly say?: Say,
  ) {
    super(message);
  }
}

/** An HttpError whose message comes from the catalogue (English in `message`). */
export function httpError(status: number, code: HttpOnlyCode | CrisisError['code'], s: Say, headers: Record<string, string> = {}): HttpError {
  return new HttpError(status, code, say('en', s), headers, s);
}

/** Default body limit; routes may raise it (estate import). */
export const DEFAULT_BODY_LIMIT = 1024 * 1024;

/**
 * Headers sent with every response. The CSP allows nothing inline and nothing from elsewhere:
 * the UI is one bundled script and one stylesheet served by this process, and a crisis network
 * may be cut from the internet anyway. `connect-src 'self'` covers fetch and EventSource.
 */
export const SECURITY_HEADERS: Readonly<Record<string, string>> = {
  'content-security-policy':
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'",
  'x-content-type-options': 'nosniff',
  'x-frame-options': 'DENY',
  'referrer-policy': 'no-referrer',
  'cross-origin-opener-policy': 'same-origin',
  'cross-origin-resource-policy': 'same-origin',
  'permissions-policy': 'camera=(), microphone=(), geolocation=()',
};

export function applySecurityHeaders(res: ServerResponse): void {
  for (const [k, v] of Object.entries(SECURITY_HEADERS)) res.setHeader(k, v);
}

export function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store', 'content-length': Buffer.byteLength(text), ...headers });
  res.end(text);
}

export interface ErrorBody {
  readonly error: { readonly code: string; readonly message: string; readonly path?: string; readonly details?: readonly { path?: string; message: string }[] };
}

/**
 * Maps anything thrown to a status and a body a client may see, in the client's language: the
 * error's own catalogue message (else its code's, with the English text), every detail kept.
 */
export function errorResponse(e: unknown, lang: Lang = 'en'): { status: number; body: ErrorBody; headers: Record<string, string> } {
  if (e instanceof HttpError) return { status: e.status, body: { error: { code: e.code, message: e.say ? say(lang, e.say) : lang === 'en' ? e.message : t(lang, 'error.untranslated', { what: t(lang, `error.code.${e.code}`), message: e.message }) } }, headers: e.headers };
  if (e instanceof CrisisError) {
    const details = e.details.slice(0, 100).map((d) => ({ ...(d.path === undefined ? {} : { path: d.path }), message: problemIn(lang, d).message }));
    const path = e.details.find((d) => d.path !== undefined)?.path;
    // Infrastructure errors say their code only: their message may name files, hosts or SQL.
    const hidden = e.code === 'journal-corrupt' || e.code === 'io' || e.code === 'store-unavailable';
    return {
      status: codeToHttp[e.code],
      body: { error: { code: e.code, message: hidden ? t(lang, `error.code.${e.code}`) : errorMessageIn(lang, e), ...(path === undefined ? {} : { path }), ...(details.length ? { details } : {}) } },
      headers: {},
    };
  }
  return { status: 500, body: { error: { code: 'internal', message: t(lang, 'error.code.internal') } }, headers: {} };
}

export function sendError(res: ServerResponse, e: unknown, lang: Lang = 'en'): void {
  const { status, body, headers } = errorResponse(e, lang);
  if (res.headersSent) {
    res.destroy();
    return;
  }
  sendJson(res, status, body, headers);
}

/**
 * Reads a JSON body: 415 unless the content type is application/json (which also means a
 * cross-site HTML form cannot send it without a CORS preflight this server never grants),
 * 413 past `limit` bytes (counted as they arrive, so a huge body is cut early), 400 when malformed.
 */
export async function readJsonBody(req: IncomingMessage, limit = DEFAULT_BODY_LIMIT, idleMs = BODY_IDLE_MS): Promise<unknown> {
  const type = (req.headers['content-type'] ?? '').split(';')[0]?.trim().toLowerCase();
  const declared = Number(req.headers['content-length'] ?? NaN);
  if (Number.isFinite(declared) && declared > limit) {
    throw httpError(413, 'payload-too-large', { key: 'err.bodyTooLarge', params: { n: limit } }, { connection: 'close' });
  }
  if (type !== 'application/json') {
    // An empty body without a type is a body-less POST (logout, lift): treat as {}.
    if (type === '' && (declared === 0 || (Number.isNaN(declared) && req.headers['transfer-encoding'] === undefined))) return {};
    throw httpError(415, 'unsupported-media-type', { key: 'err.sendJson' });
  }
  const body = await readBody(req, limit, idleMs);
  let text: string;
  try {
    text = STRICT_UTF8.decode(body);
  } catch {
    // Decoding leniently would store U+FFFD in place of what was sent: refuse instead.
    throw new HttpError(400, 'invalid-input', 'the body is not valid UTF-8');
  }
  if (text.trim() === '') return {};
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw httpError(400, 'invalid-input', { key: 'v.notJson' });
  }
}

const STRICT_UTF8 = new TextDecoder('utf-8', { fatal: true });

/** A body that sends nothing for this long is cut (a stalled upload must not hold a socket forever). */
export const BODY_IDLE_MS = 10_000;

/**
 * Reads the whole body, up to `limit` bytes, failing with 408 when nothing arrives for `idleMs`
 * (the socket is then closed: a client that stalls mid-body gets nothing more from us).
 */
function readBody(req: IncomingMessage, limit: number, idleMs: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let timer: NodeJS.Timeout | undefined;
    const done = (err: unknown, value?: Buffer): void => {
      if (timer) clearTimeout(timer);
      req.off('data', onData);
      req.off('end', onEnd);
      req.off('error', onError);
      req.off('aborted', onAborted);
      if (err !== undefined) reject(err);
      else resolve(value ?? Buffer.alloc(0));
    };
    const arm = (): void => {
      if (timer) clearTimeout(timer);
      timer = setTimeout(() => {
        // Answered 408 with `connection: close` by the error path; the socket goes with it, and
        // is destroyed after a second should the answer not get out.
        done(new HttpError(408, 'request-timeout', `the request body stalled for ${Math.round(idleMs / 1000)} s`, { connection: 'close' }));
        setTimeout(() => req.socket.destroy(), 1000).unref();
      }, idleMs);
    };
    const onData = (chunk: Buffer): void => {
      size += chunk.length;
      if (size > limit) {
        done(new HttpError(413, 'payload-too-large', `request body over ${limit} bytes`, { connection: 'close' }));
        return;
      }
      chunks.push(chunk);
      arm();
    };
    const onEnd = (): void => done(undefined, Buffer.concat(chunks, size));
    const onError = (e: Error): void => done(e);
    const onAborted = (): void => done(new HttpError(400, 'invalid-input', 'the request was aborted'));
    req.on('data', onData);
    req.on('end', onEnd);
    req.on('error', onError);
    req.on('aborted', onAborted);
    arm();
  });
}

/** Client address for rate limiting: the socket's, never a forwarded header (nobody proxies us). */
export function clientIp(req: IncomingMessage): string {
  return req.socket.remoteAddress ?? 'unknown';
}

export function parseCookies(header: string | undefined): Map<string, string> {
  const out = new Map<string, string>();
  if (!header) return out;
  for (const part of header.split(';')) {
    const i = part.indexOf('=');
    if (i < 0) continue;
    const k = part.slice(0, i).trim();
    const v = part.slice(i + 1).trim();
    if (!k || out.has(k)) continue;
    // Other applications on the same host may set cookies we cannot decode (`x=100%`): ignore those,
    // never fail the request for them.
    try {
      out.set(k, decodeURIComponent(v));
    } catch {
      continue;
    }
  }
  return out;
}
