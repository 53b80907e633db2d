/**
 * Hunt evidence as `crisiscell why` prints it under a cell's explanation: per asset on the cell's
 * chains, the detections by level, the time range, the worst rules, the erased evidence, and the
 * logbook entry to read for every reference.
 */
import type { AssetEvidence, EvidenceSummary } from '../core/evidence.ts';
import { levelsText } from '../core/evidence.ts';

export function renderCellEvidence(list: readonly { asset: string; summary: EvidenceSummary; latest: AssetEvidence }[]): string {
  if (list.length === 0) return '';
  const lines = ['Evidence from hunts on these assets (it informs; no state was changed by it):'];
  for (const { asset, summary, latest } of list.slice(0, 12)) {
    const range = summary.first ? `, ${summary.first} -> ${summary.last}` : '';
    const erased = summary.erased > 0 ? `, ${summary.erased} erased-evidence finding(s)` : '';
    lines.push(`  - ${asset}: ${summary.detections} detection(s) (${levelsText(summary.byLevel)})${range}${erased}; ${summary.entries} hunt(s), latest entry #${latest.seq} (${latest.source})`);
    for (const r of latest.refs.slice(0, 3)) lines.push(`      ${r.level.padEnd(13)} ${r.ruleTitle} x${r.count} in ${r.file} (EventRecordID ${r.eventRecordIds.slice(0, 3).join(', ')}${r.eventRecordIds.length > 3 ? ', ...' : ''})`);
    for (const e of (latest.erased ?? []).filter((x) => x.type === 'log-cleared').slice(0, 2)) lines.push(`      ${e.channel} log cleared at ${e.time}${e.by ? ` by ${e.by}` : ''}`);
  }
  if (list.length > 12) lines.push(`  ... and ${list.length - 12} more assets with evidence`);
  return `${lines.join('\n')}\n`;
}
