/**
 * What-if: the board difference that hypothetical changes would make, computed without writing
 * anything. Changes are `EntryDraft`s of the kinds the app already parses ('asset.state',
 * 'measure.applied', 'measure.lifted'), folded by the real fold (Projection.apply) into a copy of
 * the asset statuses and measures, so a what-if can never disagree with what appending would do.
 */
import type { EntryDraft } from '../journal.ts';
import type { AnyEntry } from '../journal.ts';
import type { AssetId, MeasureId, ServiceId } from '../ids.ts';
import { CrisisError } from '../errors.ts';
import type { CrisisState } from '../state.ts';
import { Projection } from '../state.ts';
import { ImpactEngine } from './engine.ts';
import type { CauseChain, ImpactCell, ServiceStatus } from './types.ts';

/** The kinds a what-if accepts. */
export const WHAT_IF_KINDS = ['asset.state', 'measure.applied', 'measure.lifted'] as const;

/** A cell as it was or would be, for a diff line. */
export interface CellSide {
  readonly status: ServiceStatus;
  readonly capacity: number;
  readonly capacityRange: readonly [number, number];
  readonly atRisk: boolean;
  readonly procedures: readonly string[];
}

/** One cell whose status, capacity, at-risk flag, procedures or causes would change. */
export interface CellChange {
  readonly serviceId: ServiceId;
  readonly site: ImpactCell['site'];
  readonly siteKind: ImpactCell['siteKind'];
  readonly service: string;
  readonly name: string;
  readonly criticality: ImpactCell['criticality'];
  readonly before: CellSide;
  readonly after: CellSide;
  /** True when status or capacity change; false when only causes, procedures or the risk flag do. */
  readonly significant: boolean;
  /** Chains present after but not before (compared by text), and the reverse. */
  readonly causesAdded: readonly CauseChain[];
  readonly causesRemoved: readonly CauseChain[];
}

export interface WhatIfResult {
  /**
   * Changed cells: those whose status or capacity change first (largest capacity change, then
   * most critical), then those where only causes or the risk flag change.
   */
  readonly changes: readonly CellChange[];
  /** Asset ids in the changes that the estate does not have (the change did nothing). */
  readonly unknownAssets: readonly AssetId[];
  /** Measures lifted that are not in force. */
  readonly unknownMeasures: readonly MeasureId[];
}

const CRIT_RANK = { vital: 0, essential: 1, standard: 2 } as const;

/** Options of `whatIf`. */
export interface WhatIfOptions {
  /**
   * An engine already up to date with `state` (the server keeps one): the what-if forks it
   * instead of compiling the estate again, which is what makes a what-if cheap at scale.
   */
  readonly engine?: ImpactEngine;
}

/**
 * Evaluates `changes` on top of `state` without touching it, and returns the board difference.
 * Throws CrisisError('invalid-input') for a draft of another kind.
 */
export function whatIf(state: CrisisState, changes: readonly EntryDraft[], opts: WhatIfOptions = {}): WhatIfResult {
  for (const [i, d] of changes.entries()) {
    if (!(WHAT_IF_KINDS as readonly string[]).includes(d.kind)) {
      throw new CrisisError('invalid-input', `a what-if takes asset and measure changes, not "${d.kind}"`, { details: [{ path: `changes[${i}].kind`, message: `expected one of ${WHAT_IF_KINDS.join(', ')}` }] });
    }
  }
  // The overlay: a Projection holding only copies of the two maps the changes touch; sites,
  // services, assets and needs are shared with the real state (read-only).
  const overlay = new Projection();
  for (const [k, v] of state.assetStatus) overlay.assetStatus.set(k, v);
  for (const [k, v] of state.measures) overlay.measures.set(k, v);
  const view: CrisisState = {
    crisis: state.crisis,
    sites: state.sites,
    services: state.services,
    assets: state.assets,
    needs: state.needs,
    assetStatus: overlay.assetStatus,
    measures: overlay.measures,
    lastSeq: state.lastSeq,
    lastAt: state.lastAt,
    entryCount: state.entryCount,
  };
  const base = opts.engine !== undefined && opts.engine.state === state ? opts.engine : new ImpactEngine(state);
  const engine = base.fork(view);

  const unknownAssets = new Set<AssetId>();
  const unknownMeasures: MeasureId[] = [];
  // Cells to compare: every service above a node a change started from (see servicesAboveLastUpdate).
  const candidates = new Set<ServiceId>();
  overlay.onChange = (c) => {
    engine.handle(c);
    for (const id of engine.servicesAboveLastUpdate()) candidates.add(id);
  };
  let seq = state.lastSeq;
  for (const d of changes) {
    if (d.kind === 'asset.state') {
      for (const id of (d as EntryDraft<'asset.state'>).payload.assets) if (!state.assets.has(id)) unknownAssets.add(id);
    } else if (d.kind === 'measure.lifted') {
      const id = (d as EntryDraft<'measure.lifted'>).payload.id;
      if (!overlay.measures.has(id)) unknownMeasures.push(id);
    }
    seq += 1;
    overlay.lastSeq = 0; // the overlay holds no chain: skip apply's continuity check
    overlay.apply({ ...d, seq, prev: '', hash: '' } as AnyEntry);
  }
  const out: CellChange[] = [];
  for (const id of candidates) {
    const b = base.cell(id);
    const a = engine.cell(id);
    if (a === undefined || b === undefined) continue;
    const beforeTexts = new Set(b.causes.map((c) => c.text));
    const afterTexts = new Set(a.causes.map((c) => c.text));
    const causesAdded = a.causes.filter((c) => !beforeTexts.has(c.text));
    const causesRemoved = b.causes.filter((c) => !afterTexts.has(c.text));
    const same =
      a.status === b.status &&
      a.capacity === b.capacity &&
      a.capacityRange[1] === b.capacityRange[1] &&
      a.atRisk === b.atRisk &&
      causesAdded.length === 0 &&
      causesRemoved.length === 0 &&
      a.procedures.join('\n') === b.procedures.join('\n');
    if (same) continue;
    out.push({
      serviceId: b.serviceId,
      site: b.site,
      siteKind: b.siteKind,
      service: b.service,
      name: b.name,
      criticality: b.criticality,
      before: side(b),
      after: side(a),
      significant: a.status !== b.status || a.capacity !== b.capacity || a.capacityRange[1] !== b.capacityRange[1],
      causesAdded,
      causesRemoved,
    });
  }
  const delta = (c: CellChange): number => Math.abs(c.after.capacity - c.before.capacity);
  out.sort(
    (x, y) =>
      Number(y.significant) - Number(x.significant) ||
      delta(y) - delta(x) ||
      CRIT_RANK[x.criticality] - CRIT_RANK[y.criticality] ||
      (x.serviceId < y.serviceId ? -1 : x.serviceId > y.serviceId ? 1 : 0),
  );
  return { changes: out, unknownAssets: [...unknownAssets], unknownMeasures };
}

function side(c: ImpactCell): CellSide {
  return { status: c.status, capacity: c.capacity, capacityRange: c.capacityRange, atRisk: c.atRisk, procedures: c.procedures };
}
