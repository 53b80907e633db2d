/**
 * One line a person can read for any journal entry: the CLI's log, the printed logbook.
 */
import type { AnyEntry } from '../core/journal.ts';
import { levelsText } from '../core/evidence.ts';

/** One line a person can read for any entry. */
export function describeEntry(e: AnyEntry): string {
  switch (e.kind) {
    case 'crisis.initialised':
      return `crisis "${e.payload.name}" opened for ${e.payload.organisation}${e.payload.demo ? ' (demo)' : ''}`;
    case 'estate.upserted': {
      const p = e.payload;
      return `estate: ${p.sites.length} site(s), ${p.services.length} service(s), ${p.assets.length} asset(s), ${p.needs.length} dependency(ies) from ${p.sources.map((s) => s.file).join(', ') || 'generator'}`;
    }
    case 'asset.state': {
      const p = e.payload;
      const what = [p.security && `security=${p.security}`, p.recovery && `recovery=${p.recovery}`, p.observed && `observed=${p.observed}`].filter(Boolean).join(' ');
      const names = p.assets.length <= 4 ? p.assets.join(', ') : `${p.assets.slice(0, 3).join(', ')} and ${p.assets.length - 3} more`;
      return `${names}: ${what} — ${p.reason}`;
    }
    case 'measure.applied':
      return `${e.payload.id} applied — ${e.payload.reason}`;
    case 'measure.lifted':
      return `${e.payload.id} lifted — ${e.payload.reason}`;
    case 'log.note':
      return `[${e.payload.type}] ${e.payload.text}${e.payload.source ? ` (source: ${e.payload.source})` : ''}`;
    case 'evidence.recorded': {
      const p = e.payload;
      const as = p.hosts.length === 1 && p.hosts[0]?.toLowerCase() === p.asset ? '' : ` (as ${p.hosts.join(', ')})`;
      const hits = p.detections > 0 ? `${p.detections} detection${p.detections === 1 ? '' : 's'} (${levelsText(p.byLevel)}) from ${p.first} to ${p.last}, ${p.refs.length + (p.refsOmitted ?? 0)} rule/file reference(s)` : 'no detection';
      const erased = p.erased && p.erased.length > 0 ? `; erased evidence: ${p.erased.length} (log clearing or record gaps)` : '';
      return `evidence on ${p.asset}${as}: ${hits}${erased} — ${p.source}; asset state unchanged`;
    }
    case 'decision.opened':
      return `${e.payload.id} opened: ${e.payload.question}${e.payload.options.length ? ` (options: ${e.payload.options.join(' / ')})` : ''}`;
    case 'decision.made':
      return `${e.payload.id} decided by ${e.payload.decidedBy.person} (${e.payload.decidedBy.position}): ${e.payload.decision} — ${e.payload.rationale}`;
    case 'action.created':
      return `${e.payload.id} ${e.payload.title} → ${e.payload.ownerPosition}${e.payload.due ? `, due ${e.payload.due}` : ''}`;
    case 'action.updated':
      return `${e.payload.id}${e.payload.status ? ` now ${e.payload.status}` : ''}${e.payload.due ? `, due ${e.payload.due}` : ''}${e.payload.note ? ` — ${e.payload.note}` : ''}`;
    case 'meeting.scheduled':
      return `${e.payload.id} ${e.payload.title} at ${e.payload.at}${e.payload.place ? `, ${e.payload.place}` : ''}`;
    case 'meeting.minuted':
      return `${e.payload.id} held at ${e.payload.heldAt}: ${e.payload.minutes}`;
    case 'comms.drafted':
      return `${e.payload.id} draft for ${e.payload.audience}: ${e.payload.title}`;
    case 'comms.approved':
      return `${e.payload.id} approved by ${e.payload.approvedBy.person} (${e.payload.approvedBy.position})`;
    case 'comms.published':
      return `${e.payload.id} published via ${e.payload.channel}`;
    case 'regulatory.awareness':
      return `aware of the incident since ${e.payload.awareAt} — ${e.payload.basis}`;
    case 'regulatory.breach-assessed':
      return `personal-data breach: ${e.payload.personalDataBreach ? 'yes' : 'no'} — ${e.payload.reason}`;
    default:
      return summarise(e.payload);
  }
}

/** A short line for kinds without a sentence of their own: the payload's fields, cut. */
function summarise(payload: unknown): string {
  if (payload === null || typeof payload !== 'object') return String(payload);
  const parts = Object.entries(payload as Record<string, unknown>).map(([k, v]) => `${k}=${typeof v === 'string' ? v : JSON.stringify(v)}`);
  const line = parts.join(' ');
  return line.length > 160 ? `${line.slice(0, 159)}…` : line;
}
