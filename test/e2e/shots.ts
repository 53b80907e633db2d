// Where the e2e tests put their screenshots: docs/screenshots/ when CRISISCELL_SCREENSHOTS=1 (to
// refresh the pictures in the docs, then look at them), a temporary folder otherwise, so that a
// plain `npm test` never changes tracked files.
import { mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const SHOTS = process.env.CRISISCELL_SCREENSHOTS === '1'
  ? fileURLToPath(new URL('../../docs/screenshots/', import.meta.url))
  : `${join(tmpdir(), 'crisiscell-screenshots')}/`;
mkdirSync(SHOTS, { recursive: true });
