/**
 * Hunt evidence into the crisis: `crisiscell evidence import hits.jsonl` (a hunt's JSONL output),
 * and the `--db` of `crisiscell hunt`. Both record one `evidence.recorded` entry per asset through
 * the app layer (src/app/evidence.ts) and list the hosts the estate does not know.
 */
import { createHash } from 'node:crypto';
import { resolve } from 'node:path';
import { CrisisError } from '../../core/errors.ts';
import { EVIDENCE_LEVELS, levelsText, type EvidenceLevel } from '../../core/evidence.ts';
import { recordEvidence } from '../../app/evidence.ts';
import { HostEvidenceBuilder, type HostEvidence } from '../../hunt/host-evidence.ts';
import type { ErasedFinding } from '../../hunt/erased.ts';
// The line reader alone: this module is loaded with every CLI command, the EVTX parser is not needed.
import { forEachLine } from '../../hunt/sources/json-reader.ts';
import type { CliIo } from '../io.ts';
import { makeCtx, reportError, type Ctx } from '../context.ts';
import type { CommandSpec } from '../spec.ts';

/** Records the evidence and prints what was written; returns the exit code. */
async function record(ctx: Ctx, source: string, hosts: readonly HostEvidence[], out: (t: string) => void): Promise<number> {
  const app = await ctx.openApp();
  const r = await recordEvidence(app, ctx.actor(), { source, hosts });
  if (ctx.json) {
    ctx.printJson({ entries: r.entries.map((e) => e.seq), matched: r.matched, unmatched: r.unmatched });
    return 0;
  }
  if (r.entries.length === 0) {
    out(`No evidence recorded: none of the ${hosts.length} host(s) of the logs is an asset of the estate (import the estate first, or check the names).`);
  } else {
    const seqs = r.entries.map((e) => e.seq);
    out(`Evidence recorded for ${r.entries.length} asset(s) in ${app.store.location} (entr${seqs.length === 1 ? 'y' : 'ies'} ${seqs[0]}${seqs.length > 1 ? `-${seqs[seqs.length - 1]}` : ''}); asset states are unchanged:`);
    for (const e of r.entries.slice(0, 50)) {
      if (e.kind !== 'evidence.recorded') continue;
      const p = e.payload;
      out(`  ${p.asset.padEnd(24)} ${p.detections} detection(s): ${levelsText(p.byLevel)}${p.first ? `, ${p.first} -> ${p.last}` : ''}${p.erased?.length ? `, ${p.erased.length} erased-evidence finding(s)` : ''}${p.matchedBy !== 'hostname' ? ` (matched by ${p.matchedBy}: ${p.hosts.join(', ')})` : ''}`);
    }
    if (r.entries.length > 50) out(`  ... and ${r.entries.length - 50} more`);
  }
  if (r.unmatched.length > 0) {
    out(`Hosts not in the estate (${r.unmatched.length}), nothing recorded for them: ${r.unmatched.slice(0, 30).join(', ')}${r.unmatched.length > 30 ? ', ...' : ''}`);
  }
  return 0;
}

/** `hunt --db FILE`: records the hunt's evidence; errors are printed like every command's. */
export async function recordEvidenceFromCli(io: CliIo, db: string, source: string, hosts: readonly HostEvidence[], out: NodeJS.WritableStream): Promise<number> {
  const ctx = makeCtx(io, db, false);
  try {
    return await record(ctx, source, hosts, (t) => void out.write(`${t}\n`));
  } catch (e) {
    return reportError(io, e, false);
  } finally {
    await ctx.close().catch(() => undefined);
  }
}

const LEVEL_SET = new Set<string>(EVIDENCE_LEVELS);

/**
 * Reads a hunt's JSONL (detections and `{"finding": ...}` lines) into per-host evidence. A line
 * that is neither is an error naming file and line; nothing is recorded then.
 */
export function hostEvidenceFromJsonl(path: string, shown: string): { hosts: HostEvidence[]; detections: number; findings: number; sha256: string } {
  const b = new HostEvidenceBuilder();
  const hash = createHash('sha256');
  const problems: { file: string; line: number; message: string }[] = [];
  let detections = 0;
  let findings = 0;
  forEachLine(path, (line, n) => {
    hash.update(line).update('\n');
    const t = line.trim();
    if (t === '') return;
    let o: unknown;
    try {
      o = JSON.parse(t);
    } catch {
      problems.push({ file: shown, line: n, message: 'not a JSON line' });
      return;
    }
    if (o === null || typeof o !== 'object') {
      problems.push({ file: shown, line: n, message: 'not a JSON object' });
      return;
    }
    const rec = o as Record<string, unknown>;
    if (rec.finding !== undefined) {
      const f = rec.finding as Partial<ErasedFinding>;
      if (typeof f !== 'object' || f === null || typeof f.computer !== 'string' || (f.type !== 'log-cleared' && f.type !== 'record-gap' && f.type !== 'numbering-restart')) {
        problems.push({ file: shown, line: n, message: 'finding: expected type log-cleared, record-gap or numbering-restart and a computer' });
        return;
      }
      b.addFinding(f as ErasedFinding);
      findings++;
      return;
    }
    const rule = rec.rule as { id?: unknown; title?: unknown; level?: unknown } | undefined;
    if (!rule || typeof rule !== 'object' || typeof rule.id !== 'string' || typeof rule.level !== 'string' || !LEVEL_SET.has(rule.level)) {
      problems.push({ file: shown, line: n, message: 'rule: expected {id, title, level} as `crisiscell hunt --jsonl` writes it' });
      return;
    }
    if (typeof rec.computer !== 'string' || typeof rec.timestamp !== 'string' || typeof rec.file !== 'string') {
      problems.push({ file: shown, line: n, message: 'computer, timestamp and file must be strings' });
      return;
    }
    b.addDetection({
      rule: { id: rule.id, title: typeof rule.title === 'string' ? rule.title : rule.id, level: rule.level as EvidenceLevel },
      timestamp: rec.timestamp,
      computer: rec.computer,
      eventRecordId: typeof rec.eventRecordId === 'number' ? rec.eventRecordId : 0,
      file: rec.file,
    });
    detections++;
  });
  if (problems.length > 0) {
    throw new CrisisError('invalid-input', `${shown}: ${problems.length} line(s) are not hunt output; nothing was recorded`, { details: problems.slice(0, 200) });
  }
  return { hosts: b.build(), detections, findings, sha256: hash.digest('hex') };
}

export const EVIDENCE_COMMANDS: CommandSpec[] = [
  {
    name: 'evidence import',
    summary: "record a hunt's detections (its --jsonl output) as evidence per asset; asset states are unchanged",
    usage: 'evidence import <hits.jsonl> [--db FILE] [--json]',
    details: [
      'Reads the JSON lines `crisiscell hunt --jsonl` writes (detections, and findings such as log clearing',
      'and EventRecordID gaps). Hosts are matched with the estate by hostname, by FQDN (first label) or by IP;',
      'one evidence entry per asset is written, with references to the detections (rule, file, EventRecordIDs,',
      'time range). Hosts the estate does not know are listed. `crisiscell why` and `crisiscell assets` show',
      'the evidence. A line that is not hunt output is named (file:line) and nothing is written.',
      'Same as `crisiscell hunt ... --db FILE`.',
    ].join('\n'),
    example: 'crisiscell evidence import /evidence/hunt-dc01.jsonl --db crisis.db',
    options: {},
    async run(ctx, _v, p) {
      const given = p[0];
      if (given === undefined) throw new CrisisError('invalid-input', 'name the JSON lines file of a hunt (crisiscell hunt ... --jsonl -o hits.jsonl)');
      const path = resolve(ctx.io.cwd, given);
      const read = hostEvidenceFromJsonl(path, given);
      const source = `import of ${given} (${read.detections} detection(s), ${read.findings} finding(s), sha256 ${read.sha256.slice(0, 16)})`;
      return record(ctx, source, read.hosts, (t) => ctx.out(t));
    },
  },
];
