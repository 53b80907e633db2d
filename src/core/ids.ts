/**
 * Branded identifiers: a site id can never be passed where an asset id is expected.
 * Ids are plain strings at run time (they travel through JSON unchanged).
 */
declare const brand: unique symbol;
export type Brand<T, B extends string> = T & { readonly [brand]: B };

/** Short kebab-case name of a site, e.g. `hsp-arlon`. */
export type SiteId = Brand<string, 'SiteId'>;
/** `<kind>@<site>`, e.g. `radiology@hsp-arlon`: one service at one site. */
export type ServiceId = Brand<string, 'ServiceId'>;
/** Lower-case hostname (or application name) of an asset, e.g. `srv-pacs-01`. */
export type AssetId = Brand<string, 'AssetId'>;
/** Identifier of a dependency ("need"), unique in the estate. */
export type NeedId = Brand<string, 'NeedId'>;
/** Identifier of a network measure (internet cut, link cut, quarantine) while it is in force. */
export type MeasureId = Brand<string, 'MeasureId'>;
/** Journal entry id (a UUID). */
export type EntryId = Brand<string, 'EntryId'>;

export const siteId = (s: string): SiteId => s as SiteId;
export const serviceId = (s: string): ServiceId => s as ServiceId;
export const assetId = (s: string): AssetId => s.toLowerCase() as AssetId;
export const needId = (s: string): NeedId => s as NeedId;
export const measureId = (s: string): MeasureId => s as MeasureId;
export const entryId = (s: string): EntryId => s as EntryId;

/** The id of the service of `kind` at `site`. */
export function serviceIdOf(kind: string, site: SiteId): ServiceId {
  return `${kind}@${site}` as ServiceId;
}
