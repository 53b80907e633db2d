/**
 * A large synthetic estate (CSV text) for load tests and benchmarks: `sites` sites with a dozen
 * services each, application servers the services need, domain controllers, and as many
 * workstations as it takes to reach `targetBytes` in total. Deterministic.
 */
export interface BigEstate {
  readonly files: { file: string; text: string }[];
  readonly assets: number;
  readonly bytes: number;
}

const SERVICES = ['emergency', 'radiology', 'laboratory', 'pharmacy', 'surgery', 'icu', 'maternity', 'cardiology', 'oncology', 'admissions', 'sterilisation', 'records'];

export function bigEstate(targetBytes: number, sites = 16): BigEstate {
  const siteRows = ['id,name,kind,location'];
  const serviceRows = ['site,kind,name,criticality,rto_hours,phone'];
  const assetRows = ['hostname,kind,os,site,zone,roles,ip,tags'];
  const depRows = ['from,to,min,effect,capacity,procedure,note'];
  let assets = 0;
  assetRows.push('SRV-DC-01,server,Windows Server 2019,s00,servers,ad;dns;dhcp,10.0.0.10,tier0', 'SRV-DC-02,server,Windows Server 2019,s00,servers,ad;dns,10.0.0.11,tier0');
  assets += 2;
  for (let s = 0; s < sites; s++) {
    const site = `s${String(s).padStart(2, '0')}`;
    siteRows.push(`${site},Site ${s},${s === 0 ? 'datacenter' : 'hospital'},Town ${s}`);
    if (s === 0) continue;
    SERVICES.forEach((svc, i) => {
      serviceRows.push(`${site},${svc},${svc[0]?.toUpperCase()}${svc.slice(1)},${i < 3 ? 'vital' : 'essential'},${4 + i},+32 63 ${String(s).padStart(2, '0')} ${String(i).padStart(2, '0')} 00`);
      const host = `SRV-${svc.toUpperCase()}-${site.toUpperCase()}`;
      assetRows.push(`${host},server,Windows Server 2019,${site},servers,${svc},10.${s}.0.${i + 10},tier1`);
      assets++;
      depRows.push(`${host},SRV-DC-01;SRV-DC-02,1,down,,,`);
      depRows.push(`${svc}@${site},${host},1,degraded,0.5,"paper forms and runners",`);
    });
  }
  const files = () => [
    { file: 'sites.csv', text: `${siteRows.join('\n')}\n` },
    { file: 'services.csv', text: `${serviceRows.join('\n')}\n` },
    { file: 'assets.csv', text: `${assetRows.join('\n')}\n` },
    { file: 'dependencies.csv', text: `${depRows.join('\n')}\n` },
  ];
  let bytes = files().reduce((n, f) => n + f.text.length, 0);
  for (let n = 0; bytes < targetBytes; n++) {
    const s = 1 + (n % (sites - 1));
    const site = `s${String(s).padStart(2, '0')}`;
    const row = `WS-${site.toUpperCase()}-${String(n).padStart(6, '0')},workstation,Windows 10 Enterprise 21H2,${site},clinical-${n % 7},${SERVICES[n % SERVICES.length]},10.${s}.${(n >> 8) % 256}.${n % 256},floor-${n % 9};wing-${n % 4}`;
    assetRows.push(row);
    bytes += row.length + 1;
    assets++;
  }
  return { files: files(), assets, bytes };
}
