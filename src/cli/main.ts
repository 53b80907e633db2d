/**
 * The `crisiscell` command: one table of sub-commands, each with its options, usage and an example.
 * Journal commands share --db and --json; the evidence commands (evtx, hunt) bring their own parsing.
 */
import { parseArgs } from 'node:util';
import type { CliIo, CommandHandler } from './io.ts';
import { processIo } from './io.ts';
import { makeCtx, reportError } from './context.ts';
import { JOURNAL_COMMANDS } from './commands/journal.ts';
import { BOARD_COMMANDS } from './commands/board.ts';
import { USER_COMMANDS } from './commands/user.ts';
import { SERVE_COMMANDS } from './commands/serve.ts';
import { COORDINATION_COMMANDS } from './commands/coordination.ts';
import { EVIDENCE_COMMANDS } from './commands/evidence.ts';
import type { CommandSpec, Options, Values } from './spec.ts';
import { isLang, LANGS } from '../core/i18n/index.ts';
import { outcomeToExit } from '../core/errors.ts';

const COMMON: Options = {
  db: { type: 'string' },
  json: { type: 'boolean' },
  lang: { type: 'string' },
  help: { type: 'boolean', short: 'h' },
};

/** Commands that parse their own argv (evidence hunting); loaded only when called. */
const EXTERNAL: Record<string, { summary: string; load: () => Promise<CommandHandler> }> = {
  evtx: { summary: 'evtx dump <files|dirs...> --jsonl: read Windows event logs (EVTX) as JSON lines', load: async () => (await import('./commands/evtx.ts')).evtxCommand },
  hunt: { summary: 'hunt <files|dirs...>: run Sigma rules (built-in ransomware pack + --rules DIR) over event logs', load: async () => (await import('./commands/hunt.ts')).huntCommand },
};

export function allCommands(): readonly CommandSpec[] {
  return [...JOURNAL_COMMANDS, ...BOARD_COMMANDS, ...USER_COMMANDS, ...SERVE_COMMANDS, ...COORDINATION_COMMANDS, ...EVIDENCE_COMMANDS];
}

function mainHelp(): string {
  const rows = allCommands().map((c) => `  ${c.name.padEnd(16)} ${c.summary}`);
  const ext = Object.entries(EXTERNAL).map(([n, e]) => `  ${n.padEnd(16)} ${e.summary}`);
  return [
    'crisiscell: the crisis cockpit of a hospital group under cyberattack',
    '',
    'Usage: crisiscell <command> [options]      crisiscell <command> --help',
    '',
    'Commands:',
    ...rows,
    ...ext,
    '',
    'Database: --db FILE, else $CRISISCELL_DB, else ./crisiscell.db (SQLite);',
    '          DATABASE_URL=postgres://... selects PostgreSQL (server mode).',
    'Every command prints text for people; --json prints JSON for programs.',
    'Reports and logbook lines in French or Dutch: --lang fr|nl (or CRISISCELL_LANG). Times: the crisis\'s zone (init --time-zone).',
    'Exit codes: 0 ok, 1 a check failed or the journal moved, 2 bad input, 3 storage unavailable, 4 not allowed,',
    `            ${outcomeToExit['completed-with-unreadable-inputs']} completed but some inputs could not be read (evtx, hunt: listed at the end).`,
  ].join('\n');
}

export function commandHelp(c: CommandSpec): string {
  return [`Usage: crisiscell ${c.usage}`, '', c.summary, ...(c.details ? ['', c.details] : []), '', 'Example:', `  ${c.example}`, '', 'Common options: --db FILE, --json, --lang en|fr|nl (reports and descriptions; default $CRISISCELL_LANG, else en), --help'].join('\n');
}

export async function main(argv: string[], io: CliIo = processIo()): Promise<number> {
  const [first, second] = argv;
  if (first === undefined || first === '--help' || first === '-h' || first === 'help') {
    io.stdout.write(`${mainHelp()}\n`);
    return first === undefined ? 2 : 0;
  }
  if (first === '--version' || first === '-v') {
    io.stdout.write('crisiscell 0.1.0\n');
    return 0;
  }
  const ext = EXTERNAL[first];
  if (ext) {
    let handler: CommandHandler;
    try {
      handler = await ext.load();
    } catch (e) {
      io.stderr.write(`crisiscell: the ${first} command is not available in this build: ${(e as Error).message}\n`);
      return 70;
    }
    return handler(argv.slice(1), io);
  }
  const two = second === undefined ? undefined : `${first} ${second}`;
  const cmd = allCommands().find((c) => c.name === two) ?? allCommands().find((c) => c.name === first);
  if (!cmd) {
    const near = allCommands().filter((c) => c.name.startsWith(first)).map((c) => c.name);
    io.stderr.write(`crisiscell: unknown command "${[first, second].filter(Boolean).join(' ')}"${near.length ? ` (did you mean: ${near.join(', ')}?)` : ''}\nRun crisiscell --help for the list.\n`);
    return 2;
  }
  const rest = argv.slice(cmd.name.split(' ').length);
  let parsed: { values: Values; positionals: string[] };
  try {
    parsed = parseArgs({ args: rest, options: { ...COMMON, ...cmd.options }, allowPositionals: true, strict: true }) as { values: Values; positionals: string[] };
  } catch (e) {
    io.stderr.write(`crisiscell ${cmd.name}: ${(e as Error).message}\n\n${commandHelp(cmd)}\n`);
    return 2;
  }
  if (parsed.values.help === true) {
    io.stdout.write(`${commandHelp(cmd)}\n`);
    return 0;
  }
  const json = parsed.values.json === true;
  const langText = typeof parsed.values.lang === 'string' ? parsed.values.lang : io.env.CRISISCELL_LANG;
  if (langText !== undefined && langText !== '' && !isLang(langText)) {
    io.stderr.write(`crisiscell ${cmd.name}: --lang must be one of ${LANGS.join(', ')}, not "${langText}"\n`);
    return 2;
  }
  const ctx = makeCtx(io, typeof parsed.values.db === 'string' ? parsed.values.db : undefined, json, isLang(langText) ? langText : 'en');
  try {
    return await cmd.run(ctx, parsed.values, parsed.positionals);
  } catch (e) {
    return reportError(io, e, json);
  } finally {
    await ctx.close().catch(() => undefined);
  }
}
