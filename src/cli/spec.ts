import type { ParseArgsConfig } from 'node:util';
import type { Ctx } from './context.ts';

export type Options = NonNullable<ParseArgsConfig['options']>;
export type Values = Record<string, string | boolean | string[] | undefined>;

export interface CommandSpec {
  /** Words that name the command, e.g. `asset set`. */
  readonly name: string;
  readonly summary: string;
  readonly usage: string;
  readonly example: string;
  readonly options: Options;
  /** Longer help: what it does, what it prints, exit codes. */
  readonly details?: string;
  run(ctx: Ctx, values: Values, positionals: string[]): Promise<number>;
}

export const str = (v: Values, k: string): string | undefined => {
  const x = v[k];
  return typeof x === 'string' ? x : undefined;
};
