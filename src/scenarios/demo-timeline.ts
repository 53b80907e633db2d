/**
 * The article's night and weekend as journal drafts (Europe/Brussels time, +02:00 in May 2022).
 * Only facts, measures and asset states are written: the board at any time is the engine's
 * reading of them. Another engineer will turn some notes into decision and meeting entries.
 */
import type { EntryDraft } from '../core/journal.ts';
import type { EntryKind, EntryPayloads } from '../core/entries.ts';
import { measureId } from '../core/ids.ts';
import { DEFAULT_SEED, DEMO_ORGANISATION, generateDemoEstate } from './demo-estate.ts';
import type { DemoEstate } from './demo-estate.ts';
import { uuidFor } from './prng.ts';
import { withDemoCoordination } from './demo-coordination.ts';

/** The cockpit is opened with the estate already on file, when the first emergency department calls. */
export const DEMO_START = '2022-05-14T03:25:00+02:00';
/** Two emergency departments notice the problem and call IT on-call. */
export const DEMO_ER_ALERT = '2022-05-14T03:25:00+02:00';
/** The attack is detected ("shortly before 3:30"): the regulatory clocks run from here. */
export const DEMO_AWARENESS = '2022-05-14T03:28:00+02:00';
export const DEMO_INTERNET_CUT = '2022-05-14T03:35:00+02:00';
export const DEMO_SERVER_ISOLATION = '2022-05-14T03:50:00+02:00';
export const DEMO_WORKSTATION_ISOLATION = '2022-05-14T04:20:00+02:00';
export const DEMO_DOMAIN_SUSPECTED = '2022-05-14T04:40:00+02:00';
export const DEMO_UNCHECKED_SITES = '2022-05-14T05:00:00+02:00';
export const DEMO_CRISIS_CELL = '2022-05-14T06:00:00+02:00';
export const DEMO_DIRECT_NUMBERS = '2022-05-14T08:30:00+02:00';
export const DEMO_PRESS_CONFERENCE = '2022-05-14T14:30:00+02:00';
export const DEMO_PENDING_DECISION = '2022-05-14T14:45:00+02:00';
/** The time of the article's board: everything the press conference said is true then. */
export const DEMO_BOARD_AT = '2022-05-14T15:00:00+02:00';
export const DEMO_SUNDAY_MEETING = '2022-05-15T10:00:00+02:00';

/** The measure id of the group-wide internet cut. */
// Named as `measure apply internet-cut` names it, so `measure lift internet-cut` lifts the demo's cut.
export const DEMO_INTERNET_CUT_ID = measureId('internet-cut');

/**
 * The whole demo journal for `seed`, in order: crisis.initialised, estate.upserted, then the
 * night and the weekend. Times never go backwards, so folding to any time is a prefix.
 */
export function demoTimeline(seed: number = DEFAULT_SEED, estate: DemoEstate = generateDemoEstate({ seed })): EntryDraft[] {
  const plan = estate.plans[0];
  if (plan === undefined) throw new RangeError('demo estate without an incident plan');
  const out: EntryDraft[] = [];
  const add = <K extends EntryKind>(label: string, at: string, actor: string, kind: K, payload: EntryPayloads[K]): void => {
    out.push({ id: uuidFor(seed, label), at, actor, kind, payload } as EntryDraft);
  };
  const note = (label: string, at: string, actor: string, type: EntryPayloads['log.note']['type'], text: string, source?: string): void =>
    add(label, at, actor, 'log.note', { type, text, ...(source === undefined ? {} : { source }) });
  const [alertA, alertB] = plan.alertingSites;

  add('init', DEMO_START, 'it-oncall', 'crisis.initialised', { name: 'Cyberattack of 14 May 2022', organisation: DEMO_ORGANISATION, demo: true, timeZone: 'Europe/Brussels' });
  add('estate', DEMO_START, 'system', 'estate.upserted', {
    sources: [{ file: `demo-estate(seed=${seed})`, sha256: '' }],
    sites: estate.sites,
    services: estate.services,
    assets: estate.assets,
    needs: estate.needs,
  });
  note('er-alert', DEMO_ER_ALERT, 'it-oncall', 'fact', `The emergency departments of ${alertA} and ${alertB} report frozen screens and unreadable files and call IT on-call. A nurse photographs her patients' data on screen before it goes.`, 'phone call to IT on-call');
  note('detection', DEMO_AWARENESS, 'it-oncall', 'fact', 'Cyberattack detected: files encrypted on the file servers and on the patient record, e-prescription, laboratory, radiology and telephony servers. No ransom note found.', 'IT on-call');
  add('encrypted', DEMO_AWARENESS, 'it-oncall', 'asset.state', {
    assets: plan.encryptedServers,
    security: 'compromised',
    observed: 'down',
    reason: 'files encrypted by the attacker',
  });
  add('internet-cut', DEMO_INTERNET_CUT, 'it-oncall', 'measure.applied', {
    id: DEMO_INTERNET_CUT_ID,
    type: 'internet-cut',
    reason: 'stop the spread and any exfiltration: all internet communications with the outside cut',
  });
  add('isolate-servers', DEMO_SERVER_ISOLATION, 'it-oncall', 'asset.state', {
    assets: plan.isolatedServers,
    security: 'compromised',
    recovery: 'isolated',
    reason: 'attacked servers taken off the network to stop the spread',
  });
  add('isolate-ws-compromised', DEMO_WORKSTATION_ISOLATION, 'it-oncall', 'asset.state', {
    assets: plan.compromisedWorkstations,
    security: 'compromised',
    recovery: 'isolated',
    reason: 'encrypted files found on the workstation',
  });
  add('isolate-ws-suspected', DEMO_WORKSTATION_ISOLATION, 'it-oncall', 'asset.state', {
    assets: plan.suspectedWorkstations,
    security: 'suspected',
    recovery: 'isolated',
    reason: 'same network segment as encrypted machines: isolated as a precaution',
  });
  add('domain-suspected', DEMO_DOMAIN_SUSPECTED, 'it-oncall', 'asset.state', {
    assets: plan.domainControllers,
    security: 'suspected',
    reason: 'one domain for all sites: the domain controllers are presumed reached; kept running because every remaining system logs in through them',
  });
  add('unchecked', DEMO_UNCHECKED_SITES, 'it-oncall', 'asset.state', {
    assets: plan.uncheckedWorkstations,
    observed: 'unknown',
    reason: 'not checked yet: no IT staff on site at night',
  });
  note('crisis-cell', DEMO_CRISIS_CELL, 'crisis-cell', 'action', 'Crisis cell convened: general manager (incident commander), medical director, IT director, communications, liaison, data-protection officer.');
  note('governor', '2022-05-14T06:30:00+02:00', 'crisis-cell', 'communication', 'The provincial governor is informed and offers the support of the province.', 'governor');
  note('police', '2022-05-14T07:15:00+02:00', 'crisis-cell', 'communication', 'Federal Judicial Police (computer crime unit) informed; evidence to be preserved before any wipe.', 'Federal Judicial Police');
  note('cert', '2022-05-14T08:00:00+02:00', 'crisis-cell', 'communication', 'National CERT informed; it supports the investigation with the IT team.', 'national CERT');
  note('it-room', '2022-05-14T08:15:00+02:00', 'it-director', 'action', 'IT crisis room set up at the Chênefort datacenter with external consultants.');
  note('direct-numbers', DEMO_DIRECT_NUMBERS, 'communication', 'communication', 'The general switchboard is unreachable. The list of direct numbers of each service is given to staff, GPs, the emergency services and the press.');
  note('press', DEMO_PRESS_CONFERENCE, 'communication', 'communication', "Press conference: 'phase 2': identify the origin of the attack and plug the breach before restarting or restoring the IT systems. Vital services preserved: intensive care, dialysis, operating theatres, emergency rooms and coronary angiography work. Radiology and the laboratory are the most impacted: X-rays still possible, lab tests slower. Switchboard down, direct numbers work.");
  note('no-ransom', DEMO_PRESS_CONFERENCE, 'it-director', 'fact', 'No ransom demand received. No indication so far that patient or resident data has been stolen.');
  note('pending', DEMO_PENDING_DECISION, 'crisis-cell', 'decision', 'PENDING: postpone or cancel consultations and operative activities from Monday. To be decided at the beginning of next week; input from the Sunday meeting.');
  // The Sunday meeting is on the agenda (meeting M2), not in the journal: the demo's clock starts at
  // Saturday 15:00, and a journal entry written "on Sunday" would lie in its future.
  return out;
}

/** The demo journal as drafts, ready to seal and append (`crisiscell demo`). */
export function buildDemoJournal(seed: number = DEFAULT_SEED): EntryDraft[] {
  // The crisis cell's entries (positions, partners, clocks, comms, decisions, meetings) merged by time.
  const estate = generateDemoEstate({ seed });
  return withDemoCoordination(demoTimeline(seed, estate), seed, estate);
}
