/**
 * The board as the server serves it: one ImpactEngine kept up to date by the live projection's
 * change events, and the encoded board cached per journal seq, so a room full of laptops polling
 * or reloading costs one computation per change, not one per request.
 */
import type { CrisisApp } from '../app/crisis-app.ts';
import { explanationOf, whatIfChange, whatIfOf } from '../app/board.ts';
import type { CrisisState } from '../core/state.ts';
import { ImpactEngine } from '../core/impact/index.ts';
import type { CellExplanation, ImpactCell, WhatIfReport, WhatIfResult } from '../core/impact/index.ts';
import type { Lang } from '../core/i18n/index.ts';
import { gzipSync } from 'node:zlib';

/** One change to preview: the input of the command it previews. */
export const whatIfInput = whatIfChange;

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

  /** One cell with its cause chains and its explanation for people (in `lang`), now or in a past state. */
  cell(id: string, state?: CrisisState, lang: Lang = 'en'): ImpactCell & { readonly explanation: CellExplanation } {
    const s = state ?? this.app.liveProjection;
    const { cell, explanation } = explanationOf(s, id, { lang, engine: state ? new ImpactEngine(state) : this.engine });
    return { ...cell, explanation };
  }

  /**
   * What the board would become: the same input as the command it previews, turned into the
   * payload the command would write by the app layer's own builders (app/board.ts), folded by the
   * real fold on a fork of the live engine.
   */
  whatIf(raw: unknown, lang: Lang = 'en'): WhatIfResult & { readonly assets: number; readonly report: WhatIfReport } {
    return whatIfOf(this.app.liveProjection, [raw], this.app.clockNow(), this.engine, lang);
  }
}
