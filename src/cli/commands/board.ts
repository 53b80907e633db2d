/**
 * The board commands: `demo` (build the demo crisis), `status` (the site × service matrix),
 * `why` (cause chains of one cell), `whatif` (the board difference of changes not yet made).
 */
import { existsSync, rmSync } from 'node:fs';
import { CrisisError } from '../../core/errors.ts';
import type { AssetId, SiteId } from '../../core/ids.ts';
import { MEASURE_TYPES } from '../../core/model.ts';
import { boardOf, explanationOf, whatIfOf } from '../../app/board.ts';
import type { WhatIfChange } from '../../app/board.ts';
import { describeStoreTarget, openCrisisStore } from '../../main/wiring.ts';
import type { CrisisApp } from '../../app/crisis-app.ts';
import { buildDemoJournal, DEFAULT_SEED, DEMO_BOARD_AT } from '../../scenarios/index.ts';
import { boardToJson, renderBoard, renderDiff, renderWhy } from '../board-text.ts';
import { assetsOfCell, evidenceForAssets } from '../../app/evidence.ts';
import { renderCellEvidence } from '../evidence-text.ts';
import type { Ctx } from '../context.ts';
import { whenFor } from '../when.ts';
import type { CommandSpec } from '../spec.ts';
import { str } from '../spec.ts';

const atOpt = { at: { type: 'string' as const } };

export const BOARD_COMMANDS: CommandSpec[] = [
  {
    name: 'demo',
    summary: 'build the built-in demo crisis (the May 2022 attack on a fictional hospital group) and print its board',
    usage: 'demo [--db FILE] [--at ISO] [--seed N] [--force]',
    details: [
      'Writes a fresh demo journal: 15 sites and a datacenter, 200 Windows servers, 1,500 workstations, the night of',
      '14 May 2022 as journal entries (ER alert 03:25, internet cut, isolation, crisis cell 06:00, press conference).',
      '--at replays the timeline only up to that time (default: all of it); the board printed is the one at',
      `${DEMO_BOARD_AT} unless --at says otherwise. An existing demo database is replaced; any other database`,
      'is refused unless --force.',
    ].join('\n'),
    example: 'crisiscell demo --db demo.db --at 2022-05-14T09:00:00+02:00',
    options: { ...atOpt, seed: { type: 'string' }, force: { type: 'boolean' } },
    async run(ctx, v) {
      const at = str(v, 'at');
      const seed = str(v, 'seed') === undefined ? DEFAULT_SEED : Number(str(v, 'seed'));
      if (!Number.isInteger(seed)) throw new CrisisError('invalid-input', `--seed must be a whole number, not "${str(v, 'seed')}"`);
      const app = await buildDemo(ctx, { at, seed, force: v.force === true });
      const shownAt = at ?? DEMO_BOARD_AT;
      const state = await app.stateAt(shownAt);
      if (ctx.json) ctx.printJson({ db: app.store.location, entries: app.state.lastSeq, ...boardToJson(boardOf(state, { causes: 'none' }), shownAt) });
      else {
        ctx.out(`Demo crisis written to ${app.store.location}: ${app.state.lastSeq} journal entries, ${app.state.assets.size} assets.`);
        ctx.out(renderBoard(boardOf(state, { causes: 'none' }), { color: ctx.color, width: termWidth(ctx), at: shownAt }));
        ctx.out('Next: crisiscell why radiology@<site> · crisiscell log · crisiscell whatif --help');
      }
      return 0;
    },
  },
  {
    name: 'status',
    summary: 'the board: every service at every site, operational / degraded / down / unknown, now or at a time',
    usage: 'status [--site S]... [--at ISO] [--json]',
    details: 'Letters carry the meaning (O operational, D degraded, X down, ? unknown, ! at risk), colour only helps.\n--json prints { at, services: [ { site, siteKind, service, status, capacity, procedures, causes, atRisk } ] }.',
    example: 'crisiscell status --at 2022-05-14T15:00:00+02:00',
    options: { ...atOpt, site: { type: 'string', multiple: true } },
    async run(ctx, v) {
      const app = await ctx.openApp();
      const w = whenFor(app, ctx.lang);
      const at = w.time(v, 'at');
      const state = await app.stateAt(at);
      const sites = Array.isArray(v.site) ? v.site : [];
      for (const s of sites) if (!state.sites.has(s as SiteId)) throw new CrisisError('not-found', `unknown site "${s}" (sites: ${[...state.sites.keys()].join(', ')})`);
      const board = boardOf(state, { causes: ctx.json ? 'non-operational' : 'none', ...(sites.length ? { sites: sites as SiteId[] } : {}) });
      const when = at ?? app.clockNow();
      if (ctx.json) ctx.printJson(boardToJson(board, when));
      else ctx.out(renderBoard(board, { color: ctx.color, width: termWidth(ctx), at: w.local(when), lang: ctx.lang }));
      return 0;
    },
  },
  {
    name: 'why',
    summary: 'why a service is in its state: procedures in force, each distinct cause with the services it hits and its hosts, the risks, evidence from hunts on those assets',
    usage: 'why <service>@<site> [--at TIME] [--json] [--lang en|fr|nl]',
    details: '--json prints the cell, its explanation { procedures, causes: [ { text, servicesHit, via, hosts: { shown, more, filter, command } } ], risks, glossary } and its evidence.',
    example: 'crisiscell why laboratory@hsp-north',
    options: { ...atOpt },
    async run(ctx, v, p) {
      const id = p[0];
      if (!id || !id.includes('@')) throw new CrisisError('invalid-input', 'name the service as kind@site, e.g. radiology@hsp-north');
      const app = await ctx.openApp();
      const state = await app.stateAt(whenFor(app).time(v, 'at'));
      const { cell, explanation } = explanationOf(state, id, { lang: ctx.lang });
      // Evidence from hunts on the assets the cell's causes and risks go through (evidence.ts).
      const hosts = [...explanation.causes.flatMap((c) => c.hosts?.shown ?? []), ...explanation.risks.flatMap((r) => r.hosts.shown)] as AssetId[];
      const evidence = evidenceForAssets(state, [...assetsOfCell(cell), ...hosts]);
      if (ctx.json) ctx.printJson({ ...cell, explanation, evidence });
      else ctx.out(renderWhy(explanation, cell) + renderCellEvidence(evidence));
      return 0;
    },
  },
  {
    name: 'whatif',
    summary: 'the board difference that changes would make, without writing them',
    usage: 'whatif <change>... [--json]',
    details: [
      'A change is one of:',
      '  HOST-GLOB:key=value[,key=value]   asset change; keys security, recovery, observed, site, kind, os',
      '  apply:internet-cut | apply:internet-cut@SITE | apply:link-cut@SITE | apply:quarantine:ZONE[@SITE]',
      '                                    apply a measure (+internet-cut is short for apply:internet-cut)',
      '  lift:internet-cut | lift:link-cut@SITE | ...   lift a measure in force',
      'Changes are evaluated in order, on top of the current state. Nothing is written.',
    ].join('\n'),
    example: 'crisiscell whatif "srv-lis-01:recovery=restored" apply:link-cut@hsp-north lift:internet-cut',
    options: {},
    async run(ctx, _v, p) {
      if (p.length === 0) throw new CrisisError('invalid-input', 'name at least one change (see crisiscell whatif --help)');
      const changes = p.map(parseChange);
      const app = await ctx.openApp();
      const diff = whatIfOf(app.state, changes, app.clockNow(), undefined, ctx.lang);
      if (ctx.json) ctx.printJson(diff);
      else ctx.out(renderDiff(diff.report));
      return 0;
    },
  },
];

/** Parses one `whatif` change word into the input of the command it previews. */
export function parseChange(word: string): WhatIfChange {
  const reason = 'what-if';
  const measure = /^(\+|-|apply:|lift:)(.*)$/.exec(word);
  if (measure) {
    const apply = measure[1] === '+' || measure[1] === 'apply:';
    const body = measure[2] ?? '';
    const m = /^(internet-cut|link-cut|quarantine)(?::([^@]+))?(?:@(.+))?$/.exec(body);
    if (!m || !(MEASURE_TYPES as readonly string[]).includes(m[1] ?? '')) {
      throw new CrisisError('invalid-input', `"${word}" is not a measure change: write apply:internet-cut, apply:link-cut@SITE, apply:quarantine:ZONE[@SITE], or lift:... to lift`);
    }
    const input = { type: m[1], ...(m[2] ? { zone: m[2] } : {}), ...(m[3] ? { site: m[3] } : {}), reason };
    return { kind: apply ? 'measure.applied' : 'measure.lifted', input };
  }
  const colon = word.indexOf(':');
  if (colon <= 0) throw new CrisisError('invalid-input', `"${word}" is not a change: write HOST-GLOB:key=value[,key=value], apply:MEASURE or lift:MEASURE`);
  const input: Record<string, string> = { pattern: word.slice(0, colon), reason };
  for (const kv of word.slice(colon + 1).split(',')) {
    const [k, val] = kv.split('=');
    if (!k || val === undefined || !['security', 'recovery', 'observed', 'site', 'kind', 'os'].includes(k)) {
      throw new CrisisError('invalid-input', `"${kv}" in "${word}" is not key=value with key security, recovery, observed, site, kind or os`);
    }
    input[k] = val;
  }
  return { kind: 'asset.state', input };
}

function termWidth(ctx: Ctx): number {
  return ctx.io.stdout.columns ?? 120;
}

/**
 * Writes the demo journal into the configured database. A demo database is replaced; anything
 * else is refused unless `force` (the operator's real crisis must never be overwritten by a demo).
 */
export async function buildDemo(ctx: Ctx, opts: { at?: string | undefined; seed: number; force: boolean }): Promise<CrisisApp> {
  const limit = opts.at === undefined ? undefined : Date.parse(opts.at);
  if (limit !== undefined && Number.isNaN(limit)) throw new CrisisError('invalid-input', `--at: not an ISO time: "${opts.at}"`);
  const all = buildDemoJournal(opts.seed);
  const drafts = all.filter((d) => limit === undefined || Date.parse(d.at) <= limit);
  if (drafts.length === 0) throw new CrisisError('invalid-input', `--at ${opts.at} is before the demo starts (${all[0]?.at})`);
  const target = describeStoreTarget({ db: ctx.db, env: ctx.io.env, cwd: ctx.io.cwd });
  const cfg = { db: ctx.db, env: ctx.io.env, cwd: ctx.io.cwd };
  if (target.kind === 'sqlite' && existsSync(target.file)) {
    // The first entry says what the journal is: no need to fold a whole crisis to find out.
    const existing = await openCrisisStore(cfg);
    let first: Awaited<ReturnType<typeof existing.read>>[number] | undefined;
    try {
      first = (await existing.read(0, 1))[0];
    } finally {
      await existing.close();
    }
    const isDemo = first === undefined || (first.kind === 'crisis.initialised' && first.payload.demo === true);
    const name = first?.kind === 'crisis.initialised' ? first.payload.name : 'another journal';
    if (!isDemo && !opts.force) {
      throw new CrisisError('already-exists', `${target.file} holds the crisis "${name}", not a demo; refusing to overwrite it (use another --db, or --force)`);
    }
    // The demo's checkpoints go with it (its key stays: one installation, one key).
    for (const suffix of ['', '-wal', '-shm', '.checkpoints.jsonl']) rmSync(`${target.file}${suffix}`, { force: true });
  }
  const app = await ctx.openApp({ create: true });
  if ((await app.store.head()).seq !== 0) {
    throw new CrisisError('already-exists', `${app.store.location} is not empty; the demo needs an empty journal (for PostgreSQL, set CRISISCELL_PG_SCHEMA to a new schema)`);
  }
  await app.appendDrafts(ctx.actor(), 'crisis.init', drafts);
  return app;
}
