/**
 * The journal commands: init, import, assets, asset set, measure, note, log, state, verify,
 * backup, export, import-journal.
 */
import { createHash } from 'node:crypto';
import { createWriteStream, existsSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { CrisisError } from '../../core/errors.ts';
import type { CrisisState } from '../../core/state.ts';
import { statusOf } from '../../core/state.ts';
import type { EstateFile } from '../../core/estate-import.ts';
import { decodeEstateBytes } from '../../core/estate-import.ts';
import type { Problem } from '../../core/errors.ts';
import type { CommandSpec, Values } from '../spec.ts';
import type { CrisisApp } from '../../app/crisis-app.ts';
import { str } from '../spec.ts';
import { oneLine, table } from '../text.ts';
import { checkpointLines, parseCheckpointRefs } from '../../core/checkpoint.ts';
import type { Checkpoint, CheckpointRef } from '../../core/checkpoint.ts';
import { assessIntegrity, checkpointStore } from '../../app/integrity.ts';
import type { Ctx } from '../context.ts';
import { describeEntry, zoneOf } from '../../app/describe-entry.ts';
import { formatStamp } from '../../core/clocks/time.ts';
import { t } from '../../core/i18n/index.ts';
import type { When } from '../when.ts';
import { TIME_HELP, whenFor } from '../when.ts';
import { renderLogbookHtml } from '../../app/reports/logbook-html.ts';
import { htmlToPdf } from '../../app/reports/pdf.ts';
import { evidenceSummaryOf } from '../../app/evidence.ts';
import type { EvidenceSummary } from '../../core/evidence.ts';

export { describeEntry };

const reasonOpt = { reason: { type: 'string' as const } };

function requirePositional(p: string[], n: number, what: string): void {
  if (p.length < n) throw new CrisisError('invalid-input', `missing ${what}`);
}

export const JOURNAL_COMMANDS: CommandSpec[] = [
  {
    name: 'init',
    summary: 'start a new crisis journal in the database',
    usage: 'init [--name "Cyberattack May 2022"] [--organisation "Hospital group"] [--time-zone Europe/Brussels] [--db FILE]',
    details: 'Every time of the crisis (logbook, reports, errors) is shown in --time-zone, an IANA zone (default Europe/Brussels),\nwith its offset from UTC; the zone is recorded in the journal\'s first entry.',
    example: 'crisiscell init --name "Ransomware 14 May" --organisation "Hôpitaux du Sud" --time-zone Europe/Brussels',
    options: { name: { type: 'string' }, organisation: { type: 'string' }, 'time-zone': { type: 'string' } },
    async run(ctx, v) {
      const app = await ctx.openApp({ create: true });
      const fresh = (await app.store.head()).seq === 0;
      const [e] = await app.init(ctx.actor(), { name: str(v, 'name'), organisation: str(v, 'organisation'), timeZone: str(v, 'time-zone') });
      // A new journal: checkpoints of whatever journal was here before are set aside (kept, renamed),
      // and the installation's signing key is made now if there is none.
      const log = app.checkpoints.keyring.logFile;
      if (fresh && log !== undefined && existsSync(log)) {
        const aside = `${log}.before-${new Date().toISOString().replace(/[:.]/g, '-')}`;
        renameSync(log, aside);
        ctx.err(`The checkpoint log of a previous journal was set aside as ${aside}.`);
      }
      const cp = await app.checkpoint('init');
      if (ctx.json) ctx.printJson(e);
      else {
        ctx.out(`Crisis journal started in ${app.store.location} (entry ${e?.seq}, times in ${zoneOf(app.state)}). Next: crisiscell import sites.csv services.csv assets.csv dependencies.csv`);
        ctx.out(`Signing key: ${app.checkpoints.keyring.keyFile ?? '(in memory)'} (fingerprint ${cp.keyId}); keep it beside the database, never hand it out.`);
      }
      return 0;
    },
  },
  {
    name: 'import',
    summary: 'import the estate (sites, services, assets, dependencies) from CSV or JSON, all or nothing',
    usage: 'import <files...> [--db FILE]',
    details: 'File formats: docs/estate-import.md. Every problem is listed as file:line: column: message and nothing is written.\nImporting the same files again changes nothing.',
    example: 'crisiscell import estate/sites.csv estate/services.csv estate/assets.csv estate/dependencies.csv',
    options: {},
    async run(ctx, _v, files) {
      requirePositional(files, 1, 'the files to import');
      const bad: Problem[] = [];
      const read: EstateFile[] = files.map((f) => {
        let bytes: Buffer;
        try {
          bytes = readFileSync(resolve(ctx.io.cwd, f));
        } catch (e) {
          throw new CrisisError('io', `cannot read ${f}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
        }
        // The hash of the file's bytes, as `sha256sum` gives it: what the logbook says was imported.
        const sha256 = createHash('sha256').update(bytes).digest('hex');
        const d = decodeEstateBytes(f, bytes);
        if (!d.ok) bad.push(d.problem);
        return { file: f, text: d.ok ? d.text : '', sha256 };
      });
      if (bad.length > 0) throw new CrisisError('invalid-input', `the import was refused: ${bad.length} file(s) not UTF-8; nothing was written`, { details: bad });
      const app = await ctx.openApp();
      const r = await app.importEstate(ctx.actor(), read);
      if (ctx.json) ctx.printJson({ changed: r.changed, unchanged: r.unchanged, seq: r.entries[0]?.seq ?? null });
      else if (r.changed === 0) ctx.out(`Nothing changed: all ${r.unchanged} item(s) already in the journal.`);
      else {
        const p = r.entries[0]?.kind === 'estate.upserted' ? r.entries[0].payload : undefined;
        ctx.out(`Imported (entry ${r.entries[0]?.seq}): ${p?.sites.length ?? 0} site(s), ${p?.services.length ?? 0} service(s), ${p?.assets.length ?? 0} asset(s), ${p?.needs.length ?? 0} dependency(ies) added or changed; ${r.unchanged} unchanged.`);
      }
      return 0;
    },
  },
  {
    name: 'assets',
    summary: 'list assets with their security and recovery state',
    usage: 'assets [--site S] [--kind server|workstation|network|medical-device|application] [--host GLOB] [--security S] [--recovery R] [--observed up|down|unknown] [--json]',
    details: 'The filters `crisiscell why` prints after a cause\'s hosts ("All 127: crisiscell assets --site ... --recovery isolated") list all of them.',
    example: 'crisiscell assets --site hsp-north --kind server --recovery isolated',
    options: { site: { type: 'string' }, kind: { type: 'string' }, host: { type: 'string' }, security: { type: 'string' }, recovery: { type: 'string' }, observed: { type: 'string' } },
    async run(ctx, v) {
      const app = await ctx.openApp();
      const rows = app.listAssets({ site: str(v, 'site'), kind: str(v, 'kind'), pattern: str(v, 'host'), security: str(v, 'security'), recovery: str(v, 'recovery'), observed: str(v, 'observed') });
      if (ctx.json) {
        ctx.printJson(rows.map((r) => ({ ...r.asset, security: r.status.security, recovery: r.status.recovery, observed: r.status.observed ?? null, reason: r.status.reason || null, evidence: evidenceSummaryOf(app.state, r.asset.id) ?? null })));
        return 0;
      }
      ctx.out(table(['HOSTNAME', 'KIND', 'OS', 'SITE', 'ZONE', 'SECURITY', 'RECOVERY', 'ROLES', 'EVIDENCE'], rows.map((r) => [
        r.asset.hostname, r.asset.kind, r.asset.os, r.asset.site, r.asset.zone, r.status.security, r.status.recovery + (r.status.observed ? ` (${r.status.observed})` : ''), r.asset.roles.join(';'), evidenceCell(evidenceSummaryOf(app.state, r.asset.id)),
      ])));
      const withEvidence = rows.filter((r) => evidenceSummaryOf(app.state, r.asset.id)).length;
      ctx.out(`${rows.length} asset(s)${withEvidence > 0 ? `, ${withEvidence} with evidence from hunts (crisiscell log --kind evidence.recorded for the references)` : ''}`);
      return 0;
    },
  },
  {
    name: 'asset set',
    summary: 'change the security and/or recovery state of one asset or many (a hostname glob), as one entry',
    usage: 'asset set <hostname|glob> [--site S] [--os GLOB] [--kind K] [--security unknown|suspected|compromised|clean] [--recovery in-service|isolated|preserved|wiped|rebuilding|restored|verified] [--observed up|down|unknown] --reason "..." [--at TIME]',
    details: `--at: when it happened, if not now (${TIME_HELP}); the entry keeps the time it is written, the board counts the change from --at.`,
    example: 'crisiscell asset set "srv-pacs-*" --security compromised --recovery isolated --at 03:50 --reason "ransom note found on PACS01, isolated by IT on-call"',
    options: { site: { type: 'string' }, os: { type: 'string' }, kind: { type: 'string' }, security: { type: 'string' }, recovery: { type: 'string' }, observed: { type: 'string' }, at: { type: 'string' }, ...reasonOpt },
    async run(ctx, v, p) {
      requirePositional(p, 1, 'the hostname or glob (e.g. "srv-pacs-*")');
      const app = await ctx.openApp();
      const r = await app.setAssets(ctx.actor(), {
        pattern: p[0], site: str(v, 'site'), os: str(v, 'os'), kind: str(v, 'kind'),
        security: str(v, 'security'), recovery: str(v, 'recovery'), observed: str(v, 'observed'), reason: str(v, 'reason') ?? '',
        at: whenFor(app).time(v, 'at'),
      });
      if (ctx.json) ctx.printJson(r.entry);
      else ctx.out(`Entry ${r.entry.seq}: ${r.assets.length} asset(s) changed: ${r.assets.slice(0, 10).join(', ')}${r.assets.length > 10 ? ', …' : ''}`);
      return 0;
    },
  },
  ...(['apply', 'lift'] as const).map((verb): CommandSpec => ({
    name: `measure ${verb}`,
    summary: verb === 'apply' ? 'record a network containment measure in force' : 'record that a measure is lifted',
    usage: `measure ${verb} <internet-cut|link-cut|quarantine> [--site S] [--zone Z] --reason "..." [--at TIME]`,
    details: [
      'internet-cut: group-wide, or one site with --site. link-cut: --site is cut from the other sites and the datacenter. quarantine: --zone (at --site, or everywhere).',
      `--at: when it took effect, if not now (${TIME_HELP}); the entry keeps the time it is written.`,
    ].join('\n'),
    example: verb === 'apply' ? 'crisiscell measure apply internet-cut --at 03:40 --reason "all internet links cut to stop the spread"' : 'crisiscell measure lift link-cut --site hsp-north --reason "site firewall rebuilt and verified"',
    options: { site: { type: 'string' }, zone: { type: 'string' }, at: { type: 'string' }, ...reasonOpt },
    async run(ctx, v, p) {
      requirePositional(p, 1, 'the measure type: internet-cut, link-cut or quarantine');
      const app = await ctx.openApp();
      const input = { type: p[0], site: str(v, 'site'), zone: str(v, 'zone'), reason: str(v, 'reason') ?? '', at: whenFor(app).time(v, 'at') };
      const e = verb === 'apply' ? await app.applyMeasure(ctx.actor(), input) : await app.liftMeasure(ctx.actor(), input);
      if (ctx.json) ctx.printJson(e);
      else ctx.out(`Entry ${e.seq}: ${describeEntry(e, ctx.lang, app.state)}`);
      return 0;
    },
  })),
  {
    name: 'note',
    summary: 'write a logbook line: a fact learnt, a decision, an action, a communication',
    usage: 'note <text> [--type fact|decision|action|communication] [--source S] [--at ISO]',
    example: 'crisiscell note "Lab at Hospital North runs on paper requisitions" --type fact --source "lab manager by phone"',
    options: { type: { type: 'string' }, source: { type: 'string' }, at: { type: 'string' } },
    async run(ctx, v, p) {
      requirePositional(p, 1, 'the text of the note');
      const app = await ctx.openApp();
      const e = await app.note(ctx.actor(), { type: str(v, 'type') ?? 'fact', text: p.join(' '), source: str(v, 'source'), at: whenFor(app).time(v, 'at') });
      if (ctx.json) ctx.printJson(e);
      else ctx.out(`Entry ${e.seq} written.`);
      return 0;
    },
  },
  {
    name: 'log',
    summary: 'print the logbook (the journal), oldest first; --format html|pdf for the printed, evidential logbook',
    usage: 'log [--since SEQ] [--kind KIND]... [--last N] [--json] [--format text|html|pdf] [-o FILE]',
    details: [
      'KIND is an entry kind such as asset.state, or a prefix with * (measure.*).',
      'html and pdf print every entry with its hash under the result of the chain verification (a filtered',
      'print is marked EXTRACT); pdf needs Debian\'s chromium. Without -o, html goes to stdout.',
    ].join('\n'),
    example: 'crisiscell log --format pdf -o logbook-2022-05-14.pdf',
    options: { since: { type: 'string' }, kind: { type: 'string', multiple: true }, last: { type: 'string' }, format: { type: 'string' }, output: { type: 'string', short: 'o' } },
    async run(ctx, v) {
      const since = num(v, 'since');
      const last = num(v, 'last');
      const format = str(v, 'format') ?? 'text';
      if (!['text', 'html', 'pdf'].includes(format)) throw new CrisisError('invalid-input', `--format must be text, html or pdf, not "${format}"`);
      if (format === 'pdf' && str(v, 'output') === undefined) throw new CrisisError('invalid-input', 'a PDF needs a file: add -o logbook.pdf');
      const app = await ctx.openApp();
      const kinds = Array.isArray(v.kind) ? v.kind : [];
      const entries = await app.log({ ...(since === undefined ? {} : { sinceSeq: since }), kinds, ...(last === undefined ? {} : { limit: last }) });
      if (format !== 'text') {
        const filter = [
          since !== undefined && t(ctx.lang, 'logbook.filterSince', { seq: since }),
          kinds.length > 0 && t(ctx.lang, 'logbook.filterKinds', { kinds: kinds.join(', ') }),
          last !== undefined && t(ctx.lang, 'logbook.filterLast', { n: last }),
        ].filter(Boolean).join(t(ctx.lang, 'punct.sep'));
        const checkpoint = await app.checkpoint('log');
        const html = renderLogbookHtml({
          organisation: app.state.crisis?.organisation ?? '',
          crisis: app.state.crisis?.name ?? 'Crisis logbook',
          entries,
          verify: await app.verify(),
          checkpoint,
          printedAt: app.clockNow(),
          location: app.store.location,
          lang: ctx.lang,
          timeZone: zoneOf(app.state),
          ...(filter ? { filter } : {}),
        });
        const out = str(v, 'output');
        if (out === undefined) {
          ctx.io.stdout.write(html);
          return 0;
        }
        const dest = resolve(ctx.io.cwd, out);
        const bytes = format === 'pdf' ? await htmlToPdf(html) : Buffer.from(html, 'utf8');
        writeFileSync(dest, bytes);
        ctx.err(`Logbook (${format}, ${entries.length} entries) written to ${dest}`);
        return 0;
      }
      if (ctx.json) {
        ctx.printJson(entries);
        return 0;
      }
      // Every time in the crisis's zone with its offset: entries are written with whatever offset
      // their author's clock had (a browser in +02:00, a server in Z), the log never mixes them.
      const zone = zoneOf(app.state);
      for (const e of entries) ctx.out(`#${String(e.seq).padEnd(5)} ${formatStamp(e.at, zone)}  ${oneLine(e.actor).padEnd(18)} ${e.kind.padEnd(18)} ${oneLine(describeEntry(e, ctx.lang, app.state))}`);
      ctx.out(`${entries.length} entr${entries.length === 1 ? 'y' : 'ies'}`);
      return 0;
    },
  },
  {
    name: 'state',
    summary: 'the state of the crisis (the fold of the journal), now or as known at a time',
    usage: 'state [--at TIME] [--json]',
    details: `--at: ${TIME_HELP}; 09:00 is the last 09:00 that has come.`,
    example: 'crisiscell state --at 09:00 --json',
    options: { at: { type: 'string' } },
    async run(ctx, v) {
      const app = await ctx.openApp();
      const w = whenFor(app, ctx.lang);
      const at = w.time(v, 'at');
      const s = await app.stateAt(at);
      if (ctx.json) ctx.printJson(stateToJson(s, at));
      else ctx.out(describeState(s, at, app.state, w));
      return 0;
    },
  },
  {
    name: 'verify',
    summary: 'recompute the hash chain and prove the signed checkpoints: exit 0 when the journal holds, 1 naming the first entry not to trust',
    usage: 'verify [--checkpoint FILE|"SEQ:HASH"]... [--db FILE] [--json]',
    details: [
      'Checks the chain from the stored rows, then every checkpoint of the local log (beside the database) and',
      'those given with --checkpoint: a file as `crisiscell checkpoint --json` writes it (or JSON lines of them),',
      'or the "SEQ:HASH" printed on a report. A cut tail (entries removed at the end) or a rewritten suffix',
      '(an entry changed and everything after it re-hashed) fails and says from which entry.',
    ].join('\n'),
    example: 'crisiscell verify --db /evidence/crisiscell.db --checkpoint "1234:9f2c…"',
    options: { checkpoint: { type: 'string', multiple: true } },
    async run(ctx, v) {
      const extra = checkpointArgs(ctx, v);
      const store = await ctx.openStoreOnly();
      const report = await assessIntegrity(store, ctx.keeper(), { now: new Date().toISOString(), extra });
      const r = report.chain;
      if (ctx.json) ctx.printJson({ ...r, ok: report.ok, checkpoints: { count: report.checkpoints.count, given: extra.length, holding: report.checkpoints.holding ?? null, findings: report.checkpoints.findings }, badSeq: report.badSeq ?? (r.ok ? undefined : r.badSeq), problems: report.problems, key: report.key ?? null });
      else {
        if (r.ok) ctx.out(`Chain holds: ${r.count} entries; head entry ${r.headSeq}, hash ${r.headHash}`);
        else ctx.err(`Chain BROKEN at entry ${r.badSeq}: ${r.reason}. Entries before ${r.badSeq} are intact; nothing from ${r.badSeq} on can be trusted.`);
        const n = report.checkpoints.count + extra.length;
        if (report.checkpoints.findings.length > 0) for (const f of report.checkpoints.findings) ctx.err(`Checkpoint FAILS: ${f}`);
        else if (n > 0) ctx.out(`Checkpoints hold: ${n} proved${report.checkpoints.holding ? `, the latest at entry ${report.checkpoints.holding.seq}` : ''}${report.key ? ` (key ${report.key.keyId})` : ''}.`);
        else ctx.out('No signed checkpoint to prove yet: a cut tail cannot be detected without one (crisiscell checkpoint).');
      }
      return report.ok ? 0 : 1;
    },
  },
  {
    name: 'checkpoint',
    summary: 'sign a checkpoint of the journal (seq, head hash, time) with the installation key and print it for the police or the CERT',
    usage: 'checkpoint [--db FILE] [--json]',
    details: [
      'The key (ed25519) is beside the database (crisiscell.db.key, 0600; PostgreSQL: CRISISCELL_KEY_FILE or',
      '~/.local/share/crisiscell/<schema>.key) and never in the journal; the checkpoint is written to the log',
      'beside it and printed with the public key, so that whoever receives it can check it later with',
      'crisiscell verify --checkpoint. The server makes one at start and every 10 minutes while the journal moves.',
    ].join('\n'),
    example: 'crisiscell checkpoint --json > checkpoint-2022-05-14T1200.json',
    options: {},
    async run(ctx) {
      const store = await ctx.openStoreOnly();
      const c = await checkpointStore(store, ctx.keeper(), 'manual', new Date().toISOString());
      if (ctx.json) ctx.printJson(c);
      else for (const l of checkpointLines(c)) ctx.out(l);
      return 0;
    },
  },
  {
    name: 'backup',
    summary: 'write a consistent copy of the database (safe while the server is writing)',
    usage: 'backup <file> [--db FILE]',
    example: 'crisiscell backup /media/usb/crisiscell-2022-05-14T1200.db',
    options: {},
    async run(ctx, _v, p) {
      requirePositional(p, 1, 'the backup file to write');
      const dest = resolve(ctx.io.cwd, p[0] ?? '');
      const store = await ctx.openStoreOnly();
      await store.backup(dest);
      const head = await store.head();
      const cp = await checkpointStore(store, ctx.keeper(), 'backup', new Date().toISOString());
      if (ctx.json) ctx.printJson({ file: dest, headSeq: head.seq, headHash: head.hash, checkpoint: cp });
      else {
        ctx.out(`Backup written to ${dest} (up to entry ${head.seq}, head hash ${head.hash}). Check it with: crisiscell verify --db ${dest}`);
        printCheckpoint(ctx, cp);
      }
      return 0;
    },
  },
  {
    name: 'export',
    summary: 'export the journal as JSON lines (sealed entries, verbatim)',
    details: 'An existing -o FILE is replaced only when it is an earlier export of this same journal (nothing is lost: the journal only grows); any other file is refused.',
    usage: 'export --jsonl [-o FILE]',
    example: 'crisiscell export --jsonl -o journal-2022-05-14.jsonl',
    options: { jsonl: { type: 'boolean' }, output: { type: 'string', short: 'o' } },
    async run(ctx, v) {
      if (v.jsonl !== true) throw new CrisisError('invalid-input', 'say the format: --jsonl (the only one for now)');
      const app = await ctx.openApp();
      const out = str(v, 'output');
      const cp = await app.checkpoint('export');
      if (out === undefined) {
        await app.exportJsonl((l) => void ctx.io.stdout.write(`${l}\n`));
        printCheckpoint(ctx, cp);
        return 0;
      }
      const dest = resolve(ctx.io.cwd, out);
      // An earlier export of this same journal is a prefix of the new one (the journal only grows):
      // replacing it loses nothing. Any other file is refused, never overwritten.
      const earlier = existsSync(dest) ? await earlierExport(app, dest, out) : undefined;
      const tmp = `${dest}.part-${process.pid}`;
      const ws = createWriteStream(tmp, { flags: 'wx' });
      let n: number;
      try {
        n = await app.exportJsonl((l) => (ws.write(`${l}\n`) ? undefined : new Promise<void>((r) => ws.once('drain', () => r()))));
        await new Promise<void>((res, rej) => ws.end((err?: Error | null) => (err ? rej(err) : res())));
        renameSync(tmp, dest);
      } catch (e) {
        ws.destroy();
        rmSync(tmp, { force: true });
        throw e;
      }
      ctx.err(`${n} entries written to ${dest}${earlier !== undefined ? ` (replacing an earlier export of the same journal, ${earlier} entries)` : ''}`);
      printCheckpoint(ctx, cp);
      return 0;
    },
  },
  {
    name: 'import-journal',
    summary: 'load an exported journal (JSON lines) into an empty database, or bring an earlier copy of the same journal up to date; the chain is verified first',
    usage: 'import-journal <file.jsonl> [--checkpoint FILE|"SEQ:HASH"]... [--db FILE]',
    details: [
      'Every line is checked before anything is written: the chain, and each entry against its kind\'s schema',
      '(file:line: kind: field: message on the first bad one; nothing is imported). A chain cannot tell that its',
      'last entries were cut off: give the checkpoint printed when the journal was exported (--checkpoint).',
      'Into a database that holds anything else, nothing is imported. Importing the same journal twice does nothing.',
    ].join('\n'),
    example: 'crisiscell import-journal journal-2022-05-14.jsonl --db replay.db --checkpoint "1234:9f2c…"',
    options: { checkpoint: { type: 'string', multiple: true } },
    async run(ctx, v, p) {
      requirePositional(p, 1, 'the JSON lines file');
      const file = resolve(ctx.io.cwd, p[0] ?? '');
      if (!existsSync(file)) throw new CrisisError('io', `${p[0]} does not exist`);
      const refs = checkpointArgs(ctx, v);
      const app = await ctx.openApp({ create: true });
      const r = await app.importJournal(ctx.actor(), file, refs);
      if (ctx.json) ctx.printJson(r);
      else if (r.alreadyThere) ctx.out(`${app.store.location} already holds exactly this journal (head hash ${r.headHash}): nothing to import.`);
      else ctx.out(`${r.count} entries imported into ${app.store.location}; head hash ${r.headHash}`);
      return 0;
    },
  },
];

/** The --checkpoint values: a file (JSON, JSON lines) or "SEQ:HASH". */
function checkpointArgs(ctx: Ctx, v: Values): CheckpointRef[] {
  const raw = Array.isArray(v.checkpoint) ? v.checkpoint : typeof v.checkpoint === 'string' ? [v.checkpoint] : [];
  const out: CheckpointRef[] = [];
  for (const a of raw) {
    const file = resolve(ctx.io.cwd, a);
    const isFile = !/^#?\d+\s*:/.test(a.trim()) && existsSync(file);
    try {
      out.push(...parseCheckpointRefs(isFile ? readFileSync(file, 'utf8') : a, isFile ? a : 'the --checkpoint argument'));
    } catch (e) {
      throw new CrisisError('invalid-input', `--checkpoint: ${(e as Error).message}`, { details: [{ path: 'checkpoint', message: (e as Error).message }] });
    }
  }
  return out;
}

function printCheckpoint(ctx: Ctx, c: Checkpoint): void {
  for (const l of checkpointLines(c)) ctx.err(l);
}

/**
 * The number of entries of an earlier export of this journal at `file`, or an `already-exists`
 * error when the file is anything else (another journal, an altered one, not an export at all).
 */
async function earlierExport(app: CrisisApp, file: string, shown: string): Promise<number> {
  const refuse = (why: string) => new CrisisError('already-exists', `${shown} exists and ${why}; choose a new file (nothing was written)`);
  const hashes = new Map<number, string>();
  for await (const e of app.store.readAll()) hashes.set(e.seq, e.hash);
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    throw new CrisisError('io', `cannot read ${shown}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`, { cause: e });
  }
  let n = 0;
  for (const line of text.split('\n')) {
    if (line.trim() === '') continue;
    let o: { seq?: unknown; hash?: unknown };
    try {
      o = JSON.parse(line) as { seq?: unknown; hash?: unknown };
    } catch {
      throw refuse('is not a journal export');
    }
    n++;
    if (o.seq !== n || typeof o.hash !== 'string' || hashes.get(n) !== o.hash) throw refuse(`is not an earlier export of this journal (entry ${n} differs)`);
  }
  return n;
}

/** `3 crit 12 high` and the erased-evidence count: what the asset listing says of hunts; `-` when none. */
function evidenceCell(e: EvidenceSummary | undefined): string {
  if (!e) return '-';
  const short: Record<string, string> = { critical: 'crit', high: 'high', medium: 'med', low: 'low', informational: 'info' };
  const levels = Object.entries(e.byLevel).filter(([, n]) => n).map(([l, n]) => `${n} ${short[l] ?? l}`);
  return [levels.join(' ') || `${e.detections} det`, e.erased > 0 ? `${e.erased} erased` : ''].filter(Boolean).join(', ');
}

function num(v: Values, k: string): number | undefined {
  const s = str(v, k);
  if (s === undefined) return undefined;
  const n = Number(s);
  if (!Number.isInteger(n) || n < 0) throw new CrisisError('invalid-input', `--${k} must be a whole number, not "${s}"`);
  return n;
}

export function stateToJson(s: CrisisState, at: string | undefined): unknown {
  return {
    at: at ?? s.lastAt,
    lastSeq: s.lastSeq,
    crisis: s.crisis ?? null,
    counts: { sites: s.sites.size, services: s.services.size, assets: s.assets.size, needs: s.needs.size, measures: s.measures.size },
    measures: [...s.measures.values()],
    sites: [...s.sites.values()],
    services: [...s.services.values()],
    assets: [...s.assets.values()].map((a) => ({ ...a, status: statusOf(s, a.id) })),
    needs: [...s.needs.values()],
  };
}

function describeState(s: CrisisState, at: string | undefined, live: CrisisState, w: When): string {
  if (!s.crisis) {
    if (!at || !live.crisis) return 'No crisis in this database yet: run crisiscell init (or crisiscell demo).';
    return `Nothing was recorded by ${w.local(at)}: the crisis journal starts ${w.local(live.crisis.initialisedAt)}.`;
  }
  const bySec = new Map<string, number>();
  const byRec = new Map<string, number>();
  for (const a of s.assets.values()) {
    const st = statusOf(s, a.id);
    bySec.set(st.security, (bySec.get(st.security) ?? 0) + 1);
    byRec.set(st.recovery, (byRec.get(st.recovery) ?? 0) + 1);
  }
  const fmt = (m: Map<string, number>) => [...m].map(([k, n]) => `${k} ${n}`).join(', ') || 'none';
  return [
    `Crisis: ${s.crisis.name} — ${s.crisis.organisation}${s.crisis.demo ? ' (demo)' : ''}, opened ${w.local(s.crisis.initialisedAt)}, times in ${s.crisis.timeZone}`,
    `As of: ${w.local(at ?? s.lastAt)} (entry ${s.lastSeq}, ${s.entryCount} entries folded)`,
    `Estate: ${s.sites.size} sites, ${s.services.size} services, ${s.assets.size} assets, ${s.needs.size} dependencies`,
    `Measures in force: ${[...s.measures.values()].map((m) => `${m.id} (since ${w.local(m.appliedAt)})`).join(', ') || 'none'}`,
    `Assets by security state: ${fmt(bySec)}`,
    `Assets by recovery state: ${fmt(byRec)}`,
  ].join('\n');
}
