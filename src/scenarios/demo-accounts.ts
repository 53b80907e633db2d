/** A demo login: one per crisis position. */
export interface DemoAccount {
  readonly name: string;
  readonly role: 'admin' | 'commander' | 'medical' | 'it' | 'comms' | 'liaison' | 'dpo' | 'observer';
  readonly password: string;
}

/**
 * The demo's accounts, one per crisis position. The passwords are public (printed by `start` and
 * in docs/web.md): the demo journal is for exercises, never for a real crisis.
 */
export const DEMO_ACCOUNTS: readonly DemoAccount[] = [
  { name: 'admin', role: 'admin', password: 'demo-admin-2022' },
  { name: 'commander', role: 'commander', password: 'demo-commander-2022' },
  { name: 'medical', role: 'medical', password: 'demo-medical-2022' },
  { name: 'it', role: 'it', password: 'demo-it-2022' },
  { name: 'comms', role: 'comms', password: 'demo-comms-2022' },
  { name: 'liaison', role: 'liaison', password: 'demo-liaison-2022' },
  { name: 'dpo', role: 'dpo', password: 'demo-dpo-2022' },
  { name: 'observer', role: 'observer', password: 'demo-observer-2022' },
];
