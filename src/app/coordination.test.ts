import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { CrisisError } from '../core/errors.ts';
import {
  addAction,
  agendaFor,
  approveComms,
  assessIncident,
  clocksAt,
  decide,
  draftComms,
  fileReport,
  openDecision,
  publishComms,
  recordAwareness,
  recordBreach,
  recordMinutes,
  scheduleMeeting,
  setChannel,
  sitrepAt,
  upsertContact,
  updateAction,
} from './coordination.ts';
import type { Kit } from '../../test/support/coordination.ts';
import { admin, commander, commsLead, itLead, medical, openKit } from '../../test/support/coordination.ts';

async function refused(kit: Kit, code: string, fn: () => Promise<unknown>, message: RegExp): Promise<void> {
  const before = kit.app.state.lastSeq;
  await assert.rejects(fn, (e: unknown) => e instanceof CrisisError && e.code === code && message.test(e.message));
  await kit.app.sync();
  assert.equal(kit.app.state.lastSeq, before, 'a refused command writes nothing');
}

describe('coordination commands refuse bad input and write nothing', () => {
  let kit: Kit;
  before(async () => {
    kit = await openKit();
  });
  after(() => kit.close());

  it('refuses an action due before it was created', async () => {
    await refused(kit, 'invalid-input', () => addAction(kit.app, admin, { title: 'Call the insurer', ownerPosition: 'finance', due: '2022-05-14T05:00:00+02:00' }), /before the time the action is created/);
  });

  it('refuses an approval by a role that may not approve communications', async () => {
    const draft = await draftComms(kit.app, medical, { audience: 'staff', title: 'Update', body: 'Use paper forms.' });
    assert.equal(draft.kind, 'comms.drafted');
    const id = draft.kind === 'comms.drafted' ? draft.payload.id : '';
    await refused(kit, 'forbidden', () => approveComms(kit.app, medical, { id }), /may not approve communications/);
    await refused(kit, 'forbidden', () => approveComms(kit.app, admin, { id }), /may not/);
  });

  it('refuses a decision on an unknown service, naming the expected form', async () => {
    await refused(kit, 'not-found', () => openDecision(kit.app, commander, { question: 'Cancel consultations?', services: ['consultations@hsp-z'] }), /unknown service "consultations@hsp-z"/);
  });

  it('refuses to publish a draft nobody approved', async () => {
    const d = await draftComms(kit.app, commsLead, { audience: 'press', title: 'Statement', body: 'Hospitals remain open.' });
    const id = d.kind === 'comms.drafted' ? d.payload.id : '';
    await refused(kit, 'invalid-input', () => publishComms(kit.app, commsLead, { id, channel: 'press conference' }), /must be approved/);
  });

  it('refuses an action owned by a position the cell does not have', async () => {
    await refused(kit, 'invalid-input', () => addAction(kit.app, admin, { title: 'x', ownerPosition: 'janitor' }), /unknown position "janitor"/);
  });
});

describe('decisions, actions and communications', () => {
  let kit: Kit;
  before(async () => {
    kit = await openKit();
  });
  after(() => kit.close());

  it('keeps a decision pending until it is made, and records who decided', async () => {
    const o = await openDecision(kit.app, commander, { question: 'Postpone consultations and surgery?', options: ['postpone', 'maintain'], services: ['radiology@hsp-a'], sites: ['hsp-b'] });
    const id = o.kind === 'decision.opened' ? o.payload.id : '';
    let agenda = await agendaFor(kit.app);
    assert.deepEqual(agenda.pendingDecisions.map((d) => d.id), [id]);
    kit.now = '2022-05-15T10:30:00+02:00';
    await decide(kit.app, commander, { id, decision: 'Postpone non-urgent consultations', rationale: 'no lab results in time', position: 'commander', person: 'Yves B.' });
    agenda = await agendaFor(kit.app);
    assert.deepEqual(agenda.pendingDecisions, []);
    const d = kit.app.state.coordination?.decisions.get(id as never);
    assert.equal(d?.made?.decidedBy.person, 'Yves B.');
    assert.equal(d?.made?.decidedAt, kit.now);
  });

  it('lists an overdue action on the agenda until it is done', async () => {
    kit.now = '2022-05-15T11:00:00+02:00';
    const a = await addAction(kit.app, itLead, { title: 'Image the PACS server', ownerPosition: 'it', due: '2022-05-15T12:00:00+02:00', assets: ['SRV-PACS'] });
    const id = a.kind === 'action.created' ? a.payload.id : '';
    kit.now = '2022-05-15T13:00:00+02:00';
    assert.deepEqual((await agendaFor(kit.app)).overdueActions.map((x) => x.id), [id]);
    await updateAction(kit.app, itLead, { id, status: 'done', note: 'image on evidence disk 3' });
    assert.deepEqual((await agendaFor(kit.app)).overdueActions, []);
  });

  it('fills a template from state and lists the facts still missing', async () => {
    const first = await draftComms(kit.app, commsLead, { audience: 'patients', template: 'patients-notice' });
    assert.ok(first.kind === 'comms.drafted');
    assert.ok(first.payload.missing?.includes('callCentre'));
    assert.ok(first.payload.missing?.includes('switchboard'));
    await upsertContact(kit.app, admin, { name: 'Patient call centre', party: 'call-centre', phone: '0800 12 345' });
    await setChannel(kit.app, admin, { channel: 'switchboard', status: 'down', fallback: 'use the direct numbers of the services' });
    const second = await draftComms(kit.app, commsLead, { audience: 'patients', template: 'patients-notice' });
    assert.ok(second.kind === 'comms.drafted');
    assert.ok(second.payload.body.includes('0800 12 345'));
    assert.ok(second.payload.body.includes('use the direct numbers of the services'));
    assert.ok(!second.payload.missing?.includes('callCentre'));
    // Vital services come from the board: nothing vital depends on the isolated servers here.
    assert.match(second.payload.body, /emergency and ICU work normally/);
  });

  it('moves a communication draft -> approved -> published', async () => {
    const d = await draftComms(kit.app, commsLead, { audience: 'press', template: 'press-release' });
    const id = d.kind === 'comms.drafted' ? d.payload.id : '';
    await approveComms(kit.app, commander, { id });
    await publishComms(kit.app, commsLead, { id, channel: 'press conference' });
    const c = kit.app.state.coordination?.comms.get(id as never);
    assert.equal(c?.status, 'published');
    assert.deepEqual(c?.approved?.by, { position: 'commander', person: commander.name });
  });
});

describe('regulatory clocks', () => {
  let kit: Kit;
  const awareAt = '2022-05-14T03:28:00+02:00';
  const hours = (h: number) => Date.parse(awareAt) + h * 3_600_000;
  before(async () => {
    kit = await openKit();
    await recordAwareness(kit.app, commander, { awareAt, basis: 'IT on-call confirms encrypted servers' });
  });
  after(() => kit.close());

  it('runs the NIS2 early warning 24 h and the notification 72 h from awareness', async () => {
    const { clocks } = await clocksAt(kit.app, { at: '2022-05-14T15:00:00+02:00' });
    const ew = clocks.find((k) => k.id === 'nis2-early-warning');
    const nt = clocks.find((k) => k.id === 'nis2-notification');
    assert.equal(Date.parse(ew?.due ?? ''), hours(24));
    assert.equal(Date.parse(nt?.due ?? ''), hours(72));
    assert.equal(ew?.status, 'upcoming');
    assert.equal(ew?.filedAt, undefined);
    assert.ok(ew?.draft.missing.includes('Malicious act suspected'));
  });

  it('says due-soon under 6 h, overdue after, and filed once filed', async () => {
    const soon = new Date(hours(21)).toISOString();
    assert.equal((await clocksAt(kit.app, { at: soon })).clocks[0]?.status, 'due-soon');
    const late = new Date(hours(25)).toISOString();
    assert.equal((await clocksAt(kit.app, { at: late })).clocks[0]?.status, 'overdue');
    kit.now = new Date(hours(20)).toISOString();
    await assessIncident(kit.app, itLead, { maliciousAct: 'suspected', crossBorderImpact: 'none', source: 'IT director' });
    await fileReport(kit.app, commander, { report: 'nis2-early-warning', reference: 'CCB-2022-0042' });
    const after = (await clocksAt(kit.app, { at: late })).clocks[0];
    assert.equal(after?.status, 'filed');
    assert.equal(after?.filedLate, false);
    assert.equal(after?.reference, 'CCB-2022-0042');
    assert.ok(!after?.draft.missing.includes('Malicious act suspected'));
  });

  it('runs GDPR provisionally until the cell decides, and not at all when it finds no breach', async () => {
    const at = new Date(hours(20)).toISOString();
    let g = (await clocksAt(kit.app, { at })).clocks.find((k) => k.id === 'gdpr-art33');
    assert.equal(g?.provisional, true);
    assert.equal(Date.parse(g?.due ?? ''), hours(72));
    kit.now = at;
    await recordBreach(kit.app, commander, { personalDataBreach: false, reason: 'test: no personal data concerned' });
    g = (await clocksAt(kit.app, { at })).clocks.find((k) => k.id === 'gdpr-art33');
    assert.equal(g?.status, 'not-applicable');
  });

  it('puts a clock falling due within a day on the agenda', async () => {
    kit.now = new Date(hours(30)).toISOString();
    assert.ok(!(await agendaFor(kit.app)).clocks.some((k) => k.id === 'nis2-notification'), 'due in 42 h: not yet');
    kit.now = new Date(hours(50)).toISOString();
    assert.ok((await agendaFor(kit.app)).clocks.some((k) => k.id === 'nis2-notification'), 'due in 22 h: on the agenda');
  });
});

describe('the situation report reads state', () => {
  let kit: Kit;
  before(async () => {
    kit = await openKit();
  });
  after(() => kit.close());

  it('states the board, the switchboard fallback, the assessment and the next meeting, and changes with state', async () => {
    let s = await sitrepAt(kit.app);
    const text = () => s.summary.join('\n');
    assert.doesNotMatch(text(), /ransom/i);
    assert.match(text(), /No next meeting/);
    assert.deepEqual(s.board.degraded.map((g) => g.kind).sort(), ['laboratory', 'radiology']);
    assert.deepEqual(s.board.vitalWorking.map((g) => g.kind).sort(), ['emergency', 'icu']);

    await setChannel(kit.app, admin, { channel: 'switchboard', status: 'down', fallback: 'direct numbers of the services work' });
    await assessIncident(kit.app, itLead, { ransomDemand: 'none', dataExfiltration: 'no-indication', source: 'IT director at the press conference' });
    const m = await scheduleMeeting(kit.app, commander, { title: 'Crisis meeting', at: '2022-05-15T10:00:00+02:00', place: 'head office', attendees: ['commander', 'medical'] });
    s = await sitrepAt(kit.app);
    assert.match(text(), /No ransom demand has been received/);
    assert.match(text(), /no indication that personal data has been stolen/);
    assert.match(text(), /Switchboard down; direct numbers of the services work/);
    assert.match(text(), /Next meeting: Crisis meeting, Sun 15 May 2022 10:00 \+02:00, head office/);

    // Changing the state changes the report: the LIS comes back, the lab is no longer degraded.
    await kit.app.setAssets(itLead, { pattern: 'srv-lis', security: 'clean', recovery: 'verified', reason: 'rebuilt and verified' });
    await assessIncident(kit.app, itLead, { ransomDemand: 'received', source: 'e-mail from the attacker' });
    kit.now = '2022-05-15T11:00:00+02:00';
    const mid = m.kind === 'meeting.scheduled' ? m.payload.id : '';
    await recordMinutes(kit.app, commander, { id: mid, minutes: 'Consultations postponed.' });
    s = await sitrepAt(kit.app);
    assert.deepEqual(s.board.degraded.map((g) => g.kind), ['radiology']);
    assert.match(text(), /A ransom demand has been received/);
    assert.match(text(), /No next meeting/);
  });

  it('reports the board changes since the last meeting on the agenda', async () => {
    kit.now = '2022-05-15T12:00:00+02:00';
    await kit.app.setAssets(itLead, { pattern: 'srv-pacs', security: 'clean', recovery: 'verified', reason: 'restored' });
    const agenda = await agendaFor(kit.app);
    assert.equal(agenda.boardSource, 'engine');
    assert.deepEqual(agenda.boardChanges.map((c) => [c.serviceId, c.from, c.to]).sort(), [
      ['radiology@hsp-a', 'degraded', 'operational'],
      ['radiology@hsp-b', 'degraded', 'operational'],
    ]);
  });
});

describe('honest attribution', () => {
  let kit: Kit;
  before(async () => {
    kit = await openKit();
  });
  after(() => kit.close());

  const decisionOf = (e: { kind: string; payload: unknown }) => (e.kind === 'decision.opened' ? (e.payload as { id: string }).id : '');

  it('records a decision of another position as recorded by the logged-in user on behalf of the named person', async () => {
    const id = decisionOf(await openDecision(kit.app, medical, { question: 'Divert ambulances?' }));
    const e = await decide(kit.app, medical, { id, decision: 'divert to the neighbour', rationale: 'no CT', position: 'commander', person: 'Anne Lambert' });
    assert.equal(e.actor, medical.name, 'the recorder is the logged-in user');
    assert.equal(e.kind === 'decision.made' && e.payload.onBehalf, true);
    const made = kit.app.state.coordination?.decisions.get(id as never)?.made;
    assert.equal(made?.recordedBy, medical.name);
    assert.equal(made?.onBehalf, true);
    assert.deepEqual(made?.decidedBy, { position: 'commander', person: 'Anne Lambert' });
    const s = await sitrepAt(kit.app);
    const line = s.decisions.made.find((d) => d.id === id);
    assert.match(line?.by ?? '', /Anne Lambert \(Incident commander\), recorded by Dr Pascal P\. on their behalf/);
  });

  it('refuses a decision of another position without the name of the person who decided', async () => {
    const id = decisionOf(await openDecision(kit.app, medical, { question: 'Close the ER to ambulances?' }));
    await refused(kit, 'invalid-input', () => decide(kit.app, medical, { id, decision: 'close', rationale: 'x', position: 'commander' }), /you do not hold the position Incident commander/);
  });

  it('records a decision of the position the recorder holds without "on behalf", naming the recorder when nobody holds it', async () => {
    const id = decisionOf(await openDecision(kit.app, medical, { question: 'Paper prescriptions everywhere?' }));
    const e = await decide(kit.app, medical, { id, decision: 'yes', rationale: 'e-prescription down', position: 'medical' });
    assert.equal(e.kind === 'decision.made' && e.payload.onBehalf, undefined);
    assert.deepEqual(e.kind === 'decision.made' && e.payload.decidedBy, { position: 'medical', person: medical.name });
  });

  it('needs a note for a status change, and refuses it to other positions than the owner and the commander', async () => {
    const a = await addAction(kit.app, admin, { title: 'Image the PACS', ownerPosition: 'it' });
    const id = a.kind === 'action.created' ? a.payload.id : '';
    await refused(kit, 'invalid-input', () => updateAction(kit.app, itLead, { id, status: 'done' }), /a status change needs a short note/);
    await refused(kit, 'forbidden', () => updateAction(kit.app, medical, { id, status: 'done', note: 'looks done' }), /action A\d+ is owned by IT lead: only IT lead or the incident commander/);
    await refused(kit, 'forbidden', () => updateAction(kit.app, admin, { id, status: 'cancelled', note: 'not needed' }), /owned by IT lead/);
    await updateAction(kit.app, itLead, { id, status: 'in-progress', note: 'imaging started' });
    await updateAction(kit.app, commander, { id, status: 'done', note: 'image on evidence disk 3' });
    // A note without a status change stays open to the whole cell.
    await updateAction(kit.app, medical, { id, note: 'radiology informed' });
    assert.equal(kit.app.state.coordination?.actions.get(id as never)?.status, 'done');
  });

  it('keeps four eyes on communications: the drafter may not approve, the approval names both', async () => {
    const d = await draftComms(kit.app, commsLead, { audience: 'staff', title: 'Paper forms', body: 'Use the paper forms.' });
    const id = d.kind === 'comms.drafted' ? d.payload.id : '';
    await refused(kit, 'forbidden', () => approveComms(kit.app, commsLead, { id }), /four eyes: C\d+ was drafted by Claire C\.; another person must approve it/);
    const ok = await approveComms(kit.app, commander, { id });
    assert.equal(ok.kind === 'comms.approved' && ok.payload.draftedBy, commsLead.name);
    const c = kit.app.state.coordination?.comms.get(id as never);
    assert.equal(c?.drafted.actor, commsLead.name);
    assert.equal(c?.approved?.stamp.actor, commander.name);
  });
});
