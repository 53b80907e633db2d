#!/usr/bin/env node
// The `crisiscell` command. The sources are TypeScript run through tsx, so there is no build step
// to forget after a `git pull`.
import { register } from 'tsx/esm/api';

// `crisiscell log | head` closes the pipe early: that is the reader's choice, not an error.
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (e) => {
    if (e && e.code === 'EPIPE') process.exit(process.exitCode ?? 0);
    throw e;
  });
}

register();
const { main } = await import('../src/cli/main.ts');
process.exitCode = await main(process.argv.slice(2));
