// The app layer is where the CLI and the server get a store from: they never import an adapter.
export { openStore, describeStoreTarget } from '../store/open-store.ts';
export type { OpenedStore, StoreConfig } from '../store/open-store.ts';
