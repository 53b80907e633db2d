// An acknowledged append survives a kill -9 at any moment: a child appends in a loop and is
// killed at random; after each round every acknowledged entry is there, the chain verifies and
// the file opens.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { openSqliteStore } from '../src/store/sqlite/sqlite-journal-store.ts';

const child = fileURLToPath(new URL('./fixtures/append-loop.ts', import.meta.url));
const ROUNDS = 20;

function seeded(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

async function round(db: string, killAfterMs: number): Promise<{ acked: Map<number, string>; exitSignal: string | null }> {
  const p = spawn(process.execPath, ['--import', 'tsx', child, db], { stdio: ['ignore', 'pipe', 'pipe'] });
  const acked = new Map<number, string>();
  let buf = '';
  let stderr = '';
  p.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const ready = new Promise<void>((resolve, reject) => {
    p.stdout.on('data', (d: Buffer) => {
      buf += d.toString();
      let nl: number;
      while ((nl = buf.indexOf('\n')) >= 0) {
        const line = buf.slice(0, nl);
        buf = buf.slice(nl + 1);
        if (line.startsWith('ready')) resolve();
        const m = /^ack (\d+) ([0-9a-f]{64})$/.exec(line);
        if (m) acked.set(Number(m[1]), m[2] ?? '');
      }
    });
    p.on('exit', () => reject(new Error(`child exited before it was ready: ${stderr}`)));
  });
  await ready;
  await new Promise((r) => setTimeout(r, killAfterMs));
  const exited = new Promise<string | null>((r) => p.on('exit', (_code, sig) => r(sig)));
  p.kill('SIGKILL');
  return { acked, exitSignal: await exited };
}

describe('crash safety of the SQLite journal', () => {
  it(`keeps every acknowledged append across ${ROUNDS} kill -9 rounds`, { timeout: 240_000 }, async () => {
    const dir = mkdtempSync(join(tmpdir(), 'cc-crash-'));
    const db = join(dir, 'crash.db');
    const rnd = seeded(20220514);
    let totalAcked = 0;
    try {
      for (let r = 0; r < ROUNDS; r++) {
        const { acked, exitSignal } = await round(db, 20 + Math.floor(rnd() * 300));
        assert.equal(exitSignal, 'SIGKILL', `round ${r}: the child must die by SIGKILL`);
        totalAcked += acked.size;
        const store = openSqliteStore(db, { mustExist: true, pollMs: 0 });
        try {
          const v = await store.verify();
          assert.ok(v.ok, `round ${r}: chain broken: ${JSON.stringify(v)}`);
          const entries = await store.read();
          const bySeq = new Map(entries.map((e) => [e.seq, e.hash]));
          for (const [seq, hash] of acked) assert.equal(bySeq.get(seq), hash, `round ${r}: acknowledged entry ${seq} lost or changed`);
        } finally {
          await store.close();
        }
      }
      assert.ok(totalAcked > ROUNDS, `the child acknowledged only ${totalAcked} appends in ${ROUNDS} rounds`);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
