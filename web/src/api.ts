// The API client: JSON in and out, the CSRF token echoed on every write, errors as ApiError.
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly path?: string,
    /** Every field the server found wrong (validation errors name each one). */
    readonly details: readonly { readonly path: string; readonly message: string }[] = [],
  ) {
    super(message);
  }
}

export interface Session {
  readonly user: { readonly name: string; readonly role: string };
  readonly csrf: string;
  readonly permissions: readonly string[];
}

let csrf = '';

export function setCsrf(token: string): void {
  csrf = token;
}

export async function api<T>(method: 'GET' | 'POST', path: string, body?: unknown): Promise<T> {
  const res = await fetch(path, {
    method,
    credentials: 'same-origin',
    headers: method === 'POST' ? { 'content-type': 'application/json', 'x-csrf-token': csrf } : {},
    ...(method === 'POST' ? { body: JSON.stringify(body ?? {}) } : {}),
  });
  const text = await res.text();
  let json: unknown;
  try {
    json = text ? JSON.parse(text) : undefined;
  } catch {
    json = undefined;
  }
  if (!res.ok) {
    const e = (json as { error?: { code?: string; message?: string; path?: string; details?: { path: string; message: string }[] } } | undefined)?.error;
    throw new ApiError(res.status, e?.code ?? 'error', e?.message ?? `HTTP ${res.status}`, e?.path, Array.isArray(e?.details) ? e.details : []);
  }
  return json as T;
}

export const get = <T>(path: string): Promise<T> => api<T>('GET', path);
export const post = <T>(path: string, body: unknown): Promise<T> => api<T>('POST', path, body);

export interface Entry {
  readonly seq: number;
  readonly at: string;
  readonly actor: string;
  readonly kind: string;
  readonly payload: Record<string, unknown>;
}

/**
 * Live journal entries over server-sent events. EventSource reconnects by itself and sends
 * Last-Event-ID, so nothing is missed across a network blip.
 */
export function connectLive(onEntry: (e: Entry) => void, onStatus: (live: boolean) => void): () => void {
  const es = new EventSource('/api/events');
  es.addEventListener('open', () => onStatus(true));
  es.addEventListener('error', () => onStatus(false));
  es.addEventListener('entry', (ev) => onEntry(JSON.parse((ev as MessageEvent<string>).data) as Entry));
  es.addEventListener('reset', () => location.reload());
  return () => es.close();
}
