import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { EntryKind, EntryPayloads } from './entries.ts';
import { ENTRY_KINDS } from './entries.ts';
import type { AnyEntry } from './journal.ts';
import { describeEntry, ENTRY_DESCRIPTIONS } from './entry-text.ts';
import { LANGS } from './i18n/index.ts';
import { assetId, entryId, measureId, siteId } from './ids.ts';
import { actionId, commsId, contactId, decisionId, meetingId, periodId } from './coordination/types.ts';
import { englishLeaks, stringsIn } from '../../test/support/i18n.ts';

/** One entry of every kind, with the optional fields filled so every branch of a description runs. */
const SAMPLES: { readonly [K in EntryKind]: EntryPayloads[K] } = {
  'crisis.initialised': { name: 'Rançongiciel du 14 mai', organisation: 'Groupe hospitalier', timeZone: 'Europe/Brussels' },
  'estate.upserted': { sources: [{ file: 'sites.csv', sha256: 'x' }], sites: [], services: [], assets: [], needs: [] },
  'asset.state': { assets: [assetId('srv-lis-01'), assetId('srv-lis-02')], security: 'compromised', recovery: 'isolated', observed: 'down', reason: 'fichiers chiffrés', happenedAt: '2022-05-14T01:50:00Z' },
  'measure.applied': { id: measureId('quarantine:clinical@hsp-a'), type: 'quarantine', zone: 'clinical', site: siteId('hsp-a'), reason: 'propagation', happenedAt: '2022-05-14T01:40:00Z' },
  'measure.lifted': { id: measureId('link-cut@hsp-a'), reason: 'pare-feu reconstruit', happenedAt: '2022-05-16T08:00:00Z' },
  'log.note': { type: 'fact', text: 'Les urgences appellent', source: 'infirmière' },
  'evidence.recorded': {
    asset: assetId('srv-dc-01'),
    hosts: ['SRV-DC-01.hopital.local'],
    matchedBy: 'fqdn',
    source: 'chasse sur /preuves/dc01 (12 fichiers)',
    detections: 15,
    byLevel: { critical: 3, high: 12 },
    first: '2022-05-13T22:10:00Z',
    last: '2022-05-14T01:20:00Z',
    refs: [{ ruleId: 'r1', ruleTitle: 'Journal effacé', level: 'critical', file: 'Security.evtx', count: 3, first: '2022-05-13T22:10:00Z', last: '2022-05-13T22:11:00Z', eventRecordIds: [4242] }],
    erased: [{ type: 'log-cleared', channel: 'Security', time: '2022-05-13T22:10:00Z', eventRecordId: 4242, by: 'attaquant' }],
  },
  'user.added': { name: 'anne', role: 'commander' },
  'user.role-changed': { name: 'anne', role: 'observer', reason: 'relève' },
  'user.disabled': { name: 'anne', reason: 'départ' },
  'user.password-changed': { name: 'anne', reason: 'oublié' },
  'journal.integrity-accepted': { problem: 'chain broken at entry 3', reason: 'restored by hand', headSeq: 9, badSeq: 3 },
  'positions.configured': { positions: [{ id: 'commander', title: 'Directrice générale' }] },
  'period.opened': { id: periodId('P1'), name: 'Samedi', start: '2022-05-14T04:00:00Z', end: '2022-05-15T08:00:00Z', objectives: ['Contenir'] },
  'position.assigned': { position: 'medical', person: 'Dr Renard', period: periodId('P1'), reach: '+32 470 00 00 02' },
  'decision.opened': { id: decisionId('D1'), question: 'Reporter les consultations ?', options: ['maintenir', 'reporter'], services: [], sites: [], reviewAt: '2022-05-16T06:00:00Z', owner: 'medical' },
  'decision.made': { id: decisionId('D1'), decision: 'reporter', rationale: 'pas de labo', decidedBy: { position: 'commander', person: 'Anne Lambert' }, decidedAt: '2022-05-15T08:30:00Z', reviewAt: '2022-05-17T06:00:00Z', onBehalf: true },
  'action.created': { id: actionId('A1'), title: 'Images forensiques', ownerPosition: 'it', owner: 'Marc', due: '2022-05-15T16:00:00Z', status: 'open', links: { assets: [], services: [], decisions: [] } },
  'action.updated': { id: actionId('A1'), status: 'done', due: '2022-05-15T17:00:00Z', ownerPosition: 'it', owner: 'Marc', note: 'disque 3' },
  'meeting.scheduled': { id: meetingId('M1'), title: 'Cellule de crise', at: '2022-05-15T08:00:00Z', place: 'siège', attendees: ['commander'] },
  'meeting.minuted': { id: meetingId('M1'), heldAt: '2022-05-15T08:00:00Z', attendees: ['commander'], minutes: 'Consultations reportées' },
  'contact.upserted': { id: contactId('police'), name: 'Computer crime unit', party: 'police', organisation: 'Police judiciaire fédérale', phone: '+32 2 000 00 02', mobile: '+32 470 00 00 09', radio: 'FCCU-1', email: 'fccu@example.org' },
  'channel.status': { channel: 'switchboard', site: siteId('hsp-a'), status: 'down', fallback: 'numéros directs', note: 'centrale chiffrée' },
  'comms.drafted': { id: commsId('C1'), audience: 'press', title: 'Conférence de presse', body: '…', template: 'press-release', missing: ['callCentre'] },
  'comms.approved': { id: commsId('C1'), approvedBy: { position: 'commander', person: 'Anne Lambert' }, draftedBy: 'sophie' },
  'comms.published': { id: commsId('C1'), channel: 'conférence de presse', publishedAt: '2022-05-14T12:30:00Z' },
  'incident.assessed': { ransomDemand: 'none', dataExfiltration: 'no-indication', maliciousAct: 'confirmed', crossBorderImpact: 'none', severity: 'high', rootCause: 'VPN', indicators: ['1.2.3.4'], mitigation: 'coupure', handlingEndedAt: '2022-06-01T08:00:00Z', source: 'directeur IT', note: 'paralyser' },
  'regulatory.awareness': { awareAt: '2022-05-14T01:28:00Z', basis: 'garde IT' },
  'regulatory.breach-assessed': { personalDataBreach: true, awareAt: '2022-05-14T09:00:00Z', reason: 'dossiers indisponibles', highRisk: true },
  'regulatory.filed': { report: 'nis2-early-warning', filedAt: '2022-05-14T20:00:00Z', authority: 'CCB', reference: 'CCB-42', delayReason: 'réseau coupé', note: 'par téléphone' },
};

const entry = (kind: EntryKind, i: number): AnyEntry =>
  ({ seq: i + 1, id: entryId(`e${i}`), at: '2022-05-14T13:00:00Z', actor: 'medical', kind, payload: SAMPLES[kind], prev: '', hash: '' }) as AnyEntry;

describe('entry descriptions', () => {
  it('exist for every kind the journal accepts', () => {
    assert.deepEqual(Object.keys(ENTRY_DESCRIPTIONS).sort(), [...ENTRY_KINDS].sort());
    assert.deepEqual(Object.keys(SAMPLES).sort(), [...ENTRY_KINDS].sort(), 'a sample per kind, so every description is exercised');
  });

  it('read as a sentence in every language: no empty line, no raw field dump, no unfilled placeholder', () => {
    [...ENTRY_KINDS].forEach((kind, i) => {
      for (const lang of LANGS) {
        const text = describeEntry(entry(kind as EntryKind, i), { lang, timeZone: 'Europe/Brussels' });
        assert.ok(text.length > 10, `${kind} ${lang}: "${text}"`);
        assert.doesNotMatch(text, /undefined|\[object|\{\w+\}|=\w/, `${kind} ${lang}: "${text}"`);
      }
    });
  });

  it('say French and Dutch in French and Dutch: no English phrase of the catalogue', () => {
    const userWords = stringsIn(SAMPLES);
    [...ENTRY_KINDS].forEach((kind, i) => {
      for (const lang of ['fr', 'nl'] as const) {
        const text = describeEntry(entry(kind as EntryKind, i), { lang, timeZone: 'Europe/Brussels' });
        assert.deepEqual(englishLeaks(text, lang, userWords), [], `${kind} ${lang}: "${text}"`);
      }
    });
  });

  it('show every time in the crisis zone with its offset', () => {
    const e = entry('regulatory.awareness', 0);
    assert.match(describeEntry(e, { timeZone: 'Europe/Brussels' }), /Sat 14 May 2022 03:28 \+02:00/);
    assert.match(describeEntry(e, { timeZone: 'America/New_York', lang: 'fr' }), /vend?\.? 13 mai 2022 21:28 -04:00/);
  });

  it('name the four eyes of an approval and the recorder of a decision made on someone else\'s behalf', () => {
    const kinds = [...ENTRY_KINDS];
    assert.match(describeEntry(entry('comms.approved', kinds.indexOf('comms.approved'))), /approved by Anne Lambert \(Incident commander\); drafted by sophie/);
    assert.match(describeEntry(entry('decision.made', kinds.indexOf('decision.made'))), /recorded by medical on behalf of Anne Lambert/);
  });

  it('say regulatory filings, assessments, assignments and channels as sentences', () => {
    const kinds = [...ENTRY_KINDS];
    const d = (k: EntryKind) => describeEntry(entry(k, kinds.indexOf(k)));
    assert.match(d('regulatory.filed'), /^NIS2 early warning filed with CCB on Sat 14 May 2022 22:00 \+02:00; ref\. CCB-42/);
    assert.match(d('incident.assessed'), /ransom demand: none; data exfiltration: no indication; malicious act: confirmed/);
    assert.match(d('position.assigned'), /^Dr Renard holds the position Medical lead for period P1/);
    assert.match(d('channel.status'), /^switchboard: down, at hsp-a; use instead: numéros directs/);
  });
});
