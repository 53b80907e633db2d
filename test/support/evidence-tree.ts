/**
 * Evidence folders for the bad-input tests of `evtx dump` and `hunt`: real files, links, a FIFO,
 * files cut short, an .evtx beside its own JSON export. Test support only.
 */
import { execFileSync } from 'node:child_process';
import { chmodSync, mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { RecordSpec } from './evtx-builder.ts';
import { buildChunk, buildFile, standardEvent, standardSystemValues, v } from './evtx-builder.ts';

const LOGON = standardEvent(['TargetUserName', 'LogonType', 'IpAddress'], [0x01, 0x08, 0x01]);

/** What one 4624 of the fixture holds. */
export interface Logon {
  readonly eventRecordId: number;
  readonly user: string;
  readonly logonType: number;
  readonly ip: string;
}

/** 4624 records (Security, WS042.hospital.local, 2019-04-17T18:40:0N) with the given values. */
export function logonRecords(logons: readonly Logon[], computer = 'WS042.hospital.local'): RecordSpec[] {
  let def: number | undefined;
  return logons.map((l, i) => ({
    id: i + 1,
    body: (x) => {
      x.w.u8(0x0f).u8(1).u8(1).u8(0);
      const sys = standardSystemValues(4624, l.eventRecordId, computer);
      def = x.instance(LOGON, [...sys, v.str(l.user), v.u32(l.logonType), v.str(l.ip)], def);
      x.w.u8(0x00);
    },
  }));
}

/** The TimeCreated standardSystemValues gives an EventRecordID (FILETIME 132e15 ticks + n s). */
export function logonTime(eventRecordId: number): string {
  const ms = Number((132_000_000_000_000_000n + BigInt(eventRecordId) * 10_000_000n) / 10_000n) - 11_644_473_600_000;
  return new Date(ms).toISOString().replace(/\.(\d{3})Z$/, '.$1000Z');
}

/** The same events as evtx_dump writes them in JSON (what an investigator exports next to the file). */
export function evtxDumpJson(logons: readonly Logon[], computer = 'WS042.hospital.local'): string {
  return logons
    .map((l) =>
      JSON.stringify({
        Event: {
          System: {
            Provider: { '#attributes': { Name: 'Microsoft-Windows-Security-Auditing' } },
            EventID: 4624,
            Level: 0,
            TimeCreated: { '#attributes': { SystemTime: logonTime(l.eventRecordId) } },
            EventRecordID: l.eventRecordId,
            Channel: 'Security',
            Computer: computer,
          },
          EventData: { TargetUserName: l.user, LogonType: l.logonType, IpAddress: l.ip },
        },
      }),
    )
    .join('\n') + '\n';
}

/** Three logons: an RDP logon from a public address (the built-in pack's RDP rule fires on it), two others. */
export const LOGONS: readonly Logon[] = [
  { eventRecordId: 501, user: 'admin', logonType: 10, ip: '185.220.101.4' },
  { eventRecordId: 502, user: 'svc-backup', logonType: 3, ip: '10.0.0.5' },
  { eventRecordId: 505, user: 'admin', logonType: 10, ip: '185.220.101.4' },
];

export function securityEvtx(logons: readonly Logon[] = LOGONS): Uint8Array {
  return buildFile([buildChunk(logonRecords(logons)).bytes]);
}

export function mkfifo(path: string): boolean {
  try {
    execFileSync('mkfifo', [path]);
    return true;
  } catch {
    return false;
  }
}

export interface BadTree {
  readonly root: string;
  /** False where mkfifo is missing: the tree then has no FIFO. */
  readonly fifo: boolean;
}

/**
 * Under `root`: dc01/Security.evtx (3 records) and its JSON export dc01/Security.json; a loop
 * (dc01/again -> ..), a second loop crossing it (ws/up -> ../dc01), a dangling link (gone.evtx),
 * a FIFO named pipe.evtx, a file cut inside its header (cut.evtx, 3,000 bytes), a file whose
 * header promises 3 chunks and holds 1 (promised.evtx), and `locked/` holding an .evtx with
 * permissions 000 (readable by root anyway).
 */
export function badTree(root: string): BadTree {
  mkdirSync(join(root, 'dc01'), { recursive: true });
  mkdirSync(join(root, 'ws'));
  mkdirSync(join(root, 'locked'));
  writeFileSync(join(root, 'dc01', 'Security.evtx'), securityEvtx());
  writeFileSync(join(root, 'dc01', 'Security.json'), evtxDumpJson(LOGONS));
  symlinkSync('..', join(root, 'dc01', 'again'));
  symlinkSync('../dc01', join(root, 'ws', 'up'));
  symlinkSync('nowhere/Security.evtx', join(root, 'gone.evtx'));
  const fifo = mkfifo(join(root, 'pipe.evtx'));
  writeFileSync(join(root, 'cut.evtx'), securityEvtx().subarray(0, 3000));
  writeFileSync(join(root, 'promised.evtx'), buildFile([buildChunk(logonRecords(LOGONS.slice(0, 1))).bytes], { headerChunks: 3 }));
  writeFileSync(join(root, 'locked', 'System.evtx'), securityEvtx());
  chmodSync(root, 0o755);
  for (const d of ['dc01', 'ws']) chmodSync(join(root, d), 0o755);
  chmodSync(join(root, 'locked'), 0o000);
  return { root, fifo };
}
