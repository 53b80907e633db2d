import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { runJournalStoreContract } from '../journal-store.contract.ts';
import { openSqliteStore } from './sqlite-journal-store.ts';

runJournalStoreContract('sqlite', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'cc-sqlite-'));
  const file = join(dir, 'crisis.db');
  const store = openSqliteStore(file, { pollMs: 50 });
  return {
    store,
    openAnother: async () => openSqliteStore(file, { pollMs: 50 }),
    tamper: async (seq, column, value) => {
      const raw = new Database(file);
      raw.exec('DROP TRIGGER journal_no_update');
      raw.prepare(`UPDATE journal SET ${column} = ? WHERE seq = ?`).run(value, seq);
      raw.close();
    },
    rawChange: async (op) => {
      const raw = new Database(file);
      try {
        const sql = { update: `UPDATE journal SET actor = 'someone else' WHERE seq = 1`, delete: 'DELETE FROM journal WHERE seq = (SELECT max(seq) FROM journal)', truncate: 'DELETE FROM journal' }[op];
        raw.prepare(sql).run();
      } finally {
        raw.close();
      }
    },
    cleanup: async () => {
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
});
