/**
 * Small hand-written estates for the engine's tests: a builder that writes journal entries and
 * folds them, so tests go through the real fold. Test support only (no production import).
 */
import type { AssetId, MeasureId, NeedId, ServiceId, SiteId } from '../../src/core/ids.ts';
import { assetId, entryId, measureId, needId, serviceIdOf, siteId } from '../../src/core/ids.ts';
import type { EntryKind, EntryPayloads } from '../../src/core/entries.ts';
import type { AnyEntry } from '../../src/core/journal.ts';
import type { Asset, AssetKind, Criticality, Need, NeedEffect, NeedTarget, Service, Site, SiteKind } from '../../src/core/model.ts';
import { Projection } from '../../src/core/state.ts';

/** Builds a Projection entry by entry; `at` advances one minute per entry. */
export class TestEstate {
  readonly sites: Site[] = [];
  readonly services: Service[] = [];
  readonly assets: Asset[] = [];
  readonly needs: Need[] = [];
  readonly projection = new Projection();
  private seq = 0;
  private n = 0;

  site(id: string, kind: SiteKind = 'hospital'): SiteId {
    const s = siteId(id);
    this.sites.push({ id: s, name: id.toUpperCase(), kind });
    return s;
  }

  service(kind: string, site: SiteId, criticality: Criticality = 'essential'): ServiceId {
    const id = serviceIdOf(kind, site);
    this.services.push({ id, site, kind, name: `${kind} at ${site}`, criticality });
    return id;
  }

  asset(name: string, kind: AssetKind, site: SiteId, zone = 'servers'): AssetId {
    const id = assetId(name);
    this.assets.push({ id, hostname: name, kind, os: kind === 'application' ? '' : 'Windows Server 2019', site, zone, roles: [], tags: [] });
    return id;
  }

  need(from: AssetId | ServiceId, targets: readonly (AssetId | ServiceId | 'internet')[], effect: NeedEffect = { kind: 'down' }, min = 1): NeedId {
    const id = needId(`n${++this.n}`);
    const isService = (x: string): boolean => this.services.some((s) => s.id === x);
    const tgt = targets.map((t): NeedTarget => (t === 'internet' ? { type: 'internet' } : isService(t) ? { type: 'service', id: t as ServiceId } : { type: 'asset', id: t as AssetId }));
    this.needs.push({ id, from: isService(from) ? { type: 'service', id: from as ServiceId } : { type: 'asset', id: from as AssetId }, targets: tgt, min, effect });
    return id;
  }

  /** Folds the estate into the projection (call once, after declaring everything). */
  load(): Projection {
    this.append('crisis.initialised', { name: 'test', organisation: 'test' });
    this.append('estate.upserted', { sources: [], sites: this.sites, services: this.services, assets: this.assets, needs: this.needs });
    return this.projection;
  }

  append<K extends EntryKind>(kind: K, payload: EntryPayloads[K]): void {
    this.seq++;
    const at = new Date(Date.UTC(2022, 4, 14, 1, this.seq)).toISOString();
    this.projection.apply({ seq: this.seq, id: entryId(`e${this.seq}`), at, actor: 'test', kind, payload, prev: '', hash: '' } as AnyEntry);
  }

  isolate(ids: readonly AssetId[], reason = 'containment'): void {
    this.append('asset.state', { assets: ids, recovery: 'isolated', security: 'compromised', reason });
  }

  measure(id: string, type: EntryPayloads['measure.applied']['type'], opts: { site?: SiteId; zone?: string } = {}): MeasureId {
    const m = measureId(id);
    this.append('measure.applied', { id: m, type, reason: `${type} for test`, ...opts });
    return m;
  }
}
