/**
 * The board as text, for `crisiscell status`, `why` and `whatif`. Pure functions: no I/O, no
 * clock. Every cell is a letter first and a colour second, so the board reads in black and white,
 * on a printout, and for the colour-blind.
 */
import type { Board, ImpactCell, ServiceStatus } from '../core/impact/types.ts';
import type { CellExplanation, WhatIfReport } from '../core/impact/index.ts';
import { SERVICE_KINDS } from '../core/model.ts';
import type { Lang } from '../core/i18n/index.ts';
import type { MessageKey, Params } from '../core/i18n/index.ts';
import { label, t } from '../core/i18n/index.ts';

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

/**
 * The explanation of one cell (src/core/impact/explanation.ts) as text: status, procedures first,
 * then one line per distinct cause with the services it hits, the needs it goes through and its
 * hosts (or "and N more" and the command that lists them), the risks, the symbols.
 */
export function renderWhy(x: CellExplanation, cell: ImpactCell): string {
  const tr = (key: MessageKey, params?: Params) => t(x.lang, key, params);
  const lines: string[] = [];
  lines.push(`${x.serviceId}: ${x.title} (${x.facts.join(', ')})`);
  lines.push(`${x.statusLine}`);
  if (x.procedures.length > 0) {
    lines.push(`${tr('why.hProcedures')}${x.colon}`);
    for (const p of x.procedures) lines.push(`  - ${p}`);
  }
  if (x.causes.length > 0) {
    lines.push(`${tr('why.hCauses')} (${x.causes.length})${x.colon}`);
    for (const c of x.causes) {
      lines.push(`  - ${c.certainty === 'unknown' ? '? ' : ''}${c.line}`);
      if (c.hosts && c.hosts.more > 0) lines.push(`      ${tr('why.seeAll', { n: c.hosts.filterMatches, command: c.hosts.command })}`);
    }
  } else if (cell.status === 'operational') lines.push(tr('why.nothingLost'));
  if (x.risks.length > 0) {
    lines.push(`${tr('why.hRisks')}${x.colon}`);
    for (const r of x.risks) {
      lines.push(`  - ${r.line}`);
      if (r.hosts.more > 0) lines.push(`      ${tr('why.seeAll', { n: r.hosts.filterMatches, command: r.hosts.command })}`);
    }
  }
  lines.push(`${tr('why.hGlossary')}${x.colon} ${x.glossary.join(' · ')}`);
  return `${lines.join('\n')}\n`;
}

/** A what-if report (src/core/impact/what-if-report.ts) as the CLI prints it: the same lines the API returns. */
export function renderDiff(report: WhatIfReport): string {
  return report.text;
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
