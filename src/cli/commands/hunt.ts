/**
 * `crisiscell hunt`: runs Sigma rules (the built-in ransomware pack and/or SigmaHQ-style folders)
 * over Windows event logs (EVTX, evtx_dump JSON, NXLog JSON, Winlogbeat/ECS JSON).
 */
import { createWriteStream, existsSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import type { CliIo, CommandHandler } from '../io.ts';
import { runHunt, type Detection, type HuntProgress } from '../../hunt/pipeline.ts';
import { LEVELS, parseLevel, type Level } from '../../hunt/sigma/compile.ts';
import { readRuleDocs, type RuleDoc, type RuleProblem } from '../../hunt/sigma/ruleset.ts';
import { listEvidenceFiles } from '../../hunt/sources/index.ts';
import { builtinRulesDir } from '../../hunt/rules/index.ts';
import { RuleSet } from '../../hunt/sigma/ruleset.ts';
import { csvField } from '../../core/csv.ts';

const USAGE = `Usage: crisiscell hunt <files|dirs...> [options]

Runs Sigma rules over Windows event logs: .evtx files, evtx_dump JSON/JSONL, NXLog JSON or
Winlogbeat/ECS JSON (detected per line). Folders are searched for .evtx/.json/.jsonl/.ndjson.

Options:
  --rules DIR        load Sigma rules from DIR (file or folder, repeatable)
  --no-builtin       do not load the built-in ransomware rule pack
  --jsonl            detections as JSON lines     --csv   detections as CSV with a header
  -o, --output FILE  write detections to FILE (the summary then goes to stdout)
  --threads N        worker threads (default: one per core; 0 = scan in the main thread)
  --min-level L      informational|low|medium|high|critical (default: informational)
  --var NAME=V1,V2   values for %NAME% placeholders of rules using |expand (repeatable)
  --verbose          list every rule that could not be loaded
  -h, --help         this help

Example:
  crisiscell hunt /evidence/dc01 --rules ./sigma/rules/windows --min-level high --jsonl -o hits.jsonl
`;

type Sink = NodeJS.WritableStream;

const csvCell = csvField;

const CSV_HEADER = 'rule_id,rule_title,level,file,record_id,timestamp,computer,event_id';

function formatHuman(d: Detection): string {
  const corr = d.correlation ? `  [${d.correlation.type} ${Object.entries(d.correlation.group).map(([k, v]) => `${k}=${v}`).join(' ')} count=${d.correlation.count}]` : '';
  return `${d.timestamp}  ${d.rule.level.padEnd(13)} ${d.rule.title}  ${d.computer}  ${d.file}#${d.recordId} (EventID ${d.eventId})${corr}`;
}

function fmtDuration(s: number): string {
  if (!Number.isFinite(s) || s < 0) return '--:--';
  const m = Math.floor(s / 60);
  const sec = Math.floor(s % 60);
  return `${m}:${String(sec).padStart(2, '0')}`;
}

/** Redraws one progress line on a terminal, at most 5 times per second. */
class ProgressLine {
  private last = 0;
  private shown = false;
  private finalDrawn = false;
  private readonly t0 = Date.now();
  constructor(private readonly out: CliIo['stderr']) {}

  update(p: HuntProgress, force = false): void {
    const now = Date.now();
    // The final state is always drawn once; otherwise at most 5 redraws per second.
    if (!force && p.filesDone < p.filesTotal && now - this.last < 200) return;
    if (p.filesDone === p.filesTotal && this.finalDrawn) return;
    if (p.filesDone === p.filesTotal) this.finalDrawn = true;
    this.last = now;
    const secs = (now - this.t0) / 1000;
    const rate = secs > 0 ? p.records / secs : 0;
    const frac = p.filesTotal > 0 ? p.filesDone / p.filesTotal : 0;
    const eta = frac > 0 ? secs / frac - secs : NaN;
    const width = 20;
    const fill = Math.round(frac * width);
    const line = `[${'#'.repeat(fill)}${'.'.repeat(width - fill)}] ${p.filesDone}/${p.filesTotal} files  ${p.records.toLocaleString('en-US')} records  ${Math.round(rate).toLocaleString('en-US')} rec/s  ETA ${fmtDuration(eta)}`;
    const cols = this.out.columns ?? 100;
    this.out.write(`\r${line.slice(0, cols - 1)}\u001b[K`);
    this.shown = true;
  }

  clear(): void {
    if (this.shown) this.out.write('\r\u001b[K');
    this.shown = false;
  }
}

function summarize(dets: { rule: Map<string, { title: string; level: Level; n: number }>; level: Map<Level, number>; host: Map<string, number> }, extra: string[]): string {
  const lines: string[] = ['', 'Hunt summary', ...extra];
  const total = [...dets.level.values()].reduce((a, b) => a + b, 0);
  lines.push(`  detections: ${total}`);
  if (total > 0) {
    lines.push('  by level:');
    for (const l of [...LEVELS].reverse()) {
      const n = dets.level.get(l);
      if (n) lines.push(`    ${l.padEnd(13)} ${n}`);
    }
    lines.push('  by rule:');
    const rules = [...dets.rule.values()].sort((a, b) => LEVELS.indexOf(b.level) - LEVELS.indexOf(a.level) || b.n - a.n);
    for (const r of rules.slice(0, 40)) lines.push(`    ${String(r.n).padStart(7)}  ${r.level.padEnd(13)} ${r.title}`);
    if (rules.length > 40) lines.push(`    ... and ${rules.length - 40} more rules`);
    lines.push('  by host:');
    const hosts = [...dets.host.entries()].sort((a, b) => b[1] - a[1]);
    for (const [h, n] of hosts.slice(0, 20)) lines.push(`    ${String(n).padStart(7)}  ${h || '(unknown)'}`);
    if (hosts.length > 20) lines.push(`    ... and ${hosts.length - 20} more hosts`);
  }
  return lines.join('\n') + '\n';
}

function describeProblem(p: RuleProblem): string {
  return `${p.file}${p.title ? ` (${p.title})` : ''}: ${p.reason}`;
}

/** The `hunt` command. */
export const huntCommand: CommandHandler = async (argv: string[], io: CliIo): Promise<number> => {
  let args;
  try {
    args = parseArgs({
      args: argv,
      allowPositionals: true,
      strict: true,
      options: {
        rules: { type: 'string', multiple: true },
        'no-builtin': { type: 'boolean' },
        jsonl: { type: 'boolean' },
        csv: { type: 'boolean' },
        output: { type: 'string', short: 'o' },
        threads: { type: 'string' },
        'min-level': { type: 'string' },
        var: { type: 'string', multiple: true },
        verbose: { type: 'boolean' },
        help: { type: 'boolean', short: 'h' },
      },
    });
  } catch (e) {
    io.stderr.write(`hunt: ${(e as Error).message}\n\n${USAGE}`);
    return 2;
  }
  const v = args.values;
  if (v.help) {
    io.stdout.write(USAGE);
    return 0;
  }
  const fail = (msg: string): number => {
    io.stderr.write(`hunt: ${msg}\n`);
    return 2;
  };
  if (args.positionals.length === 0) return fail('give at least one evidence file or folder (see --help)');
  if (v.jsonl && v.csv) return fail('--jsonl and --csv are exclusive');
  let threads: number | undefined;
  if (v.threads !== undefined) {
    if (!/^\d+$/.test(v.threads) || Number(v.threads) > 256) return fail(`--threads must be a number from 0 to 256, not '${v.threads}'`);
    threads = Number(v.threads);
  }
  let minLevel: Level | undefined;
  if (v['min-level'] !== undefined) {
    const l = parseLevel(v['min-level']);
    if (!l) return fail(`--min-level must be one of ${LEVELS.join(', ')}, not '${v['min-level']}'`);
    minLevel = l;
  }
  const placeholders: Record<string, string[]> = {};
  for (const kv of v.var ?? []) {
    const m = /^([A-Za-z0-9_.-]+)=(.*)$/.exec(kv);
    if (!m) return fail(`--var takes NAME=VALUE[,VALUE...], not '${kv}'`);
    placeholders[m[1] as string] = (m[2] as string).split(',').filter((x) => x !== '');
  }
  const abs = (p: string): string => resolve(io.cwd, p);
  for (const p of args.positionals) if (!existsSync(abs(p))) return fail(`no such file or folder: ${p}`);
  const ruleDirs = (v.rules ?? []).map((r) => ({ given: r, path: abs(r) }));
  for (const r of ruleDirs) if (!existsSync(r.path)) return fail(`no such rules file or folder: ${r.given}`);
  if (v['no-builtin'] && ruleDirs.length === 0) return fail('--no-builtin needs at least one --rules DIR');

  // Rules: YAML is parsed once here; the workers compile the parsed documents.
  const docs: RuleDoc[] = [];
  const problems: RuleProblem[] = [];
  if (!v['no-builtin']) {
    const b = readRuleDocs([builtinRulesDir()]);
    docs.push(...b.docs);
    problems.push(...b.problems);
  }
  for (const r of ruleDirs) {
    const got = readRuleDocs([r.path]);
    if (got.files === 0) return fail(`no rule files (.yml/.yaml) in ${r.given}`);
    docs.push(...got.docs);
    problems.push(...got.problems);
  }
  const ruleSet = RuleSet.build(docs, { ...(minLevel ? { minLevel } : {}), placeholders });
  problems.push(...ruleSet.problems);
  const loaded = ruleSet.rules.length + ruleSet.correlations.length;
  if (ruleSet.rules.length === 0) {
    for (const p of problems.slice(0, 5)) io.stderr.write(`  ${describeProblem(p)}\n`);
    return fail('no usable rules were loaded');
  }
  io.stderr.write(
    `hunt: rules loaded ${loaded} (${ruleSet.correlations.length} correlations), unusable ${problems.length}, non-Windows skipped ${ruleSet.skipped}` +
      (ruleSet.belowLevel ? `, below --min-level ${ruleSet.belowLevel}` : '') +
      '\n',
  );
  if (problems.length > 0) {
    const shown = v.verbose ? problems : problems.slice(0, 5);
    for (const p of shown) io.stderr.write(`  unusable: ${describeProblem(p)}\n`);
    if (!v.verbose && problems.length > shown.length) io.stderr.write(`  ... ${problems.length - shown.length} more (--verbose lists them all)\n`);
  }

  let files: string[];
  try {
    files = listEvidenceFiles(args.positionals.map(abs));
  } catch (e) {
    return fail((e as Error).message);
  }
  if (files.length === 0) return fail('no evidence files (.evtx, .json, .jsonl, .ndjson) found');
  // Big files first: with the pull model this keeps all workers busy until the end.
  files.sort((a, b) => statSync(b).size - statSync(a).size);

  // Where detections go, and where the summary goes.
  let out: Sink = io.stdout;
  let fileOut: ReturnType<typeof createWriteStream> | undefined;
  if (v.output) {
    try {
      fileOut = createWriteStream(abs(v.output));
      await new Promise<void>((res, rej) => {
        fileOut?.once('open', () => res());
        fileOut?.once('error', rej);
      });
    } catch (e) {
      return fail(`cannot write ${v.output}: ${(e as Error).message}`);
    }
    out = fileOut;
  }
  const machine = Boolean(v.jsonl || v.csv);
  const summaryOut = v.output ? io.stdout : machine ? io.stderr : io.stdout;
  if (v.csv) out.write(CSV_HEADER + '\n');

  const byRule = new Map<string, { title: string; level: Level; n: number }>();
  const byLevel = new Map<Level, number>();
  const byHost = new Map<string, number>();
  const bar = io.stderr.isTTY ? new ProgressLine(io.stderr) : undefined;
  const readErrors: string[] = [];

  const onDetection = (d: Detection): void => {
    if (v.jsonl) out.write(JSON.stringify(d) + '\n');
    else if (v.csv) out.write([d.rule.id, d.rule.title, d.rule.level, d.file, d.recordId, d.timestamp, d.computer, d.eventId].map(csvCell).join(',') + '\n');
    else {
      bar?.clear();
      out.write(formatHuman(d) + '\n');
    }
    const r = byRule.get(d.rule.id);
    if (r) r.n++;
    else byRule.set(d.rule.id, { title: d.rule.title, level: d.rule.level, n: 1 });
    byLevel.set(d.rule.level, (byLevel.get(d.rule.level) ?? 0) + 1);
    byHost.set(d.computer, (byHost.get(d.computer) ?? 0) + 1);
  };

  let result;
  try {
    result = await runHunt({
      files,
      ruleDocs: docs,
      ruleSet,
      ...(threads !== undefined ? { threads } : {}),
      ...(minLevel ? { minLevel } : {}),
      placeholders,
      onDetection,
      ...(bar ? { onProgress: (p: HuntProgress) => bar.update(p) } : {}),
      onReadError: (e) => {
        if (readErrors.length < 1000) readErrors.push(`${e.file}${e.line !== undefined ? `:${e.line}` : ''}${e.record !== undefined ? ` record ${e.record}` : ''}${e.chunk !== undefined ? ` chunk ${e.chunk}` : ''}: ${e.message}`);
      },
    });
  } catch (e) {
    bar?.clear();
    io.stderr.write(`hunt: ${(e as Error).message}\n`);
    return 1;
  }
  bar?.clear();
  if (fileOut) await new Promise<void>((res) => fileOut?.end(() => res()));

  const secs = result.elapsedMs / 1000;
  const extra = [
    `  files: ${result.files}   records: ${result.records.toLocaleString('en-US')}   read errors: ${result.readErrors}   ` +
      `time: ${secs.toFixed(1)} s (${Math.round(result.records / Math.max(secs, 0.001)).toLocaleString('en-US')} records/s, ${result.threads || 'no'} worker threads)`,
  ];
  if (readErrors.length > 0) {
    const shown = v.verbose ? readErrors : readErrors.slice(0, 5);
    extra.push(...shown.map((s) => `  read error: ${s}`));
    if (result.readErrors > shown.length) extra.push(`  ... ${result.readErrors - shown.length} more read errors${v.verbose ? '' : ' (--verbose shows more)'}`);
  }
  summaryOut.write(summarize({ rule: byRule, level: byLevel, host: byHost }, extra));
  return 0;
};
