/**
 * The board as the server serves it: one ImpactEngine kept up to date by the live projection's
 * change events, and the encoded board cached per journal seq, so a room full of laptops polling
 * or reloading costs one computation per change, not one per request.
 */
import type { CrisisApp } from '../app/crisis-app.ts';
import { validate } from '../app/validate.ts';
import { globToRegExp } from '../app/crisis-app.ts';
import { assetSetInput, measureInput } from '../app/schemas.ts';
import { CrisisError } from '../core/errors.ts';
import type { AssetId, ServiceId } from '../core/ids.ts';
import { entryId } from '../core/ids.ts';
import type { EntryDraft } from '../core/journal.ts';
import type { CrisisState } from '../core/state.ts';
import { ImpactEngine, whatIf } from '../core/impact/index.ts';
import type { ImpactCell, WhatIfResult } from '../core/impact/index.ts';
import { measureIdOf } from '../app/crisis-app.ts';
import { z } from 'zod';
import { gzipSync } from 'node:zlib';

export const whatIfInput = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('asset.state'), input: z.unknown() }),
  z.object({ kind: z.literal('measure.applied'), input: z.unknown() }),
  z.object({ kind: z.literal('measure.lifted'), input: z.unknown() }),
]);

export class BoardService {
  private readonly engine: ImpactEngine;
  private cache: { seq: number; json: Buffer; gz: Buffer } | undefined;

  constructor(private readonly app: CrisisApp) {
    const p = app.liveProjection;
    this.engine = new ImpactEngine(p);
    const previous = p.onChange;
    // Chain rather than replace: another engine in this process may listen too.
    p.onChange = (c) => {
      previous?.(c);
      this.engine.handle(c);
    };
  }

  /**
   * The current board, encoded (plain and gzip), cached until the next entry. Without the cause
   * chains: they are most of the bytes (330 kB against 55 kB for the demo) and are read one cell
   * at a time (`cell`), while every laptop reloads the whole board on every change.
   */
  boardEncoded(): { json: Buffer; gz: Buffer } {
    const seq = this.app.liveProjection.lastSeq;
    if (this.cache?.seq !== seq) {
      const board = this.engine.board({ causes: 'none' });
      const json = Buffer.from(JSON.stringify({ seq, at: this.app.liveProjection.lastAt, ...board }));
      this.cache = { seq, json, gz: gzipSync(json, { level: 6 }) };
    }
    return this.cache;
  }

  /** The board of a past state (time slider): computed once per call, not cached. */
  boardOf(state: CrisisState): unknown {
    return { seq: state.lastSeq, at: state.lastAt, ...new ImpactEngine(state).board({ causes: 'none' }) };
  }

  /** One cell with its cause chains, now or in a past state. */
  cell(id: string, state?: CrisisState): ImpactCell {
    const c = (state ? new ImpactEngine(state) : this.engine).cell(id as ServiceId);
    if (!c) throw new CrisisError('not-found', `no service "${id}" on the board`, { details: [{ path: 'id', message: 'unknown service' }] });
    return c;
  }

  /**
   * What the board would become: the same input as the command it previews, validated by the same
   * schema, turned into the draft the command would write, folded by the real fold (core what-if).
   */
  whatIf(raw: unknown): WhatIfResult & { readonly assets?: number } {
    const v = validate(whatIfInput, raw);
    const s = this.app.liveProjection;
    const draft = (kind: EntryDraft['kind'], payload: unknown): EntryDraft => ({ id: entryId('what-if'), at: new Date().toISOString(), actor: 'what-if', kind, payload } as EntryDraft);
    if (v.kind === 'asset.state') {
      const a = validate(assetSetInput, v.input);
      const ids = selectAssetIds(s, a);
      if (ids.length === 0) throw new CrisisError('not-found', 'no asset matches', { details: [{ path: 'input.pattern', message: 'no asset matches' }] });
      const payload = { assets: ids, ...(a.security ? { security: a.security } : {}), ...(a.recovery ? { recovery: a.recovery } : {}), ...(a.observed ? { observed: a.observed } : {}), reason: a.reason };
      return { ...whatIf(s, [draft('asset.state', payload)]), assets: ids.length };
    }
    const m = validate(measureInput, v.input);
    const id = measureIdOf(m.type, m.site, m.zone);
    if (v.kind === 'measure.applied') {
      return whatIf(s, [draft('measure.applied', { id, type: m.type, ...(m.site ? { site: m.site } : {}), ...(m.zone ? { zone: m.zone } : {}), reason: m.reason })]);
    }
    return whatIf(s, [draft('measure.lifted', { id, reason: m.reason })]);
  }
}

/** The same selection as CrisisApp.setAssets: hostname glob, then site, kind and OS filters. */
export function selectAssetIds(s: CrisisState, v: { pattern: string; site?: string | undefined; kind?: string | undefined; os?: string | undefined }): AssetId[] {
  const host = globToRegExp(v.pattern);
  const os = v.os ? globToRegExp(v.os) : undefined;
  const out: AssetId[] = [];
  for (const a of s.assets.values()) {
    if (!host.test(a.hostname)) continue;
    if (v.site !== undefined && a.site !== v.site) continue;
    if (v.kind !== undefined && a.kind !== v.kind) continue;
    if (os && !os.test(a.os)) continue;
    out.push(a.id);
  }
  return out.sort();
}
