/**
 * Estate import: sites, services, assets and dependencies from CSV or JSON text. All or nothing:
 * every problem in every file is collected (`file:line: column: message`) and nothing is written
 * unless there are none. The result is only what changed against the current state, so importing
 * the same files twice writes nothing the second time.
 */
import { parseCsvSteps } from './csv.ts';
import { canonicalJson } from './canonical-json.ts';
import type { Problem } from './errors.ts';
import type { AssetId, NeedId, ServiceId, SiteId } from './ids.ts';
import { assetId, needId, serviceIdOf, siteId } from './ids.ts';
import type { Asset, AssetKind, Criticality, Need, NeedEffect, NeedTarget, Service, Site, SiteKind } from './model.ts';
import { ASSET_KINDS, CRITICALITIES, SITE_KINDS } from './model.ts';
import type { CrisisState } from './state.ts';
import type { EntryPayloads } from './entries.ts';

export type EstateFileRole = 'sites' | 'services' | 'assets' | 'dependencies';

export interface EstateFile {
  readonly file: string;
  readonly text: string;
  readonly sha256: string;
}

/** Columns of each CSV file; the first ones are required. Documented in docs/estate-import.md. */
export const ESTATE_COLUMNS: Readonly<Record<EstateFileRole, { required: readonly string[]; optional: readonly string[] }>> = {
  sites: { required: ['id', 'name', 'kind'], optional: ['location'] },
  services: { required: ['site', 'kind', 'criticality'], optional: ['name', 'rto_hours', 'phone'] },
  assets: { required: ['hostname', 'kind', 'os', 'site', 'zone', 'roles', 'ip'], optional: ['tags'] },
  dependencies: { required: ['from', 'to'], optional: ['min', 'effect', 'capacity', 'procedure', 'note', 'id'] },
};

export type EstateImportResult =
  | { readonly ok: true; readonly payload: EntryPayloads['estate.upserted']; readonly changed: number; readonly unchanged: number }
  | { readonly ok: false; readonly problems: readonly Problem[] };

/** One item read from a file, with where it came from. */
interface Located<T> {
  readonly value: T;
  readonly file: string;
  readonly line: number | undefined;
  readonly path: string | undefined;
}

type Row = { readonly get: (col: string) => string | undefined; readonly file: string; readonly line: number | undefined; readonly path: string | undefined };

const KEBAB = /^[a-z0-9][a-z0-9-]*$/;
const HOSTNAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,252}$/;
const IPV4 = /^(25[0-5]|2[0-4]\d|1?\d?\d)(\.(25[0-5]|2[0-4]\d|1?\d?\d)){3}$/;

export function importEstate(files: readonly EstateFile[], current: CrisisState): EstateImportResult {
  return runSteps(importEstateSteps(files, current));
}

/** Runs a step generator to its end, synchronously. */
export function runSteps<T>(g: Generator<unknown, T, void>): T {
  for (;;) {
    const r = g.next();
    if (r.done) return r.value;
  }
}

/**
 * `importEstate` as steps: it pauses (yields) every thousand rows or so, so that the server can
 * import a 30 MB estate without holding its event loop for seconds (the app layer drives it with
 * a time budget per slice). The state must not change its estate while the steps run; the app
 * checks that and starts again if it did.
 */
export function* importEstateSteps(files: readonly EstateFile[], current: CrisisState): Generator<void, EstateImportResult, void> {
  const problems: Problem[] = [];
  const rows: Record<EstateFileRole, Row[]> = { sites: [], services: [], assets: [], dependencies: [] };
  let tick = 0;
  const pause = (): boolean => (++tick & 1023) === 0;
  for (const f of files) yield* readFile(f, rows, problems);

  const sites = new Map<SiteId, Located<Site>>();
  const services = new Map<ServiceId, Located<Service>>();
  const assets = new Map<AssetId, Located<Asset>>();
  const needs = new Map<NeedId, Located<Need>>();

  for (const r of rows.sites) {
    if (pause()) yield;
    const p = (column: string, message: string) => problems.push(at(r, column, message));
    const id = req(r, 'id', p);
    const name = req(r, 'name', p);
    const kind = req(r, 'kind', p);
    if (id !== undefined && !KEBAB.test(id)) p('id', `"${id}" must be lower-case letters, digits and dashes`);
    if (kind !== undefined && !(SITE_KINDS as readonly string[]).includes(kind)) p('kind', `unknown site kind "${kind}" (one of ${SITE_KINDS.join(', ')})`);
    if (id === undefined || name === undefined || kind === undefined) continue;
    const sid = siteId(id);
    const dup = sites.get(sid);
    if (dup) {
      p('id', `duplicate site "${id}" (also ${where(dup)})`);
      continue;
    }
    const location = r.get('location');
    sites.set(sid, located(r, { id: sid, name, kind: kind as SiteKind, ...(location ? { location } : {}) }));
  }
  const siteExists = (s: SiteId) => sites.has(s) || current.sites.has(s);

  for (const r of rows.services) {
    if (pause()) yield;
    const p = (column: string, message: string) => problems.push(at(r, column, message));
    const site = req(r, 'site', p);
    const kind = req(r, 'kind', p);
    const crit = req(r, 'criticality', p);
    if (site !== undefined && !siteExists(siteId(site))) p('site', `unknown site "${site}"`);
    if (kind !== undefined && !KEBAB.test(kind)) p('kind', `service kind "${kind}" must be kebab-case, e.g. radiology`);
    if (crit !== undefined && !(CRITICALITIES as readonly string[]).includes(crit)) p('criticality', `"${crit}" is not one of ${CRITICALITIES.join(', ')}`);
    const rto = optNumber(r, 'rto_hours', p, 0, 24 * 365);
    if (site === undefined || kind === undefined || crit === undefined) continue;
    const id = serviceIdOf(kind, siteId(site));
    const dup = services.get(id);
    if (dup) {
      p('kind', `duplicate service ${id} (also ${where(dup)})`);
      continue;
    }
    const phone = r.get('phone');
    services.set(id, located(r, {
      id, site: siteId(site), kind, name: r.get('name') || kind, criticality: crit as Criticality,
      ...(rto === undefined ? {} : { rtoHours: rto }), ...(phone ? { phone } : {}),
    }));
  }

  for (const r of rows.assets) {
    if (pause()) yield;
    const p = (column: string, message: string) => problems.push(at(r, column, message));
    const hostname = req(r, 'hostname', p);
    const kind = req(r, 'kind', p);
    const site = req(r, 'site', p);
    const os = r.get('os') ?? '';
    const zone = r.get('zone') ?? '';
    const ip = r.get('ip') ?? '';
    if (hostname !== undefined && !HOSTNAME.test(hostname)) p('hostname', `"${hostname}" is not a valid hostname`);
    if (kind !== undefined && !(ASSET_KINDS as readonly string[]).includes(kind)) p('kind', `unknown asset kind "${kind}" (one of ${ASSET_KINDS.join(', ')})`);
    if (site !== undefined && !siteExists(siteId(site))) p('site', `unknown site "${site}"`);
    if (ip !== '' && !IPV4.test(ip) && !ip.includes(':')) p('ip', `"${ip}" is not an IP address`);
    if (hostname === undefined || kind === undefined || site === undefined) continue;
    const id = assetId(hostname);
    const dup = assets.get(id);
    if (dup) {
      p('hostname', `duplicate hostname "${hostname}" (also ${where(dup)})`);
      continue;
    }
    assets.set(id, located(r, {
      id, hostname, kind: kind as AssetKind, os, site: siteId(site), zone,
      roles: list(r.get('roles')), tags: list(r.get('tags')), ...(ip ? { ip } : {}),
    }));
  }

  const resolveRef = (ref: string): NeedTarget | undefined => {
    const s = ref.trim();
    if (s.toLowerCase() === 'internet') return { type: 'internet' };
    if (s.includes('@')) {
      const sid = s as ServiceId;
      return services.has(sid) || current.services.has(sid) ? { type: 'service', id: sid } : undefined;
    }
    const aid = assetId(s);
    return assets.has(aid) || current.assets.has(aid) ? { type: 'asset', id: aid } : undefined;
  };

  for (const r of rows.dependencies) {
    if (pause()) yield;
    const p = (column: string, message: string) => problems.push(at(r, column, message));
    const fromRaw = req(r, 'from', p);
    const toRaw = req(r, 'to', p);
    if (fromRaw === undefined || toRaw === undefined) continue;
    const from = resolveRef(fromRaw);
    if (!from) p('from', `"${fromRaw}" is no known asset or service (services are written kind@site)`);
    else if (from.type === 'internet') p('from', 'the internet needs nothing');
    const targetNames = list(toRaw);
    const targets: NeedTarget[] = [];
    for (const t of targetNames) {
      const target = resolveRef(t);
      if (!target) p('to', `dependency to nothing: "${t}" is no known asset or service (services are written kind@site; or "internet")`);
      else targets.push(target);
    }
    if (targetNames.length === 0) p('to', 'names no target');
    const min = optNumber(r, 'min', p, 1, 1_000_000) ?? 1;
    if (!Number.isInteger(min)) p('min', `${min} is not a whole number`);
    if (min > targetNames.length && targetNames.length > 0) p('min', `needs ${min} of only ${targetNames.length} target(s)`);
    const effectName = r.get('effect') || 'down';
    let effect: NeedEffect | undefined;
    if (effectName === 'down') effect = { kind: 'down' };
    else if (effectName === 'degraded') {
      const capacity = optNumber(r, 'capacity', p, 0, 1);
      const procedure = r.get('procedure');
      if (capacity === undefined) p('capacity', 'a degraded effect needs a capacity between 0 and 1');
      if (!procedure) p('procedure', 'a degraded effect needs the name of its downtime procedure');
      if (capacity !== undefined && procedure) effect = { kind: 'degraded', capacity, procedure };
    } else p('effect', `"${effectName}" is not down or degraded`);
    if (!from || from.type === 'internet' || !effect || targets.length !== targetNames.length) continue;
    const id = needId(r.get('id') || `${fromRaw.trim().toLowerCase()}->${targetNames.map((t) => t.trim().toLowerCase()).sort().join('|')}`);
    const dup = needs.get(id);
    if (dup) {
      p('to', `duplicate dependency ${id} (also ${where(dup)}); give one an id column to keep both`);
      continue;
    }
    const note = r.get('note');
    needs.set(id, located(r, { id, from, targets, min, effect, ...(note ? { note } : {}) }));
  }

  if (problems.length === 0) problems.push(...findCycles(needs, current));
  if (problems.length > 0) return { ok: false, problems: sortProblems(problems) };

  let unchanged = 0;
  function* changedOnly<K, T>(m: Map<K, Located<T>>, old: ReadonlyMap<K, T>): Generator<void, T[], void> {
    const out: T[] = [];
    for (const [k, v] of m) {
      if (pause()) yield;
      const before = old.get(k);
      if (before !== undefined && canonicalJson(before) === canonicalJson(v.value)) unchanged++;
      else out.push(v.value);
    }
    return out;
  }
  const payload = {
    sources: files.map((f) => ({ file: f.file, sha256: f.sha256 })),
    sites: yield* changedOnly(sites, current.sites),
    services: yield* changedOnly(services, current.services),
    assets: yield* changedOnly(assets, current.assets),
    needs: yield* changedOnly(needs, current.needs),
  };
  const changed = payload.sites.length + payload.services.length + payload.assets.length + payload.needs.length;
  return { ok: true, payload, changed, unchanged };
}

function* readFile(f: EstateFile, rows: Record<EstateFileRole, Row[]>, problems: Problem[]): Generator<void, void, void> {
  const replaced = f.text.indexOf('\uFFFD');
  if (replaced >= 0) {
    // U+FFFD is what a lenient decoder puts where bytes were not UTF-8: the text is no longer the file.
    const before = f.text.slice(0, replaced);
    const line = before.split('\n').length;
    problems.push({ file: f.file, line, column: `character ${replaced - before.lastIndexOf('\n')}`, message: 'U+FFFD (replacement character): the file was not valid UTF-8 when it was read; save it as UTF-8 and import the file itself' });
    return;
  }
  const trimmed = f.text.trimStart();
  if (f.file.toLowerCase().endsWith('.json') || trimmed.startsWith('{') || trimmed.startsWith('[')) {
    yield;
    readJson(f, rows, problems);
    yield;
    return;
  }
  const csv = yield* parseCsvSteps(f.text);
  for (const e of csv.errors) problems.push({ file: f.file, line: e.line, message: e.message });
  const seen = new Set<string>();
  for (const h of csv.header) {
    // Two columns of one name: which one is the site? Refused rather than guessed.
    if (seen.has(h)) problems.push({ file: f.file, line: 1, column: h, message: 'duplicate column: the header names it twice' });
    seen.add(h);
  }
  const role = roleOf(f.file, csv.header);
  if (!role) {
    problems.push({ file: f.file, line: 1, message: `cannot tell which estate file this is: name it sites/services/assets/dependencies.csv or use the documented header (${Object.entries(ESTATE_COLUMNS).map(([k, v]) => `${k}: ${v.required.join(',')}`).join('; ')})` });
    return;
  }
  const cols = ESTATE_COLUMNS[role];
  const missing = cols.required.filter((c) => !csv.header.includes(c));
  if (missing.length > 0) {
    problems.push({ file: f.file, line: 1, message: `missing column(s) ${missing.join(', ')} for a ${role} file` });
    return;
  }
  const known = new Set([...cols.required, ...cols.optional]);
  for (const h of csv.header) if (!known.has(h)) problems.push({ file: f.file, line: 1, column: h, message: `unknown column for a ${role} file (known: ${[...known].join(', ')})` });
  let n = 0;
  for (const rec of csv.records) {
    if ((++n & 2047) === 0) yield;
    if (rec.fields.length !== csv.header.length) {
      problems.push({ file: f.file, line: rec.line, message: `${rec.fields.length} fields where the header has ${csv.header.length}` });
      continue;
    }
    const get = (c: string) => {
      const i = csv.header.indexOf(c);
      const v = i < 0 ? undefined : rec.fields[i];
      return v === undefined || v === '' ? undefined : v;
    };
    rows[role].push({ get, file: f.file, line: rec.line, path: undefined });
  }
}

function readJson(f: EstateFile, rows: Record<EstateFileRole, Row[]>, problems: Problem[]): void {
  let doc: unknown;
  try {
    doc = JSON.parse(f.text);
  } catch (e) {
    problems.push({ file: f.file, message: `not valid JSON: ${(e as Error).message}` });
    return;
  }
  const lines = objectLines(f.text);
  let sections: [EstateFileRole, unknown][];
  if (Array.isArray(doc)) {
    const role = roleOf(f.file, []);
    if (!role) {
      problems.push({ file: f.file, message: 'a JSON array needs a file name that says what it holds (sites/services/assets/dependencies.json), or use an object {"sites": [...], ...}' });
      return;
    }
    sections = [[role, doc]];
  } else if (doc !== null && typeof doc === 'object') {
    const o = doc as Record<string, unknown>;
    sections = [];
    for (const k of Object.keys(o)) {
      if (k === 'sites' || k === 'services' || k === 'assets' || k === 'dependencies') sections.push([k, o[k]]);
      else problems.push({ file: f.file, path: k, message: 'unknown section (sites, services, assets, dependencies)' });
    }
  } else {
    problems.push({ file: f.file, message: 'expected an object {"sites": [...], "services": [...], "assets": [...], "dependencies": [...]}' });
    return;
  }
  let ordinal = 0;
  for (const [role, items] of sections) {
    if (!Array.isArray(items)) {
      problems.push({ file: f.file, path: role, message: 'expected an array' });
      continue;
    }
    items.forEach((item, i) => {
      const path = `${role}[${i}]`;
      const line = lines[ordinal++];
      if (item === null || typeof item !== 'object' || Array.isArray(item)) {
        problems.push({ file: f.file, line, path, message: 'expected an object' });
        return;
      }
      const o = item as Record<string, unknown>;
      const get = (c: string): string | undefined => {
        const camel = c.replace(/_([a-z])/g, (_, x: string) => x.toUpperCase());
        const v = o[c] ?? o[camel];
        if (v === undefined || v === null || v === '') return undefined;
        if (Array.isArray(v)) return v.map(String).join(';');
        return String(v);
      };
      rows[role].push({ get, file: f.file, line, path });
    });
  }
}

/**
 * Start lines of the objects two levels deep (`{"assets": [ {…}, {…} ]}`) or one level deep
 * (`[ {…} ]`), in document order, so that JSON problems can name a line too.
 */
function objectLines(text: string): number[] {
  const out: number[] = [];
  let depth = 0;
  let line = 1;
  let inString = false;
  const topIsArray = text.trimStart().startsWith('[');
  const want = topIsArray ? 1 : 2;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '\n') line++;
    if (inString) {
      if (c === '\\') i++;
      else if (c === '"') inString = false;
      continue;
    }
    if (c === '"') inString = true;
    else if (c === '{' || c === '[') {
      if (c === '{' && depth === want) out.push(line);
      depth++;
    } else if (c === '}' || c === ']') depth--;
  }
  return out;
}

function roleOf(file: string, header: readonly string[]): EstateFileRole | undefined {
  const base = (file.split(/[\\/]/).pop() ?? file).toLowerCase();
  for (const role of ['dependencies', 'services', 'assets', 'sites'] as const) if (base.includes(role)) return role;
  if (base.includes('needs') || base.includes('deps')) return 'dependencies';
  if (header.length === 0) return undefined;
  for (const role of ['dependencies', 'assets', 'services', 'sites'] as const) {
    if (ESTATE_COLUMNS[role].required.every((c) => header.includes(c))) return role;
  }
  return undefined;
}

function findCycles(needs: Map<NeedId, Located<Need>>, current: CrisisState): Problem[] {
  // The graph over the merged estate: new needs replace stored ones with the same id.
  const edges = new Map<string, { to: string; need: Located<Need> | undefined }[]>();
  const add = (n: Need, loc: Located<Need> | undefined) => {
    const from = `${n.from.type}:${n.from.id}`;
    const list = edges.get(from) ?? [];
    for (const t of n.targets) if (t.type !== 'internet') list.push({ to: `${t.type}:${t.id}`, need: loc });
    edges.set(from, list);
  };
  for (const [id, n] of current.needs) if (!needs.has(id)) add(n, undefined);
  for (const loc of needs.values()) add(loc.value, loc);

  const problems: Problem[] = [];
  const WHITE = 0, GREY = 1, BLACK = 2;
  const colour = new Map<string, number>();
  for (const start of edges.keys()) {
    if ((colour.get(start) ?? WHITE) !== WHITE) continue;
    // Iterative DFS: an estate of 170,000 assets must not overflow the stack.
    const stack: { node: string; i: number }[] = [{ node: start, i: 0 }];
    const path: string[] = [start];
    colour.set(start, GREY);
    while (stack.length > 0) {
      const top = stack[stack.length - 1]!;
      const out = edges.get(top.node) ?? [];
      if (top.i >= out.length) {
        colour.set(top.node, BLACK);
        stack.pop();
        path.pop();
        continue;
      }
      const e = out[top.i++]!;
      const c = colour.get(e.to) ?? WHITE;
      if (c === GREY) {
        const cycle = [...path.slice(path.indexOf(e.to)), e.to].map((x) => x.replace(/^(asset|service):/, ''));
        problems.push({
          file: e.need?.file, line: e.need?.line, column: e.need?.path ?? 'to',
          message: `dependency cycle: ${cycle.join(' -> ')}`,
        });
      } else if (c === WHITE) {
        colour.set(e.to, GREY);
        stack.push({ node: e.to, i: 0 });
        path.push(e.to);
      }
    }
  }
  return problems;
}

/**
 * Decodes an estate file's bytes as UTF-8, refusing (with `file:line: column`) what is not: a
 * spreadsheet saved as Latin-1 or Windows-1252 would otherwise be stored with replacement
 * characters in place of every accented name.
 */
export function decodeEstateBytes(file: string, bytes: Uint8Array): { ok: true; text: string } | { ok: false; problem: Problem } {
  try {
    return { ok: true, text: new TextDecoder('utf-8', { fatal: true }).decode(bytes) };
  } catch {
    const at = firstInvalidUtf8(bytes);
    let line = 1;
    let lineStart = 0;
    for (let i = 0; i < at; i++) {
      if (bytes[i] === 0x0a) {
        line++;
        lineStart = i + 1;
      }
    }
    const byte = bytes[at] ?? 0;
    return { ok: false, problem: { file, line, column: `byte ${at - lineStart + 1}`, message: `not valid UTF-8 (byte 0x${byte.toString(16).toUpperCase().padStart(2, '0')}): save the file as UTF-8 (spreadsheets: "CSV UTF-8") and import it again` } };
  }
}

/** Offset of the first byte that does not start or continue a valid UTF-8 sequence. */
function firstInvalidUtf8(b: Uint8Array): number {
  let i = 0;
  while (i < b.length) {
    const c = b[i] ?? 0;
    const n = c < 0x80 ? 0 : c >= 0xc2 && c <= 0xdf ? 1 : c >= 0xe0 && c <= 0xef ? 2 : c >= 0xf0 && c <= 0xf4 ? 3 : -1;
    if (n < 0) return i;
    for (let k = 1; k <= n; k++) {
      const x = b[i + k];
      if (x === undefined || (x & 0xc0) !== 0x80) return i;
    }
    // Overlongs, surrogates and values past U+10FFFF.
    const d = b[i + 1] ?? 0;
    if ((c === 0xe0 && d < 0xa0) || (c === 0xed && d >= 0xa0) || (c === 0xf0 && d < 0x90) || (c === 0xf4 && d >= 0x90)) return i;
    i += n + 1;
  }
  return b.length;
}

function located<T>(r: Row, value: T): Located<T> {
  return { value, file: r.file, line: r.line, path: r.path };
}

function where(l: Located<unknown>): string {
  return l.line !== undefined ? `${l.file}:${l.line}` : `${l.file} ${l.path ?? ''}`.trim();
}

function at(r: Row, column: string, message: string): Problem {
  return { file: r.file, line: r.line, column: r.path ? `${r.path}.${column}` : column, message };
}

function req(r: Row, column: string, p: (c: string, m: string) => void): string | undefined {
  const v = r.get(column);
  if (v === undefined || v.trim() === '') {
    p(column, 'is required');
    return undefined;
  }
  return v.trim();
}

function optNumber(r: Row, column: string, p: (c: string, m: string) => void, min: number, max: number): number | undefined {
  const v = r.get(column);
  if (v === undefined) return undefined;
  const n = Number(v);
  if (v.trim() === '' || !Number.isFinite(n) || n < min || n > max) {
    p(column, `"${v}" is not a number between ${min} and ${max}`);
    return undefined;
  }
  return n;
}

function list(v: string | undefined): string[] {
  if (v === undefined) return [];
  return v.split(/[;|]/).map((s) => s.trim()).filter((s) => s !== '');
}

function sortProblems(ps: Problem[]): Problem[] {
  return ps.sort((a, b) => (a.file ?? '').localeCompare(b.file ?? '') || (a.line ?? 0) - (b.line ?? 0));
}
