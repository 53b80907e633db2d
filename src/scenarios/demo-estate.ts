/**
 * The demo organisation: a fictional public hospital group in the invented province of Sylvanie,
 * shaped like the group in the article (6 hospital sites of which 1 psychiatric, 1 polyclinic,
 * 4 nursing homes, 1 psychiatric care home, 3 creches, 1 datacenter; exactly 200 Windows servers
 * and 1,500 Windows workstations, plus network gear, standalone medical devices and applications).
 *
 * Everything is generated from a seed (counts of devices and workstations, OS versions, which
 * hospitals have dialysis and a cath lab, which workstations the attack reached): same seed, same
 * estate. `scale` > 1 adds copies of the group (ids prefixed `g002-`...) for benchmarks.
 *
 * The statuses of the article are NOT written here: the dependencies are, and the engine derives
 * the board from the asset states and measures of the timeline (demo-timeline.ts).
 */
import type { AssetId, NeedId, ServiceId, SiteId } from '../core/ids.ts';
import { assetId, needId, serviceIdOf, siteId } from '../core/ids.ts';
import type { Asset, AssetKind, Criticality, Need, NeedEffect, NeedTarget, Service, Site, SiteKind } from '../core/model.ts';
import { Prng } from './prng.ts';

/** The seed of the built-in demo. */
export const DEFAULT_SEED = 20220514;
export const DEMO_ORGANISATION = 'Sylvanie Santé (intercommunale de soins de la province de Sylvanie)';

interface SiteSpec {
  readonly code: string;
  readonly id: string;
  readonly name: string;
  readonly kind: SiteKind;
  readonly location: string;
}

/** Fictional sites; towns of an invented province. */
const SITES: readonly SiteSpec[] = [
  { code: 'aub', id: 'hsp-aubrelune', name: "Centre hospitalier d'Aubrelune", kind: 'hospital', location: 'Aubrelune' },
  { code: 'che', id: 'hsp-chenefort', name: 'Hôpital de Chênefort', kind: 'hospital', location: 'Chênefort' },
  { code: 'val', id: 'hsp-valbrune', name: 'Hôpital du Val de Brune', kind: 'hospital', location: 'Valbrune' },
  { code: 'hau', id: 'hsp-hautmoulin', name: 'Hôpital de Hautmoulin', kind: 'hospital', location: 'Hautmoulin' },
  { code: 'sar', id: 'hsp-sarrelac', name: 'Hôpital de Sarrelac', kind: 'hospital', location: 'Sarrelac' },
  { code: 'bel', id: 'psy-bellefaing', name: 'Centre psychiatrique de Bellefaing', kind: 'psychiatric-hospital', location: 'Bellefaing' },
  { code: 'mor', id: 'pol-morvanne', name: 'Polyclinique de Morvanne', kind: 'polyclinic', location: 'Morvanne' },
  { code: 'gen', id: 'nh-les-genets', name: 'Maison de repos Les Genêts', kind: 'nursing-home', location: 'Aubrelune' },
  { code: 'vfl', id: 'nh-val-fleuri', name: 'Maison de repos Val Fleuri', kind: 'nursing-home', location: 'Chênefort' },
  { code: 'het', id: 'nh-les-hetres', name: 'Maison de repos Les Hêtres', kind: 'nursing-home', location: 'Hautmoulin' },
  { code: 'src', id: 'nh-la-source', name: 'Maison de repos La Source', kind: 'nursing-home', location: 'Sarrelac' },
  { code: 'sau', id: 'mspc-les-saules', name: 'Maison de soins psychiatriques Les Saules', kind: 'psychiatric-care-home', location: 'Bellefaing' },
  { code: 'lut', id: 'cr-les-lutins', name: 'Crèche Les Lutins', kind: 'creche', location: 'Aubrelune' },
  { code: 'ecu', id: 'cr-les-ecureuils', name: 'Crèche Les Écureuils', kind: 'creche', location: 'Chênefort' },
  { code: 'mes', id: 'cr-les-mesanges', name: 'Crèche Les Mésanges', kind: 'creche', location: 'Valbrune' },
  { code: 'dc', id: 'dc-chenefort', name: 'Datacenter and head office', kind: 'datacenter', location: 'Chênefort' },
];

/** Group-wide applications, hosted at the datacenter (email and the external platforms are reached over the internet). */
const APPS = [
  'ad',
  'dns',
  'dhcp',
  'adt',
  'ehr',
  'lis',
  'ris',
  'pacs',
  'pharmacy',
  'eprescription',
  'theatre',
  'sterilisation',
  'bloodbank',
  'ipbx',
  'email',
  'payroll',
  'ehealth',
  'labportal',
  'fileshare',
  'backup',
] as const;
type AppName = (typeof APPS)[number];

const APP_TITLES: Readonly<Record<AppName, string>> = {
  ad: 'Active Directory',
  dns: 'DNS',
  dhcp: 'DHCP',
  adt: 'Patient administration (ADT)',
  ehr: 'Electronic patient record (EHR)',
  lis: 'Laboratory information system (LIS)',
  ris: 'Radiology information system (RIS)',
  pacs: 'Image archive (PACS)',
  pharmacy: 'Pharmacy management',
  eprescription: 'E-prescription',
  theatre: 'Theatre planning',
  sterilisation: 'Sterilisation traceability',
  bloodbank: 'Blood bank',
  ipbx: 'IP telephony (IPBX)',
  email: 'Email (cloud-hosted)',
  payroll: 'Payroll',
  ehealth: 'National e-health platform',
  labportal: 'External lab portal',
  fileshare: 'File shares',
  backup: 'Backup',
};

type DeviceClass = 'icu-monitor' | 'ventilator' | 'er-monitor' | 'anaesthesia' | 'dialysis' | 'angiography' | 'xray' | 'ct' | 'lab-analyser';

const DEVICE_OS: Readonly<Record<DeviceClass, string>> = {
  'icu-monitor': 'VitalView RTOS 4.2',
  ventilator: 'Aeris firmware 3.1',
  'er-monitor': 'VitalView RTOS 4.2',
  anaesthesia: 'Anesta firmware 2.8',
  dialysis: 'DialyCore 5.0',
  angiography: 'AngioSys 7 (embedded)',
  xray: 'RadiX console 11 (embedded)',
  ct: 'TomoScan console 9 (embedded)',
  'lab-analyser': 'LabCore firmware 6.3',
};

const deg = (capacity: number, procedure: string): NeedEffect => ({ kind: 'degraded', capacity, procedure });
const DOWN: NeedEffect = { kind: 'down' };

type NeedSpec =
  | { readonly app: AppName; readonly effect: NeedEffect }
  | { readonly devices: DeviceClass; readonly fraction?: number; readonly min?: number; readonly effect: NeedEffect }
  | { readonly pool: number; readonly effect: NeedEffect }
  | { readonly internet: true; readonly effect: NeedEffect }
  | { readonly local: string; readonly effect: NeedEffect };

interface ServiceSpec {
  readonly label: string;
  readonly criticality: Criticality;
  readonly rtoHours: number;
  /** Share of the site's workstations used by the service (0: none of its own). */
  readonly poolWeight: number;
  readonly needs: readonly NeedSpec[];
}

// Downtime procedures, in the words of DOMAIN.md. The capacities are what the service keeps with
// that procedure; vital services keep >= 0.85 because their equipment runs standalone.
const CATALOGUE: Readonly<Record<string, ServiceSpec>> = {
  emergency: {
    label: 'Emergency department',
    criticality: 'vital',
    rtoHours: 1,
    poolWeight: 12,
    needs: [
      { devices: 'er-monitor', fraction: 0.5, effect: deg(0.6, 'manual observations; patients kept in sight of the nurses') },
      { app: 'adt', effect: deg(0.9, 'paper admission forms and temporary patient numbers') },
      { app: 'ehr', effect: deg(0.85, 'paper emergency record on downtime forms') },
      { app: 'lis', effect: deg(0.9, 'urgent samples carried by runners to the lab; results phoned back') },
      { app: 'pacs', effect: deg(0.9, 'images read on the modality console in radiology') },
      { app: 'ipbx', effect: deg(0.95, 'mobile phones and the direct numbers list') },
      { pool: 0.5, effect: deg(0.9, 'shared workstations; paper where none is free') },
    ],
  },
  icu: {
    label: 'Intensive care',
    criticality: 'vital',
    rtoHours: 1,
    poolWeight: 8,
    needs: [
      { devices: 'icu-monitor', fraction: 0.7, effect: deg(0.5, 'manual observations every 15 minutes; fewer beds open') },
      { devices: 'ventilator', fraction: 0.6, effect: deg(0.5, 'ventilated patients transferred to a neighbouring ICU') },
      { app: 'ehr', effect: deg(0.9, 'paper ICU charts at the bedside') },
      { app: 'lis', effect: deg(0.9, 'blood gases on the ICU analyser; other results phoned by the lab') },
      { app: 'pacs', effect: deg(0.95, 'images viewed on the modality console') },
      { app: 'pharmacy', effect: deg(0.95, 'paper medication orders to the pharmacy') },
      { pool: 0.3, effect: deg(0.95, 'shared workstations; paper charts') },
    ],
  },
  'operating-theatre': {
    label: 'Operating theatres',
    criticality: 'vital',
    rtoHours: 4,
    poolWeight: 8,
    needs: [
      { devices: 'anaesthesia', fraction: 0.6, effect: deg(0.5, 'fewer theatres open; emergencies first') },
      { app: 'theatre', effect: deg(0.9, 'paper theatre schedule on the wall board') },
      { app: 'ehr', effect: deg(0.9, 'paper anaesthesia and surgery records') },
      { app: 'sterilisation', effect: deg(0.9, 'paper traceability sheets for each sterilised set') },
      { app: 'lis', effect: deg(0.9, 'urgent lab by runner; results by phone') },
      { app: 'pacs', effect: deg(0.9, 'images viewed on the modality console') },
      { pool: 0.3, effect: deg(0.95, 'shared workstations; paper checklists') },
    ],
  },
  dialysis: {
    label: 'Dialysis',
    criticality: 'vital',
    rtoHours: 4,
    poolWeight: 4,
    needs: [
      { devices: 'dialysis', fraction: 0.7, effect: deg(0.6, 'longer sessions and extra shifts; some patients sent to another unit') },
      { app: 'ehr', effect: deg(0.9, 'paper dialysis charts') },
      { app: 'lis', effect: deg(0.95, 'pre-dialysis bloods by runner; results by phone') },
      { pool: 0.3, effect: deg(0.95, 'shared workstations; paper charts') },
    ],
  },
  'cath-lab': {
    label: 'Cath lab (coronary angiography)',
    criticality: 'vital',
    rtoHours: 2,
    poolWeight: 3,
    needs: [
      { devices: 'angiography', min: 1, effect: DOWN },
      { app: 'pacs', effect: deg(0.9, 'angiography images kept on the acquisition console and burnt to CD') },
      { app: 'ehr', effect: deg(0.9, 'paper procedure reports') },
      { pool: 0.3, effect: deg(0.95, 'shared workstations') },
    ],
  },
  radiology: {
    label: 'Radiology',
    criticality: 'essential',
    rtoHours: 8,
    poolWeight: 10,
    needs: [
      { devices: 'xray', min: 1, effect: DOWN },
      { devices: 'ct', min: 1, effect: deg(0.6, 'CT patients sent to a neighbouring hospital') },
      { app: 'pacs', effect: deg(0.5, 'X-rays and scans still possible: images viewed on the modality console only, inside the department; urgent reports by phone') },
      { app: 'ris', effect: deg(0.7, 'paper requisitions and a paper worklist at the radiology desk') },
      { local: 'pacs-gateway', effect: deg(0.8, 'worklist typed by hand on each modality') },
      { pool: 0.5, effect: deg(0.8, 'shared workstations at the desk') },
    ],
  },
  laboratory: {
    label: 'Laboratory',
    criticality: 'essential',
    rtoHours: 4,
    poolWeight: 10,
    needs: [
      { devices: 'lab-analyser', fraction: 0.5, effect: deg(0.4, "samples shuttled to another hospital's lab") },
      { app: 'lis', effect: deg(0.4, 'lab tests done manually and slower: paper requisitions, runners to the lab, results read off the analysers and phoned or handwritten') },
      { local: 'lab-middleware', effect: deg(0.6, "results read off each analyser's screen") },
      { app: 'labportal', effect: deg(0.9, 'external tests sent by courier with paper forms; results by fax') },
      { pool: 0.5, effect: deg(0.8, 'shared workstations at reception') },
    ],
  },
  pharmacy: {
    label: 'Pharmacy',
    criticality: 'essential',
    rtoHours: 8,
    poolWeight: 5,
    needs: [
      { app: 'pharmacy', effect: deg(0.6, 'paper stock lists and paper orders; dispensing from ward stock') },
      { local: 'pharmacy-automation', effect: deg(0.7, 'manual picking instead of the dispensing robot') },
      { pool: 0.5, effect: deg(0.85, 'shared workstations') },
    ],
  },
  'e-prescription': {
    label: 'E-prescription',
    criticality: 'essential',
    rtoHours: 24,
    poolWeight: 0,
    needs: [
      { app: 'eprescription', effect: deg(0, 'handwritten prescriptions on paper forms; the pharmacy checks by phone') },
      { app: 'ehealth', effect: deg(0.5, 'outpatient prescriptions on paper (no national e-prescription)') },
    ],
  },
  'patient-record': {
    label: 'Patient record',
    criticality: 'essential',
    rtoHours: 8,
    poolWeight: 0,
    needs: [{ app: 'ehr', effect: deg(0, 'paper records: downtime forms, printed summaries, results filed by hand') }],
  },
  admissions: {
    label: 'Admissions',
    criticality: 'essential',
    rtoHours: 8,
    poolWeight: 8,
    needs: [
      { app: 'adt', effect: deg(0.5, 'paper admission forms and temporary patient numbers; register reconciled later') },
      { app: 'ehealth', effect: deg(0.9, 'insurance checks postponed (no e-health platform)') },
      { pool: 0.5, effect: deg(0.8, 'admissions at a few shared desks') },
    ],
  },
  consultations: {
    label: 'Consultations',
    criticality: 'standard',
    rtoHours: 72,
    poolWeight: 20,
    needs: [
      { app: 'ehr', effect: deg(0.5, 'paper notes; only consultations that can run without the record') },
      { app: 'adt', effect: deg(0.6, 'paper appointment lists printed by each secretariat') },
      { app: 'fileshare', effect: deg(0.9, 'letters handwritten or typed offline') },
      { pool: 0.5, effect: deg(0.8, 'shared workstations') },
    ],
  },
  switchboard: {
    label: 'Switchboard',
    criticality: 'essential',
    rtoHours: 4,
    poolWeight: 2,
    needs: [{ app: 'ipbx', effect: deg(0, 'direct numbers list: each service is reached on its direct line (list given to staff, GPs, emergency services and the press)') }],
  },
  sterilisation: {
    label: 'Sterilisation',
    criticality: 'essential',
    rtoHours: 24,
    poolWeight: 3,
    needs: [
      { app: 'sterilisation', effect: deg(0.8, 'paper traceability sheets for each load') },
      { pool: 0.5, effect: deg(0.9, 'shared workstations') },
    ],
  },
  'blood-bank': {
    label: 'Blood bank',
    criticality: 'vital',
    rtoHours: 2,
    poolWeight: 2,
    needs: [
      { app: 'bloodbank', effect: deg(0.7, 'paper issue register; cross-match requests by phone') },
      { app: 'lis', effect: deg(0.8, 'manual blood group and cross-match results') },
    ],
  },
  email: {
    label: 'Email',
    criticality: 'standard',
    rtoHours: 72,
    poolWeight: 0,
    needs: [
      { app: 'email', effect: DOWN },
      { internet: true, effect: DOWN },
    ],
  },
  payroll: {
    label: 'Payroll',
    criticality: 'standard',
    rtoHours: 168,
    poolWeight: 6,
    needs: [
      { app: 'payroll', effect: deg(0, "advance payments based on last month's payslips") },
      { internet: true, effect: deg(0.8, 'social declarations and bank files postponed') },
      { pool: 0.5, effect: deg(0.9, 'shared workstations') },
    ],
  },
  'nursing-care': {
    label: 'Nursing care',
    criticality: 'essential',
    rtoHours: 24,
    poolWeight: 30,
    needs: [
      { app: 'ehr', effect: deg(0.8, 'paper care plans and medication charts') },
      { app: 'pharmacy', effect: deg(0.9, 'paper medication orders') },
      { pool: 0.5, effect: deg(0.9, 'shared workstations; paper') },
    ],
  },
  childcare: {
    label: 'Childcare',
    criticality: 'standard',
    rtoHours: 72,
    poolWeight: 5,
    needs: [{ pool: 0.5, effect: deg(0.95, 'paper attendance register') }],
  },
};

const HOSPITAL_SERVICES = ['emergency', 'icu', 'operating-theatre', 'dialysis', 'cath-lab', 'radiology', 'laboratory', 'pharmacy', 'e-prescription', 'patient-record', 'admissions', 'consultations', 'switchboard', 'sterilisation', 'blood-bank', 'email', 'nursing-care'];
const SERVICES_BY_KIND: Readonly<Record<SiteKind, readonly string[]>> = {
  hospital: HOSPITAL_SERVICES,
  'psychiatric-hospital': ['admissions', 'consultations', 'patient-record', 'pharmacy', 'e-prescription', 'nursing-care', 'switchboard', 'email'],
  polyclinic: ['consultations', 'radiology', 'laboratory', 'admissions', 'patient-record', 'e-prescription', 'switchboard', 'email'],
  'nursing-home': ['nursing-care', 'e-prescription', 'email'],
  'psychiatric-care-home': ['nursing-care', 'patient-record', 'email'],
  creche: ['childcare', 'email'],
  datacenter: ['payroll', 'email'],
};

/** Local servers by site kind (roles); hospitals get 2-4 more generic application servers. */
const LOCAL_SERVERS: Readonly<Record<SiteKind, readonly string[]>> = {
  hospital: ['dc', 'fs', 'print', 'lab-middleware', 'pacs-gateway', 'pharmacy-automation', 'badge', 'nurse-call', 'bms', 'video'],
  'psychiatric-hospital': ['dc', 'fs', 'print', 'nurse-call'],
  polyclinic: ['fs', 'print', 'pacs-gateway'],
  'nursing-home': ['print'],
  'psychiatric-care-home': ['print'],
  creche: [],
  datacenter: [],
};

/**
 * Servers at the datacenter, by role: [name, count, physical]. Virtual servers run on the
 * hypervisor cluster; physical ones need the core network (and hypervisors the SAN).
 */
const DC_SERVERS: readonly (readonly [string, number, boolean])[] = [
  ['dc', 2, true],
  ['dhcp', 2, false],
  ['adt-app', 2, false],
  ['adt-db', 1, false],
  ['ehr-app', 4, false],
  ['ehr-db', 2, false],
  ['lis', 1, false],
  ['ris', 1, false],
  ['pacs', 1, false],
  ['pacs-db', 1, false],
  ['pacs-web', 2, false],
  ['pharma', 1, false],
  ['epresc', 2, false],
  ['theatre', 1, false],
  ['steri', 1, false],
  ['bloodbank', 1, false],
  ['ipbx', 2, false],
  ['payroll', 1, false],
  ['payroll-db', 1, false],
  ['ehealth-gw', 1, false],
  ['smtp', 1, false],
  ['fs', 4, false],
  ['backup', 3, true],
  ['hv', 10, true],
  ['print', 2, false],
  ['wsus', 1, false],
  ['av', 1, false],
  ['sql', 2, false],
  ['rds', 12, false],
  ['monitor', 1, false],
  ['pki', 1, false],
  ['jump', 1, false],
];

/** Which hypervisors the VMs need: at least this many of the cluster (capacity for the load). */
const HV_QUORUM = 3;

export const SERVER_COUNT = 200;
export const WORKSTATION_COUNT = 1500;

/** Assets the timeline acts on, chosen here because only the generator knows the estate's shape. */
export interface DemoIncidentPlan {
  /** Servers found encrypted at detection (file servers, EHR, e-prescription, LIS, RIS/PACS, IPBX). */
  readonly encryptedServers: readonly AssetId[];
  /** Servers isolated at ~03:50: the encrypted ones and the rest of the attacked systems. */
  readonly isolatedServers: readonly AssetId[];
  /** Workstations isolated (the attack reached them: files encrypted or suspicious activity). */
  readonly compromisedWorkstations: readonly AssetId[];
  readonly suspectedWorkstations: readonly AssetId[];
  /** Domain controllers: suspected, kept in service (isolating them would stop everything else). */
  readonly domainControllers: readonly AssetId[];
  /** Workstations at small sites nobody has checked yet (no IT on site at night). */
  readonly uncheckedWorkstations: readonly AssetId[];
  /** The two hospitals whose emergency departments raised the alert. */
  readonly alertingSites: readonly SiteId[];
}

export interface DemoEstate {
  readonly sites: readonly Site[];
  readonly services: readonly Service[];
  readonly assets: readonly Asset[];
  readonly needs: readonly Need[];
  /** One plan per copy of the group (one at scale 1). */
  readonly plans: readonly DemoIncidentPlan[];
}

export interface DemoEstateOptions {
  readonly seed?: number;
  /** Number of copies of the group (1: the demo; 100: the benchmark's ~170,000 assets). */
  readonly scale?: number;
}

/** Generates the demo estate. Deterministic: same options, same estate. */
export function generateDemoEstate(opts: DemoEstateOptions = {}): DemoEstate {
  const seed = opts.seed ?? DEFAULT_SEED;
  const scale = Math.max(1, Math.floor(opts.scale ?? 1));
  const out = { sites: [] as Site[], services: [] as Service[], assets: [] as Asset[], needs: [] as Need[], plans: [] as DemoIncidentPlan[] };
  for (let copy = 0; copy < scale; copy++) generateGroup(new Prng((seed + Math.imul(copy, 0x9e3779b1)) >>> 0), copy, out);
  return out;
}

function generateGroup(rng: Prng, copy: number, out: { sites: Site[]; services: Service[]; assets: Asset[]; needs: Need[]; plans: DemoIncidentPlan[] }): void {
  const p = copy === 0 ? '' : `g${String(copy + 1).padStart(3, '0')}-`;
  const withIp = copy === 0;
  const sid = (s: SiteSpec): SiteId => siteId(`${p}${s.id}`);
  const dcSpec = SITES.find((s) => s.kind === 'datacenter')!;
  const dcSite = sid(dcSpec);
  let needSeq = 0;
  const addNeed = (from: Need['from'], targets: readonly NeedTarget[], min: number, effect: NeedEffect, note?: string): void => {
    needSeq++;
    const id: NeedId = needId(`${p}need-${String(needSeq).padStart(5, '0')}`);
    out.needs.push({ id, from, targets, min, effect, ...(note === undefined ? {} : { note }) });
  };
  const aT = (id: AssetId): NeedTarget => ({ type: 'asset', id });
  const fromA = (id: AssetId): Need['from'] => ({ type: 'asset', id });
  const addAsset = (hostname: string, kind: AssetKind, os: string, site: SiteId, zone: string, roles: readonly string[], tags: readonly string[], ip: string | undefined): AssetId => {
    const id = assetId(`${p}${hostname}`);
    out.assets.push({ id, hostname: `${p}${hostname}`, kind, os, site, zone, roles, tags, ...(withIp && ip !== undefined ? { ip } : {}) });
    return id;
  };
  const serverOs = (r: Prng): string => {
    const x = r.next();
    return x < 0.25 ? 'Windows Server 2016' : x < 0.75 ? 'Windows Server 2019' : 'Windows Server 2022';
  };

  // ---- sites ----
  for (const s of SITES) out.sites.push({ id: sid(s), name: copy === 0 ? s.name : `${s.name} (group ${copy + 1})`, kind: s.kind, location: s.location });
  const hospitals = SITES.filter((s) => s.kind === 'hospital');
  const shape = rng.fork('shape');
  // Dialysis at 4 of the 5 general hospitals, a cath lab at 3.
  const noDialysis = shape.pick(hospitals).code;
  const cathLab = new Set(shape.shuffled(hospitals).slice(0, 3).map((h) => h.code));

  // ---- network gear ----
  const coreOf = new Map<string, AssetId[]>();
  let siteNo = 0;
  const siteNumber = new Map<string, number>();
  for (const s of SITES) {
    siteNo++;
    siteNumber.set(s.code, siteNo);
    const net = rng.fork(`net:${s.code}`);
    const big = s.kind === 'hospital' || s.kind === 'datacenter' || s.kind === 'psychiatric-hospital';
    const cores: AssetId[] = [];
    for (let i = 1; i <= (big ? 2 : 1); i++) cores.push(addAsset(`${s.code}-core-0${i}`, 'network', 'NetOS 16.9', sid(s), 'network', ['core-switch'], [], `10.${siteNo}.1.${i}`));
    coreOf.set(s.code, cores);
    const access = s.kind === 'hospital' ? net.int(6, 10) : s.kind === 'datacenter' ? 0 : big ? 4 : net.int(1, 2);
    for (let i = 1; i <= access; i++) addAsset(`${s.code}-sw-${String(i).padStart(2, '0')}`, 'network', 'NetOS 16.9', sid(s), 'network', ['access-switch'], [], `10.${siteNo}.1.${10 + i}`);
    if (s.kind === 'hospital') addAsset(`${s.code}-wlc-01`, 'network', 'AirOS 8.10', sid(s), 'network', ['wifi-controller'], [], `10.${siteNo}.1.5`);
  }
  const dcCore = coreOf.get('dc')!;
  const fw = [1, 2].map((i) => addAsset(`dc-fw-0${i}`, 'network', 'FireOS 7.2', dcSite, 'network', ['firewall'], [], `10.16.1.${20 + i}`));
  const san = [1, 2].map((i) => addAsset(`dc-san-0${i}`, 'network', 'StorageOS 9.13', dcSite, 'storage', ['storage', 'san'], [], `10.16.2.${i}`));
  for (const f of fw) addNeed(fromA(f), dcCore.map(aT), 1, DOWN, 'firewall behind the core');

  // ---- servers ----
  const srv = rng.fork('servers');
  const serverIds: AssetId[] = [];
  const byRole = new Map<string, AssetId[]>();
  const note = (role: string, id: AssetId): void => {
    const l = byRole.get(role);
    if (l) l.push(id);
    else byRole.set(role, [id]);
  };
  let dcHost = 0;
  const hypervisors: AssetId[] = [];
  const vms: AssetId[] = [];
  const physicalDc: AssetId[] = [];
  for (const [role, count, physical] of DC_SERVERS) {
    for (let i = 1; i <= count; i++) {
      dcHost++;
      const os = role === 'dc' ? 'Windows Server 2019' : role === 'hv' ? 'Windows Server 2019' : serverOs(srv);
      const id = addAsset(`srv-${role}-${String(i).padStart(2, '0')}`, 'server', os, dcSite, 'servers', [role === 'dc' ? 'ad' : role, ...(role === 'dc' ? ['dns'] : []), ...(role === 'hv' ? ['hypervisor'] : [])], physical ? ['physical'] : ['vm'], `10.16.10.${dcHost}`);
      serverIds.push(id);
      note(role, id);
      if (role === 'hv') hypervisors.push(id);
      else if (physical) physicalDc.push(id);
      else vms.push(id);
    }
  }
  const localServers = new Map<string, Map<string, AssetId>>();
  for (const s of SITES) {
    const roles = [...LOCAL_SERVERS[s.kind]];
    if (s.kind === 'hospital') for (let i = 1, n = srv.int(2, 4); i <= n; i++) roles.push(`app${i}`);
    if (s.kind === 'psychiatric-hospital' || s.kind === 'polyclinic' || s.kind === 'nursing-home' || s.kind === 'psychiatric-care-home') roles.push('app1');
    const m = new Map<string, AssetId>();
    let h = 0;
    for (const role of roles) {
      h++;
      const id = addAsset(`srv-${s.code}-${role}-01`, 'server', role === 'dc' ? 'Windows Server 2019' : serverOs(srv), sid(s), 'servers', [role === 'dc' ? 'ad' : role, ...(role === 'dc' ? ['dns'] : [])], ['physical'], `10.${siteNumber.get(s.code)!}.10.${h}`);
      serverIds.push(id);
      m.set(role, id);
      note(role === 'dc' ? 'dc' : `local-${role}`, id);
      addNeed(fromA(id), coreOf.get(s.code)!.map(aT), 1, DOWN, 'site network');
    }
    localServers.set(s.code, m);
  }
  const fillers = SERVER_COUNT - serverIds.length;
  if (fillers < 0) throw new RangeError(`demo estate: ${serverIds.length} servers before fillers, more than ${SERVER_COUNT}`);
  const fillerApps = ['quality', 'hr', 'catering', 'intranet', 'dms', 'logistics', 'maintenance', 'research', 'archive', 'reporting', 'training', 'budget'];
  for (let i = 1; i <= fillers; i++) {
    dcHost++;
    const role = fillerApps[(i - 1) % fillerApps.length]!;
    const id = addAsset(`srv-app-${String(i).padStart(2, '0')}`, 'server', serverOs(srv), dcSite, 'servers', [role], ['vm'], `10.16.11.${i}`);
    serverIds.push(id);
    vms.push(id);
  }
  for (const h of hypervisors) {
    addNeed(fromA(h), san.map(aT), 1, DOWN, 'VM storage on the SAN');
    addNeed(fromA(h), dcCore.map(aT), 1, DOWN, 'datacenter core network');
  }
  for (const h of physicalDc) addNeed(fromA(h), dcCore.map(aT), 1, DOWN, 'datacenter core network');
  for (const v of vms) addNeed(fromA(v), hypervisors.map(aT), HV_QUORUM, DOWN, `runs on the Hyper-V cluster (needs ${HV_QUORUM} hosts for the load)`);

  // ---- applications ----
  const app = new Map<AppName, AssetId>();
  for (const name of APPS) app.set(name, addAsset(name, 'application', '', dcSite, 'apps', [name], [APP_TITLES[name]], undefined));
  const A = (n: AppName): AssetId => app.get(n)!;
  const R = (role: string): AssetId[] => byRole.get(role) ?? [];
  const appNeeds: readonly [AppName, readonly AssetId[], number][] = [
    ['ad', R('dc'), 1],
    ['dns', R('dc'), 1],
    ['dhcp', R('dhcp'), 1],
    ['adt', R('adt-app'), 1],
    ['adt', R('adt-db'), 1],
    ['ehr', R('ehr-app'), 2],
    ['ehr', R('ehr-db'), 1],
    ['lis', R('lis'), 1],
    ['ris', R('ris'), 1],
    ['pacs', R('pacs'), 1],
    ['pacs', R('pacs-db'), 1],
    ['pacs', R('pacs-web'), 1],
    ['pharmacy', R('pharma'), 1],
    ['eprescription', R('epresc'), 1],
    ['theatre', R('theatre'), 1],
    ['sterilisation', R('steri'), 1],
    ['bloodbank', R('bloodbank'), 1],
    ['ipbx', R('ipbx'), 1],
    ['payroll', R('payroll'), 1],
    ['payroll', R('payroll-db'), 1],
    ['ehealth', R('ehealth-gw'), 1],
    ['fileshare', R('fs'), 2],
    ['backup', R('backup'), 1],
  ];
  for (const [name, hosts, min] of appNeeds) addNeed(fromA(A(name)), hosts.map(aT), min, DOWN, `${APP_TITLES[name]} runs on ${hosts.length > 1 ? `${min} of these hosts` : 'this host'}`);
  const needsDirectory: readonly AppName[] = ['adt', 'ehr', 'lis', 'ris', 'pharmacy', 'eprescription', 'theatre', 'sterilisation', 'payroll', 'fileshare', 'backup'];
  for (const name of needsDirectory) addNeed(fromA(A(name)), [aT(A('ad'))], 1, DOWN, 'logins through Active Directory');
  for (const name of APPS) if (name !== 'ad' && name !== 'dns' && name !== 'email' && name !== 'labportal' && name !== 'ehealth') addNeed(fromA(A(name)), [aT(A('dns'))], 1, DOWN, 'name resolution');
  for (const name of ['email', 'ehealth', 'labportal'] as const) addNeed(fromA(A(name)), [{ type: 'internet' }], 1, DOWN, 'an external service reached over the internet');

  // ---- medical devices ----
  const devicesAt = new Map<string, Map<DeviceClass, AssetId[]>>();
  for (const s of SITES) {
    const d = rng.fork(`devices:${s.code}`);
    const counts: [DeviceClass, number][] = [];
    if (s.kind === 'hospital') {
      counts.push(['icu-monitor', d.int(8, 14)], ['ventilator', d.int(4, 8)], ['er-monitor', d.int(6, 10)], ['anaesthesia', d.int(4, 8)], ['xray', d.int(2, 4)], ['ct', d.int(1, 2)], ['lab-analyser', d.int(3, 6)]);
      if (s.code !== noDialysis) counts.push(['dialysis', d.int(6, 12)]);
      if (cathLab.has(s.code)) counts.push(['angiography', d.int(1, 2)]);
    } else if (s.kind === 'polyclinic') {
      counts.push(['xray', 1]);
    }
    const m = new Map<DeviceClass, AssetId[]>();
    let h = 0;
    for (const [cls, n] of counts) {
      const ids: AssetId[] = [];
      for (let i = 1; i <= n; i++) {
        h++;
        ids.push(addAsset(`${s.code}-${cls}-${String(i).padStart(2, '0')}`, 'medical-device', DEVICE_OS[cls], sid(s), 'medical-devices', [cls], ['standalone'], `10.${siteNumber.get(s.code)!}.50.${h}`));
      }
      m.set(cls, ids);
    }
    devicesAt.set(s.code, m);
  }

  // ---- services and workstations ----
  const ws = rng.fork('workstations');
  const wsCount = new Map<string, number>();
  let placed = 0;
  for (const s of SITES) {
    if (s.kind === 'datacenter') continue;
    const n = s.kind === 'hospital' ? ws.int(200, 230) : s.kind === 'psychiatric-hospital' ? ws.int(100, 130) : s.kind === 'polyclinic' ? ws.int(50, 70) : s.kind === 'nursing-home' ? ws.int(15, 25) : s.kind === 'psychiatric-care-home' ? ws.int(12, 20) : ws.int(3, 5);
    wsCount.set(s.code, n);
    placed += n;
  }
  wsCount.set('dc', WORKSTATION_COUNT - placed); // head office takes the rest: exactly 1,500 in all

  const workstationsAt = new Map<string, AssetId[]>();
  const poolOf = new Map<ServiceId, AssetId[]>();
  let serviceNo = 0;
  for (const s of SITES) {
    const kinds = SERVICES_BY_KIND[s.kind].filter((k) => (k !== 'dialysis' || s.code !== noDialysis) && (k !== 'cath-lab' || cathLab.has(s.code)));
    const total = wsCount.get(s.code)!;
    const weights = kinds.map((k) => CATALOGUE[k]!.poolWeight);
    const weightSum = weights.reduce((a, b) => a + b, 0);
    // 80% of the workstations belong to a service's pool, the rest are offices (no service needs them).
    const pools = kinds.map((_, i) => (weights[i]! > 0 ? Math.max(1, Math.floor((total * 0.8 * weights[i]!) / weightSum)) : 0));
    let w = 0;
    const wsIds: AssetId[] = [];
    const mkWs = (tag: string): AssetId => {
      w++;
      const id = addAsset(
        `ws-${s.code}-${String(w).padStart(4, '0')}`,
        'workstation',
        ws.chance(0.75) ? 'Windows 10' : 'Windows 11',
        sid(s),
        'workstations',
        ['workstation'],
        [tag],
        `10.${siteNumber.get(s.code)!}.${100 + Math.floor((w - 1) / 250)}.${((w - 1) % 250) + 1}`,
      );
      wsIds.push(id);
      addNeed(fromA(id), coreOf.get(s.code)!.map(aT), 1, DOWN, 'site network');
      return id;
    };
    kinds.forEach((k, i) => {
      serviceNo++;
      const spec = CATALOGUE[k]!;
      const id = serviceIdOf(k, sid(s));
      out.services.push({
        id,
        site: sid(s),
        kind: k,
        name: `${spec.label}, ${s.location}${s.kind === 'hospital' ? '' : ` (${s.name})`}`,
        criticality: spec.criticality,
        rtoHours: spec.rtoHours,
        phone: `+32 63 ${String(20 + siteNumber.get(s.code)!).padStart(2, '0')} ${String(10 + (serviceNo % 90)).padStart(2, '0')} ${String(10 + i).padStart(2, '0')}`,
      });
      const pool: AssetId[] = [];
      for (let j = 0; j < pools[i]!; j++) pool.push(mkWs(`service:${k}`));
      poolOf.set(id, pool);
    });
    while (w < total) mkWs('office');
    workstationsAt.set(s.code, wsIds);

    // Needs of each service at this site.
    const devices = devicesAt.get(s.code)!;
    const locals = localServers.get(s.code)!;
    for (const k of kinds) {
      const id = serviceIdOf(k, sid(s));
      const from: Need['from'] = { type: 'service', id };
      for (const n of CATALOGUE[k]!.needs) {
        if ('app' in n) addNeed(from, [aT(A(n.app))], 1, n.effect);
        else if ('internet' in n) addNeed(from, [{ type: 'internet' }], 1, n.effect);
        else if ('local' in n) {
          const l = locals.get(n.local);
          if (l) addNeed(from, [aT(l)], 1, n.effect);
        } else if ('devices' in n) {
          const list = devices.get(n.devices) ?? [];
          if (list.length > 0) addNeed(from, list.map(aT), n.min ?? Math.max(1, Math.ceil(list.length * (n.fraction ?? 1))), n.effect, `${n.devices} (standalone: used in place, not over the network)`);
        } else {
          const pool = poolOf.get(id) ?? [];
          if (pool.length > 0) addNeed(from, pool.map(aT), Math.max(1, Math.ceil(pool.length * n.pool)), n.effect, 'workstations of the service');
        }
      }
    }
  }

  // ---- the incident plan: which assets the attack reached ----
  const inc = rng.fork('incident');
  const encryptedRoles = ['fs', 'ehr-app', 'ehr-db', 'epresc', 'lis', 'ris', 'pacs', 'pacs-db', 'pacs-web', 'ipbx'];
  const encryptedServers = [...encryptedRoles.flatMap((r) => R(r)), ...R('local-fs')];
  const isolatedServers = [...encryptedServers, ...R('rds').slice(0, 6), ...R('print'), ...R('local-print').filter(() => inc.chance(0.5))];
  const compromisedWorkstations: AssetId[] = [];
  const suspectedWorkstations: AssetId[] = [];
  const uncheckedWorkstations: AssetId[] = [];
  for (const s of SITES) {
    const list = workstationsAt.get(s.code)!;
    if (s.kind === 'hospital' || s.kind === 'psychiatric-hospital' || s.kind === 'polyclinic' || s.kind === 'datacenter') {
      for (const id of list) {
        const x = inc.next();
        if (x < 0.08) compromisedWorkstations.push(id);
        else if (x < 0.35) suspectedWorkstations.push(id);
      }
    } else {
      uncheckedWorkstations.push(...list);
    }
  }
  const alertingSites = inc.shuffled(hospitals).slice(0, 2).map(sid);
  out.plans.push({ encryptedServers, isolatedServers: [...new Set(isolatedServers)], compromisedWorkstations, suspectedWorkstations, domainControllers: R('dc'), uncheckedWorkstations, alertingSites });
}
