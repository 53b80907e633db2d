/**
 * `crisiscell hunt`: runs Sigma rules (the built-in ransomware pack and/or SigmaHQ-style folders)
 * over Windows event logs (EVTX, evtx_dump JSON, NXLog JSON, Winlogbeat/ECS JSON).
 */
import { createWriteStream, existsSync, lstatSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import type { CliIo, CommandHandler } from '../io.ts';
import { runHunt, type Detection, type HuntProgress, type HuntResult } from '../../hunt/pipeline.ts';
import { LEVELS, parseLevel, type Level } from '../../hunt/sigma/compile.ts';
import { readRuleDocs, type RuleDoc, type RuleProblem } from '../../hunt/sigma/ruleset.ts';
import { walkEvidence } from '../../hunt/sources/index.ts';
import { builtinRulesDir } from '../../hunt/rules/index.ts';
import { RuleSet } from '../../hunt/sigma/ruleset.ts';
import type { ReadError } from '../../hunt/record.ts';
import { Deduper, Timeline } from '../../hunt/timeline.ts';
import { HuntSummary, renderSummary } from '../../hunt/summary.ts';
import { CSV_HEADER, csvRow, findingJson, humanLine } from '../../hunt/output.ts';
import { HostEvidenceBuilder } from '../../hunt/host-evidence.ts';
import { outcomeToExit } from '../../core/errors.ts';

const USAGE = `Usage: crisiscell hunt <files|dirs...> [options]

Runs Sigma rules over Windows event logs: .evtx files, evtx_dump JSON/JSONL, NXLog JSON or
Winlogbeat/ECS JSON (detected per line). Folders are searched for .evtx/.json/.jsonl/.ndjson;
every file is read once whatever links lead to it; loops, dangling links, unreadable folders and
files, FIFOs and devices are reported and skipped, never waited on.

Each detection gives the event's EventRecordID and where it is (file and byte offset, or line),
the details of the event (user, logon type, source IP, command line, service...), the rule's
ATT&CK tactics and techniques. The summary gives the time range, first and last seen per rule
and per host, a host x level table, and the erased evidence: log clearing (1102, 104) and gaps
in EventRecordIDs per computer and channel. An event present in two inputs (an .evtx and its
own JSON export) is reported once.

Options:
  --rules DIR        load Sigma rules from DIR (file or folder, repeatable)
  --no-builtin       do not load the built-in ransomware rule pack
  --jsonl            detections as JSON lines, then findings as {"finding": ...} lines
  --csv              detections as CSV with a header
  -o, --output FILE  write detections to FILE (the summary then goes to stdout)
  --timeline         every detection of every input in time order (sorted on disk in runs,
                     memory stays bounded); copies of one event are merged with all their sources
  --run-size N       detections sorted in memory per run with --timeline (default 10000)
  --recover          also carve deleted records from slack space and unused chunk areas of .evtx
                     files (marked recovered) and run the rules on them
  --db FILE          record the evidence per asset in the crisis journal (hosts matched with the
                     estate by hostname, FQDN or IP; nothing changes an asset's state)
  --threads N        worker threads (default: one per core; 0 = scan in the main thread)
  --min-level L      informational|low|medium|high|critical (default: informational)
  --var NAME=V1,V2   values for %NAME% placeholders of rules using |expand (repeatable)
  --verbose          list every rule that could not be loaded, every gap and read error
  -h, --help         this help

Exit codes: 0 completed; ${outcomeToExit['completed-with-unreadable-inputs']} completed, but some inputs could not be read (listed
at the end of the summary); 2 bad usage or input; 1 the hunt failed; 3 the --db database cannot be
opened; 4 the --db actor may not record evidence.

Example:
  crisiscell hunt /evidence/dc01 --rules ./sigma/rules/windows --min-level high --jsonl -o hits.jsonl
  crisiscell hunt /evidence --timeline --csv -o timeline.csv --recover --db crisis.db
`;

type Sink = NodeJS.WritableStream;

function isLink(p: string): boolean {
  try {
    return lstatSync(p).isSymbolicLink();
  } catch {
    return false;
  }
}

/** Writes and waits for 'drain' when the stream's buffer is full (bounded memory on big timelines). */
function write(stream: Sink, text: string): Promise<void> | undefined {
  if (stream.write(text)) return undefined;
  return new Promise((done) => {
    const finish = (): void => {
      stream.removeListener('drain', finish);
      stream.removeListener('error', finish);
      stream.removeListener('close', finish);
      done();
    };
    stream.once('drain', finish);
    stream.once('error', finish);
    stream.once('close', finish);
  });
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
        timeline: { type: 'boolean' },
        'run-size': { type: 'string' },
        recover: { type: 'boolean' },
        db: { type: 'string' },
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
  // A path that does not exist at all is a typing error; a link whose target is gone is reported
  // with the other unreadable inputs.
  for (const p of args.positionals) if (!existsSync(abs(p)) && !isLink(abs(p))) return fail(`no such file or folder: ${p}`);
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

  // The walk: every problem is kept for the end of the summary; nothing stops the hunt.
  const walk = walkEvidence(args.positionals.map(abs));
  const unreadable = new Map<string, string>();
  const skipped: string[] = [];
  for (const p of walk.problems) {
    if (p.severity === 'unreadable') unreadable.set(p.path, p.reason);
    else skipped.push(`${p.path}: ${p.reason}`);
  }
  if (walk.files.length === 0 && unreadable.size === 0) return fail('no evidence files (.evtx, .json, .jsonl, .ndjson) found');
  // Big files first: with the pull model this keeps all workers busy until the end.
  const files = [...walk.files].sort((a, b) => b.size - a.size).map((f) => f.path);

  let runSize: number | undefined;
  if (v['run-size'] !== undefined) {
    if (!/^\d+$/.test(v['run-size']) || Number(v['run-size']) < 1) return fail(`--run-size must be a whole number of detections (at least 1), not '${v['run-size']}'`);
    runSize = Number(v['run-size']);
  }

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

  const summary = new HuntSummary();
  const hostEvidence = v.db !== undefined ? new HostEvidenceBuilder() : undefined;
  const bar = io.stderr.isTTY ? new ProgressLine(io.stderr) : undefined;
  const errorLines: string[] = [];
  const timeline = v.timeline ? new Timeline(runSize !== undefined ? { runSize } : {}) : undefined;
  const deduper = timeline ? undefined : new Deduper();

  const print = (d: Detection): Promise<void> | undefined => {
    summary.add(d);
    hostEvidence?.addDetection(d);
    if (v.jsonl) return write(out, JSON.stringify(d) + '\n');
    if (v.csv) return write(out, csvRow(d) + '\n');
    bar?.clear();
    return write(out, humanLine(d) + '\n');
  };
  const onDetection = (d: Detection): void => {
    if (timeline) {
      timeline.add(d);
      return;
    }
    if (deduper?.isCopy(d)) return;
    void print(d);
  };
  const onReadError = (e: ReadError): void => {
    if (e.unreadable && !unreadable.has(e.file)) unreadable.set(e.file, e.message);
    if (errorLines.length < (v.verbose ? 1000 : 5)) errorLines.push(`${e.file}${e.line !== undefined ? `:${e.line}` : ''}${e.record !== undefined ? ` record ${e.record}` : ''}${e.chunk !== undefined ? ` chunk ${e.chunk}` : ''}: ${e.message}`);
  };

  let result: HuntResult;
  try {
    result = await runHunt({
      files,
      ruleDocs: docs,
      ruleSet,
      ...(threads !== undefined ? { threads } : {}),
      ...(minLevel ? { minLevel } : {}),
      placeholders,
      recover: v.recover === true,
      onDetection,
      ...(bar ? { onProgress: (p: HuntProgress) => bar.update(p) } : {}),
      onReadError,
    });
    if (timeline) {
      if (bar && timeline.runsWritten > 0) io.stderr.write(`\rmerging ${timeline.runsWritten} sorted runs\u001b[K`);
      for (const d of timeline.sorted()) {
        const wait = print(d);
        if (wait) await wait;
      }
    }
  } catch (e) {
    bar?.clear();
    timeline?.close();
    io.stderr.write(`hunt: ${(e as Error).message}\n`);
    return 1;
  }
  bar?.clear();
  for (const f of result.findings) hostEvidence?.addFinding(f);
  if (v.jsonl) {
    for (const f of result.findings) {
      const wait = write(out, findingJson(f) + '\n');
      if (wait) await wait;
    }
  }
  if (fileOut) await new Promise<void>((res) => fileOut?.end(() => res()));
  if (deduper) for (const [pair, n] of deduper.pairs) summary.addDuplicates(pair, n);

  summaryOut.write(
    renderSummary(summary, {
      files: result.files,
      records: result.records,
      recovered: result.recovered,
      readErrors: result.readErrors,
      elapsedMs: result.elapsedMs,
      threads: result.threads,
      firstEvent: result.firstEvent,
      lastEvent: result.lastEvent,
      findings: result.findings,
      errorLines,
      unreadable: [...unreadable].map(([p, why]) => (why.includes(p) ? why : `${p}: ${why}`)),
      skipped,
      verbose: v.verbose === true,
    }),
  );
  if (deduper?.full) summaryOut.write('  (more than 2,000,000 distinct detections: copies of events past that were not looked for; --timeline merges them all)\n');

  let code: number = unreadable.size > 0 ? outcomeToExit['completed-with-unreadable-inputs'] : 0;
  if (hostEvidence && v.db !== undefined) {
    const source = `hunt of ${args.positionals.join(', ')} (${result.files} file${result.files === 1 ? '' : 's'}${v.recover ? ', deleted records recovered' : ''}${unreadable.size > 0 ? `, ${unreadable.size} unreadable` : ''})`;
    // Loaded only here: the journal's store is not needed (nor paid for at start-up) without --db.
    const { recordEvidenceFromCli } = await import('./evidence.ts');
    const dbCode = await recordEvidenceFromCli(io, v.db, source, hostEvidence.build(), summaryOut);
    if (dbCode !== 0) code = dbCode;
  }
  return code;
};
