/**
 * Who may do what: one table, read by the CLI, the API and the web UI alike. Roles follow the
 * crisis-cell positions. `admin` manages accounts and is the local operator's role on the CLI
 * (whoever holds the database file holds the crisis anyway).
 */
export const ROLES = ['admin', 'commander', 'medical', 'it', 'comms', 'liaison', 'dpo', 'observer'] as const;
export type Role = (typeof ROLES)[number];

export interface Actor {
  /** Recorded in every entry it writes. */
  readonly name: string;
  readonly role: Role;
}

export const ACTIONS = [
  'crisis.init',
  'estate.import',
  'asset.set',
  'measure.apply',
  'measure.lift',
  'log.note',
  'journal.import',
  'journal.read',
  'board.read',
  // Previewing a change is not making it: the medical lead weighs a restore before IT applies it.
  'whatif.preview',
  'user.manage',
  'password.change',
  // Crisis-cell coordination (src/app/coordination.ts).
  'decision.manage',
  'action.manage',
  'meeting.manage',
  'position.assign',
  'contact.manage',
  'channel.set',
  'comms.draft',
  'comms.approve',
  'comms.publish',
  'incident.assess',
  'regulatory.record',
  // Hunt evidence per asset (src/app/evidence.ts).
  'evidence.record',
] as const;
export type Action = (typeof ACTIONS)[number];

const EVERYONE: readonly Role[] = ROLES;
const CELL: readonly Role[] = ['admin', 'commander', 'medical', 'it', 'comms', 'liaison', 'dpo'];
const IT: readonly Role[] = ['admin', 'commander', 'it'];

export const PERMISSIONS: Readonly<Record<Action, readonly Role[]>> = {
  'crisis.init': ['admin'],
  'estate.import': ['admin', 'it'],
  'asset.set': IT,
  'measure.apply': IT,
  'measure.lift': IT,
  'log.note': CELL,
  'journal.import': ['admin'],
  'journal.read': EVERYONE,
  'board.read': EVERYONE,
  'whatif.preview': ['admin', 'commander', 'medical', 'it'],
  // Accounts: only admin; the first admin comes from the CLI (whoever holds the database file).
  'user.manage': ['admin'],
  // One's own password, proving the current one (accounts.ts changeOwnPassword).
  'password.change': EVERYONE,
  'decision.manage': CELL,
  'action.manage': CELL,
  'meeting.manage': CELL,
  'position.assign': ['admin', 'commander'],
  'contact.manage': CELL,
  'channel.set': CELL,
  'comms.draft': CELL,
  // What the group says in public is approved by the commander or the communications lead, nobody else.
  'comms.approve': ['commander', 'comms'],
  'comms.publish': ['commander', 'comms'],
  'incident.assess': ['admin', 'commander', 'it', 'liaison', 'dpo'],
  'regulatory.record': ['admin', 'commander', 'liaison', 'dpo'],
  // Evidence is the IT team's (and the investigators working with it); it changes no asset state.
  'evidence.record': IT,
};

export function isAllowed(role: Role, action: Action): boolean {
  return PERMISSIONS[action].includes(role);
}
