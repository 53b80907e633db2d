/**
 * Live updates: a server-sent-events stream of journal entries. One subscription to the store
 * feeds every client; each entry is encoded once. Clients resume with `Last-Event-ID` (the seq of
 * the last entry they saw): recent entries come from a ring buffer, older ones from the store, and
 * a client too far behind is told to `reset` (reload everything) rather than replayed forever.
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

interface Encoded {
  readonly seq: number;
  readonly entry: AnyEntry;
  /** The SSE frame per language, made when a client of that language first needs it. */
  readonly text: Partial<Record<Lang, string>>;
}

interface Client {
  readonly res: ServerResponse;
  readonly lang: Lang;
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
    return { ...e, payload: { sources: p.sources, counts: { sites: p.sites.length, services: p.services.length, assets: p.assets.length, needs: p.needs.length } }, description };
  }
  return { ...e, description };
}

function encode(e: AnyEntry): Encoded {
  return { seq: e.seq, entry: e, text: {} };
}

export class LiveHub {
  private readonly clients = new Set<Client>();
  private ring: Encoded[] = [];
  /** Highest seq broadcast (or known at start). */
  private lastSeq: number;
  private pending = false;
  private pumping: Promise<void> | undefined;
  private readonly unsubscribe: () => void;
  private readonly heartbeat: NodeJS.Timeout;
  /** Called after each batch of new entries is folded and broadcast (the board cache listens). */
  onEntries: ((entries: readonly AnyEntry[]) => void) | undefined;

  constructor(
    private readonly app: CrisisApp,
    heartbeatMs = 15_000,
  ) {
    this.lastSeq = app.liveProjection.lastSeq;
    this.unsubscribe = app.store.subscribe(() => this.schedule());
    // A comment line keeps proxies and the browser from timing the stream out, and lets the
    // server notice dead sockets.
    this.heartbeat = setInterval(() => this.broadcastRaw(': heartbeat\n\n'), heartbeatMs);
    this.heartbeat.unref();
  }

  get clientCount(): number {
    return this.clients.size;
  }

  /**
   * The store says something was appended. setImmediate, not a microtask: the store notifies from
   * inside `append`, before the app has folded the entries it wrote, and syncing in between would
   * fold them twice.
   */
  schedule(): void {
    if (this.pending) return;
    this.pending = true;
    setImmediate(() => {
      this.pending = false;
      const run = (this.pumping ?? Promise.resolve()).then(() => this.pump());
      this.pumping = run.catch(() => undefined);
    });
  }

  private async pump(): Promise<void> {
    await this.app.sync();
    for (;;) {
      const fresh = await this.app.store.read(this.lastSeq, 1000);
      if (fresh.length === 0) return;
      const batch: Encoded[] = [];
      for (const e of fresh) batch.push(encode(e));
      this.ring.push(...batch);
      if (this.ring.length > RING) this.ring = this.ring.slice(-RING);
      this.lastSeq = fresh[fresh.length - 1]?.seq ?? this.lastSeq;
      for (const c of this.clients) this.sendTo(c, batch);
      this.onEntries?.(fresh);
      if (fresh.length < 1000) return;
    }
  }

  private sendTo(c: Client, batch: readonly Encoded[]): void {
    let out = '';
    for (const b of batch) {
      if (b.seq <= c.sentSeq) continue;
      out += b.text[c.lang] ??= `id: ${b.seq}\nevent: entry\ndata: ${JSON.stringify(clientEntry(b.entry, c.lang, this.app.liveProjection))}\n\n`;
      c.sentSeq = b.seq;
    }
    if (out) c.res.write(out);
  }

  private broadcastRaw(text: string): void {
    for (const c of this.clients) c.res.write(text);
  }

  /** Serves one SSE client, resuming after `lastEventId` when given; entries are described in `lang`. */
  async attach(res: ServerResponse, lastEventId: number | undefined, lang: Lang = 'en'): Promise<void> {
    res.writeHead(200, {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-store',
      connection: 'keep-alive',
      'x-accel-buffering': 'no',
    });
    res.socket?.setNoDelay(true);
    const client: Client = { res, lang, sentSeq: lastEventId ?? this.lastSeq };
    // retry: how soon EventSource reconnects after a drop; the hello event tells the head seq.
    res.write(`retry: 1000\nevent: hello\ndata: ${JSON.stringify({ seq: this.lastSeq })}\n\n`);
    if (lastEventId !== undefined && lastEventId < this.lastSeq) {
      const ringFirst = this.ring[0]?.seq ?? this.lastSeq + 1;
      if (this.lastSeq - lastEventId > MAX_REPLAY) {
        res.write(`event: reset\ndata: ${JSON.stringify({ seq: this.lastSeq })}\n\n`);
        client.sentSeq = this.lastSeq;
      } else if (lastEventId < ringFirst - 1) {
        const older = await this.app.store.read(lastEventId, ringFirst - 1 - lastEventId);
        this.sendTo(client, older.map(encode));
      }
      // Synchronously from here: nothing can be broadcast between the ring read and joining the set.
      this.sendTo(client, this.ring);
    }
    this.clients.add(client);
    const drop = (): void => void this.clients.delete(client);
    res.on('close', drop);
    res.on('error', drop);
  }

  close(): void {
    this.unsubscribe();
    clearInterval(this.heartbeat);
    for (const c of this.clients) c.res.end();
    this.clients.clear();
  }
}
