import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { GENESIS_HASH, sealEntries } from './journal.ts';
import type { EntryDraft } from './journal.ts';
import type { EntryKind, EntryPayloads } from './entries.ts';
import { assetId, entryId, measureId, siteId } from './ids.ts';
import { foldJournal, stateAt, statusOf } from './state.ts';

const sha256 = (s: string) => createHash('sha256').update(s).digest('hex');
let n = 0;
function d<K extends EntryKind>(kind: K, payload: EntryPayloads[K], at: string): EntryDraft<K> {
  return { id: entryId(`e${n++}`), at, actor: 'it-lead', kind, payload };
}
const srv = { id: assetId('SRV-PACS-01'), hostname: 'SRV-PACS-01', kind: 'server' as const, os: 'Windows Server 2019', site: siteId('dc'), zone: 'servers', roles: ['pacs'], tags: [] };

function journal() {
  return sealEntries(
    [
      d('crisis.initialised', { name: 'x', organisation: 'y' }, '2022-05-14T03:00:00+02:00'),
      d('estate.upserted', { sources: [], sites: [{ id: siteId('dc'), name: 'DC', kind: 'datacenter' }], services: [], assets: [srv], needs: [] }, '2022-05-14T03:00:00+02:00'),
      d('measure.applied', { id: measureId('internet-cut'), type: 'internet-cut', reason: 'stop the spread' }, '2022-05-14T03:40:00+02:00'),
      d('asset.state', { assets: [srv.id], security: 'compromised', recovery: 'isolated', reason: 'ransom note' }, '2022-05-14T04:10:00+02:00'),
      // Recorded after the fact: the ER alert at 03:25, written at the end of the list.
      d('log.note', { type: 'fact', text: 'ER calls IT' }, '2022-05-14T03:25:00+02:00'),
      d('asset.state', { assets: [srv.id], recovery: 'preserved', reason: 'forensic image taken' }, '2022-05-15T10:00:00+02:00'),
      d('measure.lifted', { id: measureId('internet-cut'), reason: 'breach closed' }, '2022-05-16T10:00:00+02:00'),
    ],
    0,
    GENESIS_HASH,
    sha256,
  );
}

describe('the fold', () => {
  it('keeps security and recovery states apart, each changed only when named', () => {
    const s = foldJournal(journal());
    const st = statusOf(s, srv.id);
    assert.equal(st.security, 'compromised');
    assert.equal(st.recovery, 'preserved');
    assert.equal(st.reason, 'forensic image taken');
    assert.equal(s.measures.size, 0);
    assert.equal(s.lastSeq, 7);
  });

  it('gives an asset nobody spoke of the unknown / in-service state', () => {
    assert.deepEqual([statusOf(foldJournal([]), srv.id).security, statusOf(foldJournal([]), srv.id).recovery], ['unknown', 'in-service']);
  });

  it('answers what we knew at a time, by author time', () => {
    const at5 = stateAt(journal(), '2022-05-14T05:00:00+02:00');
    assert.equal(statusOf(at5, srv.id).recovery, 'isolated');
    assert.ok(at5.measures.has(measureId('internet-cut')));
    const at0330 = stateAt(journal(), '2022-05-14T03:30:00+02:00');
    assert.equal(at0330.entryCount, 3, 'init, estate and the 03:25 note recorded later');
    assert.equal(statusOf(at0330, srv.id).recovery, 'in-service');
  });

  it('refuses a time that is not ISO', () => {
    assert.throws(() => stateAt(journal(), 'yesterday'), /not an ISO time/);
  });

  it('counts a change recorded late from the time it happened, and never lets it undo a later one', () => {
    const late = sealEntries(
      [
        d('crisis.initialised', { name: 'x', organisation: 'y' }, '2022-05-14T03:00:00+02:00'),
        d('estate.upserted', { sources: [], sites: [{ id: siteId('dc'), name: 'DC', kind: 'datacenter' }], services: [], assets: [srv], needs: [] }, '2022-05-14T03:00:00+02:00'),
        // 09:00: restored. 10:00: someone records that it was isolated and compromised at 03:50.
        d('asset.state', { assets: [srv.id], recovery: 'restored', reason: 'rebuilt' }, '2022-05-14T09:00:00+02:00'),
        d('asset.state', { assets: [srv.id], security: 'compromised', recovery: 'isolated', reason: 'isolated by on-call', happenedAt: '2022-05-14T03:50:00+02:00' }, '2022-05-14T10:00:00+02:00'),
        d('measure.applied', { id: measureId('internet-cut'), type: 'internet-cut', reason: 'cut by on-call', happenedAt: '2022-05-14T03:40:00+02:00' }, '2022-05-14T10:05:00+02:00'),
      ],
      0,
      GENESIS_HASH,
      sha256,
    );
    const now = foldJournal(late);
    const st = statusOf(now, srv.id);
    assert.equal(st.recovery, 'restored', 'the 09:00 restore stands');
    assert.equal(st.security, 'compromised', 'nothing since said it was clean: the late fact counts');
    assert.equal(st.reason, 'rebuilt');
    assert.equal(now.measures.get(measureId('internet-cut'))?.appliedAt, '2022-05-14T03:40:00+02:00', 'the measure runs from when it was applied');
    const at5 = stateAt(late, '2022-05-14T05:00:00+02:00');
    assert.equal(statusOf(at5, srv.id).recovery, 'isolated', 'the board at 05:00 shows the fact of 03:50, written at 10:00');
    assert.ok(at5.measures.has(measureId('internet-cut')));
    assert.equal(late[3]?.at, '2022-05-14T10:00:00+02:00', 'the entry keeps the time it was written');
  });

  it('records the crisis time zone, Europe/Brussels when the journal names none', () => {
    assert.equal(foldJournal(journal()).crisis?.timeZone, 'Europe/Brussels');
    const zoned = sealEntries([d('crisis.initialised', { name: 'x', organisation: 'y', timeZone: 'America/Montreal' }, '2022-05-14T03:00:00+02:00')], 0, GENESIS_HASH, sha256);
    assert.equal(foldJournal(zoned).crisis?.timeZone, 'America/Montreal');
  });
});
