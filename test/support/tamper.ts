// What an attacker with the database file can do to a SQLite journal, for the evidence tests:
// cut the tail, rewrite an entry and re-hash everything after it (a chain alone cannot see either),
// or insert a well-hashed entry whose content is invalid.
import Database from 'better-sqlite3';
import { hashInput } from '../../src/core/journal.ts';
import { sha256 } from '../../src/store/sha256.ts';

interface Row { seq: number; id: string; at: string; actor: string; kind: string; payload: string; prev: string; hash: string }

function open(file: string): Database.Database {
  const db = new Database(file);
  db.exec('DROP TRIGGER IF EXISTS journal_no_update; DROP TRIGGER IF EXISTS journal_no_delete;');
  return db;
}

/** Removes the last `n` entries. */
export function cutTail(file: string, n: number): void {
  const db = open(file);
  db.prepare('DELETE FROM journal WHERE seq > (SELECT max(seq) FROM journal) - ?').run(n);
  db.close();
}

/** Changes entry `seq` with `edit` and re-seals it and every entry after it: the chain verifies again. */
export function rewriteFrom(file: string, seq: number, edit: (payload: Record<string, unknown>) => Record<string, unknown>): void {
  const db = open(file);
  const rows = db.prepare('SELECT * FROM journal WHERE seq >= ? ORDER BY seq').all(seq) as Row[];
  let prev = (db.prepare('SELECT hash FROM journal WHERE seq = ?').get(seq - 1) as { hash: string } | undefined)?.hash ?? '0'.repeat(64);
  const upd = db.prepare('UPDATE journal SET payload = ?, prev = ?, hash = ? WHERE seq = ?');
  for (const r of rows) {
    const payload = r.seq === seq ? edit(JSON.parse(r.payload) as Record<string, unknown>) : (JSON.parse(r.payload) as Record<string, unknown>);
    const hash = sha256(hashInput({ seq: r.seq, id: r.id as never, at: r.at, actor: r.actor, kind: r.kind as never, payload: payload as never, prev }));
    upd.run(JSON.stringify(payload), prev, hash, r.seq);
    prev = hash;
  }
  db.close();
}

/** Appends an entry with a consistent hash and whatever content (an invalid payload, a bad time). */
export function appendRaw(file: string, e: { kind: string; payload: unknown; at?: string; actor?: string }): number {
  const db = open(file);
  const head = db.prepare('SELECT seq, hash FROM journal ORDER BY seq DESC LIMIT 1').get() as { seq: number; hash: string };
  const seq = head.seq + 1;
  const row = { seq, id: `raw-${seq}-${Date.now()}`, at: e.at ?? '2022-05-14T04:00:00+02:00', actor: e.actor ?? 'mallory', kind: e.kind, payload: e.payload, prev: head.hash };
  const hash = sha256(hashInput(row as never));
  db.prepare('INSERT INTO journal (seq, id, at, actor, kind, payload, prev, hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?)').run(seq, row.id, row.at, row.actor, row.kind, JSON.stringify(row.payload), row.prev, hash);
  db.close();
  return seq;
}

/** Changes one column of one entry without re-hashing (breaks the chain there). */
export function alter(file: string, seq: number, payload: unknown): void {
  const db = open(file);
  db.prepare('UPDATE journal SET payload = ? WHERE seq = ?').run(JSON.stringify(payload), seq);
  db.close();
}
