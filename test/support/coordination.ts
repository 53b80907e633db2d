/**
 * Test support for the coordination tests (app, reports, CLI): a crisis app on a temporary SQLite
 * file with a two-hospital estate whose PACS, LIS and telephony server are isolated. Not imported
 * by production code.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openTestApp } from './app.ts';
import type { Asset, Need, Service, Site } from '../../src/core/model.ts';
import { assetId, needId, serviceIdOf, siteId } from '../../src/core/ids.ts';
import type { CrisisApp } from '../../src/app/crisis-app.ts';
import type { Actor } from '../../src/app/permissions.ts';

export const admin: Actor = { name: 'admin', role: 'admin' };
export const commander: Actor = { name: 'Yves B.', role: 'commander' };
export const commsLead: Actor = { name: 'Claire C.', role: 'comms' };
export const itLead: Actor = { name: 'Yves-Henri S.', role: 'it' };
export const medical: Actor = { name: 'Dr Pascal P.', role: 'medical' };

export interface Kit {
  readonly app: CrisisApp;
  readonly file: string;
  /** The app's clock: tests move it. */
  now: string;
  close(): Promise<void>;
}

const SITES: Site[] = [
  { id: siteId('hsp-a'), name: 'Hospital A', kind: 'hospital', location: 'Arlon' },
  { id: siteId('hsp-b'), name: 'Hospital B', kind: 'hospital', location: 'Marche' },
];

function estate(): { sites: Site[]; services: Service[]; assets: Asset[]; needs: Need[] } {
  const services: Service[] = [];
  const needs: Need[] = [];
  const kinds: [string, string, Service['criticality']][] = [
    ['emergency', 'Emergency department', 'vital'],
    ['icu', 'Intensive care', 'vital'],
    ['radiology', 'Radiology', 'essential'],
    ['laboratory', 'Laboratory', 'essential'],
    ['switchboard', 'Switchboard', 'standard'],
  ];
  SITES.forEach((s, si) => {
    kinds.forEach(([kind, name, criticality], ki) => {
      services.push({ id: serviceIdOf(kind, s.id), site: s.id, kind, name: `${name}, ${s.location}`, criticality, phone: `+32 63 0${si} ${ki}0 00` });
    });
    const from = (kind: string) => ({ type: 'service' as const, id: serviceIdOf(kind, s.id) });
    needs.push(
      { id: needId(`rad-${s.id}`), from: from('radiology'), targets: [{ type: 'asset', id: assetId('srv-pacs') }], min: 1, effect: { kind: 'degraded', capacity: 0.5, procedure: 'images viewed on the modality console only' } },
      { id: needId(`lab-${s.id}`), from: from('laboratory'), targets: [{ type: 'asset', id: assetId('srv-lis') }], min: 1, effect: { kind: 'degraded', capacity: 0.4, procedure: 'paper requisitions, runners to the lab' } },
      { id: needId(`tel-${s.id}`), from: from('switchboard'), targets: [{ type: 'asset', id: assetId('srv-ipbx') }], min: 1, effect: { kind: 'down' } },
    );
  });
  const srv = (h: string, role: string): Asset => ({ id: assetId(h), hostname: h, kind: 'server', os: 'Windows Server 2019', site: siteId('hsp-a'), zone: 'servers', roles: [role], tags: [] });
  return { sites: SITES, services, assets: [srv('srv-pacs', 'pacs'), srv('srv-lis', 'lis'), srv('srv-ipbx', 'ipbx')], needs };
}

/** Opens the kit at 2022-05-14T06:00+02:00 with the estate imported and the servers isolated. */
export async function openKit(): Promise<Kit> {
  const dir = mkdtempSync(join(tmpdir(), 'cc-coord-'));
  const file = join(dir, 'c.db');
  let uuid = 0;
  const kit: { now: string } = { now: '2022-05-14T04:00:00+02:00' };
  const app = await openTestApp(file, { now: () => kit.now, newId: () => `00000000-0000-4000-8000-${String(++uuid).padStart(12, '0')}` });
  await app.init(admin, { name: 'Test attack', organisation: 'Test Hospitals' });
  await app.appendDrafts(admin, 'estate.import', [app.makeDraft(admin, 'estate.upserted', { sources: [], ...estate() })]);
  await app.setAssets(itLead, { pattern: 'srv-*', security: 'compromised', recovery: 'isolated', reason: 'encrypted, isolated' });
  kit.now = '2022-05-14T06:00:00+02:00';
  return Object.assign(kit, {
    app,
    file,
    close: async () => {
      await app.close();
      rmSync(dir, { recursive: true, force: true });
    },
  });
}

/** The built-in demo with the coordination entries merged in, on a temporary SQLite file. */
export async function openDemoKit(now = '2022-05-14T15:00:00+02:00'): Promise<Kit> {
  const { buildDemoJournal } = await import('../../src/scenarios/index.ts');
  const dir = mkdtempSync(join(tmpdir(), 'cc-demo-'));
  const file = join(dir, 'demo.db');
  const kit: { now: string } = { now };
  const app = await openTestApp(file, { now: () => kit.now });
  await app.appendDrafts(admin, 'crisis.init', buildDemoJournal());
  return Object.assign(kit, {
    app,
    file,
    close: async () => {
      await app.close();
      rmSync(dir, { recursive: true, force: true });
    },
  });
}
