/**
 * Every kind of journal entry and its payload. Kinds are versioned, never repurposed: to change a
 * payload's meaning, add `<kind>.v2` and keep folding the old one.
 */
import type { AssetId, MeasureId } from './ids.ts';
import type { Asset, MeasureType, Need, Observation, RecoveryState, SecurityState, Service, Site } from './model.ts';
import type { SiteId } from './ids.ts';
import type { CoordinationPayloads } from './coordination/types.ts';
import type { EvidenceRecorded } from './evidence.ts';
import { COORDINATION_KINDS } from './coordination/types.ts';

/** Coordination kinds (decisions, actions, meetings, comms, regulatory facts) live in coordination/types.ts. */
export interface EntryPayloads extends CoordinationPayloads {
  /** The first entry of every journal. */
  'crisis.initialised': {
    readonly name: string;
    readonly organisation: string;
    /** True for the built-in demonstration journal; `demo` refuses to overwrite anything else. */
    readonly demo?: boolean;
    /** IANA zone every time of this crisis is shown in; absent (older journals): Europe/Brussels. */
    readonly timeZone?: string;
  };
  /** Sites, services, assets and needs added or changed by an estate import (only what changed). */
  'estate.upserted': {
    readonly sources: readonly { readonly file: string; readonly sha256: string }[];
    readonly sites: readonly Site[];
    readonly services: readonly Service[];
    readonly assets: readonly Asset[];
    readonly needs: readonly Need[];
  };
  /** A bulk change of asset state: one entry for all the assets one decision concerned. */
  'asset.state': {
    readonly assets: readonly AssetId[];
    readonly security?: SecurityState;
    readonly recovery?: RecoveryState;
    readonly observed?: Observation;
    readonly reason: string;
    /**
     * When the change happened, if not when it was written (`asset set --at 03:50`): the entry's
     * `at` stays the time it was written, the fold and the board use this one.
     */
    readonly happenedAt?: string;
  };
  'measure.applied': {
    readonly id: MeasureId;
    readonly type: MeasureType;
    readonly site?: SiteId;
    readonly zone?: string;
    readonly reason: string;
    /** When the measure took effect, if not when it was written (`measure apply --at 03:40`). */
    readonly happenedAt?: string;
  };
  'measure.lifted': {
    readonly id: MeasureId;
    readonly reason: string;
    /** When the measure was lifted, if not when it was written. */
    readonly happenedAt?: string;
  };
  /**
   * A local account (see accounts.ts), its password set. The hash is NOT here: it lives in the
   * store's credential table, because the journal is evidence that leaves the building.
   * Re-adding a disabled name re-enables it with a new password.
   */
  'user.added': {
    readonly name: string;
    readonly role: string;
  };
  'user.role-changed': {
    readonly name: string;
    readonly role: string;
    readonly reason: string;
  };
  'user.disabled': {
    readonly name: string;
    readonly reason: string;
  };
  /**
   * A new password was set for an account (the hash goes to the credential table, never here). Its
   * open sessions end on every server instance that folds this entry.
   */
  'user.password-changed': {
    readonly name: string;
    readonly reason?: string;
  };
  /**
   * The server was started on a journal that failed its integrity check (a broken chain, a journal
   * shorter than its last signed checkpoint, an entry the fold cannot apply), because an operator
   * said so explicitly. The problem and the operator's reason stay in the logbook.
   */
  'journal.integrity-accepted': {
    readonly problem: string;
    readonly reason: string;
    readonly headSeq: number;
    readonly badSeq?: number;
    readonly checkpointSeq?: number;
  };
  /**
   * What a hunt of event logs found on one asset (evidence.ts): detection references, erased
   * evidence. Never changes the asset's state by itself.
   */
  'evidence.recorded': EvidenceRecorded;
  /** A free logbook line: something learnt, said or done that no other kind records. */
  'log.note': {
    readonly type: 'fact' | 'decision' | 'action' | 'communication';
    readonly text: string;
    readonly source?: string;
  };
}

export type EntryKind = keyof EntryPayloads;

/** Every kind a journal may hold. A stored entry of any other kind is an error, never skipped. */
export const ENTRY_KINDS: ReadonlySet<string> = new Set<EntryKind>([
  'crisis.initialised',
  'estate.upserted',
  'asset.state',
  'measure.applied',
  'measure.lifted',
  'log.note',
  'evidence.recorded',
  ...COORDINATION_KINDS,
  'user.added',
  'user.role-changed',
  'user.disabled',
  'user.password-changed',
  'journal.integrity-accepted',
] satisfies EntryKind[]);

export function isEntryKind(k: string): k is EntryKind {
  return ENTRY_KINDS.has(k);
}
