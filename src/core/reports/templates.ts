/**
 * Communication templates whose facts are filled from state: the services down, the cancelled
 * activity, the call-centre number, the switchboard fallback. A draft keeps the text as it was filled
 * (what was said is evidence) and the list of facts still missing then.
 */
import type { Board } from '../impact/types.ts';
import type { CrisisState } from '../state.ts';
import { boardFacts, byKind, inSentence, joinWords } from './board-facts.ts';
import type { CoordinationView } from '../coordination/coordination-state.ts';
import { CoordinationState, channelKey, nextMeeting, pendingDecisions } from '../coordination/coordination-state.ts';
import { formatLocal } from '../clocks/time.ts';
import type { Audience } from '../coordination/types.ts';

/** A named fact a template may use, and its value when state knows it. */
export type TemplateFacts = Readonly<Record<string, string | undefined>>;

export interface CommsTemplate {
  readonly id: string;
  readonly audience: Audience;
  readonly title: string;
  readonly body: string;
}

/** Built-in templates, one per audience; `{{fact}}` is filled from state. */
export const COMMS_TEMPLATES: readonly CommsTemplate[] = [
  {
    id: 'staff-update',
    audience: 'staff',
    title: 'Staff update: IT outage ({{asOf}})',
    body: [
      'The IT systems of {{organisation}} are affected by a cyberattack. Patient care continues.',
      'Vital services working: {{vitalWorking}}.',
      'Degraded: {{degraded}}.',
      'Down: {{down}}.',
      'Downtime procedures in force: {{procedures}}.',
      'Telephone: {{switchboard}}.',
      'Do not switch on, connect or restart any computer unless IT tells you to. Report anything unusual to the IT crisis room.',
      'Next crisis-cell briefing: {{nextMeeting}}.',
    ].join('\n'),
  },
  {
    id: 'patients-notice',
    audience: 'patients',
    title: 'Information for patients',
    body: [
      '{{organisation}} is dealing with a computer incident. Your safety is our priority: {{vitalWorking}} work normally.',
      'Appointments and operations: {{cancelledActivity}}.',
      'Some examinations take longer than usual ({{degraded}}).',
      'Questions: call {{callCentre}}. {{switchboard}}.',
    ].join('\n'),
  },
  {
    id: 'public-statement',
    audience: 'public',
    title: 'Public statement ({{asOf}})',
    body: [
      '{{organisation}} was hit by a cyberattack. Emergency measures were taken at once and the hospitals remain open.',
      'Working: {{vitalWorking}}. Most affected: {{degraded}}.',
      'Ransom demand: {{ransomDemand}}. Patient data: {{dataTheft}}.',
      'Appointments: {{cancelledActivity}}. Information line: {{callCentre}}.',
    ].join('\n'),
  },
  {
    id: 'press-release',
    audience: 'press',
    title: 'Press release: cyberattack on {{organisation}} ({{asOf}})',
    body: [
      '{{organisation}} was the target of a cyberattack detected on {{awareness}}. The authorities were informed: {{partners}}.',
      'Vital services are preserved: {{vitalWorking}}.',
      'Most impacted: {{degraded}}. Unavailable: {{down}}.',
      'Telephone: {{switchboard}}.',
      'Ransom demand: {{ransomDemand}}. Theft of personal data: {{dataTheft}}.',
      'Consultations and surgery: {{cancelledActivity}}.',
      'Next crisis meeting: {{nextMeeting}}.',
    ].join('\n'),
  },
  {
    id: 'partners-brief',
    audience: 'partners',
    title: 'Partner brief: {{organisation}} ({{asOf}})',
    body: [
      'Situation at {{asOf}}. Down: {{down}}. Degraded: {{degraded}}.',
      'Reach our services on their direct numbers: {{switchboard}}.',
      'Requests to partners: {{openActions}}.',
      'Next crisis meeting: {{nextMeeting}}.',
    ].join('\n'),
  },
];

const EMPTY = new CoordinationState();

/** The facts templates and reports use, from the state at `at` and its board. Absent when unknown. */
export function templateFacts(state: CrisisState, board: Board | undefined, at: string, timeZone = 'Europe/Brussels'): TemplateFacts {
  const c: CoordinationView = state.coordination ?? EMPTY;
  const local = (iso: string) => formatLocal(iso, timeZone);
  const f = board ? boardFacts(board) : undefined;
  const kinds = (lines: Parameters<typeof byKind>[0]) => joinWords(byKind(lines).map((g) => inSentence(g.label)));
  const callCentre = [...c.contacts.values()].find((x) => x.party === 'call-centre');
  const made = [...c.decisions.values()].filter((d) => d.made && Date.parse(d.made.decidedAt) <= Date.parse(at));
  const pending = pendingDecisions(c, at);
  const meeting = nextMeeting(c, at);
  const partners = [...c.contacts.values()].filter((x) => x.party !== 'internal' && x.party !== 'call-centre' && x.party !== 'press' && x.party !== 'supplier');
  const open = [...c.actions.values()].filter((x) => x.status === 'open' || x.status === 'in-progress');
  return {
    asOf: local(at),
    organisation: state.crisis?.organisation,
    awareness: c.regulatory.awareness ? local(c.regulatory.awareness.awareAt) : undefined,
    vitalWorking: f && f.vitalWorking.length > 0 ? kinds(f.vitalWorking) : undefined,
    degraded: f ? (f.degraded.length > 0 ? kinds(f.degraded) : 'none') : undefined,
    down: f ? (f.down.length > 0 ? kinds(f.down) : 'none') : undefined,
    procedures: f ? [...new Set([...f.degraded, ...f.down].flatMap((l) => l.procedures))].join('; ') || 'none' : undefined,
    switchboard: switchboardSentence(c),
    callCentre: callCentre ? `${callCentre.name} ${callCentre.phone ?? callCentre.mobile ?? ''}`.trim() : undefined,
    cancelledActivity:
      made.length > 0
        ? made.map((d) => d.made?.decision ?? '').join('; ')
        : pending.length > 0
          ? `no change yet; a decision is pending (${pending.map((d) => d.question).join('; ')})`
          : undefined,
    nextMeeting: meeting ? `${local(meeting.at)}${meeting.place ? `, ${meeting.place}` : ''}` : undefined,
    ransomDemand: c.assessment.ransomDemand ? (c.assessment.ransomDemand.value === 'none' ? 'none received' : 'received') : undefined,
    dataTheft: c.assessment.dataExfiltration
      ? { 'no-indication': 'no indication of theft so far', suspected: 'theft suspected, under investigation', confirmed: 'theft confirmed' }[c.assessment.dataExfiltration.value]
      : undefined,
    partners: partners.length > 0 ? joinWords(partners.map((p) => p.organisation ?? p.name)) : undefined,
    openActions: open.length > 0 ? open.map((x) => x.title).join('; ') : 'none',
  };
}

/** `switchboard down; use the direct numbers of the services` from the channel states. */
export function switchboardSentence(c: CoordinationView): string | undefined {
  const sb = c.channels.get(channelKey('switchboard'));
  if (!sb) return undefined;
  const direct = c.channels.get(channelKey('direct-lines'));
  const parts = [`switchboard ${sb.status}`];
  if (sb.fallback) parts.push(sb.fallback);
  if (direct && direct.status !== sb.status) parts.push(`direct lines ${direct.status}`);
  return parts.join('; ');
}

/** Fills `{{fact}}` placeholders; an unknown fact reads `[fact: not recorded]` and is listed as missing. */
export function fillTemplate(text: string, facts: TemplateFacts): { text: string; missing: string[] } {
  const missing = new Set<string>();
  const out = text.replace(/\{\{\s*([A-Za-z]+)\s*\}\}/g, (_m, name: string) => {
    const v = facts[name];
    if (v === undefined || v === '') {
      missing.add(name);
      return `[${name}: not recorded]`;
    }
    return v;
  });
  return { text: out, missing: [...missing] };
}
