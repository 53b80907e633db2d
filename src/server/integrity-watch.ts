/**
 * The server's watch over its journal: the integrity assessment at start and every few minutes
 * (chain recomputed, checkpoints proved), a signed checkpoint whenever the journal has moved since
 * the last one (the high-water mark the next start is checked against), and what the fold saw in
 * between. `/api/integrity` and the web's banner read it.
 */
import type { CrisisApp } from '../app/crisis-app.ts';
import type { IntegrityReport } from '../app/integrity.ts';

export interface IntegrityView {
  readonly ok: boolean;
  readonly checkedAt: string | null;
  readonly head: { readonly seq: number; readonly hash: string };
  readonly chain: { readonly ok: boolean; readonly badSeq?: number; readonly reason?: string; readonly count?: number };
  readonly lastCheckpoint: { readonly seq: number; readonly hash: string; readonly at: string; readonly keyId: string } | null;
  readonly key: { readonly key: string; readonly keyId: string } | null;
  readonly badSeq: number | null;
  readonly problems: readonly string[];
  /** Entries recording that the server was started on a journal that failed the check. */
  readonly accepted: readonly { readonly seq: number; readonly at: string; readonly actor: string; readonly reason: string }[];
}

export class IntegrityWatch {
  private report: IntegrityReport | undefined;
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;

  constructor(
    private readonly app: CrisisApp,
    private readonly everyMs = 10 * 60_000,
  ) {}

  /** First assessment and checkpoint, then one every `everyMs`. */
  start(): void {
    this.running = this.tick('serve');
    this.timer = setInterval(() => {
      this.running = (this.running ?? Promise.resolve()).then(() => this.tick('interval'));
    }, this.everyMs);
    this.timer.unref();
  }

  private async tick(reason: string): Promise<void> {
    try {
      this.report = await this.app.integrity();
      const last = this.report.checkpoints.last;
      const head = this.app.state.lastSeq;
      // Only a journal that holds is checkpointed: signing a broken one would bless the break.
      if (this.report.ok && head > 0 && (!last || last.seq < head)) await this.app.checkpoint(reason);
    } catch (e) {
      console.error('crisiscell server: integrity check failed:', e);
    }
  }

  /** Waits for the assessment in progress (tests). */
  async settled(): Promise<void> {
    await this.running;
  }

  view(): IntegrityView {
    const f = this.app.foldIntegrity;
    const r = this.report;
    const problems = [...(r?.problems ?? [])];
    // What the fold saw since the last full check (an entry appended that does not chain).
    if (f.chain && !(r && !r.chain.ok && r.chain.badSeq === f.chain.badSeq)) problems.push(`The chain is broken at entry ${f.chain.badSeq}: ${f.chain.reason}.`);
    const last = this.app.checkpoints.last();
    const badSeqs = [r?.badSeq, f.chain?.badSeq, ...f.skipped.map((s) => s.seq)].filter((x): x is number => x !== undefined);
    const chain = r?.chain;
    const accepted = this.app.acceptedProblems();
    return {
      ok: problems.length === 0,
      checkedAt: r?.checkedAt ?? null,
      head: { seq: this.app.state.lastSeq, hash: f.headHash },
      chain: chain === undefined ? { ok: f.chain === undefined } : chain.ok ? { ok: f.chain === undefined, count: chain.count } : { ok: false, badSeq: chain.badSeq, reason: chain.reason, count: chain.count },
      lastCheckpoint: last ? { seq: last.seq, hash: last.hash, at: last.at, keyId: last.keyId } : null,
      key: this.app.checkpoints.publicKey() ?? null,
      badSeq: badSeqs.length > 0 ? Math.min(...badSeqs) : null,
      problems,
      accepted,
    };
  }

  close(): void {
    if (this.timer) clearInterval(this.timer);
  }
}
