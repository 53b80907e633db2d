/**
 * How detections and findings are written: one human line, one CSV row, one JSON line. The same
 * fields in the three forms: time, host, channel, EventID, EventRecordID, level, rule, ATT&CK,
 * details, and where the event is (file and offset or line, carved or not, other inputs).
 */
import type { Detection } from './pipeline.ts';
import type { ErasedFinding } from './erased.ts';
import type { RecordSource } from './record.ts';
import { detailsText } from './details.ts';
import { csvField } from '../core/csv.ts';

export const CSV_HEADER = 'timestamp,computer,channel,event_id,event_record_id,level,rule_title,rule_id,tactics,techniques,details,file,chunk,offset,line,recovered,other_sources';

export { csvField as csvCell } from '../core/csv.ts';

/** `file @offset`, `file:line`, `(recovered)` when carved. */
export function whereText(s: RecordSource): string {
  const at = s.offset !== undefined ? ` @${s.offset}` : s.line !== undefined ? `:${s.line}` : '';
  return `${s.file}${at}${s.recovered ? ' (recovered)' : ''}`;
}

function others(d: Detection): RecordSource[] {
  if (!d.sources || d.sources.length < 2) return [];
  return d.sources.filter((s) => !(s.file === d.file && s.offset === d.offset && s.line === d.line));
}

export function csvRow(d: Detection): string {
  return [
    d.timestamp,
    d.computer,
    d.channel,
    d.eventId,
    d.eventRecordId,
    d.rule.level,
    d.rule.title,
    d.rule.id,
    d.tactics.join('; '),
    d.techniques.join('; '),
    detailsText(d.details) + (d.correlation ? `${Object.keys(d.details).length ? ' ¦ ' : ''}${correlationText(d)}` : ''),
    d.file,
    d.chunk,
    d.offset,
    d.line,
    d.recovered ? 'true' : '',
    others(d).map(whereText).join('; '),
  ]
    .map(csvField)
    .join(',');
}

function correlationText(d: Detection): string {
  const c = d.correlation;
  if (!c) return '';
  return `${c.type} ${Object.entries(c.group).map(([k, v]) => `${k}=${v}`).join(' ')} count=${c.count} since ${c.firstTimestamp}`;
}

/** One line a person reads: when, how bad, what, where, who did what, and where to look. */
export function humanLine(d: Detection): string {
  const attack = [...d.tactics, ...d.techniques].join(' ');
  const details = detailsText(d.details);
  const corr = d.correlation ? `  [${correlationText(d)}]` : '';
  const also = others(d);
  return [
    `${d.timestamp}  ${d.rule.level.padEnd(13)} ${d.rule.title}  ${d.computer || '(unknown host)'}  ${d.channel} ${d.eventId} #${d.eventRecordId}`,
    details ? `  ${details}` : '',
    attack ? `  [${attack}]` : '',
    corr,
    `  ${whereText({ file: d.file, ...(d.offset !== undefined ? { offset: d.offset } : {}), ...(d.line !== undefined ? { line: d.line } : {}), ...(d.recovered ? { recovered: true as const } : {}) })}`,
    also.length ? ` = ${also.map(whereText).join(' = ')}` : '',
  ].join('');
}

/** A JSON line for a finding: `{"finding": {...}}`, so that consumers tell it from a detection (`rule`). */
export function findingJson(f: ErasedFinding): string {
  return JSON.stringify({ finding: f });
}
