// npm run bench -- journal
// Durable appends per second (SQLite, WAL, synchronous=FULL) one at a time and in batches of 100,
// the time to fold 1,000,000 entries into state, and peak RSS. PostgreSQL figures are printed for
// information when a server answers.
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { openSqliteStore } from '../src/store/sqlite/sqlite-journal-store.ts';
import { openPostgresStore } from '../src/store/postgres/postgres-journal-store.ts';
import type { JournalStore } from '../src/core/journal-store.ts';
import type { AnyEntry, EntryDraft } from '../src/core/journal.ts';
import { foldJournal } from '../src/core/state.ts';
import { assetId, entryId, measureId, siteId } from '../src/core/ids.ts';
import { peakRssMb, report } from './report.ts';

const HOSTS = Array.from({ length: 1700 }, (_, i) => assetId(`host-${i}`));

function draftFor(i: number): EntryDraft {
  const id = entryId(randomUUID());
  const at = new Date(Date.UTC(2022, 4, 14, 1, 30) + i * 1000).toISOString();
  if (i % 10 === 0) return { id, at, actor: 'bench', kind: 'log.note', payload: { type: 'fact', text: `observation ${i} from the field` } };
  if (i % 97 === 0) return { id, at, actor: 'bench', kind: i % 2 ? 'measure.applied' : 'measure.lifted', payload: { id: measureId(`link-cut@s${i % 13}`), type: 'link-cut', site: siteId(`s${i % 13}`), reason: 'bench' } } as EntryDraft;
  return {
    id, at, actor: 'bench', kind: 'asset.state',
    payload: { assets: [HOSTS[i % HOSTS.length]!, HOSTS[(i * 7) % HOSTS.length]!], security: i % 3 ? 'suspected' : 'compromised', recovery: i % 2 ? 'isolated' : 'in-service', reason: `bench change ${i}` },
  };
}

async function appendRate(store: JournalStore, total: number, batch: number): Promise<number> {
  let head = (await store.head()).seq;
  const t0 = performance.now();
  for (let i = 0; i < total; i += batch) {
    const drafts = Array.from({ length: Math.min(batch, total - i) }, (_, j) => draftFor(i + j));
    const out = await store.append(drafts, head);
    head = out[out.length - 1]!.seq;
  }
  return total / ((performance.now() - t0) / 1000);
}

function foldRate(n: number): number {
  // Entries share their payloads with a pool of 10,000 realistic drafts, so a million of them fit
  // in ~100 MB; the timing covers the fold only, as after the journal is read from disk.
  const pool: EntryDraft[] = Array.from({ length: 10_000 }, (_, i) => draftFor(i));
  const entries: AnyEntry[] = new Array(n);
  for (let i = 0; i < n; i++) entries[i] = { ...pool[i % pool.length]!, seq: i + 1, prev: '', hash: '' } as AnyEntry;
  globalThis.gc?.();
  const t0 = performance.now();
  const s = foldJournal(entries);
  const ms = performance.now() - t0;
  if (s.lastSeq !== n) throw new Error('fold did not reach the end');
  return n / (ms / 1000);
}

const dir = mkdtempSync(join(process.env.BENCH_DIR ?? process.cwd(), '.bench-journal-'));
try {
  const unbatchedStore = openSqliteStore(join(dir, 'one.db'), { pollMs: 0 });
  const unbatched = await appendRate(unbatchedStore, 2000, 1);
  await unbatchedStore.close();
  const batchedStore = openSqliteStore(join(dir, 'batch.db'), { pollMs: 0 });
  const batched = await appendRate(batchedStore, 50_000, 100);
  await batchedStore.close();
  const fold = foldRate(1_000_000);
  const ok = report('journal (SQLite, WAL, synchronous=FULL, on the disk under ' + dir + ')', [
    { name: 'append, one entry per transaction', measured: unbatched, unit: 'entries/s', op: '>=', target: 500 },
    { name: 'append, batches of 100', measured: batched, unit: 'entries/s', op: '>=', target: 20_000 },
    { name: 'fold 1,000,000 entries into state', measured: fold, unit: 'entries/s', op: '>=', target: 300_000 },
  ]);
  console.log(`  peak RSS of the whole benchmark: ${Math.round(peakRssMb())} MB (no target set)`);
  const url = process.env.CRISISCELL_TEST_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
  try {
    const schema = `cc_bench_${process.pid}`;
    const pg = await openPostgresStore({ connectionString: url, schema });
    try {
      const one = await appendRate(pg, 500, 1);
      const many = await appendRate(pg, 20_000, 100);
      report('journal (PostgreSQL, for information)', [
        { name: 'append, one entry per transaction', measured: one, unit: 'entries/s', op: '>=', target: 500 },
        { name: 'append, batches of 100', measured: many, unit: 'entries/s', op: '>=', target: 20_000 },
      ]);
    } finally {
      await pg.dropForTests();
      await pg.close();
    }
  } catch (e) {
    console.log(`PostgreSQL figures skipped: ${(e as Error).message}`);
  }
  process.exitCode = ok ? 0 : 1;
} finally {
  rmSync(dir, { recursive: true, force: true });
}
