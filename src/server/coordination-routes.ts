/**
 * Routes of the coordination features (decisions, actions, meetings, clocks, communications,
 * sitrep, packs), over src/app/coordination.ts.
 */
import type { Route } from './router.ts';

export const COORDINATION_ROUTES: readonly Route[] = [];
