/**
 * Live updates: a server-sent-events stream of journal entries. The app tells us every entry it
 * folds (its own writes and what it reads from others); each is encoded once for every client.
 * Clients resume with `Last-Event-ID` (the seq of the last entry they saw): recent entries come
 * from a ring buffer, older ones from the store in pages, and a client too far behind is told to
 * `reset` (reload everything) rather than replayed forever.
 *
 * Bounded: a client that does not read (a laptop asleep, a paused tab, a slow link) is dropped
 * once `maxBufferBytes` wait in its socket buffer; EventSource reconnects by itself with
 * Last-Event-ID and catches up from the ring or the store. Without the bound, 40 paused readers
 * and a burst of long notes held hundreds of MB.
 */
import type { ServerResponse } from 'node:http';
import type { CrisisApp } from '../app/crisis-app.ts';
import type { AnyEntry } from '../core/journal.ts';
import type { CrisisState } from '../core/state.ts';
import type { Lang } from '../core/i18n/index.ts';
import { describeEntry } from '../app/describe-entry.ts';

const RING = 2000;
/** More missed entries than this and the client reloads instead. */
const MAX_REPLAY = 10_000;
/** Replay from the store in pages of this many entries, waiting for the socket between pages. */
const REPLAY_PAGE = 500;
/** Bytes queued for one client before it is dropped (it reconnects and resumes). */
export const SSE_MAX_BUFFER = 512 * 1024;

interface Encoded {
  readonly seq: number;
  readonly entry: AnyEntry;
  /** The SSE frame per language, made when a client of that language first needs it. */
  readonly text: Partial<Record<Lang, string>>;
}

interface Client {
  readonly res: ServerResponse;
  readonly lang: Lang;
  /** Session token the stream belongs to: logout or revocation ends the stream. */
  readonly token: string | undefined;
  sentSeq: number;
}

/**
 * What a client sees of an entry: estate imports reduced to counts (they can be megabytes), and
 * the entry said in the client's language (`description`), its times in the crisis's zone.
 */
export function clientEntry(e: AnyEntry, lang: Lang = 'en', state?: Pick<CrisisState, 'crisis'>): unknown {
  const description = describeEntry(e, lang, state);
  if (e.kind === 'estate.upserted') {
    const p = e.payload;
    const count = (x: unknown): number => (Array.isArray(x) ? x.length : 0);
    return { ...e, payload: { sources: p.sources, counts: { sites: count(p.sites), services: count(p.services), assets: count(p.assets), needs: count(p.needs) } }, description };
  }
  return { ...e, description };
}

function encode(e: AnyEntry): Encoded {
  return { seq: e.seq, entry: e, text: {} };
}

export interface LiveOptions {
  readonly heartbeatMs?: number;
  readonly maxBufferBytes?: number;
}

export class LiveHub {
  private readonly clients = new Set<Client>();
  private ring: Encoded[] = [];
  /** Highest seq broadcast (or known at start). */
  private lastSeq: number;
  private pending = false;
  private readonly unsubscribe: () => void;
  private readonly offApplied: () => void;
  private readonly heartbeat: NodeJS.Timeout;
  private readonly maxBuffer: number;
  /** Clients dropped for not reading, since start (the benchmark and tests read it). */
  dropped = 0;
  /** Called after each batch of new entries is folded and broadcast (the board cache listens). */
  onEntries: ((entries: readonly AnyEntry[]) => void) | undefined;
  /** Whether a session token still holds (set by the server; streams of dead sessions end). */
  sessionValid: (token: string) => boolean = () => true;

  constructor(
    private readonly app: CrisisApp,
    opts: LiveOptions | number = {},
  ) {
    const o = typeof opts === 'number' ? { heartbeatMs: opts } : opts;
    this.maxBuffer = o.maxBufferBytes ?? SSE_MAX_BUFFER;
    this.lastSeq = app.liveProjection.lastSeq;
    this.offApplied = app.onApplied((entries) => this.broadcast(entries));
    // The store says another process or instance appended: fold it (the app then tells us).
    this.unsubscribe = app.store.subscribe(() => this.schedule());
    // A comment line keeps proxies and the browser from timing the stream out, lets the server
    // notice dead sockets, and ends streams whose session expired.
    this.heartbeat = setInterval(() => {
      this.checkSessions();
      this.broadcastRaw(': heartbeat\n\n');
    }, o.heartbeatMs ?? 15_000);
    this.heartbeat.unref();
  }

  get clientCount(): number {
    return this.clients.size;
  }

  /** Bytes waiting in all client sockets (for the benchmark). */
  get bufferedBytes(): number {
    let n = 0;
    for (const c of this.clients) n += c.res.writableLength;
    return n;
  }

  /**
   * The store says something was appended. setImmediate, not a microtask: the store notifies from
   * inside `append`, before the app has folded the entries it wrote.
   */
  schedule(): void {
    if (this.pending) return;
    this.pending = true;
    setImmediate(() => {
      this.pending = false;
      this.app.sync().catch(() => undefined);
    });
  }

  private broadcast(fresh: readonly AnyEntry[]): void {
    const batch: Encoded[] = [];
    for (const e of fresh) if (e.seq > this.lastSeq) batch.push(encode(e));
    if (batch.length === 0) return;
    this.ring.push(...batch);
    if (this.ring.length > RING) this.ring = this.ring.slice(-RING);
    this.lastSeq = batch[batch.length - 1]?.seq ?? this.lastSeq;
    this.onEntries?.(fresh);
    for (const c of this.clients) this.sendTo(c, batch);
  }

  private sendTo(c: Client, batch: readonly Encoded[]): void {
    let out = '';
    for (const b of batch) {
      if (b.seq <= c.sentSeq) continue;
      out += this.frame(b, c.lang);
      c.sentSeq = b.seq;
    }
    if (out) this.write(c, out);
  }

  private frame(b: Encoded, lang: Lang): string {
    return (b.text[lang] ??= `id: ${b.seq}\nevent: entry\ndata: ${JSON.stringify(clientEntry(b.entry, lang, this.app.liveProjection))}\n\n`);
  }

  /** Writes or drops: a client that lets more than the bound pile up is cut and will resume. */
  private write(c: Client, text: string): void {
    if (c.res.writableLength + text.length > this.maxBuffer) {
      this.dropped++;
      this.drop(c, true);
      return;
    }
    c.res.write(text);
  }

  private drop(c: Client, destroy: boolean): void {
    this.clients.delete(c);
    if (destroy) c.res.destroy();
    else c.res.end();
  }

  private broadcastRaw(text: string): void {
    for (const c of this.clients) this.write(c, text);
  }

  /** Ends the streams of a session (logout, revocation). */
  endSession(token: string): void {
    for (const c of this.clients) if (c.token === token) this.drop(c, false);
  }

  /** Ends every stream whose session no longer holds. */
  checkSessions(): void {
    for (const c of this.clients) if (c.token !== undefined && !this.sessionValid(c.token)) this.drop(c, false);
  }

  /** Serves one SSE client, resuming after `lastEventId` when given; entries are described in `lang`. */
  async attach(res: ServerResponse, lastEventId: number | undefined, token?: string, lang: Lang = 'en'): Promise<void> {
    res.writeHead(200, {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-store',
      connection: 'keep-alive',
      'x-accel-buffering': 'no',
    });
    res.socket?.setNoDelay(true);
    const client: Client = { res, lang, token, sentSeq: lastEventId ?? this.lastSeq };
    let closed = false;
    const drop = (): void => {
      closed = true;
      this.clients.delete(client);
    };
    res.on('close', drop);
    res.on('error', drop);
    // retry: how soon EventSource reconnects after a drop; the hello event tells the head seq.
    res.write(`retry: 1000\nevent: hello\ndata: ${JSON.stringify({ seq: this.lastSeq })}\n\n`);
    if (lastEventId !== undefined && lastEventId < this.lastSeq) {
      if (this.lastSeq - lastEventId > MAX_REPLAY) {
        res.write(`event: reset\ndata: ${JSON.stringify({ seq: this.lastSeq })}\n\n`);
        client.sentSeq = this.lastSeq;
      } else {
        // What was missed, a page at a time (the ring, else the store), waiting for the socket to
        // drain between pages: a long absence must not be written into memory at once.
        while (!closed && client.sentSeq < this.lastSeq) {
          const ringFirst = this.ring[0]?.seq ?? this.lastSeq + 1;
          let out = '';
          if (client.sentSeq >= ringFirst - 1) {
            const start = client.sentSeq - ringFirst + 1;
            const slice = this.ring.slice(start, start + REPLAY_PAGE);
            if (slice.length === 0) break;
            for (const b of slice) out += this.frame(b, lang);
            client.sentSeq = slice[slice.length - 1]?.seq ?? client.sentSeq;
          } else {
            const page = await this.app.store.read(client.sentSeq, Math.min(REPLAY_PAGE, ringFirst - 1 - client.sentSeq));
            if (page.length === 0) break;
            for (const e of page) out += this.frame(encode(e), lang);
            client.sentSeq = page[page.length - 1]?.seq ?? client.sentSeq;
          }
          if (!res.write(out)) {
            await new Promise<void>((r) => {
              res.once('drain', r);
              res.once('close', r);
            });
          }
        }
      }
    }
    if (closed) return;
    // Synchronously from here: nothing can be broadcast between the last page and joining the set.
    this.clients.add(client);
  }

  close(): void {
    this.unsubscribe();
    this.offApplied();
    clearInterval(this.heartbeat);
    for (const c of this.clients) c.res.end();
    this.clients.clear();
  }
}
