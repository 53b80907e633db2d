/**
 * The state of the crisis is a fold of the journal. `Projection` applies entries one by one (the
 * server keeps one up to date as entries arrive); `foldJournal` and `stateAt` build one from scratch.
 * Derived views (the board, plans, clocks) are computed from a projection and never stored.
 */
import type { AnyEntry } from './journal.ts';
import type { AssetId, MeasureId, NeedId, ServiceId, SiteId } from './ids.ts';
import type { Asset, AssetStatus, Measure, Need, Service, Site } from './model.ts';
import { INITIAL_ASSET_STATUS } from './model.ts';
import { DEFAULT_TIME_ZONE } from './clocks/time.ts';
import { CrisisError } from './errors.ts';
import type { UserAccount } from './accounts.ts';
import { foldAccount } from './accounts.ts';
import type { CoordinationView } from './coordination/coordination-state.ts';
import { CoordinationState } from './coordination/coordination-state.ts';
import type { AssetEvidence } from './evidence.ts';

export interface CrisisInfo {
  readonly name: string;
  readonly organisation: string;
  readonly demo: boolean;
  readonly initialisedAt: string;
  /** IANA zone of every time shown for this crisis (Europe/Brussels when the journal names none). */
  readonly timeZone: string;
}

/** The fold's result. Read-only to everyone but `Projection.apply`. */
export interface CrisisState {
  readonly crisis: CrisisInfo | undefined;
  readonly sites: ReadonlyMap<SiteId, Site>;
  readonly services: ReadonlyMap<ServiceId, Service>;
  readonly assets: ReadonlyMap<AssetId, Asset>;
  readonly needs: ReadonlyMap<NeedId, Need>;
  /** Status of every asset that has one; an asset absent here has INITIAL_ASSET_STATUS. */
  readonly assetStatus: ReadonlyMap<AssetId, AssetStatus>;
  /** Measures in force. */
  readonly measures: ReadonlyMap<MeasureId, Measure>;
  /** Local accounts by name (accounts.ts). Optional: hand-built states (what-if overlays) need not carry it. */
  readonly users?: ReadonlyMap<string, UserAccount>;
  /** Decisions, actions, meetings, comms, regulatory facts (coordination/). Optional like `users`. */
  readonly coordination?: CoordinationView;
  /** Hunt evidence per asset, oldest entry first (evidence.ts). Optional like `users`. */
  readonly evidence?: ReadonlyMap<AssetId, readonly AssetEvidence[]>;
  /** Seq and time of the last entry folded (0 and '' for an empty journal). */
  readonly lastSeq: number;
  readonly lastAt: string;
  /** Number of entries folded. */
  readonly entryCount: number;
}

export function statusOf(state: CrisisState, id: AssetId): AssetStatus {
  return state.assetStatus.get(id) ?? INITIAL_ASSET_STATUS;
}

/**
 * Applies entries in order. Mutable on the inside for speed (a million entries fold in seconds),
 * immutable to readers through the CrisisState interface.
 */
export class Projection implements CrisisState {
  crisis: CrisisInfo | undefined = undefined;
  readonly sites = new Map<SiteId, Site>();
  readonly services = new Map<ServiceId, Service>();
  readonly assets = new Map<AssetId, Asset>();
  readonly needs = new Map<NeedId, Need>();
  readonly assetStatus = new Map<AssetId, AssetStatus>();
  readonly measures = new Map<MeasureId, Measure>();
  readonly users = new Map<string, UserAccount>();
  readonly coordination = new CoordinationState();
  readonly evidence = new Map<AssetId, AssetEvidence[]>();
  /** When each field of an asset's status last changed (fact time, ms), so a late fact cannot undo a later one. */
  private readonly fieldTimes = new Map<AssetId, { security: number; recovery: number; observed: number }>();
  lastSeq = 0;
  lastAt = '';
  entryCount = 0;
  /** Called with the ids of assets whose status changed, and on estate or measure changes; lets the impact engine update incrementally. */
  onChange: ((change: StateChange) => void) | undefined = undefined;

  apply(e: AnyEntry): void {
    if (e.seq !== this.lastSeq + 1 && this.lastSeq !== 0) {
      throw new CrisisError('journal-corrupt', `entry ${e.seq} applied after ${this.lastSeq}: entries must be folded in order`, { seq: e.seq });
    }
    switch (e.kind) {
      case 'crisis.initialised':
        this.crisis = { name: e.payload.name, organisation: e.payload.organisation, demo: e.payload.demo === true, initialisedAt: e.at, timeZone: e.payload.timeZone ?? DEFAULT_TIME_ZONE };
        break;
      case 'estate.upserted': {
        const p = e.payload;
        for (const s of p.sites) this.sites.set(s.id, s);
        for (const s of p.services) this.services.set(s.id, s);
        for (const a of p.assets) this.assets.set(a.id, a);
        for (const n of p.needs) this.needs.set(n.id, n);
        this.onChange?.({ type: 'estate' });
        break;
      }
      case 'asset.state': {
        const p = e.payload;
        const at = factTimeOf(e);
        const f = Date.parse(at);
        for (const id of p.assets) {
          const old = this.assetStatus.get(id) ?? INITIAL_ASSET_STATUS;
          // A fact recorded late (`--at` earlier than what is known of the asset) changes only the
          // fields nobody changed since: "isolated at 03:50", typed at 10:00, must not undo a
          // restore recorded at 09:00, but still says the server was compromised if nothing since said otherwise.
          const times = this.fieldTimes.get(id) ?? { security: -Infinity, recovery: -Infinity, observed: -Infinity };
          const security = p.security !== undefined && f >= times.security ? p.security : old.security;
          if (p.security !== undefined && f >= times.security) times.security = f;
          const recoveryApplies = p.recovery !== undefined && f >= times.recovery;
          const recovery = recoveryApplies && p.recovery !== undefined ? p.recovery : old.recovery;
          if (recoveryApplies) times.recovery = f;
          let observed = old.observed;
          if (f >= times.observed) {
            if (p.observed !== undefined) observed = p.observed;
            else if (recoveryApplies && recovery !== old.recovery) observed = undefined;
            if (p.observed !== undefined || (recoveryApplies && recovery !== old.recovery)) times.observed = f;
          }
          this.fieldTimes.set(id, times);
          const latest = old.changedAt === '' || f >= Date.parse(old.changedAt);
          const next: AssetStatus = {
            security,
            recovery,
            reason: latest ? p.reason : old.reason,
            changedAt: latest ? at : old.changedAt,
            changedBy: latest ? e.actor : old.changedBy,
            changedSeq: latest ? e.seq : old.changedSeq,
          };
          this.assetStatus.set(id, observed === undefined ? next : { ...next, observed });
        }
        this.onChange?.({ type: 'assets', ids: p.assets });
        break;
      }
      case 'measure.applied': {
        const p = e.payload;
        const m: Measure = {
          id: p.id,
          type: p.type,
          reason: p.reason,
          appliedAt: factTimeOf(e),
          appliedBy: e.actor,
          appliedSeq: e.seq,
          ...(p.site === undefined ? {} : { site: p.site }),
          ...(p.zone === undefined ? {} : { zone: p.zone }),
        };
        this.measures.set(p.id, m);
        this.onChange?.({ type: 'measures' });
        break;
      }
      case 'measure.lifted':
        this.measures.delete(e.payload.id);
        this.onChange?.({ type: 'measures' });
        break;
      case 'log.note':
        break;
      case 'evidence.recorded': {
        // Evidence is kept beside the asset; its status is left alone (someone decides that).
        const list = this.evidence.get(e.payload.asset);
        const ev: AssetEvidence = { ...e.payload, seq: e.seq, at: e.at, actor: e.actor };
        if (list) list.push(ev);
        else this.evidence.set(e.payload.asset, [ev]);
        break;
      }
      case 'positions.configured':
      case 'period.opened':
      case 'position.assigned':
      case 'decision.opened':
      case 'decision.made':
      case 'action.created':
      case 'action.updated':
      case 'meeting.scheduled':
      case 'meeting.minuted':
      case 'contact.upserted':
      case 'channel.status':
      case 'comms.drafted':
      case 'comms.approved':
      case 'comms.published':
      case 'incident.assessed':
      case 'regulatory.awareness':
      case 'regulatory.breach-assessed':
      case 'regulatory.filed':
        this.coordination.apply(e);
        break;
      case 'user.added':
      case 'user.role-changed':
      case 'user.disabled':
      case 'user.password-changed':
        foldAccount(this.users, e);
        break;
      case 'journal.integrity-accepted':
        break;
      default: {
        // A kind listed in ENTRY_KINDS but not folded here is a bug: fail loudly, never skip.
        const never: never = e;
        throw new CrisisError('journal-corrupt', `no fold for entry kind ${(never as AnyEntry).kind}`);
      }
    }
    this.lastSeq = e.seq;
    this.lastAt = e.at;
    this.entryCount++;
  }
}

/** Leaves an entry out of a projection (one the app found malformed): the seq moves on, nothing else changes. */
export function skipEntry(p: Projection, e: { readonly seq: number }): void {
  p.lastSeq = e.seq;
}

export type StateChange = { readonly type: 'estate' } | { readonly type: 'measures' } | { readonly type: 'assets'; readonly ids: readonly AssetId[] };

/** Folds a whole journal. */
export function foldJournal(entries: Iterable<AnyEntry>): Projection {
  const p = new Projection();
  for (const e of entries) p.apply(e);
  return p;
}

/**
 * When what an entry says happened: the `happenedAt` of an asset or measure change recorded late
 * (`asset set --at 03:50` typed at 10:00), else the author time of the entry.
 */
export function factTimeOf(e: AnyEntry): string {
  if ((e.kind === 'asset.state' || e.kind === 'measure.applied' || e.kind === 'measure.lifted') && e.payload.happenedAt !== undefined) return e.payload.happenedAt;
  return e.at;
}

/**
 * The state as it was at `at`: entries whose fact time (factTimeOf) is at or before `at`, in
 * journal order. Author time, not append time: a fact recorded later about 03:25 counts at 03:25.
 */
export function stateAt(entries: Iterable<AnyEntry>, at: string): Projection {
  const limit = Date.parse(at);
  if (Number.isNaN(limit)) throw new CrisisError('invalid-input', `not an ISO time: "${at}"`, { details: [{ path: 'at', message: 'expected an ISO 8601 time such as 2022-05-14T15:00:00+02:00' }] });
  const p = new Projection();
  for (const e of entries) {
    if (Date.parse(factTimeOf(e)) <= limit) applyOutOfOrder(p, e);
  }
  return p;
}

/** stateAt skips entries, so the seq continuity check of `apply` cannot hold there. */
function applyOutOfOrder(p: Projection, e: AnyEntry): void {
  p.lastSeq = e.seq - 1;
  p.apply(e);
}
