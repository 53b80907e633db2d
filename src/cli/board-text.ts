/**
 * The board as text, for `crisiscell status`, `why` and `whatif`. Pure functions: no I/O, no
 * clock. Every cell is a letter first and a colour second, so the board reads in black and white,
 * on a printout, and for the colour-blind.
 */
import type { Board, ImpactCell, ServiceStatus } from '../core/impact/types.ts';
import type { CellChange, CellSide, WhatIfResult } from '../core/impact/what-if.ts';
import { SERVICE_KINDS } from '../core/model.ts';
import type { Lang } from '../core/i18n/index.ts';
import { label } from '../core/i18n/index.ts';

export interface RenderOptions {
  /** ANSI colours (only when writing to a terminal that wants them; letters carry the meaning anyway). */
  readonly color: boolean;
  /** Terminal width; site names are shortened to fit. Default 100. */
  readonly width?: number;
  /** The time the board is computed for, printed in the title (local time with its offset). */
  readonly at?: string;
  /** Language of the site-kind headings (default English). */
  readonly lang?: Lang;
}

/** Three-letter column headers for the known service kinds; others get their first three letters. */
export const SERVICE_CODES: Readonly<Record<string, string>> = {
  emergency: 'ER',
  icu: 'ICU',
  'operating-theatre': 'OR',
  dialysis: 'DIA',
  'cath-lab': 'CAT',
  radiology: 'RAD',
  laboratory: 'LAB',
  pharmacy: 'PHA',
  'e-prescription': 'ERX',
  'patient-record': 'REC',
  admissions: 'ADM',
  consultations: 'CON',
  switchboard: 'TEL',
  sterilisation: 'STE',
  'blood-bank': 'BLD',
  email: 'EML',
  payroll: 'PAY',
  'nursing-care': 'NUR',
  childcare: 'KID',
};

const LETTER: Readonly<Record<ServiceStatus, string>> = { operational: 'O', degraded: 'D', down: 'X', unknown: '?' };
const COLOUR: Readonly<Record<ServiceStatus, string>> = { operational: '32', degraded: '33', down: '31;1', unknown: '35' };

const codeOf = (kind: string): string => SERVICE_CODES[kind] ?? kind.slice(0, 3).toUpperCase();
const paint = (on: boolean, sgr: string, s: string): string => (on ? `\x1b[${sgr}m${s}\x1b[0m` : s);
const pct = (c: number): string => `${Math.round(c * 100)}%`;

/** Columns: the known kinds present on the board in their usual order, then the others alphabetically. */
function columnsOf(board: Board): string[] {
  const present = new Set(board.cells.map((c) => c.service));
  const known = (SERVICE_KINDS as readonly string[]).filter((k) => present.has(k));
  const other = [...present].filter((k) => !(SERVICE_KINDS as readonly string[]).includes(k)).sort();
  return [...known, ...other];
}

/** The site x service matrix with a legend and a count line. */
export function renderBoard(board: Board, opts: RenderOptions): string {
  const columns = columnsOf(board);
  const colW = 4;
  const width = opts.width ?? 100;
  const longest = Math.max(8, ...board.sites.map((s) => s.id.length));
  const labelW = Math.max(8, Math.min(longest, width - columns.length * colW - 2));
  const bySite = new Map<string, Map<string, ImpactCell>>();
  for (const c of board.cells) {
    let m = bySite.get(c.site);
    if (!m) bySite.set(c.site, (m = new Map()));
    m.set(c.service, c);
  }
  const fit = (s: string): string => (s.length > labelW ? `${s.slice(0, labelW - 1)}~` : s.padEnd(labelW));
  const lines: string[] = [];
  const n = { operational: 0, degraded: 0, down: 0, unknown: 0, risk: 0 };
  for (const c of board.cells) {
    n[c.status]++;
    if (c.atRisk) n.risk++;
  }
  lines.push(`Service board${opts.at ? ` at ${opts.at}` : ''}: ${board.cells.length} services, ${n.operational} operational, ${n.degraded} degraded, ${n.down} down, ${n.unknown} unknown, ${n.risk} at risk`);
  lines.push('');
  lines.push(`${' '.repeat(labelW)}  ${columns.map((k) => codeOf(k).padEnd(colW)).join('')}`.trimEnd());
  let kind: string | undefined;
  for (const site of board.sites) {
    const cells = bySite.get(site.id);
    if (!cells) continue;
    if (site.kind !== kind) {
      kind = site.kind;
      lines.push(paint(opts.color, '1', label(opts.lang ?? 'en', 'siteKinds', kind)));
    }
    const row = columns
      .map((k) => {
        const c = cells.get(k);
        if (!c) return ' '.repeat(colW);
        const mark = `${LETTER[c.status]}${c.atRisk ? '!' : ' '}`;
        return `${paint(opts.color, COLOUR[c.status], LETTER[c.status])}${c.atRisk ? paint(opts.color, '31;1', '!') : ' '}${' '.repeat(colW - mark.length)}`;
      })
      .join('');
    lines.push(`${fit(site.id)}  ${row}`.trimEnd());
  }
  lines.push('');
  lines.push(
    `Legend: ${paint(opts.color, COLOUR.operational, 'O')} operational  ${paint(opts.color, COLOUR.degraded, 'D')} degraded (downtime procedure)  ${paint(opts.color, COLOUR.down, 'X')} down  ${paint(opts.color, COLOUR.unknown, '?')} unknown  ${paint(opts.color, '31;1', '!')} at risk (relies on a compromised or suspected system)  blank: not at this site`,
  );
  const key = columns.map((k) => `${codeOf(k)} ${k}`);
  const keyLines: string[] = [];
  let cur = 'Columns:';
  for (const k of key) {
    if (cur.length + k.length + 2 > width) {
      keyLines.push(cur);
      cur = '        ';
    }
    cur += `  ${k}`;
  }
  keyLines.push(cur);
  lines.push(...keyLines);
  lines.push('Details: crisiscell why <service>@<site>');
  return `${lines.join('\n')}\n`;
}

/** Everything about one cell: status, capacity, procedures in force, cause chains, risk. */
export function renderWhy(cell: ImpactCell): string {
  const lines: string[] = [];
  const facts = [cell.criticality, cell.rtoHours === undefined ? undefined : `RTO ${cell.rtoHours} h`, cell.phone === undefined ? undefined : `direct line ${cell.phone}`].filter((x) => x !== undefined);
  lines.push(`${cell.serviceId}: ${cell.name} (${facts.join(', ')})`);
  lines.push(`Site: ${cell.siteName} (${cell.siteKind})`);
  const cap = cell.status === 'unknown' ? `capacity between ${pct(cell.capacityRange[0])} and ${pct(cell.capacityRange[1])}` : `capacity ${pct(cell.capacity)}`;
  lines.push(`Status: ${cell.status.toUpperCase()} [${LETTER[cell.status]}], ${cap}${cell.atRisk ? ', AT RISK' : ''}`);
  if (cell.procedures.length > 0) {
    lines.push('Procedures in force:');
    for (const p of cell.procedures) lines.push(`  - ${p}`);
  }
  if (cell.causes.length > 0) {
    lines.push(cell.status === 'unknown' ? 'Causes (? = not known to be lost, would change the answer if it were):' : 'Causes:');
    for (const c of cell.causes) lines.push(`  - ${c.text}`);
  } else if (cell.status === 'operational') {
    lines.push('Nothing lost.');
  }
  if (cell.atRisk && cell.atRiskBecause && cell.atRiskBecause.length > 0) {
    lines.push('At risk because it still relies on:');
    for (const r of cell.atRiskBecause) lines.push(`  - ${r.text}`);
  }
  return `${lines.join('\n')}\n`;
}

function sideText(s: CellSide): string {
  const cap = s.status === 'unknown' ? `${pct(s.capacityRange[0])}-${pct(s.capacityRange[1])}` : pct(s.capacity);
  return `${LETTER[s.status]}${s.atRisk ? '!' : ''} ${s.status} ${cap}`;
}

/**
 * One line per cell whose status or capacity would change, before -> after, and why (the first
 * cause added or removed); then, in one short list, the cells where only causes or risk change.
 */
export function renderDiff(diff: WhatIfResult): string {
  const lines: string[] = [];
  const main = diff.changes.filter((c) => c.significant);
  const minor = diff.changes.filter((c) => !c.significant);
  if (main.length === 0) lines.push('No service would change status or capacity.');
  else lines.push(`${main.length} service${main.length === 1 ? '' : 's'} would change:`);
  const w = Math.max(0, ...main.map((c) => c.serviceId.length));
  for (const c of main) lines.push(`  ${c.serviceId.padEnd(w)}  ${sideText(c.before)} -> ${sideText(c.after)}${because(c)}`);
  if (minor.length > 0) {
    const risk = minor.filter((c) => c.before.atRisk !== c.after.atRisk);
    const causes = minor.filter((c) => c.before.atRisk === c.after.atRisk);
    if (causes.length > 0) lines.push(`Same status and capacity, causes change (${causes.length}): ${causes.map((c) => c.serviceId).join(', ')}`);
    if (risk.length > 0) {
      const now = risk.filter((c) => c.after.atRisk).map((c) => c.serviceId);
      const no = risk.filter((c) => !c.after.atRisk).map((c) => c.serviceId);
      if (now.length > 0) lines.push(`Would rely on a compromised or suspected system (${now.length}): ${now.join(', ')}`);
      if (no.length > 0) lines.push(`Would no longer rely on a compromised or suspected system (${no.length}): ${no.join(', ')}`);
    }
  }
  if (diff.unknownAssets.length > 0) lines.push(`Not in the estate (ignored): ${diff.unknownAssets.join(', ')}`);
  if (diff.unknownMeasures.length > 0) lines.push(`No such measure in force (ignored): ${diff.unknownMeasures.join(', ')}`);
  return `${lines.join('\n')}\n`;
}

function because(c: CellChange): string {
  const added = c.causesAdded[0];
  const removed = c.causesRemoved[0];
  // The chain already starts with the cell; drop that head so the line does not repeat itself.
  const tail = (t: string): string => t.replace(/^(\? )?[^ ]+ <- /, '$1');
  const parts: string[] = [];
  if (added) parts.push(`because ${tail(added.text)}${c.causesAdded.length > 1 ? ` (+${c.causesAdded.length - 1} more)` : ''}`);
  if (removed) parts.push(`no longer ${tail(removed.text)}${c.causesRemoved.length > 1 ? ` (+${c.causesRemoved.length - 1} more)` : ''}`);
  if (parts.length === 0 && c.before.atRisk !== c.after.atRisk) parts.push(c.after.atRisk ? 'now relies on a compromised or suspected system' : 'no longer relies on a compromised or suspected system');
  return parts.length > 0 ? `  ${parts.join('; ')}` : '';
}

/** The JSON of `crisiscell status --json`. Causes as readable strings; extra fields for scripts. */
export function boardToJson(board: Board, at: string): {
  at: string;
  services: {
    site: string;
    siteKind: string;
    service: string;
    serviceId: string;
    name: string;
    criticality: string;
    status: ServiceStatus;
    capacity: number;
    capacityRange: [number, number];
    procedures: string[];
    causes: string[];
    atRisk: boolean;
    atRiskBecause: string[];
  }[];
} {
  return {
    at,
    services: board.cells.map((c) => ({
      site: c.site,
      siteKind: c.siteKind,
      service: c.service,
      serviceId: c.serviceId,
      name: c.name,
      criticality: c.criticality,
      status: c.status,
      capacity: c.capacity,
      capacityRange: [c.capacityRange[0], c.capacityRange[1]],
      procedures: [...c.procedures],
      causes: c.causes.map((x) => x.text),
      atRisk: c.atRisk,
      atRiskBecause: (c.atRiskBecause ?? []).map((r) => r.text),
    })),
  };
}
