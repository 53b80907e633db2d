/**
 * The board queries the CLI and the server share: the board now or at a time, one cell's
 * explanation, and what-if previews built by the same payload builders the commands use.
 */
import { z } from 'zod';
import type { ServiceId, SiteId } from '../core/ids.ts';
import { entryId } from '../core/ids.ts';
import type { EntryDraft } from '../core/journal.ts';
import type { CrisisState } from '../core/state.ts';
import { Projection } from '../core/state.ts';
import { computeBoard, explainCell, ImpactEngine, whatIf, whatIfReport } from '../core/impact/index.ts';
import type { Board, BoardOptions, CellExplanation, ImpactCell, WhatIfReport, WhatIfResult } from '../core/impact/index.ts';
import type { Lang } from '../core/i18n/index.ts';
import { sayError } from '../core/errors.ts';
import { assetStatePayload, measureAppliedPayload, measureLiftedPayload } from './crisis-app.ts';
import { assetSetInput, measureInput } from './schemas.ts';
import { validate } from './validate.ts';

/** One hypothetical change: the input of the command it previews. */
export const whatIfChange = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('asset.state'), input: z.unknown() }),
  z.object({ kind: z.literal('measure.applied'), input: z.unknown() }),
  z.object({ kind: z.literal('measure.lifted'), input: z.unknown() }),
]);
export type WhatIfChange = z.infer<typeof whatIfChange>;

/** The board of a state, for the given sites (all when absent). */
export function boardOf(state: CrisisState, opts: BoardOptions = {}): Board {
  return computeBoard(state, opts);
}

/** One cell with its cause chains and procedures; `not-found` names the known services of the site. */
export function cellOf(state: CrisisState, id: string): ImpactCell {
  const sid = checkService(state, id);
  const board = computeBoard(state, { causes: [sid], sites: [state.services.get(sid)!.site as SiteId] });
  const cell = board.cells.find((c) => c.serviceId === sid);
  if (!cell) throw sayError('not-found', 'err.noServiceOnBoard', { service: id });
  return cell;
}

function checkService(state: CrisisState, id: string): ServiceId {
  const sid = id as ServiceId;
  if (!state.services.has(sid)) {
    const site = id.split('@')[1];
    const here = [...state.services.values()].filter((s) => s.site === site).map((s) => s.id);
    throw here.length ? sayError('not-found', 'err.noServiceAt', { service: id, site: site ?? '', list: here.join(', ') }, { path: 'service' }) : sayError('not-found', 'err.noService', { service: id }, { path: 'service' });
  }
  return sid;
}

/**
 * One cell and its explanation for people: procedures first, one line per distinct cause with the
 * services it hits and its hosts (or "and N more" with the filter to list them), the risks, a
 * glossary. `engine`: one already up to date with `state` (the server's), else one is built.
 */
export function explanationOf(state: CrisisState, id: string, opts: { lang?: Lang; engine?: ImpactEngine } = {}): { cell: ImpactCell; explanation: CellExplanation } {
  const sid = checkService(state, id);
  const engine = opts.engine !== undefined && opts.engine.state === state ? opts.engine : new ImpactEngine(state);
  const cell = engine.cell(sid);
  if (!cell) throw sayError('not-found', 'err.noServiceOnBoard', { service: id });
  return { cell, explanation: explainCell(engine, cell, { lang: opts.lang ?? 'en', ...(state.crisis ? { timeZone: state.crisis.timeZone } : {}) }) };
}

/**
 * Evaluates changes on top of a state without writing anything. Each change is validated and
 * turned into the payload its command would write, against the state as changed by the ones
 * before it.
 */
export function whatIfOf(state: CrisisState, changes: readonly unknown[], at: string, engine?: ImpactEngine, lang: Lang = 'en'): WhatIfResult & { readonly assets: number; readonly report: WhatIfReport } {
  if (changes.length === 0) throw sayError('invalid-input', 'err.noChange', {}, { path: 'changes' });
  // Later changes are checked against a scratch fold of the earlier ones (lift what an earlier
  // change applied, for instance); the what-if itself starts again from the untouched state.
  const scratch = new Projection();
  copyInto(scratch, state);
  const drafts: EntryDraft[] = [];
  let assets = 0;
  changes.forEach((raw, i) => {
    const c = validate(whatIfChange, raw);
    let d: EntryDraft;
    const base = { id: entryId(`what-if-${i}`), at, actor: 'what-if' } as const;
    if (c.kind === 'asset.state') {
      const payload = assetStatePayload(scratch, validate(assetSetInput, c.input), at);
      assets += payload.assets.length;
      d = { ...base, kind: 'asset.state', payload };
    } else if (c.kind === 'measure.applied') {
      d = { ...base, kind: 'measure.applied', payload: measureAppliedPayload(scratch, validate(measureInput, c.input), at) };
    } else {
      d = { ...base, kind: 'measure.lifted', payload: measureLiftedPayload(scratch, validate(measureInput, c.input), at) };
    }
    drafts.push(d);
    scratch.apply({ ...d, seq: scratch.lastSeq + 1, prev: '', hash: '' } as never);
  });
  const result = whatIf(state, drafts, engine ? { engine } : {});
  // The same report for the CLI and the API: the board marks (O!, D), the risk lines, the gates.
  return { ...result, assets, report: whatIfReport(result, state, drafts, lang) };
}

/** A scratch copy sharing the estate maps' values; what-if writes only statuses and measures. */
function copyInto(p: Projection, s: CrisisState): void {
  p.crisis = s.crisis;
  for (const [k, v] of s.sites) p.sites.set(k, v);
  for (const [k, v] of s.services) p.services.set(k, v);
  for (const [k, v] of s.assets) p.assets.set(k, v);
  for (const [k, v] of s.needs) p.needs.set(k, v);
  for (const [k, v] of s.assetStatus) p.assetStatus.set(k, v);
  for (const [k, v] of s.measures) p.measures.set(k, v);
  p.lastSeq = s.lastSeq;
  p.lastAt = s.lastAt;
}
