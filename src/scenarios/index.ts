/** The built-in demo: a fictional hospital group and the article's night, as journal drafts. */
export { DEFAULT_SEED, DEMO_ORGANISATION, SERVER_COUNT, WORKSTATION_COUNT, generateDemoEstate } from './demo-estate.ts';
export type { DemoEstate, DemoEstateOptions, DemoIncidentPlan } from './demo-estate.ts';
export * from './demo-timeline.ts';
export { Prng, uuidFor, hash32 } from './prng.ts';
export { DEMO_ACCOUNTS } from './demo-accounts.ts';
export type { DemoAccount } from './demo-accounts.ts';
