/**
 * The agenda of a crisis meeting, generated: board changes since the last meeting, pending
 * decisions, overdue actions, regulatory clocks about to fall due, communications awaiting
 * approval. The caller computes the two boards (now, and at the last meeting) with the impact engine.
 */
import type { Board, ServiceStatus } from '../impact/types.ts';
import type { CrisisState } from '../state.ts';
import type { RegulatoryClock } from '../clocks/clocks.ts';
import type { ActionItem, Communication, Decision, Meeting } from '../coordination/coordination-state.ts';
import { CoordinationState, isOverdue, lastMeeting, pendingDecisions } from '../coordination/coordination-state.ts';

/** A service whose status or capacity changed between two boards. */
export interface BoardChange {
  readonly serviceId: string;
  readonly name: string;
  readonly siteName: string;
  /** Absent: the service was not on the earlier board (new in the estate). */
  readonly from?: ServiceStatus;
  readonly to: ServiceStatus;
  readonly fromCapacity?: number;
  readonly toCapacity: number;
}

/** Services whose status or capacity differ between `before` and `after`, worst news first. */
export function diffBoards(before: Board | undefined, after: Board): BoardChange[] {
  const old = new Map((before?.cells ?? []).map((c) => [c.serviceId as string, c]));
  const out: BoardChange[] = [];
  for (const c of after.cells) {
    const o = old.get(c.serviceId);
    if (o && o.status === c.status && Math.abs(o.capacity - c.capacity) < 1e-9) continue;
    out.push({
      serviceId: c.serviceId,
      name: c.name,
      siteName: c.siteName,
      ...(o ? { from: o.status, fromCapacity: o.capacity } : {}),
      to: c.status,
      toCapacity: c.capacity,
    });
  }
  // Losses first: a person skimming the agenda sees what got worse before what got better.
  return out.sort((a, b) => a.toCapacity - (a.fromCapacity ?? 1) - (b.toCapacity - (b.fromCapacity ?? 1)));
}

export interface Agenda {
  readonly at: string;
  /** The meeting this agenda is for, when one was named or is next. */
  readonly meeting?: Meeting;
  /** The last meeting before, whose time bounds "since the last meeting". */
  readonly since?: Meeting;
  /** `engine`: both boards came from the impact engine; `none`: no board was given. */
  readonly boardSource: 'engine' | 'none';
  readonly boardChanges: readonly BoardChange[];
  readonly pendingDecisions: readonly Decision[];
  readonly overdueActions: readonly ActionItem[];
  readonly clocks: readonly RegulatoryClock[];
  readonly commsToApprove: readonly Communication[];
}

export interface AgendaInput {
  readonly state: CrisisState;
  /** When the agenda is drawn up (usually the meeting time or now). */
  readonly at: string;
  readonly meeting?: Meeting;
  readonly clocks: readonly RegulatoryClock[];
  readonly boardNow?: Board;
  /** The board as it was at the last meeting; absent with a board now: every service counts as changed. */
  readonly boardThen?: Board;
  /** Clocks due within this many hours of `at` are listed (default 24); overdue ones always. */
  readonly clockHorizonHours?: number;
}

const EMPTY = new CoordinationState();

/** Builds the agenda; pure. */
export function buildAgenda(input: AgendaInput): Agenda {
  const c = input.state.coordination ?? EMPTY;
  const t = Date.parse(input.at);
  const horizon = (input.clockHorizonHours ?? 24) * 3_600_000;
  const since = lastMeeting(c, input.at);
  const clocks = input.clocks.filter(
    (k) => (k.status === 'overdue' || k.status === 'due-soon' || k.status === 'upcoming') && k.due !== undefined && Date.parse(k.due) - t <= horizon,
  );
  return {
    at: input.at,
    ...(input.meeting ? { meeting: input.meeting } : {}),
    ...(since ? { since } : {}),
    boardSource: input.boardNow ? 'engine' : 'none',
    boardChanges: input.boardNow ? diffBoards(input.boardThen, input.boardNow) : [],
    pendingDecisions: pendingDecisions(c, input.at),
    overdueActions: [...c.actions.values()].filter((a) => isOverdue(a, input.at)),
    clocks,
    commsToApprove: [...c.comms.values()].filter((m) => m.status === 'draft' && Date.parse(m.drafted.at) <= t),
  };
}
