/**
 * The impact engine's public surface: compute the board of a crisis state, keep it up to date,
 * explain a cell, and evaluate what-ifs. Semantics: docs/impact.md.
 */
export { ImpactEngine, computeBoard, statusFromRange } from './engine.ts';
export type { BoardOptions } from './engine.ts';
export { whatIf, WHAT_IF_KINDS } from './what-if.ts';
export type { CellChange, CellSide, WhatIfOptions, WhatIfResult } from './what-if.ts';
export { rootText } from './explain.ts';
export { explainCell, nodeWords, rootWords } from './explanation.ts';
export type { AssetFilter, CellExplanation, ExplainedCause, ExplainedRisk, ExplainOptions, HostList } from './explanation.ts';
export { chainWords, gateWarnings, whatIfReport } from './what-if-report.ts';
export type { GateWarning, SideView, WhatIfLine, WhatIfReport } from './what-if-report.ts';
export type { Board, BoardSite, CauseChain, CauseStep, ImpactCell, RiskCause, RootCause, ServiceStatus } from './types.ts';
