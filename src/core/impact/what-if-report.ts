/**
 * A what-if result said for people, once for the CLI and the web alike: each changed cell with its
 * board marks before and after (`D -> O!`: operational, but now relying on a compromised system),
 * why, the cells where only the risk changes, and the gates a change would cross (restoring an
 * asset that is compromised, suspected or unknown: DOMAIN.md §3, "restore gates"). `text` is what
 * `crisiscell whatif` prints; the web shows the same lines and warnings.
 */
import type { EntryDraft } from '../journal.ts';
import type { CrisisState } from '../state.ts';
import { statusOf } from '../state.ts';
import type { RecoveryState, SecurityState } from '../model.ts';
import type { Lang, MessageKey, Params } from '../i18n/index.ts';
import { joinList, label, t } from '../i18n/index.ts';
import type { CellChange, CellSide, WhatIfResult } from './what-if.ts';
import type { CauseChain, CauseStep, ServiceStatus } from './types.ts';
import type { AssetId } from '../ids.ts';
import { rootWords } from './explanation.ts';

const LETTER: Readonly<Record<ServiceStatus, string>> = { operational: 'O', degraded: 'D', down: 'X', unknown: '?' };

/** How a cell looks on the board: its letter, `!` when at risk, status and capacity. */
export interface SideView {
  /** `O`, `D!`, `X`, `?`: the board's letter, and `!` at risk. */
  readonly mark: string;
  readonly status: ServiceStatus;
  readonly atRisk: boolean;
  /** `40 %`, or `20 %-60 %` for an unknown cell. */
  readonly capacity: string;
  /** `D! degraded 40 %`. */
  readonly text: string;
}

export interface WhatIfLine {
  readonly serviceId: string;
  readonly name: string;
  readonly site: string;
  readonly before: SideView;
  readonly after: SideView;
  /** The first cause added or removed, or the change of risk, in words. */
  readonly because: string;
  /** The whole line as the CLI prints it. */
  readonly text: string;
}

/** A gate a change would cross: a confirmation the person must give, naming the gate. */
export interface GateWarning {
  readonly gate: 'restore-before-clean';
  /** What the gate forbids, in words. */
  readonly gateName: string;
  readonly assets: readonly string[];
  readonly text: string;
}

export interface WhatIfReport {
  readonly lang: Lang;
  readonly headline: string;
  /** Cells whose status or capacity would change. */
  readonly lines: readonly WhatIfLine[];
  /** Cells whose status and capacity stay but which would start, or stop, relying on a compromised or suspected system. */
  readonly wouldRely: readonly string[];
  readonly wouldNoLongerRely: readonly string[];
  /** Cells where only the causes change. */
  readonly causesOnly: readonly string[];
  readonly notes: readonly string[];
  readonly warnings: readonly GateWarning[];
  /** Every line above, as one text (the CLI's output). */
  readonly text: string;
}

const IN_USE: ReadonlySet<RecoveryState> = new Set(['in-service', 'restored', 'verified']);
const NOT_CLEAN: ReadonlySet<SecurityState> = new Set(['compromised', 'suspected', 'unknown']);

/**
 * The report of `diff`, the what-if of `changes` on `state` (the state before the changes).
 * Warnings look at each asset change: returning an asset to service while its security (after
 * the change) is not clean crosses the restore gate.
 */
export function whatIfReport(diff: WhatIfResult, state: CrisisState, changes: readonly EntryDraft[], lang: Lang = 'en'): WhatIfReport {
  const tr = (key: MessageKey, params?: Params) => t(lang, key, params);
  const pct = (c: number): string => tr('pct', { n: Math.round(c * 100) });
  const side = (s: CellSide): SideView => {
    const capacity = s.status === 'unknown' ? `${pct(s.capacityRange[0])}-${pct(s.capacityRange[1])}` : pct(s.capacity);
    const mark = `${LETTER[s.status]}${s.atRisk ? '!' : ''}`;
    return { mark, status: s.status, atRisk: s.atRisk, capacity, text: `${mark} ${label(lang, 'status', s.status)} ${capacity}` };
  };
  const main = diff.changes.filter((c) => c.significant);
  const minor = diff.changes.filter((c) => !c.significant);
  const w = Math.max(0, ...main.map((c) => c.serviceId.length));
  const lines = main.map((c): WhatIfLine => {
    const before = side(c.before);
    const after = side(c.after);
    const because = becauseOf(c, tr, (chain) => chainWords(chain, state, lang));
    return { serviceId: c.serviceId, name: c.name, site: c.site, before, after, because, text: `${c.serviceId.padEnd(w)}  ${before.text} -> ${after.text}${because ? `  ${because}` : ''}` };
  });
  const risk = minor.filter((c) => c.before.atRisk !== c.after.atRisk);
  const causesOnly = minor.filter((c) => c.before.atRisk === c.after.atRisk).map((c) => c.serviceId);
  const wouldRely = risk.filter((c) => c.after.atRisk).map((c) => c.serviceId);
  const wouldNoLongerRely = risk.filter((c) => !c.after.atRisk).map((c) => c.serviceId);
  const notes = [
    causesOnly.length > 0 ? tr('wi.causesChange', { n: causesOnly.length, list: causesOnly.join(', ') }) : '',
    wouldRely.length > 0 ? tr('wi.wouldRely', { n: wouldRely.length, list: wouldRely.join(', ') }) : '',
    wouldNoLongerRely.length > 0 ? tr('wi.wouldNotRely', { n: wouldNoLongerRely.length, list: wouldNoLongerRely.join(', ') }) : '',
    diff.unknownAssets.length > 0 ? tr('wi.notInEstate', { list: diff.unknownAssets.join(', ') }) : '',
    diff.unknownMeasures.length > 0 ? tr('wi.noMeasure', { list: diff.unknownMeasures.join(', ') }) : '',
  ].filter(Boolean);
  const warnings = gateWarnings(state, changes, lang);
  const headline = main.length === 0 ? tr('wi.noChange') : `${tr('wi.change', { n: main.length })}:`;
  const text = [...warnings.map((x) => `! ${x.text}`), headline, ...lines.map((l) => `  ${l.text}`), ...notes].join('\n');
  return { lang, headline, lines, wouldRely, wouldNoLongerRely, causesOnly, notes, warnings, text: `${text}\n` };
}

/** The restore gate: assets a change would return to service while compromised, suspected or unknown. */
export function gateWarnings(state: CrisisState, changes: readonly EntryDraft[], lang: Lang = 'en'): GateWarning[] {
  const flagged = new Map<string, SecurityState>();
  const security = new Map<string, SecurityState>();
  for (const d of changes) {
    if (d.kind !== 'asset.state') continue;
    const p = (d as EntryDraft<'asset.state'>).payload;
    for (const id of p.assets) {
      const sec = p.security ?? security.get(id) ?? statusOf(state, id).security;
      security.set(id, sec);
      if (p.recovery !== undefined && IN_USE.has(p.recovery) && NOT_CLEAN.has(sec)) flagged.set(id, sec);
      else if (p.recovery !== undefined || p.security !== undefined) flagged.delete(id);
    }
  }
  if (flagged.size === 0) return [];
  const assets = [...flagged.keys()].sort();
  const states = [...new Set(flagged.values())].map((s) => label(lang, 'security', s));
  const hosts = assets.length > 8 ? t(lang, 'list.more', { list: assets.slice(0, 7).join(', '), n: assets.length - 7 }) : assets.join(', ');
  return [{ gate: 'restore-before-clean', gateName: t(lang, 'gate.restoreNames'), assets, text: t(lang, 'gate.restore', { n: assets.length, states: joinList(lang, states), hosts }) }];
}

/**
 * A cause chain below its cell in the reader's language: `app lis <- host srv-lis-01 <- isolated,
 * compromised — ...` (the chain's head, the cell itself, is left out: the line already names it).
 */
export function chainWords(c: CauseChain, state: CrisisState, lang: Lang): string {
  const step = (s: CauseStep): string => {
    const a = s.type === 'asset' ? state.assets.get(s.id as AssetId) : undefined;
    const base = s.type === 'internet' ? label(lang, 'channel', 'internet') : a ? t(lang, `node.${a.kind}`, { id: a.id }) : s.label;
    return s.group ? t(lang, 'why.group', { label: base, unavailable: s.group.unavailable, of: s.group.of, needed: s.group.needed }) : base;
  };
  const words = [...c.steps.slice(1).map(step), rootWords(c.root, lang, state.crisis?.timeZone)].join(' <- ');
  return c.certainty === 'unknown' ? `? ${words}` : words;
}

function becauseOf(c: CellChange, tr: (key: MessageKey, params?: Params) => string, tail: (chain: CauseChain) => string): string {
  const added = c.causesAdded[0];
  const removed = c.causesRemoved[0];
  const parts: string[] = [];
  if (added) parts.push(`${tr('wi.because', { cause: tail(added) })}${c.causesAdded.length > 1 ? ` ${tr('wi.moreCauses', { n: c.causesAdded.length - 1 })}` : ''}`);
  if (removed) parts.push(`${tr('wi.noLonger', { cause: tail(removed) })}${c.causesRemoved.length > 1 ? ` ${tr('wi.moreCauses', { n: c.causesRemoved.length - 1 })}` : ''}`);
  if (parts.length === 0 && c.before.atRisk !== c.after.atRisk) parts.push(tr(c.after.atRisk ? 'wi.nowRisk' : 'wi.noLongerRisk'));
  return parts.join('; ');
}
