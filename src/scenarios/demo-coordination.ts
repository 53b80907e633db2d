/**
 * The crisis cell's side of the demo (article: Vivalia, 14-15 May 2022, names fictional): positions,
 * the operational period, the partners and their numbers, which channels work, the awareness time
 * the regulatory clocks run from, the press conference as a published communication, the
 * assessment ("no ransom demand", "no indication of data theft"), the pending decision on
 * consultations and surgery, the Sunday-morning meeting. Merged into the timeline by time.
 */
import type { EntryKind, EntryPayloads } from '../core/entries.ts';
import type { EntryDraft } from '../core/journal.ts';
import type { ServiceId } from '../core/ids.ts';
import { actionId, commsId, contactId, decisionId, meetingId, periodId } from '../core/coordination/types.ts';
import { DEFAULT_SEED, generateDemoEstate } from './demo-estate.ts';
import type { DemoEstate } from './demo-estate.ts';
import { uuidFor } from './prng.ts';

// Times of the article's weekend (Europe/Brussels, +02:00). Kept here rather than imported from
// demo-timeline.ts so that the timeline can import this module without a cycle.
const AWARENESS = '2022-05-14T03:28:00+02:00';
const CELL = '2022-05-14T06:00:00+02:00';
const DIRECT_NUMBERS = '2022-05-14T08:30:00+02:00';
const PRESS = '2022-05-14T14:30:00+02:00';
const PENDING = '2022-05-14T14:45:00+02:00';
const SUNDAY = '2022-05-15T10:00:00+02:00';

/** The coordination entries of the demo, in time order. */
export function demoCoordination(seed: number = DEFAULT_SEED, estate: DemoEstate = generateDemoEstate({ seed })): EntryDraft[] {
  const out: EntryDraft[] = [];
  const add = <K extends EntryKind>(label: string, at: string, actor: string, kind: K, payload: EntryPayloads[K]): void => {
    out.push({ id: uuidFor(seed, `coordination:${label}`), at, actor, kind, payload } as EntryDraft);
  };
  const servicesOf = (kinds: readonly string[]): ServiceId[] => estate.services.filter((s) => kinds.includes(s.kind) && estate.sites.find((x) => x.id === s.site)?.kind === 'hospital').map((s) => s.id);
  const hq = estate.sites.find((s) => s.kind === 'datacenter');

  add('awareness', CELL, 'crisis-cell', 'regulatory.awareness', { awareAt: AWARENESS, basis: 'IT on-call confirmed encrypted servers shortly before 03:30, after two emergency departments called' });
  add('period-1', CELL, 'crisis-cell', 'period.opened', {
    id: periodId('P1'),
    name: 'Saturday 14 May, 06:00 to Sunday 10:00',
    start: CELL,
    end: SUNDAY,
    objectives: [
      'Contain: keep every internet link cut and the attacked machines isolated',
      'Keep the vital services running on downtime procedures',
      'Preserve evidence for the Federal Judicial Police before anything is wiped',
      'Inform staff, patients, the press and the authorities',
    ],
  });
  const holders: [string, string, string][] = [
    ['commander', 'Anne Lambert (general manager)', '+32 470 10 00 01'],
    ['medical', 'Dr Paul Renard (medical director)', '+32 470 10 00 02'],
    ['it', 'Marc Delvaux (IT director)', '+32 470 10 00 03'],
    ['comms', 'Sophie Marchal (press officer)', '+32 470 10 00 04'],
    ['liaison', 'Luc Hainaut (secretary general)', '+32 470 10 00 05'],
    ['dpo', 'Nadia Ferrant (data-protection officer)', '+32 470 10 00 06'],
  ];
  for (const [position, person, reach] of holders) add(`role-${position}`, CELL, 'crisis-cell', 'position.assigned', { position, person, period: periodId('P1'), reach });
  add('meeting-1', CELL, 'crisis-cell', 'meeting.scheduled', {
    id: meetingId('M1'),
    title: 'Crisis cell (first meeting)',
    at: CELL,
    ...(hq ? { place: hq.name } : {}),
    attendees: ['commander', 'medical', 'it', 'comms', 'liaison', 'dpo'],
    period: periodId('P1'),
  });

  // Numbers are made up (00 00 0x): a demo must not send anyone to a real desk.
  const partners: [string, string, EntryPayloads['contact.upserted']['party'], string, string][] = [
    ['governor', "Governor's crisis centre", 'governor', 'Province of Sylvanie', '+32 63 00 00 01'],
    ['police-fccu', 'Computer crime unit', 'police', 'Federal Judicial Police', '+32 2 000 00 02'],
    ['national-cert', 'Incident desk', 'national-cert', 'CERT.be (CCB)', '+32 2 000 00 03'],
    ['dpa', 'Data breach desk', 'data-protection-authority', 'Data Protection Authority (APD/GBA)', '+32 2 000 00 04'],
    ['insurer', 'Cyber claims desk', 'insurer', 'Assurances du Sud (fictional)', '+32 81 00 00 05'],
    ['neighbour-lab', 'Laboratory on call', 'neighbouring-hospital', 'CHU de Val-Meuse (fictional)', '+32 4 000 00 06'],
  ];
  const contactTimes: Record<string, string> = { governor: '2022-05-14T06:30:00+02:00', 'police-fccu': '2022-05-14T07:15:00+02:00', 'national-cert': '2022-05-14T08:00:00+02:00' };
  for (const [id, name, party, organisation, phone] of partners) {
    add(`contact-${id}`, contactTimes[id] ?? '2022-05-14T09:00:00+02:00', 'liaison', 'contact.upserted', { id: contactId(id), name, party, organisation, phone });
  }
  add('minutes-1', '2022-05-14T07:30:00+02:00', 'crisis-cell', 'meeting.minuted', {
    id: meetingId('M1'),
    heldAt: CELL,
    attendees: ['commander', 'medical', 'it', 'comms', 'liaison', 'dpo', "governor's office (phone)"],
    minutes: 'Internet cut and isolation confirmed. Vital services on downtime procedures. Police, national CERT and governor to be informed. IT crisis room at the datacenter with consultants. Press conference in the afternoon.',
  });
  add('action-evidence', '2022-05-14T07:30:00+02:00', 'crisis-cell', 'action.created', {
    id: actionId('A1'),
    title: 'Take forensic images of the encrypted servers before any wipe (police request)',
    ownerPosition: 'it',
    due: '2022-05-15T18:00:00+02:00',
    status: 'in-progress',
    links: { assets: estate.plans[0]?.encryptedServers.slice(0, 6) ?? [], services: [], decisions: [] },
  });
  add('action-check-sites', '2022-05-14T07:30:00+02:00', 'crisis-cell', 'action.created', {
    id: actionId('A2'),
    title: 'Check the workstations of the sites without IT staff at night',
    ownerPosition: 'it',
    due: '2022-05-14T12:00:00+02:00',
    status: 'open',
    links: { assets: [], services: [], decisions: [] },
  });
  add('action-numbers', '2022-05-14T07:30:00+02:00', 'crisis-cell', 'action.created', {
    id: actionId('A3'),
    title: 'Give the list of direct numbers to staff, GPs, emergency services and the press',
    ownerPosition: 'comms',
    due: '2022-05-14T09:00:00+02:00',
    status: 'open',
    links: { assets: [], services: servicesOf(['switchboard']), decisions: [] },
  });
  add('channel-switchboard', DIRECT_NUMBERS, 'communication', 'channel.status', {
    channel: 'switchboard',
    status: 'down',
    fallback: 'the direct numbers of each service work (list given to staff, GPs, emergency services and the press)',
  });
  add('channel-direct', DIRECT_NUMBERS, 'communication', 'channel.status', { channel: 'direct-lines', status: 'working' });
  add('channel-mobiles', DIRECT_NUMBERS, 'communication', 'channel.status', { channel: 'mobiles', status: 'working' });
  add('channel-email', DIRECT_NUMBERS, 'communication', 'channel.status', { channel: 'email', status: 'down', fallback: 'phone; paper by runner between departments' });
  add('action-numbers-done', DIRECT_NUMBERS, 'communication', 'action.updated', { id: actionId('A3'), status: 'done', note: 'list handed out' });
  add('breach', '2022-05-14T11:00:00+02:00', 'dpo', 'regulatory.breach-assessed', {
    personalDataBreach: true,
    reason: 'patient records unavailable (encrypted): loss of availability of health data is a personal-data breach',
    nature: 'availability: patient record, laboratory and radiology systems encrypted; no indication of exfiltration so far',
    subjectCategories: ['patients', 'nursing-home residents'],
    dataCategories: ['health data', 'identification data'],
  });
  add('press-draft', '2022-05-14T13:30:00+02:00', 'communication', 'comms.drafted', {
    id: commsId('C1'),
    audience: 'press',
    title: 'Press conference: cyberattack on the hospitals',
    body: 'Phase 2: identify the origin of the attack and plug the breach before restarting or restoring the IT systems. Vital services preserved: intensive care, dialysis, operating theatres, emergency rooms and coronary angiography work. Radiology and the laboratory are the most impacted: X-rays still possible, lab tests slower. The switchboard is down; the direct numbers work. No ransom demand; no indication that patient data has been stolen.',
  });
  add('press-approved', '2022-05-14T14:00:00+02:00', 'crisis-cell', 'comms.approved', { id: commsId('C1'), approvedBy: { position: 'commander', person: 'Anne Lambert (general manager)' } });
  add('press-published', PRESS, 'communication', 'comms.published', { id: commsId('C1'), channel: 'press conference', publishedAt: PRESS });
  add('assessment', PRESS, 'it-director', 'incident.assessed', {
    ransomDemand: 'none',
    dataExfiltration: 'no-indication',
    maliciousAct: 'confirmed',
    source: 'IT director, at the press conference',
    note: 'a priori the attack was meant to paralyse the activity',
  });
  add('decision-consultations', PENDING, 'crisis-cell', 'decision.opened', {
    id: decisionId('D1'),
    question: 'Postpone or cancel consultations and operative activities from Monday?',
    options: ['maintain', 'postpone non-urgent consultations and surgery', 'cancel all but emergencies'],
    services: servicesOf(['consultations', 'operating-theatre']),
    sites: [],
    reviewAt: '2022-05-16T08:00:00+02:00',
    owner: 'medical',
  });
  add('meeting-sunday', PENDING, 'crisis-cell', 'meeting.scheduled', {
    id: meetingId('M2'),
    title: 'Crisis meeting: consultations and surgery for the week, restart priorities',
    at: SUNDAY,
    ...(hq ? { place: hq.name } : {}),
    attendees: ['commander', 'medical', 'it', 'comms', 'liaison', 'dpo'],
  });
  // Written in topic order above; the journal wants time order (stable: same-time entries keep theirs).
  return out.sort((a, b) => Date.parse(a.at) - Date.parse(b.at));
}

/**
 * The timeline with the coordination entries merged in by time (stable: at equal times the
 * timeline's entry comes first), so folding to any time is still a prefix of the journal.
 */
export function withDemoCoordination(timeline: readonly EntryDraft[], seed: number = DEFAULT_SEED, estate?: DemoEstate): EntryDraft[] {
  const extra = demoCoordination(seed, estate);
  const out: EntryDraft[] = [];
  let j = 0;
  for (const e of timeline) {
    while (j < extra.length && Date.parse(extra[j]?.at ?? '') < Date.parse(e.at)) out.push(extra[j++] as EntryDraft);
    out.push(e);
  }
  while (j < extra.length) out.push(extra[j++] as EntryDraft);
  return out;
}
