/**
 * Accounts from the terminal: `user add` (the first admin is made here, by whoever holds the
 * database), `user role`, `user disable`, `users`. Passwords never go on the command line (shell
 * history, `ps`): they are typed at a prompt that does not echo, or piped with --password-stdin.
 */
import { createInterface } from 'node:readline';
import { CrisisError } from '../../core/errors.ts';
import { addUser, changeRole, disableUser, listUsers, setPassword } from '../../app/accounts.ts';
import type { Ctx } from '../context.ts';
import type { CommandSpec } from '../spec.ts';
import { str } from '../spec.ts';
import { table } from '../text.ts';

type Stdin = NodeJS.ReadableStream & { isTTY?: boolean; setRawMode?: (on: boolean) => void };

/** CliIo has no stdin; tests hand one in as `io.stdin`. */
function stdinOf(ctx: Ctx): Stdin {
  return (ctx.io as { stdin?: Stdin }).stdin ?? process.stdin;
}

/** First line of stdin, without its line ending. */
async function readStdinLine(input: Stdin): Promise<string> {
  const rl = createInterface({ input, crlfDelay: Infinity });
  try {
    for await (const line of rl) return line;
    return '';
  } finally {
    rl.close();
  }
}

/** Asks on the terminal without echoing what is typed. */
function promptHidden(ctx: Ctx, input: Stdin, question: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const out = ctx.io.stderr;
    out.write(question);
    let value = '';
    input.setRawMode?.(true);
    input.resume();
    const onData = (buf: Buffer | string): void => {
      for (const ch of buf.toString('utf8')) {
        if (ch === '\r' || ch === '\n' || ch === '\u0004') {
          done();
          resolve(value);
          return;
        }
        if (ch === '\u0003') {
          done();
          reject(new CrisisError('invalid-input', 'cancelled'));
          return;
        }
        if (ch === '\u007f' || ch === '\b') value = value.slice(0, -1);
        else value += ch;
      }
    };
    const done = (): void => {
      input.off('data', onData);
      input.setRawMode?.(false);
      input.pause();
      out.write('\n');
    };
    input.on('data', onData);
  });
}

async function readPassword(ctx: Ctx, fromStdin: boolean): Promise<string> {
  const input = stdinOf(ctx);
  if (fromStdin) return readStdinLine(input);
  if (input.isTTY !== true) throw new CrisisError('invalid-input', 'no terminal to ask the password on: pipe it with --password-stdin');
  const a = await promptHidden(ctx, input, 'Password (10 characters or more): ');
  const b = await promptHidden(ctx, input, 'Same password again: ');
  if (a !== b) throw new CrisisError('invalid-input', 'the two passwords differ; nothing was written');
  return a;
}

const ROLE_LIST = 'admin|commander|medical|it|comms|liaison|dpo|observer';

export const USER_COMMANDS: CommandSpec[] = [
  {
    name: 'user add',
    summary: 'add a local account for the web cockpit (the first admin is added here)',
    usage: `user add <name> --role ${ROLE_LIST} [--password-stdin]`,
    details: 'The password is asked twice on the terminal (not echoed), or read from the first line of stdin with --password-stdin.\nAdding a disabled account again re-enables it with the new password. Common and trivial passwords (known ones, keyboard rows, repeats, the name itself) are refused. The hash (argon2id) is kept beside the journal, never in it.',
    example: 'crisiscell user add dr.martin --role medical',
    options: { role: { type: 'string' }, 'password-stdin': { type: 'boolean' } },
    async run(ctx, v, p) {
      const name = p[0];
      if (!name) throw new CrisisError('invalid-input', 'missing the account name');
      const role = str(v, 'role');
      if (!role) throw new CrisisError('invalid-input', `say the role: --role ${ROLE_LIST}`, { details: [{ path: 'role', message: 'required' }] });
      const app = await ctx.openApp();
      const password = await readPassword(ctx, v['password-stdin'] === true);
      const u = await addUser(app, ctx.actor(), { name, role, password });
      if (ctx.json) ctx.printJson(u);
      else ctx.out(`Account ${u.name} (${u.role}) added. Log in at the cockpit: crisiscell serve`);
      return 0;
    },
  },
  {
    name: 'user role',
    summary: "change an account's role (open sessions follow at once)",
    usage: `user role <name> --role ${ROLE_LIST} --reason "..."`,
    example: 'crisiscell user role dr.martin --role commander --reason "takes over command for the night"',
    options: { role: { type: 'string' }, reason: { type: 'string' } },
    async run(ctx, v, p) {
      const app = await ctx.openApp();
      const u = await changeRole(app, ctx.actor(), (p[0] ?? '').toLowerCase(), { role: str(v, 'role'), reason: str(v, 'reason') ?? '' });
      if (ctx.json) ctx.printJson(u);
      else ctx.out(`${u.name} is now ${u.role}.`);
      return 0;
    },
  },
  {
    name: 'user password',
    summary: "set a new password for an account (its open sessions end on every server)",
    usage: 'user password <name> [--password-stdin] [--reason "..."]',
    details: 'Asked twice on the terminal (not echoed), or read from the first line of stdin with --password-stdin.\nCommon and trivial passwords are refused. The logbook records that the password changed, never the password or its hash.',
    example: 'crisiscell user password dr.martin --reason "forgotten at the night shift"',
    options: { 'password-stdin': { type: 'boolean' }, reason: { type: 'string' } },
    async run(ctx, v, p) {
      const name = (p[0] ?? '').toLowerCase();
      if (!name) throw new CrisisError('invalid-input', 'missing the account name');
      const app = await ctx.openApp();
      const password = await readPassword(ctx, v['password-stdin'] === true);
      const u = await setPassword(app, ctx.actor(), name, { password, reason: str(v, 'reason') });
      if (ctx.json) ctx.printJson(u);
      else ctx.out(`New password set for ${u.name}; its open sessions are ended.`);
      return 0;
    },
  },
  {
    name: 'user disable',
    summary: 'disable an account (its sessions end at once)',
    usage: 'user disable <name> --reason "..."',
    example: 'crisiscell user disable temp.consultant --reason "mission ended"',
    options: { reason: { type: 'string' } },
    async run(ctx, v, p) {
      const app = await ctx.openApp();
      const u = await disableUser(app, ctx.actor(), (p[0] ?? '').toLowerCase(), { reason: str(v, 'reason') ?? '' });
      if (ctx.json) ctx.printJson(u);
      else ctx.out(`${u.name} is disabled.`);
      return 0;
    },
  },
  {
    name: 'users',
    summary: 'list the accounts and their roles',
    usage: 'users [--json]',
    example: 'crisiscell users',
    options: {},
    async run(ctx) {
      const app = await ctx.openApp();
      const users = listUsers(app);
      if (ctx.json) ctx.printJson(users);
      else {
        ctx.out(table(['NAME', 'ROLE', 'STATE', 'ADDED', 'BY'], users.map((u) => [u.name, u.role, u.disabled ? 'disabled' : 'enabled', u.addedAt, u.addedBy])));
        ctx.out(`${users.length} account(s)`);
      }
      return 0;
    },
  },
];
