import type { Entry, Session } from './api.ts';

/** What the shell gives every view. */
export interface AppCtx {
  readonly session: Session;
  /** True when the logged-in role may perform this action (the server checks again). */
  can(action: string): boolean;
  navigate(hash: string): void;
  toast(message: string, kind?: 'ok' | 'error'): void;
  fail(e: unknown): void;
}

export interface View {
  readonly el: HTMLElement;
  /** Loads the view's data; called on mount. */
  refresh(): Promise<void>;
  /** New journal entries arrived (live). */
  onEntries?(entries: readonly Entry[]): void;
  dispose?(): void;
}
