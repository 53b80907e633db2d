/**
 * The application layer: the only place that writes the journal. CLI, HTTP API and web UI call these
 * commands and queries. A command validates its input, checks the actor's permission, turns the
 * request into entries and appends them with optimistic concurrency; on a conflict it catches up
 * with what others wrote, builds its entries again against the new state, and retries.
 */
import { randomUUID } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
import type { AnyEntry, EntryDraft, StoredRow, VerifyResult } from '../core/journal.ts';
import { ChainVerifier, entryFromRow, GENESIS_HASH, hashInput } from '../core/journal.ts';
import type { EntryKind, EntryPayloads } from '../core/entries.ts';
import { CrisisError, sayError } from '../core/errors.ts';
import { DEFAULT_TIME_ZONE, toZonedIso } from '../core/clocks/time.ts';
import type { AssetId, SiteId } from '../core/ids.ts';
import { entryId, measureId, siteId } from '../core/ids.ts';
import type { Asset, AssetStatus, Measure } from '../core/model.ts';
import type { CrisisState } from '../core/state.ts';
import { Projection, skipEntry, stateAt, statusOf } from '../core/state.ts';
import type { EstateFile } from '../core/estate-import.ts';
import { importEstate, importEstateSteps } from '../core/estate-import.ts';
import { canonicalJsonPieces } from '../core/canonical-json.ts';
import { attachPreparedSeal, sealPrefix } from '../core/journal.ts';
import { createHash } from 'node:crypto';
import type { CrisisStore } from '../core/journal-store.ts';
import type { Sha256 } from '../core/journal.ts';
import type { Action, Actor } from './permissions.ts';
import { isAllowed } from './permissions.ts';
import { mayWrite } from './entry-kinds.ts';
import { assetSetInput, initInput, isoTime, measureInput, noteInput } from './schemas.ts';
import type { AssetSetInput, MeasureInput } from './schemas.ts';
import { validate } from './validate.ts';
import { checkEntry } from './entry-schemas.ts';
import type { EntryProblem } from './entry-schemas.ts';
import type { Keyring } from './checkpoints.ts';
import { CheckpointKeeper } from './checkpoints.ts';
import type { IntegrityReport } from './integrity.ts';
import { assessIntegrity } from './integrity.ts';
import type { Checkpoint, CheckpointRef, CheckpointStatus } from '../core/checkpoint.ts';
import { judgeCheckpoints } from '../core/checkpoint.ts';
import { signatureHolds } from './checkpoints.ts';

export interface AppOptions {
  /** SHA-256 of a UTF-8 string, hex: the platform's, handed in by the wiring (src/main). */
  readonly hash: Sha256;
  /** The author's wall clock, ISO with offset. Injected so tests and replays control time. */
  readonly now?: () => string;
  /**
   * The demo's clock, used instead of `now` while the journal is a demo (the wiring starts it at
   * the article's moment). Without it a demo runs on `now` like any crisis.
   */
  readonly demoNow?: () => string;
  readonly newId?: () => string;
  /**
   * How far an author time (`at` given with a note, a decision...) may lie from the crisis: no
   * earlier than `pastDays` before the crisis was opened, no later than `futureMinutes` after now.
   * Defaults 90 days and 60 minutes; `CRISISCELL_AT_PAST_DAYS` / `CRISISCELL_AT_FUTURE_MINUTES`.
   */
  readonly authorTimeWindow?: { readonly pastDays?: number; readonly futureMinutes?: number };
  /** Retries of a write whose journal head moved, and the longest wait between two (ms). */
  readonly retry?: { readonly attempts?: number; readonly maxDelayMs?: number };
  /** Random numbers for the retry jitter (tests make it deterministic). */
  readonly random?: () => number;
  /** Where the signing key and the checkpoint log are (the wiring puts them beside the database). */
  readonly keyring?: Keyring;
}

/** What the app found folding the journal: the chain as it links up, and entries it left out. */
export interface FoldIntegrity {
  /** Hash of the last entry folded, and of the first (the journal's identity). */
  readonly headHash: string;
  readonly originHash: string | undefined;
  /** The first place the chain does not hold, if any: from there on nothing can be trusted. */
  readonly chain: { readonly badSeq: number; readonly reason: string } | undefined;
  /** Entries the fold could not apply (malformed payload), left out of the state. */
  readonly skipped: readonly EntryProblem[];
}

export interface AssetRow {
  readonly asset: Asset;
  readonly status: AssetStatus;
}

export interface LogFilter {
  readonly sinceSeq?: number;
  readonly kinds?: readonly string[];
  readonly limit?: number;
}

const RETRY_ATTEMPTS = 25;
const RETRY_MAX_DELAY_MS = 250;

export class CrisisApp {
  private projection: Projection;
  private readonly now: () => string;
  private readonly newId: () => string;
  /** SHA-256 as the journal's chain uses it. */
  readonly hash: Sha256;
  private lock: Promise<void> = Promise.resolve();
  private readonly appliedListeners = new Set<(entries: readonly AnyEntry[]) => void>();
  private headHash = GENESIS_HASH;
  private originHash: string | undefined;
  private chainProblem: { badSeq: number; reason: string } | undefined;
  private readonly skipped: EntryProblem[] = [];
  private readonly accepted: { seq: number; at: string; actor: string; reason: string }[] = [];
  /** Seq of the last estate entry folded: an estate computed against an older one is stale. */
  private estateSeq = 0;
  private readonly window: { pastMs: number; futureMs: number };
  private readonly retryAttempts: number;
  private readonly retryMaxDelayMs: number;
  private readonly random: () => number;
  private readonly wall: () => string;
  /** The signing key and the checkpoint log of this installation. */
  readonly checkpoints: CheckpointKeeper;

  private constructor(
    readonly store: CrisisStore,
    projection: Projection,
    opts: AppOptions,
  ) {
    this.projection = projection;
    this.hash = opts.hash;
    this.window = { pastMs: (opts.authorTimeWindow?.pastDays ?? 90) * 86_400_000, futureMs: (opts.authorTimeWindow?.futureMinutes ?? 60) * 60_000 };
    this.retryAttempts = opts.retry?.attempts ?? RETRY_ATTEMPTS;
    this.retryMaxDelayMs = opts.retry?.maxDelayMs ?? RETRY_MAX_DELAY_MS;
    this.random = opts.random ?? Math.random;
    this.checkpoints = new CheckpointKeeper(opts.keyring ?? { keyFile: undefined, logFile: undefined });
    const wall = opts.now ?? (() => new Date().toISOString());
    this.wall = wall;
    const demo = opts.demoNow;
    // Real time for a real crisis. The demo journal is set in May 2022, where real time would put
    // every clock years overdue and stamp new entries after the whole story: it runs on the clock
    // the wiring hands in, for every entry written and every report asked, from the CLI, the API
    // or the web UI alike.
    this.now = demo === undefined ? wall : () => (this.projection.crisis?.demo === true ? demo() : wall());
    this.newId = opts.newId ?? randomUUID;
  }

  /** Opens the app over a store, folding the whole journal into memory. */
  static async open(store: CrisisStore, opts: AppOptions): Promise<CrisisApp> {
    const app = new CrisisApp(store, new Projection(), opts);
    let batch: AnyEntry[] = [];
    for await (const e of store.readAll()) {
      batch.push(e);
      if (batch.length >= 1000) {
        app.fold(batch, true);
        batch = [];
      }
    }
    app.fold(batch, true);
    return app;
  }

  /**
   * Folds entries in order, checking each against the chain (prev links, and the hash itself for
   * entries read back from the store) and against its kind's schema. An entry the fold cannot
   * apply is left out and reported, never a crash: `status` and `serve` must open a journal with a
   * bad entry in it to show what is wrong.
   */
  private fold(entries: readonly AnyEntry[], fromStore: boolean): void {
    if (entries.length === 0) return;
    for (const e of entries) {
      if (this.chainProblem === undefined) {
        if (e.prev !== this.headHash) this.chainProblem = { badSeq: e.seq, reason: `prev does not match the hash of entry ${e.seq - 1}` };
        else if (fromStore && this.hash(hashInput(e)) !== e.hash) this.chainProblem = { badSeq: e.seq, reason: 'content does not match its hash (the entry was altered)' };
      }
      if (e.seq === 1) this.originHash = e.hash;
      this.headHash = e.hash;
      const bad = fromStore ? checkEntry(e) : undefined;
      if (bad) {
        this.skipped.push(bad);
        skipEntry(this.projection, e);
        continue;
      }
      if (e.kind === 'estate.upserted') this.estateSeq = e.seq;
      if (e.kind === 'journal.integrity-accepted') this.accepted.push({ seq: e.seq, at: e.at, actor: e.actor, reason: e.payload.reason });
      try {
        this.projection.apply(e);
      } catch (err) {
        if (err instanceof CrisisError && err.code === 'journal-corrupt' && err.seq === e.seq && /folded in order/.test(err.message)) throw err;
        this.skipped.push({ seq: e.seq, kind: e.kind, field: 'payload', message: `cannot be applied: ${(err as Error).message}` });
        skipEntry(this.projection, e);
      }
    }
    for (const l of [...this.appliedListeners]) l(entries);
  }

  /** Called with every batch of entries folded: this app's own writes and what others appended. */
  onApplied(listener: (entries: readonly AnyEntry[]) => void): () => void {
    this.appliedListeners.add(listener);
    return () => this.appliedListeners.delete(listener);
  }

  /** The `journal.integrity-accepted` entries folded so far: when the journal was served despite a failed check. */
  acceptedProblems(): { seq: number; at: string; actor: string; reason: string }[] {
    return this.accepted;
  }

  /** What the fold found: the chain as it links up, and the entries left out. */
  get foldIntegrity(): FoldIntegrity {
    return { headHash: this.headHash, originHash: this.originHash, chain: this.chainProblem, skipped: this.skipped };
  }

  /** The current state (the fold of every entry read so far). */
  get state(): CrisisState {
    return this.projection;
  }

  /** The projection itself, for engines that hook its change events (impact). */
  get liveProjection(): Projection {
    return this.projection;
  }

  /** Reads and folds entries appended since the last sync (by anyone). Returns them. */
  async sync(): Promise<readonly AnyEntry[]> {
    return this.exclusive(() => this.syncUnlocked());
  }

  private async syncUnlocked(): Promise<readonly AnyEntry[]> {
    const fresh = await this.store.read(this.projection.lastSeq);
    this.fold(fresh, true);
    return fresh;
  }

  /**
   * Runs `fn` alone: reading new entries, building drafts and applying what was appended must not
   * interleave within one process, or an entry read by one task is applied again by another.
   */
  private exclusive<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.lock.then(fn, fn);
    this.lock = run.then(
      () => undefined,
      () => undefined,
    );
    return run;
  }

  /** A draft stamped with the app's clock and ids, for command modules outside this file (coordination.ts). */
  makeDraft<K extends EntryKind>(actor: Actor, kind: K, payload: EntryPayloads[K], at?: string): EntryDraft<K> {
    return this.draft(actor, kind, payload, at);
  }

  /** The author's wall clock as this app reads it (injected in tests). */
  clockNow(): string {
    return this.now();
  }

  private draft<K extends EntryKind>(actor: Actor, kind: K, payload: EntryPayloads[K], at?: string): EntryDraft<K> {
    return { id: entryId(this.newId()), at: at ?? this.now(), actor: actor.name, kind, payload };
  }

  private authorize(actor: Actor, action: Action): void {
    if (!isAllowed(actor.role, action)) {
      throw forbidden(actor, action);
    }
  }

  /**
   * The one write path: build entries against the latest state, append, retry on conflict.
   * `build` may throw a CrisisError (invalid input against the state); nothing is written then.
   */
  async write(actor: Actor, action: Action, build: (state: CrisisState) => readonly EntryDraft[], opts: { preparedTimes?: boolean } = {}): Promise<readonly AnyEntry[]> {
    this.authorize(actor, action);
    return this.exclusive(() => this.writeUnlocked(action, build, opts.preparedTimes === true));
  }

  private async writeUnlocked(action: Action, build: (state: CrisisState) => readonly EntryDraft[], preparedTimes: boolean): Promise<readonly AnyEntry[]> {
    for (let attempt = 0; ; attempt++) {
      await this.syncUnlocked();
      if (action !== 'crisis.init' && action !== 'journal.import' && !this.projection.crisis) {
        throw sayError('not-initialised', 'err.notInitialised');
      }
      const drafts = build(this.projection);
      if (drafts.length === 0) return [];
      if (!preparedTimes && action !== 'journal.import') this.checkAuthorTimes(drafts);
      for (const d of drafts) {
        // The permission checked was `action`: every entry written must be one it covers.
        if (!mayWrite(action, d.kind)) throw new Error(`a ${action} command tried to write a ${d.kind} entry (see src/app/entry-kinds.ts)`);
      }
      try {
        const sealed = await this.store.append(drafts, this.projection.lastSeq);
        this.fold(sealed, false);
        return sealed;
      } catch (e) {
        // Another writer (this server's twin on PostgreSQL, a CLI on the same file) got there
        // first: catch up, rebuild against the new state, try again after a random pause so two
        // writers that collided do not collide again in step. A user never sees this race.
        if (e instanceof CrisisError && e.code === 'conflict' && attempt < this.retryAttempts) {
          const ceiling = Math.min(this.retryMaxDelayMs, 5 * 2 ** Math.min(attempt, 10));
          await new Promise((r) => setTimeout(r, Math.floor(this.random() * ceiling)));
          continue;
        }
        if (e instanceof CrisisError && e.code === 'conflict') {
          throw new CrisisError('conflict', `the journal kept moving: ${this.retryAttempts} attempts to write lost the race; nothing was written, try again`, { cause: e });
        }
        throw e;
      }
    }
  }

  /**
   * Refuses author times far outside the crisis: a fact may be recorded afterwards about the
   * night before (or weeks before: the first intrusion), never about the year 1 or next month.
   */
  private checkAuthorTimes(drafts: readonly EntryDraft[]): void {
    const now = Date.parse(this.now());
    const opened = this.projection.crisis ? Date.parse(this.projection.crisis.initialisedAt) : now;
    const from = Math.min(opened, now) - this.window.pastMs;
    const to = now + this.window.futureMs;
    for (const d of drafts) {
      const t = Date.parse(d.at);
      if (Number.isNaN(t) || t < from || t > to) {
        const days = Math.round(this.window.pastMs / 86_400_000);
        const mins = Math.round(this.window.futureMs / 60_000);
        const message = `${d.at} is outside the crisis: author times run from ${days} days before the crisis opened (${new Date(from).toISOString()}) to ${mins} minutes from now (${new Date(to).toISOString()})`;
        throw new CrisisError('invalid-input', `at: ${message}`, { details: [{ path: 'at', message }] });
      }
    }
  }

  // ---- commands ----

  async init(actor: Actor, input: unknown, opts: { demo?: boolean } = {}): Promise<readonly AnyEntry[]> {
    const v = validate(initInput, input);
    return this.write(actor, 'crisis.init', (s) => {
      if (s.crisis) throw sayError('already-exists', 'err.crisisExists', { name: s.crisis.name, at: toZonedIso(s.crisis.initialisedAt, s.crisis.timeZone) });
      return [this.draft(actor, 'crisis.initialised', { name: v.name, organisation: v.organisation, ...(opts.demo ? { demo: true } : {}), timeZone: v.timeZone ?? DEFAULT_TIME_ZONE })];
    });
  }

  /**
   * Imports estate files; all or nothing. Returns what changed (0 on a re-import of the same files).
   *
   * A big estate (30 MB, 300,000 assets) takes seconds to read, check, compare and encode: that
   * work runs in slices of a few milliseconds between which the event loop answers others (the
   * health check, everyone's board), against the state as it is; only the append itself takes
   * the write lock. Should another estate import land meanwhile, the work starts again on it.
   */
  async importEstate(actor: Actor, files: readonly EstateFile[]): Promise<{ changed: number; unchanged: number; entries: readonly AnyEntry[] }> {
    this.authorize(actor, 'estate.import');
    for (let round = 0; round < 3; round++) {
      await this.sync();
      if (!this.projection.crisis) throw new CrisisError('not-initialised', 'this database holds no crisis yet: run `crisiscell init` (or `crisiscell demo`)');
      const base = this.estateSeq;
      const r = await inSlices(importEstateSteps(files, this.projection));
      if (this.estateSeq !== base) continue;
      if (!r.ok) throw new CrisisError('invalid-input', `the import was refused: ${r.problems.length} problem(s); nothing was written`, { details: r.problems });
      if (r.changed === 0) return { changed: 0, unchanged: r.unchanged, entries: [] };
      const draft = this.draft(actor, 'estate.upserted', r.payload);
      await prepareSeal(draft);
      let stale = false;
      const entries = await this.write(actor, 'estate.import', () => {
        if (this.estateSeq !== base) {
          stale = true;
          return [];
        }
        return [draft];
      });
      if (stale) continue;
      return { changed: r.changed, unchanged: r.unchanged, entries };
    }
    // The estate kept changing under us: do it the plain way, inside the lock.
    let changed = 0;
    let unchanged = 0;
    const entries = await this.write(actor, 'estate.import', (s) => {
      const r = importEstate(files, s);
      if (!r.ok) {
        throw sayError('invalid-input', 'err.importRefused', { n: r.problems.length }, { details: r.problems });
      }
      changed = r.changed;
      unchanged = r.unchanged;
      return r.changed === 0 ? [] : [this.draft(actor, 'estate.upserted', r.payload)];
    });
    return { changed, unchanged, entries };
  }

  /** Sets the state of every asset matching a hostname glob (and filters), as one entry. */
  async setAssets(actor: Actor, input: unknown): Promise<{ entry: AnyEntry; assets: readonly AssetId[] }> {
    const v = validate(assetSetInput, input);
    let matched: readonly AssetId[] = [];
    const [entry] = await this.write(actor, 'asset.set', (s) => {
      const payload = assetStatePayload(s, v, this.now());
      matched = payload.assets;
      return [this.draft(actor, 'asset.state', payload)];
    });
    if (!entry) throw new Error('asset.set wrote nothing');
    return { entry, assets: matched };
  }

  async applyMeasure(actor: Actor, input: unknown): Promise<AnyEntry> {
    const v = validate(measureInput, input);
    const [entry] = await this.write(actor, 'measure.apply', (s) => [this.draft(actor, 'measure.applied', measureAppliedPayload(s, v, this.now()))]);
    if (!entry) throw new Error('measure.apply wrote nothing');
    return entry;
  }

  async liftMeasure(actor: Actor, input: unknown): Promise<AnyEntry> {
    const v = validate(measureInput, input);
    const [entry] = await this.write(actor, 'measure.lift', (s) => [this.draft(actor, 'measure.lifted', measureLiftedPayload(s, v, this.now()))]);
    if (!entry) throw new Error('measure.lift wrote nothing');
    return entry;
  }

  async note(actor: Actor, input: unknown): Promise<AnyEntry> {
    const v = validate(noteInput, input);
    const [entry] = await this.write(actor, 'log.note', () => [
      this.draft(actor, 'log.note', { type: v.type, text: v.text, ...(v.source ? { source: v.source } : {}) }, v.at),
    ]);
    if (!entry) throw new Error('log.note wrote nothing');
    return entry;
  }

  /** Appends prepared drafts (the demo timeline), as the given actor, checked like any write. */
  async appendDrafts(actor: Actor, action: Action, drafts: readonly EntryDraft[]): Promise<readonly AnyEntry[]> {
    // A prepared timeline (the demo's) carries its own times, on its own clock.
    return this.write(actor, action, () => drafts, { preparedTimes: true });
  }

  // ---- queries ----

  /** Assets and their state, filtered (the filters a cell explanation gives to list a cause's hosts). */
  listAssets(filter: { site?: string | undefined; kind?: string | undefined; pattern?: string | undefined; security?: string | undefined; recovery?: string | undefined; observed?: string | undefined } = {}): AssetRow[] {
    const s = this.projection;
    const re = filter.pattern ? globToRegExp(filter.pattern) : undefined;
    const out: AssetRow[] = [];
    for (const a of s.assets.values()) {
      if (filter.site !== undefined && a.site !== filter.site) continue;
      if (filter.kind !== undefined && a.kind !== filter.kind) continue;
      if (re && !re.test(a.hostname)) continue;
      const status = statusOf(s, a.id);
      if (filter.security !== undefined && status.security !== filter.security) continue;
      if (filter.recovery !== undefined && status.recovery !== filter.recovery) continue;
      if (filter.observed !== undefined && status.observed !== filter.observed) continue;
      out.push({ asset: a, status });
    }
    return out.sort((x, y) => x.asset.site.localeCompare(y.asset.site) || x.asset.hostname.localeCompare(y.asset.hostname));
  }

  async log(filter: LogFilter = {}): Promise<AnyEntry[]> {
    const kinds = filter.kinds ?? [];
    if (filter.limit !== undefined) return [...(await this.store.readLast(filter.limit, { afterSeq: filter.sinceSeq ?? 0, kinds }))];
    const set = kinds.length > 0 ? new Set(kinds) : undefined;
    const out: AnyEntry[] = [];
    for await (const e of this.store.readAll(filter.sinceSeq ?? 0)) {
      if (set && !set.has(e.kind) && !kinds.some((k) => k.endsWith('*') && e.kind.startsWith(k.slice(0, -1)))) continue;
      out.push(e);
    }
    return out;
  }

  /** The state as known at `at` (author time), or now. */
  async stateAt(at?: string): Promise<CrisisState> {
    if (at === undefined) {
      await this.sync();
      return this.projection;
    }
    validate(isoTime, at);
    await this.sync();
    // Entries the fold left out (malformed) are left out here too, for the same reason.
    const skip = new Set(this.skipped.map((p) => p.seq));
    const all: AnyEntry[] = [];
    for await (const e of this.store.readAll()) if (!skip.has(e.seq)) all.push(e);
    return stateAt(all, at);
  }

  verify(): Promise<VerifyResult> {
    return this.store.verify();
  }

  /**
   * Signs a checkpoint of the journal as this app has folded it (after catching up), writes it to
   * the checkpoint log and returns it for printing. The time is the wall clock, demo or not: it
   * says when the signature was made.
   */
  async checkpoint(reason: string): Promise<Checkpoint> {
    await this.sync();
    return this.checkpoints.sign({ seq: this.projection.lastSeq, hash: this.headHash, origin: this.originHash ?? GENESIS_HASH, at: this.wall(), reason });
  }

  /** The full integrity assessment (chain recomputed, every checkpoint proved, entries left out). */
  async integrity(extra: readonly CheckpointRef[] = []): Promise<IntegrityReport> {
    await this.sync();
    return assessIntegrity(this.store, this.checkpoints, { now: this.wall(), extra, skipped: this.skipped });
  }

  /**
   * Records that the operator chose to go on with a journal that failed its integrity check (the
   * server's `--accept-broken-journal`): the problem and the reason become a logbook entry.
   */
  async acceptIntegrityProblem(actor: Actor, report: IntegrityReport, reason: string): Promise<AnyEntry> {
    const why = reason.trim();
    if (why.length < 3) throw new CrisisError('invalid-input', 'say why the journal is accepted as it is (a reason of at least 3 characters): it goes into the logbook');
    const last = report.checkpoints.last;
    const [entry] = await this.write(actor, 'journal.import', () => [
      this.draft(actor, 'journal.integrity-accepted', {
        problem: report.problems.join(' ').slice(0, 4000),
        reason: why.slice(0, 2000),
        headSeq: report.head.seq,
        ...(report.badSeq === undefined ? {} : { badSeq: report.badSeq }),
        ...(last ? { checkpointSeq: last.seq } : {}),
      }),
    ]);
    if (!entry) throw new CrisisError('journal-corrupt', 'the acceptance entry was not written');
    return entry;
  }

  backup(destination: string): Promise<void> {
    return this.store.backup(destination);
  }

  /** Writes the journal as JSON lines, one sealed entry per line, in seq order. */
  async exportJsonl(write: (line: string) => void | Promise<void>): Promise<number> {
    let n = 0;
    for await (const e of this.store.readAll()) {
      await write(JSON.stringify({ seq: e.seq, id: e.id, at: e.at, actor: e.actor, kind: e.kind, payload: e.payload, prev: e.prev, hash: e.hash }));
      n++;
    }
    return n;
  }

  /**
   * Imports an exported journal into this empty store, verbatim. The chain is verified before
   * anything is written; a bad line is named with its line number.
   */
  async importJournal(actor: Actor, file: string, checkpoints: readonly CheckpointRef[] = []): Promise<{ count: number; headHash: string; alreadyThere?: boolean }> {
    this.authorize(actor, 'journal.import');
    const head = await this.store.head();
    const verifier = new ChainVerifier(this.hash);
    const entries: AnyEntry[] = [];
    const lines = createInterface({ input: createReadStream(file, 'utf8'), crlfDelay: Infinity });
    let lineNo = 0;
    try {
      for await (const line of lines) {
        lineNo++;
        if (line.trim() === '') continue;
        let o: Record<string, unknown>;
        try {
          o = JSON.parse(line) as Record<string, unknown>;
        } catch {
          throw new CrisisError('invalid-input', `${file}:${lineNo}: not a JSON line`);
        }
        const row = toStoredRow(o, `${file}:${lineNo}`);
        verifier.push(row);
        const r = verifier.result();
        if (!r.ok) throw new CrisisError('invalid-input', `${file}:${lineNo}: entry ${r.badSeq}: ${r.reason}; nothing was imported`);
        const entry = entryFromRow(row);
        // A consistent hash proves the line was not changed after sealing, not that it is a valid
        // entry: a forged file can be re-hashed. The same schemas as the fold, before anything is written.
        const bad = checkEntry(entry);
        if (bad) {
          const problem = { file, line: lineNo, column: `${bad.kind}: ${bad.field}`, message: bad.message };
          throw new CrisisError('invalid-input', `${file}:${lineNo}: ${bad.kind}: ${bad.field}: ${bad.message}; nothing was imported`, { details: [problem], seq: entry.seq });
        }
        entries.push(entry);
      }
    } catch (e) {
      if (e instanceof CrisisError) throw e;
      throw new CrisisError('io', `cannot read ${file}: ${(e as Error).message}`, { cause: e });
    }
    const r = verifier.result();
    if (!r.ok) throw new CrisisError('invalid-input', `${file}: entry ${r.badSeq}: ${r.reason}`);
    // The chain holds; does the file still contain what was checkpointed when it was exported?
    if (checkpoints.length > 0) {
      const statuses: CheckpointStatus[] = checkpoints.map((ref) => {
        if (ref.checkpoint && !signatureHolds(ref.checkpoint)) return { ref, state: 'bad-signature', why: 'its signature does not hold (the checkpoint was altered or forged)' };
        const e = entries[ref.seq - 1];
        if (!e) return { ref, state: 'missing', headSeq: entries.length };
        return e.hash === ref.hash ? { ref, state: 'holds' } : { ref, state: 'differs', found: e.hash };
      });
      const j = judgeCheckpoints(statuses);
      if (!j.ok) throw new CrisisError('invalid-input', `${file}: ${j.findings.join(' ')} Nothing was imported.`, { details: j.findings.map((message) => ({ file, message })) });
    }
    if (head.seq !== 0) {
      const mine = entries[head.seq - 1];
      // Not an earlier copy of this same journal: refuse, whatever it holds.
      if (mine === undefined || mine.hash !== head.hash) throw sayError('already-exists', 'err.journalNotEmpty', { location: this.store.location, n: head.seq });
      // The same journal imported again (a re-run of the same command): nothing to do, nothing lost.
      if (head.seq === entries.length) return { count: 0, headHash: r.headHash, alreadyThere: true };
      // A copy made earlier of this journal catches up with the rest. Sealing is deterministic, so
      // the appended entries get exactly the hashes the file has (checked after).
      const rest = entries.slice(head.seq);
      const sealed = await this.store.append(rest.map((e) => ({ id: e.id, at: e.at, actor: e.actor, kind: e.kind, payload: e.payload }) as EntryDraft), head.seq);
      const bad = sealed.find((e, i) => e.hash !== rest[i]?.hash);
      if (bad) throw new CrisisError('journal-corrupt', `${file}: entry ${bad.seq} sealed with another hash than the file's; check with crisiscell verify`, { seq: bad.seq });
      await this.sync();
      return { count: rest.length, headHash: r.headHash };
    }
    await this.store.importSealed(entries);
    await this.sync();
    return { count: entries.length, headHash: r.headHash };
  }

  async close(): Promise<void> {
    await this.store.close();
  }
}

/** Runs step generators with a time budget per slice, giving the event loop a turn between slices. */
async function inSlices<T>(g: Generator<unknown, T, void>, budgetMs = 10): Promise<T> {
  for (;;) {
    const start = performance.now();
    while (performance.now() - start < budgetMs) {
      const r = g.next();
      if (r.done) return r.value;
    }
    await new Promise((r) => setImmediate(r));
  }
}

/**
 * Encodes a big draft's payload and hashes everything before `prev`/`seq` in slices (see
 * PreparedSeal): sealing it in the store is then a copy of the hash state and a few bytes more,
 * instead of seconds of canonical JSON and SHA-256 with the event loop held. SHA-256 from
 * node:crypto, the same function the wiring hands the stores.
 */
async function prepareSeal(draft: EntryDraft, budgetMs = 10): Promise<void> {
  const hash = createHash('sha256');
  hash.update(sealPrefix(draft), 'utf8');
  const parts: string[] = [];
  let start = performance.now();
  for (const piece of canonicalJsonPieces(draft.payload)) {
    parts.push(piece);
    hash.update(piece, 'utf8');
    if (performance.now() - start > budgetMs) {
      await new Promise((r) => setImmediate(r));
      start = performance.now();
    }
  }
  const payloadText = parts.join('');
  attachPreparedSeal(draft, { payloadText, complete: (suffix) => hash.copy().update(suffix, 'utf8').digest('hex') });
}

/** Refuses a fact time later than the time it is written (`now`), naming both in the crisis's zone. */
function checkFactTime(s: CrisisState, at: string | undefined, now: string): void {
  // A minute of slack: the clocks of two laptops in the room are never exactly the same.
  if (at !== undefined && Date.parse(at) > Date.parse(now) + 60_000) {
    const zone = s.crisis?.timeZone ?? DEFAULT_TIME_ZONE;
    throw sayError('invalid-input', 'err.factInFuture', { at: toZonedIso(at, zone), now: toZonedIso(now, zone) }, { path: 'at' });
  }
}

/**
 * The payload `asset set` writes, checked against a state: shared by the command and its what-if
 * preview, so a preview can never disagree with what applying would write. `now` is the time the
 * entry is written: a fact time (`at`) may not be later.
 */
export function assetStatePayload(s: CrisisState, v: AssetSetInput, now: string): EntryPayloads['asset.state'] {
  const assets = selectAssets(s, v).map((a) => a.id);
  if (assets.length === 0) {
    throw sayError('not-found', 'err.noAssetMatch', { selection: describeSelection(v) }, { path: 'pattern' });
  }
  checkFactTime(s, v.at, now);
  return {
    assets,
    ...(v.security ? { security: v.security } : {}),
    ...(v.recovery ? { recovery: v.recovery } : {}),
    ...(v.observed ? { observed: v.observed } : {}),
    reason: v.reason,
    ...(v.at !== undefined ? { happenedAt: v.at } : {}),
  };
}

/** The payload `measure apply` writes; refuses a measure already in force or an unknown site. */
export function measureAppliedPayload(s: CrisisState, v: MeasureInput, now: string): EntryPayloads['measure.applied'] {
  checkSite(s, v.site);
  checkFactTime(s, v.at, now);
  const id = measureIdOf(v.type, v.site, v.zone);
  const inForce = s.measures.get(id);
  if (inForce) throw sayError('already-exists', 'err.measureInForce', { id, at: toZonedIso(inForce.appliedAt, s.crisis?.timeZone ?? DEFAULT_TIME_ZONE) });
  return { id, type: v.type, ...(v.site ? { site: siteId(v.site) } : {}), ...(v.zone ? { zone: v.zone } : {}), reason: v.reason, ...(v.at !== undefined ? { happenedAt: v.at } : {}) };
}

/** The payload `measure lift` writes; refuses a measure that is not in force, or a lift dated before it took effect. */
export function measureLiftedPayload(s: CrisisState, v: MeasureInput, now: string): EntryPayloads['measure.lifted'] {
  const id = measureIdOf(v.type, v.site, v.zone);
  const m = s.measures.get(id);
  if (!m) {
    const inForce = [...s.measures.keys()];
    throw sayError('not-found', 'err.measureNotInForce', { id, list: inForce.length ? inForce.join(', ') : { key: 'word.none' } });
  }
  checkFactTime(s, v.at, now);
  if (v.at !== undefined && Date.parse(v.at) < Date.parse(m.appliedAt)) {
    const zone = s.crisis?.timeZone ?? DEFAULT_TIME_ZONE;
    throw sayError('invalid-input', 'err.liftBeforeApply', { at: toZonedIso(v.at, zone), since: toZonedIso(m.appliedAt, zone) }, { path: 'at' });
  }
  return { id, reason: v.reason, ...(v.at !== undefined ? { happenedAt: v.at } : {}) };
}

/** The refusal of an action the actor's role does not have, in words. */
export function forbidden(actor: Actor, action: Action): CrisisError {
  return sayError('forbidden', 'err.forbidden', { actor: actor.name, role: actor.role, action: { key: `action.${action}` } });
}

function toStoredRow(o: Record<string, unknown>, where: string): StoredRow {
  const str = (k: string): string => {
    const v = o[k];
    if (typeof v !== 'string') throw new CrisisError('invalid-input', `${where}: field "${k}" must be a string`);
    return v;
  };
  const seq = o.seq;
  if (typeof seq !== 'number' || !Number.isInteger(seq) || seq < 1) throw new CrisisError('invalid-input', `${where}: field "seq" must be a positive whole number`);
  if (o.payload === undefined) throw new CrisisError('invalid-input', `${where}: field "payload" is missing`);
  return { seq, id: str('id'), at: str('at'), actor: str('actor'), kind: str('kind'), payload: JSON.stringify(o.payload), prev: str('prev'), hash: str('hash') };
}

/** `*` any run, `?` one character; case-insensitive; anchored. */
export function globToRegExp(glob: string): RegExp {
  const body = glob.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.');
  return new RegExp(`^${body}$`, 'i');
}

/** The assets an `asset set` selection names: hostname glob, then site, kind and OS filters. */
export function selectAssets(s: CrisisState, v: { pattern: string; site?: string | undefined; os?: string | undefined; kind?: string | undefined }): Asset[] {
  const host = globToRegExp(v.pattern);
  const os = v.os ? globToRegExp(v.os) : undefined;
  if (v.site !== undefined) checkSite(s, v.site);
  const out: Asset[] = [];
  for (const a of s.assets.values()) {
    if (!host.test(a.hostname)) continue;
    if (v.site !== undefined && a.site !== v.site) continue;
    if (v.kind !== undefined && a.kind !== v.kind) continue;
    if (os && !os.test(a.os)) continue;
    out.push(a);
  }
  return out.sort((a, b) => a.id.localeCompare(b.id));
}

function describeSelection(v: { pattern: string; site?: string | undefined; os?: string | undefined; kind?: string | undefined }): string {
  return [`"${v.pattern}"`, v.site && `at site ${v.site}`, v.kind && `of kind ${v.kind}`, v.os && `with os "${v.os}"`].filter(Boolean).join(' ');
}

function checkSite(s: CrisisState, site: string | undefined): void {
  if (site !== undefined && !s.sites.has(site as SiteId)) {
    throw sayError('not-found', 'err.unknownSite', { site, sites: [...s.sites.keys()].join(', ') || { key: 'err.noSites' } }, { path: 'site' });
  }
}

/** Measures are named by what they cut, so applying the same one twice is caught. */
export function measureIdOf(type: Measure['type'], site?: string, zone?: string): ReturnType<typeof measureId> {
  if (type === 'quarantine') return measureId(`quarantine:${zone ?? ''}${site ? `@${site}` : ''}`);
  return measureId(site ? `${type}@${site}` : type);
}
