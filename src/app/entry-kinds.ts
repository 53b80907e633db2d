/**
 * The one table of entry kinds: for each kind, the permission (action) a command needs to write
 * it and its description in every language (src/core/entry-text.ts, words in src/core/i18n). The
 * write path checks every entry it appends against this table, so a command cannot write a kind
 * under another kind's permission; the logbook, the CLI and the API describe entries with it. A
 * kind added to src/core/entries.ts without a row here does not compile.
 */
import type { EntryKind } from '../core/entries.ts';
import type { Describer } from '../core/entry-text.ts';
import { ENTRY_DESCRIPTIONS } from '../core/entry-text.ts';
import type { Action } from './permissions.ts';

export interface EntryKindRow<K extends EntryKind> {
  /** The permission a command needs to write this kind (PERMISSIONS says which roles have it). */
  readonly action: Action;
  /** One sentence in the reader's language. */
  readonly describe: Describer<K>;
}

const ACTION_OF: { readonly [K in EntryKind]: Action } = {
  'crisis.initialised': 'crisis.init',
  'estate.upserted': 'estate.import',
  'asset.state': 'asset.set',
  'measure.applied': 'measure.apply',
  'measure.lifted': 'measure.lift',
  'log.note': 'log.note',
  'evidence.recorded': 'evidence.record',
  'user.added': 'user.manage',
  'user.role-changed': 'user.manage',
  'user.disabled': 'user.manage',
  'user.password-changed': 'user.manage',
  'journal.integrity-accepted': 'journal.import',
  'positions.configured': 'position.assign',
  'period.opened': 'meeting.manage',
  'position.assigned': 'position.assign',
  'decision.opened': 'decision.manage',
  'decision.made': 'decision.manage',
  'action.created': 'action.manage',
  'action.updated': 'action.manage',
  'meeting.scheduled': 'meeting.manage',
  'meeting.minuted': 'meeting.manage',
  'contact.upserted': 'contact.manage',
  'channel.status': 'channel.set',
  'comms.drafted': 'comms.draft',
  'comms.approved': 'comms.approve',
  'comms.published': 'comms.publish',
  'incident.assessed': 'incident.assess',
  'regulatory.awareness': 'regulatory.record',
  'regulatory.breach-assessed': 'regulatory.record',
  'regulatory.filed': 'regulatory.record',
};

export const ENTRY_KIND_TABLE: { readonly [K in EntryKind]: EntryKindRow<K> } = Object.fromEntries(
  (Object.keys(ACTION_OF) as EntryKind[]).map((k) => [k, { action: ACTION_OF[k], describe: ENTRY_DESCRIPTIONS[k] }]),
) as { readonly [K in EntryKind]: EntryKindRow<K> };

/**
 * Actions that write whole journals of any kind: a new crisis (the demo's timeline is appended as
 * one `crisis.init`) and an imported journal.
 */
const BULK: ReadonlySet<Action> = new Set<Action>(['crisis.init', 'journal.import']);

/** True when a command checked for `action` may write an entry of `kind`. */
export function mayWrite(action: Action, kind: EntryKind): boolean {
  // One's own password: written under password.change (anyone), filed under user.manage.
  return BULK.has(action) || ENTRY_KIND_TABLE[kind].action === action || (action === 'password.change' && kind === 'user.password-changed');
}
