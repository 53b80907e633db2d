/**
 * PDF from HTML with a local Chromium in headless mode, offline: no network flag is left on, the
 * profile is a throw-away directory, and the HTML has no external assets to fetch anyway.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { CrisisError } from '../../core/errors.ts';

const CANDIDATES = ['/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/bin/google-chrome', '/usr/bin/google-chrome-stable', '/snap/bin/chromium'];

/** The Chromium to print with: `CRISISCELL_CHROMIUM`, else the usual install paths; undefined if none. */
export function findChromium(env: Readonly<Record<string, string | undefined>> = process.env): string | undefined {
  const own = env.CRISISCELL_CHROMIUM;
  if (own !== undefined && own !== '') return existsSync(own) ? own : undefined;
  return CANDIDATES.find((p) => existsSync(p));
}

export interface PdfOptions {
  readonly chromium?: string;
  readonly env?: Readonly<Record<string, string | undefined>>;
  /** Give up after this long (default 90 s): a hung browser must not hang the cell's terminal. */
  readonly timeoutMs?: number;
}

/** Prints `html` to a PDF and returns its bytes. Throws `io` with the fix when no Chromium is found. */
export async function htmlToPdf(html: string, opts: PdfOptions = {}): Promise<Buffer> {
  const chromium = opts.chromium ?? findChromium(opts.env);
  if (chromium === undefined) {
    throw new CrisisError(
      'io',
      'cannot make a PDF: no Chromium found. Install it (Debian/Ubuntu: apt-get install -y chromium), or point CRISISCELL_CHROMIUM at a Chrome/Chromium binary, or use --format html and print from a browser.',
    );
  }
  const dir = mkdtempSync(join(tmpdir(), 'cc-pdf-'));
  try {
    const input = join(dir, 'report.html');
    const output = join(dir, 'report.pdf');
    writeFileSync(input, html, 'utf8');
    const args = [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--disable-extensions',
      '--no-pdf-header-footer',
      `--user-data-dir=${join(dir, 'profile')}`,
      `--print-to-pdf=${output}`,
      pathToFileURL(input).href,
    ];
    const { code, stderr } = await run(chromium, args, opts.timeoutMs ?? 90_000);
    if (!existsSync(output)) {
      throw new CrisisError('io', `Chromium (${chromium}) made no PDF (exit ${code}): ${stderr.trim().split('\n').slice(-3).join(' | ')}. Use --format html and print from a browser.`);
    }
    return readFileSync(output);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function run(cmd: string, args: string[], timeoutMs: number): Promise<{ code: number | null; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => {
      if (stderr.length < 20_000) stderr += d.toString('utf8');
    });
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new CrisisError('io', `Chromium did not finish within ${Math.round(timeoutMs / 1000)} s; use --format html and print from a browser`));
    }, timeoutMs);
    child.on('error', (e) => {
      clearTimeout(timer);
      reject(new CrisisError('io', `cannot run ${cmd}: ${e.message}`, { cause: e }));
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stderr });
    });
  });
}
